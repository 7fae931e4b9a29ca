"""The timeline's model: the layers of time it shows (core/pipeline/layers.py makes their pictures),
which one is shown, the candidates to choose from, and which of its buttons apply.

Controllers change this model; the timeline widget (gui/timeline.py) only reads it and turns the
user's scrubbing and choosing into calls on it. Qt here is signals only: no widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from tratteggio.gui.layers_owner import LayersOwner

if TYPE_CHECKING:
    from tratteggio.core.pipeline.restore import StepPreview

IDLE_TITLE = "Layers of time — run a restoration to watch it emerge step by step"


class LayerActions(Enum):
    """Which of the timeline's buttons apply to the layers shown."""

    NONE = "none"
    PLAY = "play"  # layers to watch, nothing to accept (an ageing, a creation)
    ALL = "all"  # a run's result: play, export, accept, discard


def layer_labels(previews: Sequence[StepPreview]) -> list[str]:
    """What each layer is: a denoising step, a region filled (one-shot engines), or the final fill."""
    if not previews:
        return []
    regions = max(p.region for p in previews) + 1
    per_region = max(1, previews[0].total // regions)
    labels = []
    for preview in previews:
        where = f"region {preview.region + 1}/{regions}" if regions > 1 else ""
        if preview.final:
            text = f"{where} filled" if where else "filled"
        else:
            text = f"{where} step {preview.step % per_region + 1}".strip()
        labels.append(text)
    labels[-1] = "final"
    return labels


class LayerStack(QObject):
    changed = Signal()  # the layers, the title or the actions: the strip is redrawn
    positionChanged = Signal(int)  # the layer shown, 0 = before the run
    candidatesChanged = Signal()
    candidateChanged = Signal(int)  # the user chose another candidate

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pictures: tuple[np.ndarray, ...] = ()  # the photo before, then one per layer
        self.labels: tuple[str, ...] = ()  # one per picture: "before", then each layer's
        self.title = IDLE_TITLE
        self.owner = LayersOwner.NONE  # which controller's layers these are
        self.actions = LayerActions.NONE
        self.position = 0
        self.candidates: tuple[str, ...] = ()
        self.candidate = 0

    @property
    def last(self) -> int:
        """The last position: the final layer (0 when there is none)."""
        return max(0, len(self.pictures) - 1)

    def show(
        self,
        pictures: Sequence[np.ndarray],
        labels: Sequence[str] | Sequence[StepPreview],
        title: str,
        owner: LayersOwner,
        actions: LayerActions | None = None,
    ) -> None:
        """Show the photo before, then one picture per layer (labelled, or labelled from
        StepPreviews), at the last layer; `actions` default: all of them where there are layers."""
        from tratteggio.core.pipeline.restore import StepPreview

        if labels and isinstance(labels[0], StepPreview):
            labels = layer_labels(labels)  # type: ignore[arg-type]
        self.owner, self.title = owner, title
        self.pictures = tuple(pictures)
        self.labels = ("before", *(str(label) for label in labels))[: len(self.pictures)]
        self.actions = actions or (LayerActions.ALL if labels else LayerActions.NONE)
        self.position = len(labels)
        self.changed.emit()
        self.positionChanged.emit(self.position)

    def clear(self) -> None:
        """Idle: no layers, no candidates."""
        self.owner, self.title = LayersOwner.NONE, IDLE_TITLE
        self.pictures, self.labels, self.actions = (), (), LayerActions.NONE
        self.set_candidates([])
        self.changed.emit()
        self.set_position(0)

    def set_actions(self, actions: LayerActions) -> None:
        self.actions = actions
        self.changed.emit()

    def set_position(self, position: int) -> None:
        """Show layer `position` (kept within the layers); says so only when it changes."""
        position = min(max(0, position), self.last)
        if position != self.position:
            self.position = position
            self.positionChanged.emit(position)

    def set_candidates(self, labels: Sequence[str]) -> None:
        """The candidates to choose from (the first chosen); one or none: no choice to show."""
        self.candidates, self.candidate = tuple(labels), 0
        self.candidatesChanged.emit()

    def choose_candidate(self, index: int) -> None:
        if 0 <= index < len(self.candidates) and index != self.candidate:
            self.candidate = index
            self.candidateChanged.emit(index)
