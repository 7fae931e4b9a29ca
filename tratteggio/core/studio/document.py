"""The studio's document, without Qt: the master photo, the damage mask being painted, the accepted
interventions, and one undo history for all of them.

The master is never modified. What the user sees is the master with the visible interventions
applied in composition order: local ones first (fills: their patches, in the order accepted), then
global ones (a revival of colours acts on the photo as restored so far). It is kept up to date box
by box, never recomputed whole. Every intervention can be hidden, removed, undone.

A document whose photo was made in the studio (extended, or created from noise) keeps its
`lineage`: the master it came from and the steps that made the picture, so that an export
documents them and `rerun` replays them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import DocIntervention, Lineage
from tratteggio.core.kinds.fill import Intervention
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import Result
from tratteggio.core.studio.edits import NOT_REVISIONS, Edit, MasterRef
from tratteggio.core.studio.history import History
from tratteggio.core.studio.maskedit import MaskChange, replace_all
from tratteggio.core.studio.review import Review, grown, mark_region

Listener = Callable[[Edit, Box | None], None]
_ids = itertools.count(1)


class Document:
    """Listeners get `(edit, box)`: what changed (an `Edit`) and the changed area (None: all)."""

    def __init__(self, photo: Photo, path: Path | None = None) -> None:
        self.photo = photo
        self.path = path
        self.mask = np.zeros(photo.shape2d, dtype=bool)
        self.history = History()
        self.interventions: list[DocIntervention] = []
        self.listeners: list[Listener] = []
        self._composite: np.ndarray | None = None
        # set when the photo was aged in the studio: the truth a restoration is compared with
        self.reference: np.ndarray | None = None
        self.truth: np.ndarray | None = None
        self.origin: dict[str, object] = {}  # how a master without a file came to be (aged: how)
        self.review: Review | None = None  # a damage proposal under review
        self.detector: bytes | None = None  # what teaching made: a detector file's bytes (kept)
        self.lineage: Lineage | None = None  # how a photo made in the studio was made
        self.revision = 0  # counts every change of mask or interventions (undo and redo too)
        self.master = MasterRef()  # the master file's hash, as a project loads or saves it
        self._next_id = 1

    @property
    def made_here(self) -> bool:
        """The picture exists only in this document (extended, created from noise, aged): it has no
        file of its own, so it is work to save like any stroke."""
        return self.path is None and (self.lineage is not None or bool(self.origin))

    # -- notifications -------------------------------------------------------------------------
    def notify(self, edit: Edit, box: Box | None = None) -> None:
        if edit not in NOT_REVISIONS:
            self.revision += 1
        for listener in list(self.listeners):
            listener(edit, box)

    def set_detector(self, data: bytes | None) -> None:
        """Keep the detector taught on this photo (a project saves it; None: untaught)."""
        if data != self.detector:
            self.detector = data
            self.notify(Edit.DETECTOR)

    # -- mask ----------------------------------------------------------------------------------
    def record_mask_change(self, change: MaskChange | None) -> None:
        """Push a mask edit already applied to `self.mask` (one stroke, one rectangle, ...)."""
        if change is not None:
            self.history.push(_MaskCommand(self, change))
            self.notify(Edit.MASK, change.box)

    def set_mask(self, new: np.ndarray, label: str) -> None:
        self.record_mask_change(replace_all(self.mask, new, label))

    def mask_object(self) -> Mask:
        return Mask(self.mask.copy())

    # -- a damage proposal under review ---------------------------------------------------------
    def begin_review(self, kind: str, found: np.ndarray, taught: bool = False) -> Review:
        """Show a detection for review. Not an undo step (nothing the user made changes); a new
        detection of the same kind keeps the marks made so far."""
        if self.review is not None and self.review.kind == kind and self.review.found.shape == found.shape:
            self.review.restart(found)
        else:
            self.review = Review.start(kind, found, taught)
        self.notify(Edit.REVIEW, None)
        return self.review

    def record_mark(self, change: MaskChange | None) -> None:
        """Push a mark (a teaching stroke on one of the review's planes, already applied)."""
        if change is not None and self.review is not None:
            command = _MarkCommand(self, self.review, change)
            self.history.push(command)
            command.settle(add=True)

    def reject(self, part: np.ndarray) -> None:
        """Reject a part of the proposal: it and a 1 px rim are marked "not damage" (one step)."""
        if self.review is not None:
            self.record_mark(mark_region(self.review.clean, grown(part, 1), "reject part"))

    def end_review(self, merge: bool) -> None:
        """Merge the proposal into the mask, or discard it: one undo step that brings it back."""
        review = self.review
        if review is None:
            return
        change = replace_all(self.mask, self.mask | review.shown, f"merge {review.kind}") if merge else None
        command = _EndReviewCommand(self, review, change)
        command.redo()
        self.history.push(command)

    # -- interventions -------------------------------------------------------------------------
    def accept(self, result: Result, mask: Mask) -> Intervention:
        """Add a restoration as an intervention and clear the mask it filled: one undoable step."""
        intervention = Intervention(result, mask, id=self.take_id(), accepted=_now())
        command = _AcceptCommand(
            self, intervention, replace_all(self.mask, np.zeros_like(self.mask), "clear")
        )
        command.apply_intervention(add=True)
        self.history.push(command)
        self.notify(Edit.MASK, None)
        return intervention

    def add(self, intervention: DocIntervention) -> None:
        """Add an intervention that fills no mask (a revival of colours): one undoable step."""
        intervention.id = self.take_id()
        command = _AcceptCommand(self, intervention, None)
        command.apply_intervention(add=True)
        self.history.push(command)

    def composition(self) -> list[DocIntervention]:
        """The visible interventions in the order they are composed (and exported)."""
        return sorted((i for i in self.interventions if i.visible), key=lambda i: i.stage)

    def take_id(self) -> int:
        """The next intervention id of this document."""
        self._next_id += 1
        return self._next_id - 1

    def set_lineage(self, lineage: Lineage) -> None:
        """How this photo was made; its own interventions are numbered after the lineage's steps."""
        self.lineage = lineage
        self._next_id = max([self._next_id, *(step.id + 1 for step in lineage.steps)])

    def set_visible(self, intervention: DocIntervention, visible: bool) -> None:
        """Hide or show an intervention (a view of the work, like a layer's eye: not an undo step)."""
        if intervention.visible != visible:
            intervention.visible = visible
            self.refresh(intervention.bounds())
            self.notify(Edit.INTERVENTIONS)

    def add_loaded(self, interventions: list[DocIntervention]) -> None:
        """Interventions read from a project: not an edit, no undo step (the composite is made
        when first needed, not here: opening a 50 MP project copies no 300 MB array)."""
        self.interventions.extend(interventions)
        self._next_id = max([self._next_id, *(i.id + 1 for i in interventions)])
        self._composite = None

    def remove(self, intervention: DocIntervention) -> None:
        command = _RemoveCommand(self, intervention, self.interventions.index(intervention))
        command.redo()
        self.history.push(command)

    def composite(self) -> np.ndarray:
        """The photo as restored so far (the master itself while nothing is visible). The whole
        restored photo is composed on first use and then kept up to date box by box."""
        if self._composite is None and self.composition():
            self._composite = self.photo.pixels.copy()
            whole = Box(0, 0, self.photo.width, self.photo.height)
            self._compose_into(self._composite, whole, whole)
        return self._composite if self._composite is not None else self.photo.pixels

    def composite_region(self, box: Box) -> np.ndarray:
        """The restored photo inside `box` only, without composing the whole (what the canvas shows)."""
        if self._composite is not None or not self.composition():
            return self.composite()[box.slices]
        out = self.photo.pixels[box.slices].copy()
        self._compose_into(out, box, box)
        return out

    def _compose_into(self, out: np.ndarray, at: Box, clip: Box) -> None:
        """Apply the visible interventions in composition order to `out` (the master's pixels
        from `at` on) within `clip`."""
        for intervention in self.composition():
            intervention.apply(out, clip, (at.x0, at.y0))

    def refresh(self, box: Box | None) -> None:
        """Recompose `box` from the master and the visible interventions, in order."""
        if box is None:
            return
        if self._composite is not None:
            self._composite[box.slices] = self.photo.pixels[box.slices]
            self._compose_into(self._composite, Box(0, 0, self.photo.width, self.photo.height), box)
        self.notify(Edit.IMAGE, box)

    # -- undo ----------------------------------------------------------------------------------
    def undo(self) -> bool:
        return self.history.undo() is not None

    def redo(self) -> bool:
        return self.history.redo() is not None

    def snapshot(self) -> Document:
        """A copy to export from another thread while the user keeps working on this one."""
        import copy as copying

        copy = Document(self.photo, self.path)
        copy.interventions = [copying.copy(i) for i in self.interventions]  # their own visibility
        copy._composite = None  # composed on the other thread when the export asks for it
        copy.reference, copy.truth, copy.origin = self.reference, self.truth, dict(self.origin)
        copy.lineage = self.lineage
        return copy

    def generative_visible(self) -> bool:
        return any(i.visible and i.generative for i in self.interventions)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


class _MarkCommand:
    """A mark on a review's plane. The review's `applied` names the marks' state, so a proposal
    computed for that state is shown again at once when undo or redo returns to it."""

    def __init__(self, doc: Document, review: Review, change: MaskChange) -> None:
        self.doc, self.review, self.change, self.label = doc, review, change, change.label
        self.id = next(_ids)

    def settle(self, add: bool) -> None:
        applied = self.review.applied
        self.review.marks_changed((*applied, self.id) if add else applied[:-1])
        self.doc.notify(Edit.MARKS, self.change.box)

    def undo(self) -> None:
        self.change.undo()
        self.settle(add=False)

    def redo(self) -> None:
        self.change.redo()
        self.settle(add=True)


class _EndReviewCommand:
    def __init__(self, doc: Document, review: Review, merged: MaskChange | None) -> None:
        self.doc, self.review, self.merged = doc, review, merged
        self.label = "merge proposal" if merged is not None else "discard proposal"

    def undo(self) -> None:
        if self.merged is not None:
            self.merged.undo()
            self.doc.notify(Edit.MASK, self.merged.box)
        self.doc.review = self.review
        self.doc.notify(Edit.REVIEW, None)

    def redo(self) -> None:
        if self.merged is not None:
            self.merged.redo()
            self.doc.notify(Edit.MASK, self.merged.box)
        self.doc.review = None
        self.doc.notify(Edit.REVIEW, None)


class _MaskCommand:
    def __init__(self, doc: Document, change: MaskChange) -> None:
        self.doc, self.change, self.label = doc, change, change.label

    def undo(self) -> None:
        self.change.undo()
        self.doc.notify(Edit.MASK, self.change.box)

    def redo(self) -> None:
        self.change.redo()
        self.doc.notify(Edit.MASK, self.change.box)


class _AcceptCommand:
    label = "accept restoration"

    def __init__(self, doc: Document, intervention: DocIntervention, cleared: MaskChange | None) -> None:
        self.doc, self.intervention, self.cleared = doc, intervention, cleared

    def apply_intervention(self, add: bool) -> None:
        if add:
            self.doc.interventions.append(self.intervention)
        else:
            self.doc.interventions.remove(self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify(Edit.INTERVENTIONS)

    def undo(self) -> None:
        if self.cleared is not None:
            self.cleared.undo()
        self.apply_intervention(add=False)
        self.doc.notify(Edit.MASK, None)

    def redo(self) -> None:
        if self.cleared is not None:
            self.cleared.redo()
        self.apply_intervention(add=True)
        self.doc.notify(Edit.MASK, None)


class _RemoveCommand:
    label = "remove intervention"

    def __init__(self, doc: Document, intervention: DocIntervention, index: int) -> None:
        self.doc, self.intervention, self.index = doc, intervention, index

    def undo(self) -> None:
        self.doc.interventions.insert(self.index, self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify(Edit.INTERVENTIONS)

    def redo(self) -> None:
        self.doc.interventions.remove(self.intervention)
        self.doc.refresh(self.intervention.bounds())
        self.doc.notify(Edit.INTERVENTIONS)
