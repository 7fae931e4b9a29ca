"""What the document asks of an intervention, and how a picture made in the studio was made.

Interventions compose in stages: LOCAL ones (fills) first, in the order accepted, then GLOBAL ones
(a revival of colours) on the photo as restored so far. A `Lineage` keeps, for a document whose
photo was extended or created in the studio, the master it came from (None: created from noise)
and every step that made the picture, in order: the earlier document's visible interventions,
then the extension or creation (`Made`). Exports document the steps; `rerun` replays them.

For a project file, each kind is plain parameters plus arrays: a fill is its Result (patches:
box, pixels, where) with its mask and request; a revival is its transform and request (numbers);
`Made` holds an Extension (margins, request, the Result over the padded canvas) or a Creation
(request, pixels, the noise picture and the step previews).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.extend import Extension
from tratteggio.core.pipeline.imagine import Creation

LOCAL, GLOBAL = 0, 1


class DocIntervention(Protocol):
    """Any intervention: its place in the composition order, where it acts, what it does there."""

    id: int
    visible: bool
    stage: int

    @property
    def label(self) -> str: ...

    @property
    def generative(self) -> bool: ...

    def bounds(self) -> Box | None: ...

    def apply(self, out: np.ndarray, box: Box, origin: tuple[int, int] = (0, 0)) -> None:
        """Change the composite `out` inside `box` (it holds every earlier stage already). `out`
        holds the photo from `origin` (x, y) on: the whole photo, or the region being shown."""
        ...


@dataclass(frozen=True, eq=False)
class Made:
    """The step that made a new picture: an extension of the canvas, or a creation from noise."""

    id: int
    what: Extension | Creation


@dataclass(frozen=True, eq=False)
class Lineage:
    master: Photo | None
    path: Path | None
    steps: tuple[DocIntervention | Made, ...]
