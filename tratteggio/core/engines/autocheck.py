"""The automatic engine's self-check: before a part gets frequency-selective reconstruction, ask
the photo whether the cheap smooth fill is already as good as a fill gets there.

Which fill wins depends on the photo more than on the damage: on native-resolution photos FSR beats
biharmonic on thin damage by about 1.2 dB, but on an oversampled scan (a photo enlarged 2x after
ageing) plain biharmonic beats FSR by 3-8 dB per part at a tenth of its cost (benchmarks/RESULTS.md,
issue 24, session 6). So the part's own damage shape is moved a few pixels onto undamaged ground
next to it and filled there by biharmonic (the real damage in the window is filled too, not scored);
where its mean squared error against the known pixels is under FLOOR levels², the part is
biharmonic. The moved shape and the verdict depend only on the pixels and the mask, so a rerun gives
the same bytes. One check costs about one biharmonic call on the part: a tenth of an FSR call or
less.
"""

from __future__ import annotations

import numpy as np

from tratteggio.core.engines.autoplan import Part
from tratteggio.core.geometry import Box

# levels² (0..255 scale) of biharmonic's error on the moved shape under which a part is biharmonic;
# the largest on the tuning seeds 0-2 that cost the plan under 0.1 dB in-mask (benchmarks/RESULTS.md)
FLOOR = 8.0
CLEAN = 0.5  # a moved shape is used if this share of it lands on undamaged pixels
GUARD = 2  # px kept between a moved shape and the real damage
CONTEXT = 4  # px around a moved shape that the fill sees: biharmonic's stencil reaches 2
DIRECTIONS = ((0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))
OFFSETS = tuple((k * dy, k * dx) for k in (1, 2) for dy, dx in DIRECTIONS)  # in steps


def smooth_error(levels: np.ndarray, mask: np.ndarray, guard: np.ndarray, part: Part) -> float | None:
    """Biharmonic's mean squared error (levels²) on `part`'s shape moved onto undamaged pixels next
    to it, or None where no offset lands clear of the damage.

    `levels`: the crop as float32 0..255; `guard`: the damage grown by GUARD px.
    """
    from skimage.restoration import inpaint_biharmonic

    moved = _moved(part, guard)
    if moved is None:
        return None
    box, bits = moved
    height, width = mask.shape
    window = box.expand(CONTEXT, height, width)
    probe = np.zeros((window.height, window.width), bool)
    probe[box.offset(-window.x0, -window.y0).slices] = bits
    crop = levels[window.slices] / 255.0
    hidden = probe | mask[window.slices]
    filled = inpaint_biharmonic(crop, hidden, channel_axis=-1 if crop.ndim == 3 else None)
    return float(np.mean((255.0 * (filled[probe] - crop[probe])) ** 2))


def _moved(part: Part, guard: np.ndarray) -> tuple[Box, np.ndarray] | None:
    """The part's shape moved onto undamaged pixels next to it: the first of sixteen offsets (the
    eight directions, by the part's width plus a gap, then twice that) where CLEAN of it lands
    clear of the damage."""
    height, width = guard.shape
    step = int(np.ceil(part.width)) + 2 * GUARD + 2
    for dy, dx in OFFSETS:
        box = part.box.offset(dx * step, dy * step)
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
            continue
        bits = part.bits & ~guard[box.slices]
        if np.count_nonzero(bits) >= max(1, CLEAN * part.pixels):
            return box, bits
    return None
