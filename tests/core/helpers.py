"""Small builders for test photos and masks."""

from __future__ import annotations

import numpy as np
import skimage.data

from tratteggio.core import Mask


def coffee() -> np.ndarray:
    return skimage.data.coffee()


def crack_mask(height: int, width: int, seed: int = 0, count: int = 3) -> Mask:
    import cv2

    rng = np.random.default_rng(seed)
    bits = np.zeros((height, width), np.uint8)
    for _ in range(count):
        pts = rng.integers(0, [width, height], size=(4, 2)).astype(np.int32)
        cv2.polylines(bits, [pts], False, 1, thickness=int(rng.integers(1, 4)))
    return Mask(bits.astype(bool))


def square_mask(height: int, width: int, x: int, y: int, size: int) -> Mask:
    bits = np.zeros((height, width), bool)
    bits[y : y + size, x : x + size] = True
    return Mask(bits)
