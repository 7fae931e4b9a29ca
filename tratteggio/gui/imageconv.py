"""The one place where numpy pixels become QImages (and nothing else converts them)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def to_qimage(pixels: np.ndarray) -> QImage:
    """Any photo pixels (gray/RGB/RGBA, 8/16-bit/float) as an RGB888 QImage owning its memory."""
    from tratteggio.core.pipeline.layers import rgb8

    rgb = np.ascontiguousarray(rgb8(pixels))
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer


def mask_overlay(bits: np.ndarray, rgba: tuple[int, int, int, int]) -> QImage:
    """A translucent ARGB32 image: `rgba` where `bits` is set, transparent elsewhere."""
    height, width = bits.shape
    argb = np.zeros((height, width, 4), np.uint8)
    r, g, b, a = premultiplied(rgba)
    argb[bits] = (b, g, r, a)  # premultiplied ARGB32 is BGRA in memory on little-endian machines
    image = QImage(argb.data, width, height, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
    return image.copy()


MASK_COLORS = ((230, 40, 60), (40, 200, 230), (230, 60, 220), (120, 230, 40), (250, 160, 20))


def contrast_color(rgb8: np.ndarray, alpha: int = 130) -> tuple[int, int, int, int]:
    """Of a few saturated colours, the one farthest from the photo's typical colours: red shows
    poorly on a red-brown fresco, cyan poorly on sky. `rgb8` is a display proxy (H, W, 3)."""
    sample = rgb8.reshape(-1, 3)[:: max(1, rgb8.shape[0] * rgb8.shape[1] // 20_000)].astype(np.float32)
    if sample.size == 0:
        return (*MASK_COLORS[0], alpha)
    scores = [
        np.percentile(np.linalg.norm(sample - np.array(c, np.float32), axis=1), 10) for c in MASK_COLORS
    ]
    r, g, b = MASK_COLORS[int(np.argmax(scores))]
    return (r, g, b, alpha)


def premultiplied(rgba: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    r, g, b, a = rgba
    return (r * a // 255, g * a // 255, b * a // 255, a)
