"""Fidelity of a restoration against the truth: PSNR, SSIM and mean absolute error, in the mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tratteggio.core.photo import color_view, dtype_max


@dataclass(frozen=True)
class Fidelity:
    psnr_mask: float  # dB, inside the damage mask
    ssim_mask: float  # mean SSIM over the mask's pixels
    mae_mask: float  # mean absolute error inside the mask, in 8-bit levels (0..255)
    psnr_whole: float  # dB over the whole photo
    changed_outside: int  # pixels that differ from the damaged input outside the effective mask


def _unit(pixels: np.ndarray) -> np.ndarray:
    values = color_view(pixels).astype(np.float64) / dtype_max(pixels.dtype)
    return values if values.ndim == 3 else values[:, :, None]


def psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray | None = None) -> float:
    """PSNR in dB of two images of the same dtype, optionally only where `where` is True."""
    diff = _unit(a) - _unit(b)
    if where is not None:
        diff = diff[where]
    mse = float(np.mean(diff**2)) if diff.size else 0.0
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def ssim_in(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    ua, ub = _unit(a), _unit(b)
    _, full = structural_similarity(ua, ub, channel_axis=2, data_range=1.0, full=True)
    return float(full.mean(axis=2)[where].mean()) if where.any() else 1.0


def mae_in(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    return float(np.abs(_unit(a) - _unit(b))[where].mean() * 255.0) if where.any() else 0.0


def fidelity(
    restored: np.ndarray, truth: np.ndarray, damaged: np.ndarray, mask: np.ndarray, effective: np.ndarray
) -> Fidelity:
    outside = ~effective
    differs = color_view(restored) != color_view(damaged)
    differs = differs if differs.ndim == 2 else differs.any(axis=2)
    return Fidelity(
        psnr_mask=psnr(restored, truth, mask),
        ssim_mask=ssim_in(restored, truth, mask),
        mae_mask=mae_in(restored, truth, mask),
        psnr_whole=psnr(restored, truth),
        changed_outside=int(np.count_nonzero(differs & outside)),
    )


TEXTURE_MIN_WIDTH = 48  # px: a loss this wide across (its widest inscribed disc) or more is scored
TEXTURE_RING = 16  # px: the ring of known pixels just outside a loss that its fill is compared with
TEXTURE_BAND = (0.7, 1.3)  # a ratio in this band keeps the surroundings' texture


def texture_ratios(restored: np.ndarray, mask: np.ndarray, min_width: int = TEXTURE_MIN_WIDTH) -> list[float]:
    """For each loss at least `min_width` px across: the mean squared Laplacian of the luma inside
    the fill over that of a TEXTURE_RING-px ring of undamaged pixels just outside it.

    A smooth fill scores far below 1, a fill that keeps the surroundings' grain near 1, one that
    adds noise or seams above it. PSNR rewards the blur; this does not.
    """
    import cv2

    luma = _unit(restored).mean(axis=2).astype(np.float32)
    energy = cv2.Laplacian(luma, cv2.CV_32F, ksize=3) ** 2
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    height, width = mask.shape
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * TEXTURE_RING + 1,) * 2)
    ratios = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        if min(w, h) < min_width:
            continue
        y0, x0 = max(0, y - TEXTURE_RING), max(0, x - TEXTURE_RING)
        y1, x1 = min(height, y + h + TEXTURE_RING), min(width, x + w + TEXTURE_RING)
        loss = labels[y0:y1, x0:x1] == label
        if 2 * _inscribed_radius(loss) < min_width:
            continue
        ring = (cv2.dilate(loss.view(np.uint8), disc) > 0) & ~mask[y0:y1, x0:x1]
        outside = float(energy[y0:y1, x0:x1][ring].mean()) if ring.any() else 0.0
        inside = float(energy[y0:y1, x0:x1][loss].mean())
        ratios.append(inside / outside if outside > 0 else float("nan"))
    return ratios


def _inscribed_radius(bits: np.ndarray) -> float:
    import cv2

    inside = cv2.distanceTransform(np.pad(bits, 1).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return float(inside.max())
