"""Arrays in and out of a project: mask tiles packed one bit per pixel, patches at the master's bit
depth, both zlib-compressed. Everything is plain bytes and JSON, never pickle.

Every blob is inflated to exactly the size its row declares and never further (`inflate`): a few KB
that would inflate to gigabytes are refused after at most the declared size plus one byte."""

from __future__ import annotations

import json
import zlib
from typing import Any

import numpy as np

from tratteggio.core.errors import ProjectError
from tratteggio.core.geometry import Box

TILE = 512  # mask tile side: a brush stroke touches a few tiles, a save writes only those
LEVEL = 1  # zlib level: masks and patches compress well at the fastest level


def tile_box(ty: int, tx: int, height: int, width: int) -> Box:
    return Box(tx * TILE, ty * TILE, min(width, (tx + 1) * TILE), min(height, (ty + 1) * TILE))


def tiles_of(box: Box) -> list[tuple[int, int]]:
    """The (row, column) tiles a box touches."""
    return [
        (ty, tx)
        for ty in range(box.y0 // TILE, (box.y1 - 1) // TILE + 1)
        for tx in range(box.x0 // TILE, (box.x1 - 1) // TILE + 1)
    ]


def pack_bits(bits: np.ndarray) -> bytes:
    return zlib.compress(np.packbits(bits).tobytes(), LEVEL)


def inflate(data: bytes, expected: int, what: str) -> bytes:
    """`data` inflated, which must give exactly `expected` bytes; ProjectError otherwise, having
    inflated at most `expected` + 1 bytes."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, expected + 1)
    except zlib.error as exc:
        raise ProjectError(f"{what} in the project is damaged ({exc})") from None
    if len(out) > expected or inflater.unconsumed_tail:
        raise ProjectError(f"{what} in the project inflates past the {expected:,} bytes it declares")
    if len(out) < expected or not inflater.eof:
        raise ProjectError(
            f"{what} in the project is damaged (shorter than the {expected:,} bytes it declares)"
        )
    return out


def bits_bytes(shape: tuple[int, int]) -> int:
    return (shape[0] * shape[1] + 7) // 8


def unpack_bits(data: bytes, shape: tuple[int, int]) -> np.ndarray:
    if min(shape) < 0:
        raise ProjectError(f"a mask in the project has a negative size {shape}")
    flat = np.frombuffer(inflate(data, bits_bytes(shape), "a mask"), np.uint8)
    return np.unpackbits(flat, count=shape[0] * shape[1]).reshape(shape).astype(bool)


def pack_array(values: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(values).tobytes(), LEVEL)


def unpack_array(data: bytes, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype not in ("uint8", "uint16", "float32"):
        raise ProjectError(f"the project holds pixels of an unknown type '{dtype}'")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ProjectError(f"pixels in the project have an impossible shape {list(shape)}")
    expected = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    flat = np.frombuffer(inflate(data, expected, "pixels"), np.dtype(dtype))
    return flat.reshape(shape).copy()


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"the project's {what} is damaged ({exc})") from None
    except RecursionError:
        raise ProjectError(f"the project's {what} is damaged (nested too deeply)") from None
