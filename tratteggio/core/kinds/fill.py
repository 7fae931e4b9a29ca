"""A fill: a restoration of a damage mask, pasted as patches.

studio    `Intervention`, LOCAL: its patches, composed in the order accepted
record    `Fill`: the request as the engine saw it, the mask given, the effective mask (its losses)
project   the result's request, engine notes and regions; arrays: the patches and the mask
rerun     the restoration, run again on the picture fills are made on
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.io.loading import load_mask
from tratteggio.core.kinds.base import (
    LOCAL,
    Canvas,
    Documented,
    Encoded,
    Kind,
    Replayed,
    Stored,
    next_id,
    register,
)
from tratteggio.core.kinds.schema import InterventionRecord, MaskInfo, describe_mask, digital_source_type
from tratteggio.core.mask import Mask
from tratteggio.core.pipeline.composite import apply_patches
from tratteggio.core.pipeline.restore import CancelCheck, Result, StepCallback, restore
from tratteggio.core.request import RestorationRequest


@dataclass(eq=False)
class Intervention:
    """One accepted restoration: its result (patches, request, engine) and the mask it used."""

    result: Result
    mask: Mask
    visible: bool = True
    id: int = field(default_factory=next_id)  # a document gives its own, unique within it
    accepted: str = ""  # ISO date and time of acceptance
    stage = LOCAL
    kind = "fill"

    @property
    def generative(self) -> bool:
        return self.result.generative

    def apply(self, out: np.ndarray, box: Box, origin: tuple[int, int] = (0, 0)) -> None:
        apply_patches(out, self.result.patches, clip=box, origin=origin)

    @property
    def label(self) -> str:
        request = self.result.request
        what = request.engine if request.engine != "diffusion" else f"diffusion ({request.model})"
        return f"#{self.id} {what}, {self.mask.pixel_count} px"

    def bounds(self) -> Box | None:
        boxes = [p.box for p in self.result.patches]
        if not boxes:
            return None
        out = boxes[0]
        for box in boxes[1:]:
            out = out.union(box)
        return out


@dataclass(frozen=True, eq=False)
class Fill:
    """One intervention to document: a restoration result and the mask it filled."""

    id: int
    result: Result
    mask: Mask
    details: dict[str, object] = field(default_factory=dict)
    kind = "fill"
    placed = None
    creates = False
    picture = None

    @property
    def generative(self) -> bool:
        return self.result.generative

    @property
    def device(self) -> str | None:
        return str(self.result.engine_info.get("device", "cpu")) if self.generative else None

    @property
    def damage(self) -> Mask:
        return self.mask

    @property
    def losses(self) -> Mask:
        return self.result.effective_mask

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        result = self.result
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=result.request.to_dict(),
            engine={"name": result.request.engine, **result.engine_info},
            mask=mask or describe_mask(self.mask),
            effective_mask=describe_mask(result.effective_mask),
            regions=[box.to_list() for box in result.regions],
            seconds=round(result.seconds, 3),
            digital_source_type=digital_source_type(result.generative),
            details=dict(self.details),
        )


class FillKind(Kind):
    name = "fill"
    needs_mask = True
    kept = True

    def documented(self, step: Intervention) -> Documented:
        return Fill(step.id, step.result, step.mask)

    def encode(self, intervention: Intervention) -> Encoded:
        result = intervention.result
        params = {
            "request": result.request.to_dict(),
            "engine_info": result.engine_info,
            "generative": result.generative,
            "seconds": result.seconds,
            "regions": [box.to_list() for box in result.regions],
            "accepted": intervention.accepted,
        }
        return Encoded(params, result.patches, intervention.mask)

    def decode(self, stored: Stored) -> Intervention:
        mask, patches, params = stored.mask(), stored.patches(), stored.params
        result = Result(
            source=stored.photo.pixels,
            patches=tuple(patches),
            mask=mask,
            request=RestorationRequest.from_dict(params["request"]),
            regions=tuple(Box(*map(int, b)) for b in params["regions"]),
            previews=(),
            engine_info=dict(params.get("engine_info") or {}),
            generative=bool(params.get("generative")),
            seconds=float(params.get("seconds", 0.0)),
        )
        return Intervention(result, mask, stored.visible, stored.id, str(params.get("accepted", "")))

    def replay(
        self, canvas: Canvas, step: Replayed, on_step: StepCallback | None, cancel: CancelCheck | None
    ) -> Documented:
        assert canvas.base is not None and canvas.pixels is not None and step.mask and step.request
        mask = load_mask(step.mask, canvas.base.shape2d)
        result = restore(
            canvas.base, mask, step.request, on_step=on_step, cancel=cancel, engines=canvas.engines
        )
        apply_patches(canvas.pixels, result.patches)
        return Fill(step.record.id, result, mask)


FILL = register(FillKind())
