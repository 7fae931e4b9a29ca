"""Damage detection and aging in the studio: work runs on the job runner's thread; the document,
canvas and timeline are updated from the GUI thread when results arrive."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from tratteggio.core import Photo
from tratteggio.core.aging import AgedPhoto, AgingRequest, age
from tratteggio.core.detect import LINE_KINDS, DetectRequest, detect, line_probability, line_scale
from tratteggio.core.document import Document
from tratteggio.core.geometry import Box
from tratteggio.core.metrics import fidelity
from tratteggio.core.photo import color_view, dtype_max
from tratteggio.core.restore import StepPreview
from tratteggio.gui.age_panel import AgePanel
from tratteggio.gui.detect_panel import DetectPanel
from tratteggio.gui.job_runner import Task
from tratteggio.gui.timeline import thumbnails

if TYPE_CHECKING:
    from tratteggio.gui.main_window import MainWindow


class LabController(QObject):
    message = Signal(str)

    def __init__(self, window: MainWindow, detect_panel: DetectPanel, age_panel: AgePanel) -> None:
        super().__init__(window)
        self.window, self.detect_panel, self.age_panel = window, detect_panel, age_panel
        self.runner = window.controller.runner
        self._labels: np.ndarray | None = None
        self._pending: dict[int, str] = {}
        # the last line score, keyed by kind and what the composite is made of: the slider reuses it
        self._score: tuple[tuple[object, ...], np.ndarray] | None = None
        self._score_keys: dict[int, tuple[object, ...]] = {}
        self.runner.taskFinished.connect(self._on_task)
        self.runner.taskFailed.connect(self._on_failed)
        self.runner.taskProgress.connect(self._on_progress)
        self.runner.taskCancelled.connect(self._on_cancelled)
        detect_panel.detectRequested.connect(self.detect)
        detect_panel.mergeRequested.connect(self.merge)
        detect_panel.discardRequested.connect(self.discard)
        age_panel.ageRequested.connect(self.age)
        age_panel.compareRequested.connect(self.compare)
        window.canvas.reviewClicked.connect(self.reject_at)
        detect_panel.pickSupportRequested.connect(self.start_picking)
        window.canvas.pointPicked.connect(self.pick_support_at)
        window.timeline.stepSelected.connect(self._scrub_forward)
        self._forward: tuple[np.ndarray, list[np.ndarray]] | None = None

    # -- detection -----------------------------------------------------------------------------
    def detect(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        request, pixels = self.detect_panel.request(), doc.composite()
        key = (request.kind, line_scale(request.max_width), *_composite_key(doc))
        score = self._score[1] if self._score is not None and self._score[0] == key else None
        task = self.runner.run_task(
            "detect", lambda report: _detect_on_worker(pixels, request, score, report), reports_progress=True
        )
        self._pending[task.id] = "detect"
        self._score_keys[task.id] = key
        self.message.emit(f"Looking for {request.kind}… (Esc cancels)")

    def start_picking(self) -> None:
        if self.window.doc is None:
            return
        self.window.canvas.picking = True
        self.window.canvas.setCursor(Qt.CursorShape.CrossCursor)
        self.message.emit("Click a loss, where the bare support shows, to take its colour.")

    def pick_support_at(self, x: int, y: int) -> None:
        """The support colour: the median of a 5x5 patch (a loss's grain averages out)."""
        doc = self.window.doc
        if doc is None or not (0 <= y < doc.photo.height and 0 <= x < doc.photo.width):
            return
        patch = color_view(doc.composite()[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3])
        values = patch.reshape(-1, patch.shape[2] if patch.ndim == 3 else 1)
        median = np.median(values.astype(np.float64), axis=0) / dtype_max(patch.dtype)
        rgb = tuple(float(v) for v in (median if len(median) == 3 else np.repeat(median, 3)))
        self.detect_panel.set_support((rgb[0], rgb[1], rgb[2]))
        self.message.emit("Support colour picked: Detect damage looks for areas of that colour.")

    def _show_proposal(self, bits: np.ndarray) -> None:
        import cv2

        self._labels = cv2.connectedComponents(bits.astype(np.uint8), connectivity=8)[1]
        self.window.canvas.set_proposal(bits)
        self.window.canvas.reviewing = True
        self.detect_panel.set_has_proposal(True)
        parts = int(self._labels.max())
        self.detect_panel.summary.setText(
            f"{parts} part{'' if parts == 1 else 's'}, {bits.mean() * 100:.2f}% of the photo. Click a part "
            "to reject it; then merge the rest into the mask."
        )

    def reject_at(self, x: int, y: int) -> None:
        bits = self.window.canvas.proposal_bits
        if bits is None or self._labels is None or not (0 <= y < bits.shape[0] and 0 <= x < bits.shape[1]):
            return
        label = self._labels[y, x]
        if label == 0:  # allow a near miss: the nearest labelled pixel within 4 px
            window = self._labels[max(0, y - 4) : y + 5, max(0, x - 4) : x + 5]
            label = int(window.max())
        if label:
            kept = bits & (self._labels != label)
            self._show_proposal(kept)

    def merge(self) -> None:
        doc, bits = self.window.doc, self.window.canvas.proposal_bits
        if doc is None or bits is None:
            return
        doc.set_mask(doc.mask | bits, f"merge detected {self.detect_panel.kind.currentText()}")
        self.discard()
        self.message.emit("Merged into the mask (Ctrl+Z undoes it).")

    def discard(self) -> None:
        self.window.canvas.set_proposal(None)
        self.window.canvas.reviewing = False
        self._labels = None
        self.detect_panel.set_has_proposal(False)

    # -- aging ---------------------------------------------------------------------------------
    def age(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        request, photo = self.age_panel.request(), doc.photo
        task = self.runner.run_task("age", lambda: _aged_with_thumbnails(photo, request))
        self._pending[task.id] = "age"
        self.message.emit("Ageing the photo…")

    def _show_aged(self, aged: AgedPhoto, pictures: list[np.ndarray]) -> None:
        old = self.window.doc
        assert old is not None
        doc = Document(Photo(aged.pixels, old.photo.icc_profile), None)
        doc.reference, doc.truth = aged.reference, aged.mask
        doc.mask[...] = aged.mask
        self.window.set_document(doc)
        whole = Box(0, 0, doc.photo.width, doc.photo.height)
        layers = [
            StepPreview(
                step=i,
                total=len(aged.layers),
                region=0,
                box=whole,
                pixels=pixels,
                final=i == len(aged.layers) - 1,
            )
            for i, (_, pixels) in enumerate(aged.layers)
        ]
        names = ", ".join(kind for kind, _ in aged.layers)
        self._forward = (old.photo.pixels, [pixels for _, pixels in aged.layers])
        self.window.timeline.show_frames(
            pictures, [p.final for p in layers], f"Forward layers of time: {names}"
        )
        self.window.timeline.set_actions_enabled(False)
        self.window.timeline.play_button.setEnabled(True)
        self.age_panel.compare_button.setEnabled(True)
        self.message.emit(f"Aged: {aged.mask.mean() * 100:.1f}% damaged; the mask is the ground truth.")

    def _scrub_forward(self, position: int) -> None:
        """While the timeline holds the forward (aging) layers, show the photo as it was at that layer."""
        doc = self.window.doc
        if self._forward is None or doc is None or self.window.controller.jobs:
            self._forward = None if self.window.controller.jobs else self._forward
            return
        original, layers = self._forward
        pixels = original if position == 0 else layers[min(position, len(layers)) - 1]
        self.window.canvas.show_preview([(Box(0, 0, doc.photo.width, doc.photo.height), pixels)])

    def compare(self) -> None:
        """Fidelity of the chosen restoration (or the accepted ones) against the original."""
        doc = self.window.doc
        if doc is None or doc.reference is None or doc.truth is None:
            return
        chosen = self.window.controller.chosen()
        restored = chosen[1].pixels if chosen else doc.composite()
        score = fidelity(restored, doc.reference, doc.photo.pixels, doc.truth, np.ones_like(doc.truth))
        text = (
            f"In the damaged area: PSNR {score.psnr_mask:.2f} dB, SSIM {score.ssim_mask:.3f}, "
            f"mean abs error {score.mae_mask:.2f} / 255. Whole photo: PSNR {score.psnr_whole:.2f} dB."
        )
        self.age_panel.figures.setText(text)
        self.message.emit(text)

    def _on_progress(self, task: Task, done: int, total: int) -> None:
        if self._pending.get(task.id) == "detect":
            self.window.show_progress(done, total, f"scoring lines: tile {done}/{total}")

    def _on_cancelled(self, task: Task) -> None:
        self._score_keys.pop(task.id, None)
        if self._pending.pop(task.id, None) is not None:
            self.window.show_progress(0, 0, "")
            self.message.emit("Damage search cancelled.")

    def _on_failed(self, task: Task, text: str) -> None:
        self._score_keys.pop(task.id, None)
        if self._pending.pop(task.id, None) is not None:
            self.window.show_progress(0, 0, "")
            self.window.warn(text)

    def _on_task(self, task: Task, value: Any) -> None:
        kind = self._pending.pop(task.id, None)
        key = self._score_keys.pop(task.id, None)
        if kind == "detect":
            self.window.show_progress(0, 0, "")
            bits, score = value
            if score is not None and key is not None:
                self._score = (key, score)
            self._show_proposal(bits)
            self.message.emit("Proposal ready: review it before merging.")
        elif kind == "age":
            self._show_aged(*value)


def _composite_key(doc: Document) -> tuple[object, ...]:
    """What the composite is made of: the document (a weak reference: a new document never matches an
    old one's key, even at a reused address) and its visible interventions, in order."""
    return (weakref.ref(doc), *(i.id for i in doc.interventions if i.visible))


def _detect_on_worker(
    pixels: np.ndarray,
    request: DetectRequest,
    score: np.ndarray | None,
    report: Callable[[int, int], None],
) -> tuple[np.ndarray, np.ndarray | None]:
    """Runs on the worker: the proposal, and the line score when it had to be computed."""
    if request.kind not in LINE_KINDS:
        return detect(pixels, request), None
    scale = line_scale(request.max_width)
    fresh = line_probability(pixels, request.kind, report, scale) if score is None else None
    return detect(pixels, request, score if score is not None else fresh), fresh


def _aged_with_thumbnails(photo: Photo, request: AgingRequest) -> tuple[AgedPhoto, list[np.ndarray]]:
    """Runs on the worker: the aged photo and the timeline's pictures of its forward layers."""
    aged = age(photo, request)
    whole = Box(0, 0, photo.width, photo.height)
    layers = [
        StepPreview(step=i, total=len(aged.layers), region=0, box=whole, pixels=pixels)
        for i, (_, pixels) in enumerate(aged.layers)
    ]
    return aged, thumbnails(photo.pixels, layers)
