"""Add iCCP (colour profile) and iTXt (XMP) chunks to a PNG that OpenCV encoded.

OpenCV writes 16-bit PNG, which Pillow cannot; it writes no metadata, which we add here.
"""

from __future__ import annotations

import struct
import zlib

XMP_KEYWORD = b"XML:com.adobe.xmp"


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def iccp_chunk(profile: bytes, name: bytes = b"ICC profile") -> bytes:
    return chunk(b"iCCP", name + b"\x00\x00" + zlib.compress(profile, 9))


def xmp_chunk(xmp: bytes) -> bytes:
    return chunk(b"iTXt", XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + xmp)


def insert_after_ihdr(png: bytes, extra: bytes) -> bytes:
    """Insert chunks right after IHDR (iCCP must precede PLTE and IDAT)."""
    ihdr_end = 8 + 4 + 4 + 13 + 4
    if png[12:16] != b"IHDR":
        raise ValueError("not a PNG stream")
    return png[:ihdr_end] + extra + png[ihdr_end:]
