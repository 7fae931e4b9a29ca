"""The small protocol every restoration engine implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True)
class FillContext:
    """What an engine may call while filling one crop.

    `report(step, fill, timestep)` hands over an intermediate fill of the crop (same shape and dtype
    as the crop) for step `step` (0-based) of `Engine.preview_steps`; `check()` raises `Cancelled`
    when the user has cancelled. Both run on the engine's (worker) thread. `icc_profile` is the
    photo's colour profile, for engines that must convert to sRGB. `notes` collects what the engine
    wants in the conservation record about this crop (dicts; a "box" is [x0, y0, x1, y1] in the
    crop and is moved into photo coordinates by the pipeline).
    """

    report: Callable[[int, np.ndarray, float | None], None]
    check: Callable[[], None]
    icc_profile: bytes | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)


class Engine(Protocol):
    """A fill method.

    `generative`: its pixels come from a trained generative model (decides the IPTC source type).
    `exact_outside_mask`: `fill` returns unmasked pixels unchanged, so there is nothing to blend.
    `threaded`: `fill` reports no steps and its library calls release the GIL, so the pipeline runs
    several crops at once on worker threads (and may abandon a call in flight when cancelled).
    """

    name: str
    generative: bool
    exact_outside_mask: bool
    threaded: bool

    def preview_steps(self, request: RestorationRequest) -> int:
        """How many intermediate previews `fill` reports for each crop (0 for one-shot methods)."""
        ...

    def context_size(self, request: RestorationRequest) -> int:
        """The smallest crop side the engine wants around a loss (0: just the padding)."""
        ...

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        """Fill the True pixels of `mask` in the colour crop `image`; return an array like `image`."""
        ...

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        """Method, parameters and library versions, for the conservation record."""
        ...
