"""Paste a fill back into the photo through a blend band, leaving everything else bit-identical."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.mask import feather_alpha
from tratteggio.core.photo import to_dtype


def blend_alpha(mask: np.ndarray, blend: int) -> np.ndarray:
    """1 on the mask, fading to 0 over `blend` pixels outside it; >0 exactly on the effective mask."""
    return feather_alpha(mask, blend)


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


class PatchLike(Protocol):
    @property
    def box(self) -> Box: ...

    @property
    def pixels(self) -> np.ndarray: ...

    @property
    def where(self) -> np.ndarray: ...


def apply_patches(
    out: np.ndarray, patches: Iterable[PatchLike], clip: Box | None = None, origin: tuple[int, int] = (0, 0)
) -> None:
    """Write each patch's changed pixels (its `where`) into `out`, in order, within `clip`.

    `out` holds the photo from `origin` (x, y) on: the whole photo, or just a region of it. Only the
    effective mask is written, so interventions computed from the same master compose in any order
    and a later one never paints the master back over an earlier one's fill.
    """
    ox, oy = origin
    for patch in patches:
        box = patch.box
        x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
        if clip is not None:
            x0, y0 = max(x0, clip.x0), max(y0, clip.y0)
            x1, y1 = min(x1, clip.x1), min(y1, clip.y1)
            if x1 <= x0 or y1 <= y0:
                continue
        inner = (slice(y0 - box.y0, y1 - box.y0), slice(x0 - box.x0, x1 - box.x0))
        where = patch.where[inner]
        out[y0 - oy : y1 - oy, x0 - ox : x1 - ox][where] = patch.pixels[inner][where]
