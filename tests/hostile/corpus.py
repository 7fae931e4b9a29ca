"""A hostile-input corpus, generated (never committed as binaries): bombs with patched headers,
truncated files of every format, odd TIFF layouts, special files and hostile names.

    python -m tests.hostile.corpus DIR      # writes the corpus into DIR and lists it

Doctored records are made by `tests/hostile/records.py` from a real restore. Every file here is
small: a bomb declares gigapixels in a header of a few hundred bytes.
"""

from __future__ import annotations

import io
import os
import socket
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image

HEIGHT, WIDTH = 24, 32


@dataclass(frozen=True)
class Case:
    """One hostile input: `name` as it lies in the corpus folder, `group` for the counts, and
    whether a command may legitimately succeed with it (a good photo in an odd spelling)."""

    name: str
    group: str
    loadable: bool = False

    def path(self, folder: Path) -> Path:
        return folder / os.fsdecode(self.name)


def photo(height: int = HEIGHT, width: int = WIDTH, channels: int = 3, dtype: type = np.uint8) -> np.ndarray:
    """A smooth test photo (gradients and a disc), so fills and metrics are meaningful."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    disc = ((x - width / 2) ** 2 + (y - height / 2) ** 2 < 60).astype(np.float32)
    ramp_x, ramp_y, opaque = x / max(width - 1, 1), y / max(height - 1, 1), np.ones_like(x)
    planes = {1: [ramp_x], 2: [ramp_x, opaque], 3: [ramp_x, ramp_y, disc], 4: [ramp_x, ramp_y, disc, opaque]}
    values = np.stack(planes[channels], axis=-1) if channels > 1 else ramp_x
    if dtype == np.float32:
        return values.astype(np.float32)
    return np.round(values * np.iinfo(dtype).max).astype(dtype)


def mask(height: int = HEIGHT, width: int = WIDTH) -> np.ndarray:
    bits = np.zeros((height, width), np.uint8)
    bits[height // 3 : height // 2, width // 3 : width // 2] = 255
    return bits


def encode(pixels: np.ndarray, kind: str, **options: object) -> bytes:
    """Bytes of `pixels` in `kind` (PNG 16-bit through OpenCV, the rest through Pillow)."""
    if kind == "png" and pixels.dtype == np.uint16:
        import cv2

        ok, data = cv2.imencode(".png", pixels[..., ::-1] if pixels.ndim == 3 else pixels)
        assert ok
        return data.tobytes()
    if kind == "tiff":
        buffer = io.BytesIO()
        tifffile.imwrite(buffer, pixels, **options)  # type: ignore[arg-type]
        return buffer.getvalue()
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "bmp": "BMP"}[kind], **options
    )
    return buffer.getvalue()


# -- bombs: a few hundred bytes declaring gigapixels ------------------------------------------
def png_bomb(depth16: bool = False) -> bytes:
    data = bytearray(encode(photo(8, 8, dtype=np.uint16 if depth16 else np.uint8), "png"))
    data[16:24] = struct.pack(">II", 40000, 40000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # a valid IHDR: only the size lies
    return bytes(data)


def tiff_bomb() -> bytes:
    """A deflate TIFF whose header declares 40000x40000 (1.6 GB decoded)."""
    return _patch_tiff_tags(encode(photo(8, 8, 1), "tiff", compression="zlib"), {256: 40000, 257: 40000})


def tiff_strip_bomb() -> bytes:
    """A 64x64 TIFF whose one deflate strip inflates to 64 MB: its header tells no lie about size."""
    data = bytearray(encode(photo(64, 64, 1), "tiff", compression="zlib", rowsperstrip=64))
    payload = zlib.compress(bytes(64 << 20), 9)
    offset = len(data)
    data += payload
    return _patch_tiff_tags(bytes(data), {273: offset, 279: len(payload)})


def _patch_tiff_tags(data: bytes, values: dict[int, int]) -> bytes:
    out = bytearray(data)
    with tifffile.TiffFile(io.BytesIO(data)) as tif:
        for code, value in values.items():
            tag = tif.pages.first.tags[code]
            fmt = "<H" if tag.dtype == 3 else "<I"
            out[tag.valueoffset : tag.valueoffset + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return bytes(out)


def jpeg_bomb() -> bytes:
    data = bytearray(encode(photo(8, 8), "jpeg"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def webp_bomb() -> bytes:
    data = bytearray(encode(photo(8, 8), "webp", lossless=True))
    at = data.index(b"VP8L") + 8  # signature byte, then 14 bits width-1, 14 bits height-1
    bits = int.from_bytes(data[at + 1 : at + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | 16383 | (16383 << 14)
    data[at + 1 : at + 5] = bits.to_bytes(4, "little")
    return bytes(data)


def bmp_bomb() -> bytes:
    data = bytearray(encode(photo(8, 8), "bmp"))
    data[18:26] = struct.pack("<ii", 40000, 40000)
    return bytes(data)


# -- the corpus ---------------------------------------------------------------------------------
def _files() -> dict[str, tuple[str, bool, Callable[[], bytes]]]:
    rgb, rgb16, gray = photo(), photo(dtype=np.uint16), photo(channels=1)
    files: dict[str, tuple[str, bool, Callable[[], bytes]]] = {
        "ok.png": ("good", True, lambda: encode(rgb, "png")),
        "ok16.tif": ("good", True, lambda: encode(rgb16, "tiff", photometric="rgb")),
        "okgray16.png": ("good", True, lambda: encode(photo(channels=1, dtype=np.uint16), "png")),
        "okrgba.png": ("good", True, lambda: encode(photo(channels=4), "png")),
        "okfloat.tif": ("good", True, lambda: encode(photo(dtype=np.float32), "tiff", photometric="rgb")),
        "ok.jpg": ("good", True, lambda: encode(rgb, "jpeg", quality=95)),
        "ok.webp": ("good", True, lambda: encode(rgb, "webp", lossless=True)),
        "ok.bmp": ("good", True, lambda: encode(rgb, "bmp")),
        "one-pixel.png": ("tiny", True, lambda: encode(photo(1, 1), "png")),
        "one-row.png": ("tiny", True, lambda: encode(photo(1, WIDTH), "png")),
        "one-column.png": ("tiny", True, lambda: encode(photo(HEIGHT, 1), "png")),
        "bomb.png": ("bomb", False, png_bomb),
        "bomb16.png": ("bomb", False, lambda: png_bomb(depth16=True)),
        "bomb.tif": ("bomb", False, tiff_bomb),
        "strip-bomb.tif": ("bomb", False, tiff_strip_bomb),
        "bomb.jpg": ("bomb", False, jpeg_bomb),
        "bomb.webp": ("bomb", False, webp_bomb),
        "bomb.bmp": ("bomb", False, bmp_bomb),
        "empty.png": ("truncated", False, lambda: b""),
        "not-an-image.png": ("truncated", False, lambda: b"GIF89a" + bytes(40)),
    }
    good = {
        "png": encode(rgb, "png"),
        "png16": encode(rgb16, "png"),
        "jpeg": encode(rgb, "jpeg"),
        "webp": encode(rgb, "webp", lossless=True),
        "bmp": encode(rgb, "bmp"),
        "tiff": encode(rgb, "tiff", photometric="rgb"),
        "tiffzip": encode(rgb, "tiff", photometric="rgb", compression="zlib"),
    }
    for kind, data in good.items():
        for cut, keep in (("half", len(data) // 2), ("head", 40)):
            files[f"cut-{cut}-{kind}.img"] = ("truncated", False, lambda d=data, k=keep: d[:k])
    layouts: dict[str, tuple[bool, Callable[[], bytes]]] = {
        "pages.tif": (False, lambda: _pages(rgb, rgb[:12, :16])),
        "volume.tif": (False, lambda: encode(np.stack([gray] * 3), "tiff", photometric="minisblack")),
        "planar-rgb.tif": (
            True,
            lambda: encode(np.moveaxis(rgb, -1, 0), "tiff", photometric="rgb", planarconfig="separate"),
        ),
        "five-channel.tif": (
            False,
            lambda: _zeros((HEIGHT, WIDTH, 5), photometric="minisblack", planarconfig="contig"),
        ),
        "five-planar.tif": (
            False,
            lambda: _zeros((5, HEIGHT, WIDTH), photometric="minisblack", planarconfig="separate"),
        ),
        "rgb-two-extra.tif": (
            False,
            lambda: _zeros((HEIGHT, WIDTH, 5), photometric="rgb", extrasamples=("unspecified",) * 2),
        ),
        "cmyk.tif": (
            False,
            lambda: encode(np.zeros((HEIGHT, WIDTH, 4), np.uint8), "tiff", photometric="separated"),
        ),
        "int32.tif": (False, lambda: encode(np.zeros((HEIGHT, WIDTH), np.int32), "tiff")),
        "float64.tif": (
            False,
            lambda: encode(photo(channels=1, dtype=np.float32).astype(np.float64), "tiff"),
        ),
        "tiled.tif": (True, lambda: encode(photo(32, 32), "tiff", photometric="rgb", tile=(16, 16))),
        "miniswhite.tif": (True, lambda: encode(gray, "tiff", photometric="miniswhite")),
        "thumbnail.tif": (True, lambda: _pages(rgb, rgb[:12, :16], subfiletype=1)),
        "lzw.tif": (False, lambda: _pillow_tiff(rgb, "tiff_lzw")),
    }
    for name, (ok, make) in layouts.items():
        files[name] = ("tiff layout", ok, make)
    hostile_names = {
        "new\nline.png": True,
        b"not-utf8-\xff.png": True,
        "-looks-like-an-option.png": True,
        "x" * 240 + ".png": True,
        "spaced and ünïcode ☃.png": True,
    }
    for name, ok in hostile_names.items():
        files[os.fsdecode(name) if isinstance(name, bytes) else name] = (
            "name",
            ok,
            lambda: encode(rgb, "png"),
        )
    return files


def _zeros(shape: tuple[int, ...], **options: object) -> bytes:
    return encode(np.zeros(shape, np.uint8), "tiff", **options)


def _pages(first: np.ndarray, second: np.ndarray, subfiletype: int = 0) -> bytes:
    buffer = io.BytesIO()
    with tifffile.TiffWriter(buffer) as tif:
        tif.write(first, photometric="rgb")
        tif.write(second, photometric="rgb", subfiletype=subfiletype)
    return buffer.getvalue()


def _pillow_tiff(pixels: np.ndarray, compression: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "TIFF", compression=compression)
    return buffer.getvalue()


def build(folder: Path) -> list[Case]:
    """Write the corpus into `folder` (which must exist); return its cases."""
    cases = []
    for name, (group, ok, make) in _files().items():
        (folder / name).write_bytes(make())
        cases.append(Case(name, group, ok))
    return cases + _special_files(folder)


def _special_files(folder: Path) -> list[Case]:
    os.mkfifo(folder / "fifo.png")
    (folder / "a-folder.png").mkdir()
    os.symlink("loop-b.png", folder / "loop-a.png")
    os.symlink("loop-a.png", folder / "loop-b.png")
    os.symlink("nowhere.png", folder / "dangling.png")
    os.symlink(os.devnull, folder / "device.png")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.png"))
    server.close()  # the socket file stays
    names = [
        "fifo.png",
        "a-folder.png",
        "loop-a.png",
        "dangling.png",
        "device.png",
        "socket.png",
        "missing.png",
    ]
    return [Case(name, "special") for name in names]


def argument(case: Case, folder: Path) -> str:
    """The case as a command-line argument (a name starting with '-' is spelled with its folder)."""
    return str(case.path(folder))


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("hostile-corpus")
    folder.mkdir(parents=True, exist_ok=True)
    for case in build(folder):
        print(f"{case.group:12} {case.name!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
