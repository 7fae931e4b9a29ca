"""What the writer documents besides fills: a revival of colours, an extension of the canvas and a
creation from noise. Each gives the writer its intervention record, its damage mask (written as
its mask file; None: it has none), the pixels it may have changed, and how it changes the canvas.

| kind      | loss map                 | IPTC digital source type              | rerun replays         |
|-----------|--------------------------|---------------------------------------|-----------------------|
| `fill`    | the effective mask       | by engine                             | the restoration       |
| `revive`  | the whole photo (global) | algorithmicallyEnhanced (unchanged)   | the recorded transform|
| `extend`  | the created area         | compositeWithTrainedAlgorithmicMedia  | the extension         |
| `imagine` | the whole picture        | trainedAlgorithmicMedia               | the creation          |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tratteggio.core.color.estimate import ReviveRequest
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.geometry import Box
from tratteggio.core.mask import Mask
from tratteggio.core.pipeline.extend import Extension
from tratteggio.core.pipeline.imagine import Creation
from tratteggio.core.record.describe import CLASSICAL_SOURCE, GENERATIVE_SOURCE, IPTC, describe_mask
from tratteggio.core.record.schema import InterventionRecord, MaskInfo

CREATED_SOURCE = IPTC + "trainedAlgorithmicMedia"


class Documented(Protocol):
    """One intervention as the writer sees it."""

    @property
    def id(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def generative(self) -> bool: ...

    @property
    def device(self) -> str | None: ...

    @property
    def damage(self) -> Mask | None: ...

    @property
    def losses(self) -> Mask: ...

    @property
    def placed(self) -> Box | None:
        """Where the picture before it lies on the canvas after it (None: the canvas is unchanged)."""
        ...

    @property
    def creates(self) -> bool:
        """It makes a picture from nothing: there is no master before it."""
        ...

    def record(self, mask: MaskInfo | None) -> InterventionRecord: ...


def _whole(height: int, width: int) -> Mask:
    return Mask(np.ones((height, width), bool))


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

    @property
    def losses(self) -> Mask:
        return _whole(*self.shape)

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        height, width = self.shape
        whole = MaskInfo([0, 0, width, height], height * width)
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=self.request.to_dict(),
            engine={"name": "revive", "transform": self.transform.to_dict()},
            mask=whole,
            effective_mask=whole,
            regions=[[0, 0, width, height]],
            seconds=round(self.seconds, 3),
            digital_source_type=CLASSICAL_SOURCE,
            details={"global": True, "reference": self.request.reference, **(self.evidence or {})},
        )


@dataclass(frozen=True, eq=False)
class Extended:
    """An extension of the canvas: the created area is its mask and its loss map."""

    id: int
    extension: Extension
    kind = "extend"
    creates = False

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
    def device(self) -> str | None:
        return str(self.creation.engine_info.get("device", "cpu"))

    @property
    def losses(self) -> Mask:
        width, height = self.creation.size
        return _whole(height, width)

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        width, height = self.creation.size
        whole = MaskInfo([0, 0, width, height], width * height)
        request = self.creation.request
        return InterventionRecord(
            id=self.id,
            kind=self.kind,
            request=request.to_dict(),
            engine={"name": request.engine, **self.creation.engine_info},
            mask=whole,
            effective_mask=whole,
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


def record_source_type(entries: list[Any]) -> str:
    """The whole result's IPTC type: created if it began from noise, composite if any generated
    pixel remains, else algorithmically enhanced (a revival alone changes nothing here)."""
    if any(getattr(e, "creates", False) for e in entries):
        return CREATED_SOURCE
    if any(e.generative for e in entries):
        return GENERATIVE_SOURCE
    return CLASSICAL_SOURCE
