"""Colour fidelity: CIEDE2000 between a revived photo and the original, and the simple methods a
revival has to beat (doing nothing, gray world, per-channel auto levels, CLAHE)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tratteggio.core.photo import color_view, dtype_max

Anchor = Callable[[np.ndarray], np.ndarray]  # float32 RGB 0..1 in, the same out


@dataclass(frozen=True)
class DeltaE:
    median: float
    p95: float


def unit_rgb(pixels: np.ndarray) -> np.ndarray:
    """Any photo's colour as float32 RGB in 0..1 (gray repeated)."""
    values = color_view(pixels).astype(np.float32) / np.float32(dtype_max(pixels.dtype))
    return np.repeat(values[:, :, None], 3, axis=2) if values.ndim == 2 else values


def delta_e(a: np.ndarray, b: np.ndarray, max_pixels: int = 400_000) -> DeltaE:
    """CIEDE2000 between two photos' colours (sRGB assumed), median and 95th percentile.

    Large photos are compared on an even subsample of about `max_pixels` pixels.
    """
    from skimage.color import deltaE_ciede2000, rgb2lab

    ua, ub = unit_rgb(a), unit_rgb(b)
    step = max(1, int(np.ceil(np.sqrt(ua.shape[0] * ua.shape[1] / max_pixels))))
    ua, ub = ua[::step, ::step], ub[::step, ::step]
    values = deltaE_ciede2000(rgb2lab(ua.astype(np.float64)), rgb2lab(ub.astype(np.float64)))
    return DeltaE(float(np.median(values)), float(np.percentile(values, 95)))


def nothing(rgb: np.ndarray) -> np.ndarray:
    return rgb


def gray_world(rgb: np.ndarray) -> np.ndarray:
    """Scale each channel so that its mean is the mean of all three."""
    means = rgb.reshape(-1, 3).mean(axis=0)
    return np.clip(rgb * (means.mean() / np.maximum(means, 1e-6)), 0.0, 1.0)


def auto_levels(rgb: np.ndarray, clip: float = 0.5) -> np.ndarray:
    """Stretch each channel so that `clip` percent of its pixels saturate at each end."""
    flat = rgb.reshape(-1, 3)
    low = np.percentile(flat, clip, axis=0)
    high = np.percentile(flat, 100.0 - clip, axis=0)
    return np.clip((rgb - low) / np.maximum(high - low, 1e-6), 0.0, 1.0)


def clahe(rgb: np.ndarray) -> np.ndarray:
    """OpenCV's contrast-limited adaptive histogram equalisation of CIELAB lightness (clip 2, 8x8)."""
    import cv2

    lab = cv2.cvtColor(rgb.astype(np.float32), cv2.COLOR_RGB2Lab)
    light = np.clip(np.rint(lab[..., 0] * 2.55), 0, 255).astype(np.uint8)
    equalised = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(light)
    lab[..., 0] = equalised.astype(np.float32) / 2.55
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0)


ANCHORS: dict[str, Anchor] = {
    "nothing": nothing,
    "gray world": gray_world,
    "auto levels": auto_levels,
    "CLAHE": clahe,
}
