"""`auto`: the best classical fill for each part of each region, within a time budget.

Per crop: the hybrid fills all the damage first (tile by tile on large crops, so every library call
stays short); then each part the plan upgrades (tratteggio.core.engines.autoplan) is filled again by
frequency-selective reconstruction on a window around it, where the hybrid's fill of any other
damage counts as known. The upgrades all read the hybrid's fill and write only their own part, so
they run on worker threads at once and give the same bytes in any order. Every part's method and
the reason for it go into the conservation record.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tratteggio.core.engines.autoplan import FSR, FSR_FOUR, HYBRID, Part, allocate, budget_for, plan_parts
from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.classical import HybridEngine, OneShotEngine
from tratteggio.core.engines.fsr import FOUR, FsrEngine, to_levels
from tratteggio.core.engines.tiles import fill_in_tiles
from tratteggio.core.engines.workers import in_order
from tratteggio.core.request import RestorationRequest

CONTEXT = 32  # pixels around a part that its fill sees


class AutoEngine(OneShotEngine):
    """Hybrid for what the budget cannot upgrade; FSR_FAST for thin damage; FSR_FAST averaged over
    four block grids for losses; a fifth part of biharmonic in either mean."""

    name = "auto"

    def __init__(self) -> None:
        self.hybrid = HybridEngine()
        self.methods = {
            FSR: FsrEngine(FSR, "FAST", biharmonic=0.2),
            FSR_FOUR: FsrEngine(FSR_FOUR, "FAST", FOUR, 0.2),
        }

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        def hybrid(crop: np.ndarray, bits: np.ndarray) -> np.ndarray:
            return self.hybrid.fill(crop, bits, request, ctx)

        base = fill_in_tiles(image, mask, hybrid, ctx.check, margin=16)
        levels, _ = to_levels(image, mask)
        parts = sorted(allocate(plan_parts(levels, mask), budget_for(*mask.shape)), key=_fill_order)
        upgrades = [p for p in parts if p.method != HYBRID]
        tasks = [lambda part=part: self._refill(base, part, request, ctx) for part in upgrades]
        out = base.copy()
        for part, pixels in zip(upgrades, in_order(tasks, ctx.check), strict=True):
            out[part.box.slices][part.bits] = pixels
        ctx.notes.extend(part.note() for part in parts)
        return out

    def _refill(
        self, base: np.ndarray, part: Part, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        """The part's pixels filled again by its method, on a window of the hybrid's fill."""
        height, width = base.shape[:2]
        window = part.box.expand(CONTEXT, height, width)
        bits = np.zeros((window.height, window.width), bool)
        inner = part.box.offset(-window.x0, -window.y0)
        bits[inner.slices] = part.bits
        filled = self.methods[part.method].fill(base[window.slices], bits, request, ctx)
        return filled[inner.slices][part.bits]

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        fsr = self.methods[FSR].describe(request)
        return {
            "method": "automatic per part: hybrid everywhere first, then frequency-selective "
            "reconstruction for the losses and thin damage the time budget allows",
            "opencv": fsr["opencv"],
            **{f"hybrid_{k}": v for k, v in self.hybrid.describe(request).items()},
        }


def _fill_order(part: Part) -> tuple[bool, int, int]:
    """Losses first, then thin damage, each in reading order."""
    return part.kind != "loss", part.box.y0, part.box.x0
