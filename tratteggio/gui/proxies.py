"""Downsampled display proxies of the photo and the mask, updated only where something changed.

A 50 MP 16-bit master is shown zoomed out through an 8-bit proxy of at most PROXY_SIDE pixels;
zoomed in past the proxy's resolution, the canvas reads the visible part of the full image instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QImage

from tratteggio.core.geometry import Box

PROXY_SIDE = 4096


def proxy_scale(height: int, width: int) -> float:
    return min(1.0, PROXY_SIDE / max(height, width))


class Proxy:
    """A numpy buffer and a QImage sharing its memory, at `scale` of the photo."""

    def __init__(self, height: int, width: int, channels: int, fmt: QImage.Format) -> None:
        self.scale = proxy_scale(height, width)
        self.full = (height, width)
        self.height = max(1, round(height * self.scale))
        self.width = max(1, round(width * self.scale))
        self.buffer = np.zeros((self.height, self.width, channels), np.uint8)
        self.image = QImage(self.buffer.data, self.width, self.height, channels * self.width, fmt)

    def region(self, box: Box) -> tuple[Box, Box]:
        """The proxy box covering `box`, and the photo box that proxy box samples."""
        s = self.scale
        px0, py0 = math.floor(box.x0 * s), math.floor(box.y0 * s)
        px1, py1 = min(self.width, math.ceil(box.x1 * s)), min(self.height, math.ceil(box.y1 * s))
        height, width = self.full
        photo = Box(
            min(width - 1, math.floor(px0 / s)),
            min(height - 1, math.floor(py0 / s)),
            min(width, math.ceil(px1 / s)),
            min(height, math.ceil(py1 / s)),
        )
        return Box(px0, py0, max(px0 + 1, px1), max(py0 + 1, py1)), photo


def _resized(values: np.ndarray, width: int, height: int) -> np.ndarray:
    import cv2

    if values.shape[1] == width and values.shape[0] == height:
        return values
    return cv2.resize(values, (width, height), interpolation=cv2.INTER_AREA)


class PhotoProxy(Proxy):
    def __init__(self, pixels: np.ndarray) -> None:
        super().__init__(pixels.shape[0], pixels.shape[1], 3, QImage.Format.Format_RGB888)
        self.update(pixels, Box(0, 0, pixels.shape[1], pixels.shape[0]))

    def update(self, pixels: np.ndarray, box: Box) -> None:
        self.update_from(lambda b: pixels[b.slices], box)

    def update_from(self, region: Callable[[Box], np.ndarray], box: Box) -> None:
        """Redraw the proxy over `box` from `region(photo_box)`, the photo's pixels in that box."""
        from tratteggio.core.pipeline.layers import rgb8

        target, source = self.region(box)
        crop = np.ascontiguousarray(region(source))
        shrunk = _resized(crop, target.width, target.height)  # shrink before converting: 50 MP stays cheap
        if shrunk.ndim < crop.ndim:
            shrunk = shrunk[:, :, None]
        self.buffer[target.slices] = rgb8(shrunk)


RGBA = tuple[int, int, int, int]
STRIPE = 4  # proxy pixels per band of a hatched proxy


class MaskProxy(Proxy):
    def __init__(
        self, bits: np.ndarray, rgba: RGBA, box: Box | None = None, hatch: RGBA | None = None
    ) -> None:
        """The proxy of `bits`, drawn within `box` only when given (the caller knows the rest is
        empty: a few ms instead of a whole 10 MP pass). With `hatch`, diagonal bands alternate
        `rgba` and `hatch`: a pattern no solid mask colour can be mistaken for."""
        super().__init__(bits.shape[0], bits.shape[1], 4, QImage.Format.Format_ARGB32_Premultiplied)
        self.rgba, self.hatch = rgba, hatch
        self.update(bits, box or Box(0, 0, bits.shape[1], bits.shape[0]))

    def set_color(self, bits: np.ndarray, rgba: tuple[int, int, int, int]) -> None:
        self.rgba = rgba
        self.update(bits, Box(0, 0, bits.shape[1], bits.shape[0]))

    def update(self, bits: np.ndarray, box: Box) -> None:
        target, source = self.region(box)
        if not bits[source.slices].any():  # a new photo's empty mask: 0.13 s less on opening 50 MP
            self.buffer[target.slices] = 0
            return
        coverage = _resized(bits[source.slices].view(np.uint8) * np.uint8(255), target.width, target.height)
        r, g, b, a = self._colors(target)
        alpha = (coverage.astype(np.uint16) * a // 255).astype(np.uint16)
        out = self.buffer[target.slices]
        out[..., 0] = (alpha * b // 255).astype(np.uint8)
        out[..., 1] = (alpha * g // 255).astype(np.uint8)
        out[..., 2] = (alpha * r // 255).astype(np.uint8)
        out[..., 3] = alpha.astype(np.uint8)

    def _colors(self, target: Box) -> tuple[np.ndarray | int, ...]:
        """Each channel, one value or (hatched) a plane of diagonal bands in proxy coordinates."""
        if self.hatch is None:
            return self.rgba
        ys = np.arange(target.y0, target.y1, dtype=np.int32)[:, None]
        xs = np.arange(target.x0, target.x1, dtype=np.int32)[None, :]
        band = ((xs + ys) // STRIPE) % 2 == 0
        return tuple(
            np.where(band, one, two).astype(np.uint16) for one, two in zip(self.rgba, self.hatch, strict=True)
        )
