"""How the automatic engine shares out one crop: which damage is a loss and which is thin, what each
fill would cost, and which method each part gets within the crop's time budget.

Measured on aged photos (benchmarks/RESULTS.md, tuning seeds 0-2): frequency-selective
reconstruction (FSR_FAST) beats the hybrid on losses (+2.1 dB in-mask PSNR, +2.5 dB averaged over four
placements of its block grid) and on thin damage (+1.9 dB; the four placements add 0.04 dB there),
while FSR_BEST added nothing over FSR_FAST at twenty times its cost. A fifth part of biharmonic in the
mean lifts the worst cases (thin: -0.65 -> -0.17 dB against the hybrid) at no cost in the mean.
FSR costs 10-50 times the hybrid, most of it where a mask touches many 16-px blocks in textured
areas, so the plan counts blocks and texture and spends a budget: losses first (the largest gain per
second), then thin damage, then the four-placement average on losses. Whatever does not fit keeps the
hybrid's fill. The plan depends only on the pixels and the mask, never on a clock, so a rerun gives
the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.mask import bbox_of, grow_bits

LOSS_RADIUS = 3  # damage is a loss where a disc this wide fits inside it: 7 px across and more
FRINGE = 2  # a loss's soft edge, taken with it
THIN_TILE = 112  # thin damage is planned (and filled) in tiles of this size
RING = 8  # the texture around a part is measured this far out
# On mixed damage (tuning seeds 0-2, 363 losses) FSR beat the hybrid by 1.5 dB on losses up to 24 px
# wide, was no better from 24 to 60 px but for its four-grid mean, 0.6 dB worse at 60-80 px and equal
# beyond, where its cost is highest: wider losses keep the hybrid.
WIDEST_FOR_FSR = 60.0

# CPU seconds on this project's reference machine, measured on 322 parts of aged photos (seed 1):
# one FSR_FAST call costs 0.006 s per 16-px block the part touches where the ring around it is flat,
# 0.012 s where its standard deviation is 20 levels or more. The plan needs only the order of
# magnitude: an estimate off by 2x moves a part between methods, never changes the bytes of a rerun.
BUDGET_BASE = 1.0
BUDGET_PER_MEGAPIXEL = 20.0  # of the crop
FSR_PER_BLOCK = 0.006  # one 16-px block touched by the mask, in a flat area, three planes
FSR_PER_BLOCK_TEXTURE = 0.0002  # more per block for each level of standard deviation around it
TEXTURE_CAP = 30.0  # levels: beyond this, more texture costs no more
HYBRID_PER_PIXEL = 1e-5

FSR, FSR_FOUR, HYBRID = "fsr+biharmonic", "fsr×4+biharmonic", "hybrid"
BIHARMONIC = "biharmonic"  # where the self-check (autocheck.py) finds it as good


@dataclass(frozen=True, eq=False)
class Part:
    """One loss, or the thin damage in one tile, of a crop.

    `bits` covers `box` (crop coordinates); `cost` is the estimated seconds of one FSR call on it.
    """

    kind: str  # "loss" or "thin"
    box: Box
    bits: np.ndarray
    width: float
    texture: float
    cost: float
    method: str = HYBRID
    reason: str = ""

    @property
    def pixels(self) -> int:
        return int(np.count_nonzero(self.bits))

    def note(self) -> dict[str, Any]:
        """What the conservation record says about this part."""
        return {
            "box": self.box.to_list(),
            "kind": self.kind,
            "pixels": self.pixels,
            "width": round(self.width, 1),
            "engine": self.method,
            "reason": self.reason,
        }


def split_losses(mask: np.ndarray) -> np.ndarray:
    """The pixels of `mask` that belong to losses (blobs at least 2 x LOSS_RADIUS + 1 across)."""
    import cv2

    size = 2 * LOSS_RADIUS + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    core = cv2.morphologyEx(mask.view(np.uint8), cv2.MORPH_OPEN, disc, borderValue=0) > 0
    if not core.any():
        return core
    return grow_bits(core, FRINGE) & mask


def plan_parts(levels: np.ndarray, mask: np.ndarray) -> list[Part]:
    """The losses and thin-damage tiles of a crop, each with its estimated FSR cost.

    `levels`: the crop's colour channels as float32 0..255 (for texture); `mask`: its damage.
    """
    losses = split_losses(mask)
    thin = mask & ~losses
    luma = levels if levels.ndim == 2 else levels.mean(axis=2)
    planes = 1 if levels.ndim == 2 else 3
    parts = [_part("loss", box, bits, luma, mask, planes) for box, bits in _components(losses)]
    parts += [_part("thin", box, bits, luma, mask, planes) for box, bits in _tiles(thin)]
    return parts


def budget_for(height: int, width: int) -> float:
    """Seconds of estimated FSR work one crop may spend."""
    return BUDGET_BASE + BUDGET_PER_MEGAPIXEL * height * width / 1e6


def allocate(parts: list[Part], budget: float) -> list[Part]:
    """Give each part a method and a reason, cheapest gains first, within `budget` seconds."""
    left = budget - HYBRID_PER_PIXEL * sum(p.pixels for p in parts)
    chosen = list(parts)
    order = sorted(range(len(parts)), key=lambda i: (parts[i].kind != "loss", parts[i].cost, i))
    for i in order:
        part = chosen[i]
        if part.width > WIDEST_FOR_FSR:
            chosen[i] = replace(part, reason=f"loss {part.width:.0f} px wide: hybrid; {TOO_WIDE}")
        elif part.cost <= left:
            left -= part.cost
            chosen[i] = replace(part, method=FSR, reason=_why(part, FSR, part.cost))
        else:
            chosen[i] = replace(part, reason=_why(part, HYBRID, left))
    for i in order:
        part = chosen[i]
        if part.kind == "loss" and part.method == FSR and 3 * part.cost <= left:
            left -= 3 * part.cost
            chosen[i] = replace(part, method=FSR_FOUR, reason=_why(part, FSR_FOUR, 4 * part.cost))
    return chosen


TOO_WIDE = (
    f"frequency-selective reconstruction measured no better on losses over {WIDEST_FOR_FSR:.0f} px wide"
)


def _why(part: Part, method: str, seconds: float) -> str:
    what = f"loss {part.width:.0f} px wide" if part.kind == "loss" else "thin damage"
    if method == HYBRID:
        return (
            f"{what}: hybrid; frequency-selective reconstruction would take about {part.cost:.1f} s, "
            f"over the {max(0.0, seconds):.1f} s left of this region's time budget"
        )
    if method == FSR_FOUR:
        return (
            f"{what}: frequency-selective reconstruction averaged over four block grids, "
            f"with a fifth part of biharmonic (about {seconds:.1f} s)"
        )
    return (
        f"{what}: frequency-selective reconstruction with a fifth part of biharmonic (about {seconds:.1f} s)"
    )


def _part(kind: str, box: Box, bits: np.ndarray, luma: np.ndarray, mask: np.ndarray, planes: int) -> Part:
    import cv2

    height, width = mask.shape
    around = box.expand(RING, height, width)
    local = np.zeros((around.height, around.width), bool)
    local[box.y0 - around.y0 : box.y1 - around.y0, box.x0 - around.x0 : box.x1 - around.x0] = bits
    ring = grow_bits(local, RING) & ~mask[around.slices]
    values = luma[around.slices][ring]
    texture = float(values.std()) if values.size > 1 else 0.0
    inside = cv2.distanceTransform(np.pad(local, 1).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    blocks = _blocks_touched(bits, box)
    cost = blocks * (FSR_PER_BLOCK + FSR_PER_BLOCK_TEXTURE * min(texture, TEXTURE_CAP)) * planes / 3
    return Part(kind, box, bits, 2.0 * float(inside.max()), texture, cost)


def _blocks_touched(bits: np.ndarray, box: Box, block: int = 16) -> int:
    """16-px blocks of the crop's grid that hold any of `bits` (placed at `box`)."""
    top, left = box.y0 % block, box.x0 % block
    height, width = bits.shape
    rows, cols = -(-(height + top) // block), -(-(width + left) // block)
    grid = np.zeros((rows * block, cols * block), bool)
    grid[top : top + height, left : left + width] = bits
    return int(grid.reshape(rows, block, cols, block).any(axis=(1, 3)).sum())


def _components(bits: np.ndarray) -> list[tuple[Box, np.ndarray]]:
    import cv2

    if not bits.any():
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bits.view(np.uint8), connectivity=8)
    out = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        box = Box(x, y, x + w, y + h)
        out.append((box, labels[box.slices] == label))
    return out


def _tiles(bits: np.ndarray) -> list[tuple[Box, np.ndarray]]:
    height, width = bits.shape
    out = []
    for y in range(0, height, THIN_TILE):
        for x in range(0, width, THIN_TILE):
            tile = bits[y : y + THIN_TILE, x : x + THIN_TILE]
            tight = bbox_of(tile)
            if tight is not None:
                out.append((tight.offset(x, y), tile[tight.slices]))
    return out
