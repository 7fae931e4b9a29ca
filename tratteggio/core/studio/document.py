"""The studio's document, without Qt: the master photo, the damage mask being painted, the accepted
interventions, and one undo history for all of them.

The master is never modified. What the user sees is the master with the visible interventions'
patches applied in order; it is kept up to date box by box, never recomputed whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.composite import apply_patches
from tratteggio.core.pipeline.restore import Result
from tratteggio.core.studio.history import History
from tratteggio.core.studio.maskedit import MaskChange, replace_all

Listener = Callable[[str, Box | None], None]


@dataclass(eq=False)
class Intervention:
    """One accepted restoration: its result (patches, request, engine) and the mask it used."""

    result: Result
    mask: Mask
    visible: bool = True
    id: int = 0  # given by the document, unique within it
    accepted: str = ""  # ISO date and time of acceptance

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


class Document:
    """Listeners get `(kind, box)`: kind is "mask", "image" or "interventions"; box the changed area."""

    def __init__(self, photo: Photo, path: Path | None = None) -> None:
        self.photo = photo
        self.path = path
        self.mask = np.zeros(photo.shape2d, dtype=bool)
        self.history = History()
        self.interventions: list[Intervention] = []
        self.listeners: list[Listener] = []
        self._composite: np.ndarray | None = None
        # set when the photo was aged in the studio: the truth a restoration is compared with
        self.reference: np.ndarray | None = None
        self.truth: np.ndarray | None = None
        self.origin: dict[str, object] = {}  # how a master without a file came to be (aged: how)
        self.revision = 0  # counts every change of mask or interventions (undo and redo too)
        self.next_id = 1

    # -- notifications -------------------------------------------------------------------------
    def notify(self, kind: str, box: Box | None = None) -> None:
        if kind != "image":  # the composite follows from the others
            self.revision += 1
        for listener in list(self.listeners):
            listener(kind, box)

    # -- mask ----------------------------------------------------------------------------------
    def record_mask_change(self, change: MaskChange | None) -> None:
        """Push a mask edit already applied to `self.mask` (one stroke, one rectangle, ...)."""
        if change is not None:
            self.history.push(_MaskCommand(self, change))
            self.notify("mask", change.box)

    def set_mask(self, new: np.ndarray, label: str) -> None:
        self.record_mask_change(replace_all(self.mask, new, label))

    def mask_object(self) -> Mask:
        return Mask(self.mask.copy())

    # -- interventions -------------------------------------------------------------------------
    def accept(self, result: Result, mask: Mask) -> Intervention:
        """Add a restoration as an intervention and clear the mask it filled: one undoable step."""
        intervention = Intervention(result, mask, id=self.next_id, accepted=_now())
        self.next_id += 1
        command = _AcceptCommand(
            self, intervention, replace_all(self.mask, np.zeros_like(self.mask), "clear")
        )
        command.apply_intervention(add=True)
        self.history.push(command)
        self.notify("mask", None)
        return intervention

    def set_visible(self, intervention: Intervention, visible: bool) -> None:
        """Hide or show an intervention (a view of the work, like a layer's eye: not an undo step)."""
        if intervention.visible != visible:
            intervention.visible = visible
            self.refresh(intervention.bounds())
            self.notify("interventions")

    def add_loaded(self, interventions: list[Intervention]) -> None:
        """Interventions read from a project: not an edit, no undo step (the composite is made
        when first needed, not here: opening a 50 MP project copies no 300 MB array)."""
        self.interventions.extend(interventions)
        self.next_id = max([self.next_id, *(i.id + 1 for i in interventions)])
        self._composite = None

    def remove(self, intervention: Intervention) -> None:
        command = _RemoveCommand(self, intervention, self.interventions.index(intervention))
        command.redo()
        self.history.push(command)

    def composite(self) -> np.ndarray:
        """The photo as restored so far (the master itself while nothing is visible). The whole
        restored photo is composed on first use and then kept up to date box by box."""
        if self._composite is None and any(i.visible for i in self.interventions):
            self._composite = self.photo.pixels.copy()
            whole = Box(0, 0, self.photo.width, self.photo.height)
            self._compose_into(self._composite, whole, whole)
        return self._composite if self._composite is not None else self.photo.pixels

    def composite_region(self, box: Box) -> np.ndarray:
        """The restored photo inside `box` only, without composing the whole (what the canvas shows)."""
        if self._composite is not None or not any(i.visible for i in self.interventions):
            return self.composite()[box.slices]
        out = self.photo.pixels[box.slices].copy()
        self._compose_into(out, box, box)
        return out

    def _compose_into(self, out: np.ndarray, at: Box, clip: Box) -> None:
        """Apply the visible interventions, in order, to `out` (the master's pixels at `at`) within `clip`."""
        for intervention in self.interventions:
            if intervention.visible:
                apply_patches(out, intervention.result.patches, clip=clip, origin=(at.x0, at.y0))

    def refresh(self, box: Box | None) -> None:
        """Recompose `box` from the master and the visible interventions, in order."""
        if box is None:
            return
        if self._composite is not None:
            self._composite[box.slices] = self.photo.pixels[box.slices]
            self._compose_into(self._composite, Box(0, 0, self.photo.width, self.photo.height), box)
        self.notify("image", box)

    # -- undo ----------------------------------------------------------------------------------
    def undo(self) -> bool:
        return self.history.undo() is not None

    def redo(self) -> bool:
        return self.history.redo() is not None

    def snapshot(self) -> Document:
        """A copy to export from another thread while the user keeps working on this one."""
        import dataclasses

        copy = Document(self.photo, self.path)
        copy.interventions = [dataclasses.replace(i) for i in self.interventions]
        copy._composite = None  # composed on the other thread when the export asks for it
        copy.reference, copy.truth, copy.origin = self.reference, self.truth, dict(self.origin)
        return copy

    def generative_visible(self) -> bool:
        return any(i.visible and i.result.generative for i in self.interventions)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


class _MaskCommand:
    def __init__(self, doc: Document, change: MaskChange) -> None:
        self.doc, self.change, self.label = doc, change, change.label

    def undo(self) -> None:
        self.change.undo()
        self.doc.notify("mask", self.change.box)

    def redo(self) -> None:
        self.change.redo()
        self.doc.notify("mask", self.change.box)


class _AcceptCommand:
    label = "accept restoration"

    def __init__(self, doc: Document, intervention: Intervention, cleared: MaskChange | None) -> None:
        self.doc, self.intervention, self.cleared = doc, intervention, cleared

    def apply_intervention(self, add: bool) -> None:
        if add:
            self.doc.interventions.append(self.intervention)
        else:
            self.doc.interventions.remove(self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify("interventions")

    def undo(self) -> None:
        if self.cleared is not None:
            self.cleared.undo()
        self.apply_intervention(add=False)
        self.doc.notify("mask", None)

    def redo(self) -> None:
        if self.cleared is not None:
            self.cleared.redo()
        self.apply_intervention(add=True)
        self.doc.notify("mask", None)


class _RemoveCommand:
    label = "remove intervention"

    def __init__(self, doc: Document, intervention: Intervention, index: int) -> None:
        self.doc, self.intervention, self.index = doc, intervention, index

    def undo(self) -> None:
        self.doc.interventions.insert(self.index, self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify("interventions")

    def redo(self) -> None:
        self.doc.interventions.remove(self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify("interventions")
