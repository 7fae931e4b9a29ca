"""A revival of colours as a studio intervention: global, composed after every fill, hideable,
removable and undoable like any other."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tratteggio.core.color.estimate import ReviveRequest
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.geometry import Box
from tratteggio.core.studio.document import next_id
from tratteggio.core.studio.kinds import GLOBAL


@dataclass(eq=False)
class ReviveIntervention:
    """`transform` (at its own strength) applied to the whole photo of `shape` (height, width), as
    estimated from `request`'s reference."""

    transform: ReviveTransform
    request: ReviveRequest
    shape: tuple[int, int]
    visible: bool = True
    id: int = field(default_factory=next_id)
    stage = GLOBAL
    generative = False

    @property
    def label(self) -> str:
        return f"#{self.id} revive colours ({self.request.reference}, strength {self.transform.strength:.2f})"

    def bounds(self) -> Box:
        height, width = self.shape
        return Box(0, 0, width, height)

    def apply(self, out: np.ndarray, box: Box, origin: tuple[int, int] = (0, 0)) -> None:
        ox, oy = origin
        region = out[box.y0 - oy : box.y1 - oy, box.x0 - ox : box.x1 - ox]
        region[...] = self.transform.apply(region)
