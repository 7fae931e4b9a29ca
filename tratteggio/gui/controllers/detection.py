"""Damage proposals in the studio: the search runs on the runner (with progress, Esc cancels); the
proposal is reviewed on the canvas (click a part to reject it), then merged into the mask.

The last line score is kept (keyed by kind, scale and what the composite is made of), so moving the
sensitivity slider re-thresholds at once instead of scoring again.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject

from tratteggio.core.lab.detect import LINE_KINDS, DetectRequest, detect, line_probability, line_scale
from tratteggio.core.photo import color_view, dtype_max
from tratteggio.core.studio.document import Document
from tratteggio.gui.canvas import Canvas, Tool
from tratteggio.gui.panels.detect_panel import DetectPanel
from tratteggio.gui.runner import TaskContext
from tratteggio.gui.session import StudioSession

ScoreKey = tuple[object, ...]


class DetectController(QObject):
    def __init__(self, session: StudioSession, canvas: Canvas, panel: DetectPanel) -> None:
        super().__init__(session)
        self.session, self.canvas, self.panel = session, canvas, panel
        self._labels: np.ndarray | None = None
        self._score: tuple[ScoreKey, np.ndarray] | None = None
        panel.detectRequested.connect(self.detect)
        panel.mergeRequested.connect(self.merge)
        panel.discardRequested.connect(self.discard)
        panel.pickSupportRequested.connect(self.start_picking)
        canvas.reviewClicked.connect(self.reject_at)
        canvas.pointPicked.connect(self.pick_support_at)
        session.documentChanged.connect(self._new_document)

    def _new_document(self, _doc: object) -> None:
        self._labels, self._score = None, None
        self.panel.reset()

    # -- search --------------------------------------------------------------------------------
    def detect(self) -> None:
        doc = self.session.doc
        if doc is None:
            return
        request, pixels = self.panel.request(), doc.composite()
        key = (request.kind, line_scale(request.max_width), *_composite_key(doc))
        score = self._score[1] if self._score is not None and self._score[0] == key else None
        self.session.runner.run(
            lambda ctx: _detect_on_worker(pixels, request, score, ctx),
            label="detect",
            on_progress=lambda done, total, _: self.session.show_progress(
                done, total, f"scoring lines: tile {done:.0f}/{total:.0f}"
            ),
            on_done=lambda value: self._found(key, *value),
            on_failed=self._failed,
            on_cancelled=self._cancelled,
        )
        self.session.say(f"Looking for {request.kind}… (Esc cancels)")

    def _found(self, key: ScoreKey, bits: np.ndarray, score: np.ndarray | None) -> None:
        self.session.show_progress(0, 0)
        if score is not None:
            self._score = (key, score)
        self._show_proposal(bits)
        self.session.say("Proposal ready: review it before merging.")

    def _failed(self, text: str) -> None:
        self.session.show_progress(0, 0)
        self.session.warn(text)

    def _cancelled(self) -> None:
        self.session.show_progress(0, 0)
        self.session.say("Damage search cancelled.")

    # -- review --------------------------------------------------------------------------------
    def _show_proposal(self, bits: np.ndarray) -> None:
        import cv2

        self._labels = cv2.connectedComponents(bits.astype(np.uint8), connectivity=8)[1]
        self.canvas.set_proposal(bits)
        self.canvas.set_tool(Tool.REVIEW)
        parts = int(self._labels.max())
        self.panel.show_summary(parts, float(bits.mean()))

    def reject_at(self, x: int, y: int) -> None:
        bits = self.canvas.proposal_bits
        if bits is None or self._labels is None or not (0 <= y < bits.shape[0] and 0 <= x < bits.shape[1]):
            return
        label = self._labels[y, x]
        if label == 0:  # allow a near miss: the nearest labelled pixel within 4 px
            window = self._labels[max(0, y - 4) : y + 5, max(0, x - 4) : x + 5]
            label = int(window.max())
        if label:
            self._show_proposal(bits & (self._labels != label))

    def merge(self) -> None:
        doc, bits = self.session.doc, self.canvas.proposal_bits
        if doc is None or bits is None:
            return
        doc.set_mask(doc.mask | bits, f"merge detected {self.panel.kind.currentText()}")
        self.discard()
        self.session.say("Merged into the mask (Ctrl+Z undoes it).")

    def discard(self) -> None:
        self.canvas.set_proposal(None)
        self.canvas.end_tool(Tool.REVIEW)
        self._labels = None
        self.panel.set_has_proposal(False)

    # -- support colour ------------------------------------------------------------------------
    def start_picking(self) -> None:
        if self.session.doc is None:
            return
        self.canvas.set_tool(Tool.PICK)
        self.session.say("Click a loss, where the bare support shows, to take its colour.")

    def pick_support_at(self, x: int, y: int) -> None:
        """The support colour: the median of a 5x5 patch (a loss's grain averages out)."""
        doc = self.session.doc
        if doc is None or not (0 <= y < doc.photo.height and 0 <= x < doc.photo.width):
            return
        patch = color_view(doc.composite()[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3])
        values = patch.reshape(-1, patch.shape[2] if patch.ndim == 3 else 1)
        median = np.median(values.astype(np.float64), axis=0) / dtype_max(patch.dtype)
        rgb = tuple(float(v) for v in (median if len(median) == 3 else np.repeat(median, 3)))
        self.panel.set_support((rgb[0], rgb[1], rgb[2]))
        self.session.say("Support colour picked: Detect damage looks for areas of that colour.")


def _composite_key(doc: Document) -> ScoreKey:
    """What the composite is made of: the document (a weak reference: a new document never matches an
    old one's key, even at a reused address) and its visible interventions, in order."""
    return (weakref.ref(doc), *(i.id for i in doc.interventions if i.visible))


def _detect_on_worker(
    pixels: np.ndarray, request: DetectRequest, score: np.ndarray | None, ctx: TaskContext
) -> tuple[np.ndarray, np.ndarray | None]:
    """Runs on the worker: the proposal, and the line score when it had to be computed."""
    report: Callable[[int, int], None] = ctx.progress
    if request.kind not in LINE_KINDS:
        return detect(pixels, request), None
    scale = line_scale(request.max_width)
    fresh = line_probability(pixels, request.kind, report, scale) if score is None else None
    return detect(pixels, request, score if score is not None else fresh), fresh
