"""A creation from noise: a picture made from a prompt, with no master before it.

studio    a lineage's step (`Created` itself): the new document's picture is the creation
record    `Created`: size, prompt, model and seed; the whole picture is its loss map; the record
          has no master; IPTC trainedAlgorithmicMedia
project   none: a new document keeps its picture, not how it was made
rerun     the creation, made again from its request; what follows is made on it
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tratteggio.core.kinds.base import Canvas, Documented, Kind, Replayed, register, whole
from tratteggio.core.kinds.schema import CREATED_SOURCE, InterventionRecord, MaskInfo
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.imagine import Creation, imagine
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback


@dataclass(frozen=True, eq=False)
class Created:
    """A picture created from noise: the whole picture is made, there is no master."""

    id: int
    creation: Creation
    details: dict[str, Any] = field(default_factory=dict)
    kind = "imagine"
    generative = True
    damage = None
    placed = None
    creates = True

    @property
    def picture(self) -> Photo:
        return self.creation.photo

    @property
    def device(self) -> str | None:
        return str(self.creation.engine_info.get("device", "cpu"))

    @property
    def losses(self) -> Mask:
        width, height = self.creation.size
        return whole(height, width)

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        width, height = self.creation.size
        all_of_it = MaskInfo([0, 0, width, height], width * height)
        request = self.creation.request
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=request.to_dict(),
            engine={"name": request.engine, **self.creation.engine_info},
            mask=all_of_it,
            effective_mask=all_of_it,
            regions=[[0, 0, width, height]],
            seconds=round(self.creation.seconds, 3),
            digital_source_type=CREATED_SOURCE,
            details={
                "size": [width, height],
                "prompt": request.prompt,
                "negative_prompt": request.negative_prompt,
                "model": request.model,
                "seed": request.seed,
                **self.details,
            },
        )


class ImagineKind(Kind):
    name = "imagine"
    creates = True
    c2pa_action = "c2pa.created"  # the picture's first action: there is no master to open

    def replay(
        self, canvas: Canvas, step: Replayed, on_step: StepCallback | None, cancel: CancelCheck | None
    ) -> Documented:
        assert step.request is not None
        width, height = step.record.details["size"]
        creation = imagine(
            step.request, (int(width), int(height)), on_step=on_step, cancel=cancel, engines=canvas.engines
        )
        canvas.rebase(creation.photo)
        return Created(step.record.id, creation)


IMAGINE = register(ImagineKind())
