"""Photos in core: numpy pixels plus the metadata that must survive a round trip (ICC profile)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SUPPORTED_DTYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.float32))


@dataclass(frozen=True, eq=False)
class Photo:
    """An upright photo.

    `pixels` is (H, W) for grayscale or (H, W, C) with C in 2 (gray + alpha), 3 (RGB) or 4 (RGBA),
    of dtype uint8, uint16 or float32 (0..1). Channel order is RGB(A). The alpha channel, when there
    is one, is carried through every operation untouched.
    """

    pixels: np.ndarray
    icc_profile: bytes | None = None
    source: Path | None = None
    sha256: str | None = None  # of the bytes decoded from `source`, hashed as they were read

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def shape2d(self) -> tuple[int, int]:
        return self.height, self.width

    @property
    def channels(self) -> int:
        return 1 if self.pixels.ndim == 2 else int(self.pixels.shape[2])

    @property
    def has_alpha(self) -> bool:
        return self.channels in (2, 4)

    @property
    def color_channels(self) -> int:
        return self.channels - 1 if self.has_alpha else self.channels

    @property
    def bit_depth(self) -> int:
        return self.pixels.dtype.itemsize * 8

    @property
    def color(self) -> np.ndarray:
        """The colour channels as a view: (H, W) for grayscale, (H, W, 3) for RGB."""
        return color_view(self.pixels)

    def describe(self) -> str:
        kind = {1: "gray", 2: "gray+alpha", 3: "RGB", 4: "RGBA"}[self.channels]
        return f"{self.width}x{self.height} {kind} {self.bit_depth}-bit"


def color_view(pixels: np.ndarray) -> np.ndarray:
    """The colour channels of (H, W[, C]) pixels as a view, without the alpha channel."""
    if pixels.ndim == 2:
        return pixels
    channels = pixels.shape[2]
    if channels == 1:
        return pixels[:, :, 0]
    if channels == 2:
        return pixels[:, :, 0]
    if channels == 4:
        return pixels[:, :, :3]
    return pixels


def dtype_max(dtype: np.dtype) -> float:
    """The value of full white for a supported dtype."""
    if dtype == np.uint8:
        return 255.0
    if dtype == np.uint16:
        return 65535.0
    return 1.0


def to_dtype(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Round and clip float values (in `dtype`'s own scale) into `dtype`."""
    if np.dtype(dtype).kind == "f":
        return values.astype(dtype)
    top = dtype_max(np.dtype(dtype))
    return np.clip(np.rint(values), 0, top).astype(dtype)
