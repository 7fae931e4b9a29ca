"""A revival of colours: one colour transform of the whole photo, as restored so far.

studio    `ReviveIntervention`, GLOBAL: composed after every fill, hideable, removable, undoable
record    `Revival`: the transform's parameters and the reference it was estimated from; its loss
          map is the whole photo; IPTC algorithmicallyEnhanced (the type stays unchanged)
project   the transform, the request and the photo's shape (numbers, no arrays)
rerun     the recorded transform, applied to the picture as composed so far
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tratteggio.core.color.estimate import ReviveRequest, revive_request_from
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.errors import RecordError, TratteggioError
from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import (
    GLOBAL,
    Canvas,
    Documented,
    Encoded,
    Kind,
    Replayed,
    Stored,
    next_id,
    register,
    whole,
)
from tratteggio.core.kinds.schema import CLASSICAL_SOURCE, InterventionRecord, MaskInfo
from tratteggio.core.mask import Mask
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback


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
    kind = "revive"

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


@dataclass(frozen=True, eq=False)
class Revival:
    """A global colour transform of the whole photo (as composed so far) of `shape` (height, width)."""

    id: int
    transform: ReviveTransform
    request: ReviveRequest
    shape: tuple[int, int]
    seconds: float = 0.0
    evidence: dict[str, Any] | None = None  # the estimate's confidence and reasons, a chart's ΔE00
    kind = "revive"
    generative = False
    device = None
    damage = None
    placed = None
    creates = False
    picture = None

    @property
    def losses(self) -> Mask:
        return whole(*self.shape)

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        height, width = self.shape
        all_of_it = MaskInfo([0, 0, width, height], height * width)
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=self.request.to_dict(),
            engine={"name": "revive", "transform": self.transform.to_dict()},
            mask=all_of_it,
            effective_mask=all_of_it,
            regions=[[0, 0, width, height]],
            seconds=round(self.seconds, 3),
            digital_source_type=CLASSICAL_SOURCE,
            details={"global": True, "reference": self.request.reference, **(self.evidence or {})},
        )


class ReviveKind(Kind):
    name = "revive"
    runs_engine = False
    kept = True
    c2pa_action = "c2pa.color_adjustments"

    def documented(self, step: ReviveIntervention) -> Documented:
        return Revival(step.id, step.transform, step.request, step.shape)

    def encode(self, intervention: ReviveIntervention) -> Encoded:
        return Encoded(
            {
                "transform": intervention.transform.to_dict(),
                "request": intervention.request.to_dict(),
                "shape": list(intervention.shape),
            }
        )

    def decode(self, stored: Stored) -> ReviveIntervention:
        asked = stored.params["request"]
        box, point = asked.get("box"), asked.get("point")
        request = ReviveRequest(
            str(asked["reference"]),
            point=(int(point[0]), int(point[1])) if point else None,
            box=Box(*map(int, box)) if box else None,
            strength=float(asked["strength"]),
        )
        height, width = (int(v) for v in stored.params["shape"])
        transform = ReviveTransform.from_dict(stored.params["transform"])
        return ReviveIntervention(transform, request, (height, width), stored.visible, stored.id)

    def replay(
        self, canvas: Canvas, step: Replayed, on_step: StepCallback | None, cancel: CancelCheck | None
    ) -> Documented:
        assert canvas.pixels is not None
        try:
            transform = ReviveTransform.from_dict(step.record.engine.get("transform"))
            request = revive_request_from(step.record.request)
        except TratteggioError as exc:
            raise RecordError(f"intervention {step.record.id}: {exc}") from None
        canvas.pixels = transform.apply(canvas.pixels)
        return Revival(step.record.id, transform, request, canvas.pixels.shape[:2])


REVIVE = register(ReviveKind())
