"""Paste a fill back into the photo through a blend band, leaving everything else bit-identical."""

from __future__ import annotations

import numpy as np

from tratteggio.core.mask import feather_alpha
from tratteggio.core.photo import to_dtype


def blend_alpha(mask: np.ndarray, blend: int) -> np.ndarray:
    """1 on the mask, fading to 0 over `blend` pixels outside it; >0 exactly on the effective mask."""
    return feather_alpha(mask, blend)


def paste(original: np.ndarray, fill: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`alpha * fill + (1 - alpha) * original`, in `original`'s dtype.

    Where alpha is 0 the original values are copied, not recomputed, so they stay bit-identical;
    where alpha is 1 the fill is copied as is.
    """
    a = alpha[:, :, None] if original.ndim == 3 else alpha
    mixed = to_dtype(a * fill.astype(np.float32) + (1.0 - a) * original.astype(np.float32), original.dtype)
    mixed = np.where(a >= 1.0, fill, mixed)
    return np.where(a > 0.0, mixed, original)
