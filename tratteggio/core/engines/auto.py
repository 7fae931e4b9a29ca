"""`auto`: the best classical fill for each part of each region, within a time budget.

Per crop, the plan (tratteggio.core.engines.autoplan) cuts the damage into parts (each loss, and the
thin damage of each 112-px tile) and gives each a method: PatchMatch for wide losses in texture,
biharmonic for thin damage in flat areas, frequency-selective reconstruction where the budget allows,
the hybrid for the rest. Each part is then filled on its own small window of the damaged crop, with
any other damage in that window filled alongside it and dropped: parts depend only on the input, so
they run on worker threads at once and give the same bytes in any order, and no fill ever spans the
whole crop (a 16 MP crop of thin cracks costs what its cracks cost, in time and in memory). Every
part's method and the reason for it go into the conservation record.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tratteggio.core.engines import patchmatch
from tratteggio.core.engines.autoplan import (
    BIHARMONIC,
    FSR,
    FSR_FOUR,
    HYBRID,
    PATCHMATCH,
    Part,
    allocate,
    budget_for,
    plan_parts,
)
from tratteggio.core.engines.base import Engine, FillContext
from tratteggio.core.engines.classical import BiharmonicEngine, HybridEngine, OneShotEngine
from tratteggio.core.engines.fsr import FOUR, FsrEngine
from tratteggio.core.engines.workers import in_order
from tratteggio.core.request import RestorationRequest

# pixels around a part that its fill sees: FSR's own window is 16 px; PatchMatch needs room to find
# texture to copy
CONTEXT = {HYBRID: 32, BIHARMONIC: 16, FSR: 32, FSR_FOUR: 32, PATCHMATCH: patchmatch.MARGIN}


class AutoEngine(OneShotEngine):
    """PatchMatch for wide textured losses; FSR_FAST (averaged over four block grids for losses) with
    a fifth part of biharmonic where the budget allows; biharmonic for thin damage in flat areas;
    the hybrid for the rest."""

    name = "auto"

    def __init__(self) -> None:
        self.methods: dict[str, Engine] = {
            HYBRID: HybridEngine(),
            BIHARMONIC: BiharmonicEngine(),
            FSR: FsrEngine(FSR, "FAST", biharmonic=0.2),
            FSR_FOUR: FsrEngine(FSR_FOUR, "FAST", FOUR, 0.2),
            PATCHMATCH: patchmatch.PatchMatchEngine(),
        }

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        ctx.check()
        plan = allocate(plan_parts(image, mask), budget_for(*mask.shape), patchmatch.available())
        parts = sorted(plan, key=_fill_order)
        tasks = [lambda part=part: self._fill_part(image, mask, part, request, ctx) for part in parts]
        out = image.copy()
        for part, pixels in zip(parts, in_order(tasks, ctx.check), strict=True):
            out[part.box.slices][part.bits] = pixels
        ctx.notes.extend(part.note() for part in parts)
        return out

    def _fill_part(
        self, image: np.ndarray, mask: np.ndarray, part: Part, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        """The part's pixels, filled by its method on a window of the damaged crop around it."""
        ctx.check()
        height, width = mask.shape
        window = part.box.expand(CONTEXT[part.method], height, width)
        inner = part.box.offset(-window.x0, -window.y0)
        bits = mask[window.slices]
        filled = self.methods[part.method].fill(image[window.slices], bits, request, ctx)
        return filled[inner.slices][part.bits]

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        fsr = self.methods[FSR].describe(request)
        return {
            "method": "automatic per part: PatchMatch for wide losses in texture, biharmonic for thin "
            "damage in flat areas, frequency-selective reconstruction for the losses and thin damage "
            "the time budget allows, the hybrid for the rest; each part on its own window",
            "opencv": fsr["opencv"],
            "seed": request.seed,
            "pypatchmatch": patchmatch.describe_version(),
            **{f"hybrid_{k}": v for k, v in self.methods[HYBRID].describe(request).items()},
        }


def _fill_order(part: Part) -> tuple[bool, int, int]:
    """Losses first, then thin damage, each in reading order."""
    return part.kind != "loss", part.box.y0, part.box.x0
