"""Decode one IIIF tile, checked: its header's size must be the region asked for (a server that
lies about its size is caught before any pixel is decoded), its bytes bounded."""

from __future__ import annotations

import io

import numpy as np

from tratteggio.core.iiif.service import IIIFError, Tile


def tile_limit(tile: Tile) -> int:
    """The most bytes a tile of this region may take: 4 channels of 16 bits, and room for headers."""
    return tile.width * tile.height * 8 + (1 << 20)


def decode_tile(data: bytes, tile: Tile, url: str) -> np.ndarray:
    import cv2
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise IIIFError(f"{url}: not an image (truncated or corrupt tile)") from None
    if size != (tile.width, tile.height):
        raise IIIFError(
            f"{url}: the server sent {size[0]}x{size[1]} pixels for a {tile.width}x{tile.height} region; "
            "it does not serve the size it declares"
        )
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.shape[:2] != (tile.height, tile.width):
        raise IIIFError(f"{url}: the tile cannot be decoded (truncated or corrupt)")
    # OpenCV's channel swap, not numpy's strided copy: 0.05 ms a 512-px tile against 1.4 ms
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        return cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_BGRA2RGBA)
    return pixels
