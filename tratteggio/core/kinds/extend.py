"""An extension of the canvas: the picture as composed so far, with new area generated around it.

studio    a lineage's step (`Extended` itself): the document it makes has the larger picture
record    `Extended`: the margins, the original's box and the created area, which is its mask and
          its loss map; IPTC compositeWithTrainedAlgorithmicMedia when generated
project   none: a new document keeps its picture, not how it was made
rerun     the extension, run again around the picture as composed so far; what follows is made
          on the larger picture
"""

from __future__ import annotations

from dataclasses import dataclass

from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import Canvas, Documented, Kind, Replayed, register
from tratteggio.core.kinds.schema import (
    CLASSICAL_SOURCE,
    GENERATIVE_SOURCE,
    InterventionRecord,
    MaskInfo,
    describe_mask,
)
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.extend import Extension, Margins, extend
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback


@dataclass(frozen=True, eq=False)
class Extended:
    """An extension of the canvas: the created area is its mask and its loss map."""

    id: int
    extension: Extension
    kind = "extend"
    creates = False
    picture = None

    @property
    def generative(self) -> bool:
        return self.extension.result.generative

    @property
    def device(self) -> str | None:
        return str(self.extension.result.engine_info.get("device", "cpu"))

    @property
    def damage(self) -> Mask:
        return self.extension.created

    @property
    def losses(self) -> Mask:
        return self.extension.result.effective_mask

    @property
    def placed(self) -> Box:
        return self.extension.placed

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        result, created = self.extension.result, self.extension.created
        box = created.bbox()
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=result.request.to_dict(),
            engine={"name": result.request.engine, **result.engine_info},
            mask=mask or describe_mask(created),
            effective_mask=describe_mask(result.effective_mask),
            regions=[b.to_list() for b in result.regions],
            seconds=round(result.seconds, 3),
            digital_source_type=GENERATIVE_SOURCE if self.generative else CLASSICAL_SOURCE,
            details={
                "margins": self.extension.margins.to_dict(),
                "canvas": [int(created.shape[1]), int(created.shape[0])],
                "original_box": self.placed.to_list(),
                "created": {"bbox": box.to_list() if box else None, "pixel_count": created.pixel_count},
            },
        )


class ExtendKind(Kind):
    name = "extend"
    c2pa_action = "c2pa.resized"

    def replay(
        self, canvas: Canvas, step: Replayed, on_step: StepCallback | None, cancel: CancelCheck | None
    ) -> Documented:
        assert canvas.base is not None and canvas.pixels is not None and step.request
        margins = Margins(**step.record.details["margins"])
        current = Photo(canvas.pixels, canvas.base.icc_profile)
        extension = extend(
            current, margins, step.request, on_step=on_step, cancel=cancel, engines=canvas.engines
        )
        canvas.rebase(extension.photo)
        return Extended(step.record.id, extension)


EXTEND = register(ExtendKind())
