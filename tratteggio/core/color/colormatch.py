"""Match a generated fill's colour to the photo, on the ring of known pixels around the mask.

The VAE round trip shifts colour everywhere it touches; seams and colour mismatch are the top
complaint about diffusion inpainting. Like Krita AI Diffusion, we match LAB mean and standard
deviation of the fill to the original on a ring just outside the mask.
"""

from __future__ import annotations

import numpy as np

from tratteggio.core.mask import grow_bits

RING = 8
MIN_RING_PIXELS = 16


def match_to_ring(fill: np.ndarray, original: np.ndarray, mask: np.ndarray, ring: int = RING) -> np.ndarray:
    """`fill` (float32 RGB 0..1) with LAB statistics moved to `original`'s on the ring around `mask`."""
    import cv2

    band = grow_bits(mask, ring) & ~mask
    if np.count_nonzero(band) < MIN_RING_PIXELS:
        return fill
    lab_fill = cv2.cvtColor(np.ascontiguousarray(fill, dtype=np.float32), cv2.COLOR_RGB2Lab)
    lab_orig = cv2.cvtColor(np.ascontiguousarray(original, dtype=np.float32), cv2.COLOR_RGB2Lab)
    for c in range(3):
        f, o = lab_fill[:, :, c][band], lab_orig[:, :, c][band]
        ratio = float(np.clip(o.std() / max(float(f.std()), 1e-3), 0.5, 2.0))
        lab_fill[:, :, c] = (lab_fill[:, :, c] - f.mean()) * ratio + o.mean()
    return np.clip(cv2.cvtColor(lab_fill, cv2.COLOR_Lab2RGB), 0.0, 1.0)
