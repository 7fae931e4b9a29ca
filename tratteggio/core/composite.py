"""Paste a fill back into the photo through a blend band, leaving everything else bit-identical."""

from __future__ import annotations

import numpy as np

from tratteggio.core.mask import feather_alpha
from tratteggio.core.photo import to_dtype


def blend_alpha(mask: np.ndarray, blend: int) -> np.ndarray:
    """1 on the mask, fading to 0 over `blend` pixels outside it; >0 exactly on the effective mask."""
    return feather_alpha(mask, blend)


def paste(original: np.ndarray, fill: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`alpha * fill + (1 - alpha) * original`, in `original`'s dtype, as a new array."""
    out = original.copy()
    paste_into(out, fill, alpha)
    return out


def paste_into(target: np.ndarray, fill: np.ndarray, alpha: np.ndarray) -> None:
    """Blend `fill` into `target` (which holds the original) in place.

    Where alpha is 0 nothing is written, so those values stay bit-identical; where alpha is 1
    the fill is copied as is. Only the blend band is computed in floating point.
    """
    inside = alpha >= 1.0
    target[inside] = fill[inside]
    band = (alpha > 0.0) & ~inside
    if band.any():
        a = alpha[band]
        if target.ndim == 3:
            a = a[:, None]
        mixed = a * fill[band].astype(np.float32) + (1.0 - a) * target[band].astype(np.float32)
        target[band] = to_dtype(mixed, target.dtype)
