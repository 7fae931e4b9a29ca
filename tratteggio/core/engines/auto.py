"""`auto`: the best classical fill for each part of each region, within a time budget.

Per crop: the plan (tratteggio.core.engines.autoplan) picks the parts the time budget upgrades to
frequency-selective reconstruction; the self-check (autocheck.py) gives biharmonic those where it
filled a moved copy of the part almost exactly (oversampled scans: most of them). The hybrid then
fills all the damage (tile by tile on large crops, so every library call stays short), or, where
every part is biharmonic, biharmonic does on tiles apart, on all cores. Each part whose method is not
that first fill's is filled again on a window around it, where the first fill of any other damage
counts as known. The refills all read the first fill and write only their own part, so they run on
worker threads at once and give the same bytes in any order. Every part's method and the reason for
it go into the conservation record.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tratteggio.core.engines import autocheck
from tratteggio.core.engines.autoplan import (
    BIHARMONIC,
    FSR,
    FSR_FOUR,
    HYBRID,
    Part,
    allocate,
    budget_for,
    plan_parts,
)
from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.classical import BiharmonicEngine, HybridEngine, OneShotEngine
from tratteggio.core.engines.fsr import FOUR, FsrEngine, to_levels
from tratteggio.core.engines.tiles import fill_in_tiles, fill_tiles_apart
from tratteggio.core.engines.workers import in_order
from tratteggio.core.mask import grow_bits
from tratteggio.core.request import RestorationRequest

CONTEXT = 32  # pixels around a part that its fill sees


class AutoEngine(OneShotEngine):
    """Hybrid for what the budget cannot upgrade; FSR_FAST for thin damage; FSR_FAST averaged over
    four block grids for losses; a fifth part of biharmonic in either mean."""

    name = "auto"

    def __init__(self) -> None:
        self.hybrid = HybridEngine()
        self.methods: dict[str, FsrEngine | BiharmonicEngine] = {
            FSR: FsrEngine(FSR, "FAST", biharmonic=0.2),
            FSR_FOUR: FsrEngine(FSR_FOUR, "FAST", FOUR, 0.2),
            BIHARMONIC: BiharmonicEngine(),
        }

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        levels, _ = to_levels(image, mask)
        parts = allocate(plan_parts(levels, mask), budget_for(*mask.shape))
        parts = sorted(self._checked(levels, mask, parts, ctx), key=_fill_order)
        del levels
        base = self._base(image, mask, parts, request, ctx)
        upgrades = [p for p in parts if p.method not in (HYBRID, base_method(parts))]
        tasks = [lambda part=part: self._refill(base, part, request, ctx) for part in upgrades]
        out = base.copy()
        for part, pixels in zip(upgrades, in_order(tasks, ctx.check), strict=True):
            out[part.box.slices][part.bits] = pixels
        ctx.notes.extend(part.note() for part in parts)
        return out

    def _checked(
        self, levels: np.ndarray, mask: np.ndarray, parts: list[Part], ctx: FillContext
    ) -> list[Part]:
        """`parts`, each planned one biharmonic where the self-check finds biharmonic's error on a
        moved copy of it under autocheck.FLOOR; the checks run on the worker threads."""
        guard = grow_bits(mask, autocheck.GUARD)
        planned = [p for p in parts if p.method != HYBRID]
        tasks = [lambda part=part: autocheck.smooth_error(levels, mask, guard, part) for part in planned]
        verdicts = dict(zip(map(id, planned), in_order(tasks, ctx.check), strict=True))
        return [_smooth(p, verdicts[id(p)]) if _is_smooth(verdicts.get(id(p))) else p for p in parts]

    def _base(
        self,
        image: np.ndarray,
        mask: np.ndarray,
        parts: list[Part],
        request: RestorationRequest,
        ctx: FillContext,
    ) -> np.ndarray:
        """Every part's first fill: the hybrid's, tile by tile; biharmonic on tiles apart, on all
        cores, where the self-check gave biharmonic every part."""
        if base_method(parts) == BIHARMONIC:
            smooth = self.methods[BIHARMONIC]
            return fill_tiles_apart(image, mask, lambda c, b: smooth.fill(c, b, request, ctx), ctx.check, 16)
        return fill_in_tiles(image, mask, lambda c, b: self.hybrid.fill(c, b, request, ctx), ctx.check, 16)

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
            "reconstruction for the losses and thin damage the time budget allows, biharmonic "
            "where a self-check on a moved copy of the part finds it as good",
            "opencv": fsr["opencv"],
            "self_check_floor": autocheck.FLOOR,
            **{f"hybrid_{k}": v for k, v in self.hybrid.describe(request).items()},
        }


def base_method(parts: list[Part]) -> str:
    """Biharmonic where every part is to be biharmonic; the hybrid otherwise."""
    return BIHARMONIC if parts and all(p.method == BIHARMONIC for p in parts) else HYBRID


def _is_smooth(error: float | None) -> bool:
    return error is not None and error <= autocheck.FLOOR


def _smooth(part: Part, error: float | None) -> Part:
    from dataclasses import replace

    what = f"loss {part.width:.0f} px wide" if part.kind == "loss" else "thin damage"
    return replace(
        part,
        method=BIHARMONIC,
        reason=f"{what}: biharmonic; self-check: it filled a copy of this shape moved onto undamaged "
        f"pixels nearby with a mean squared error of {error:.2f} levels², under {autocheck.FLOOR:g}",
    )


def _fill_order(part: Part) -> tuple[bool, int, int]:
    """Losses first, then thin damage, each in reading order."""
    return part.kind != "loss", part.box.y0, part.box.x0
