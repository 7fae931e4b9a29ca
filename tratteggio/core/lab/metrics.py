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
