"""Damage proposals in the studio: the search runs on the runner (with progress, Esc cancels); the
proposal is reviewed on the canvas (click a part to reject it; teach with the two brushes), then
merged into the mask. The review and its marks live in the document (core/studio/review.py), so undo
follows them in the order they were made.

What was taught (the carried detector, this photo's head, the kept line search) is a Qt-free
`Teaching` (core/studio/teaching.py); this controller only wires it to the panel, the canvas and the
runner. The last line search is kept (keyed by kind, scale, detector and what the composite is made
of), so moving the sensitivity slider re-thresholds at once and a teaching mark refits on its cached
features (on the worker: a refit on 10 MP takes well under a second); the GUI thread only swaps the
result in.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from tratteggio.core.errors import TratteggioError
from tratteggio.core.geometry import Box
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.core.studio.review import Review
from tratteggio.core.studio.teaching import Key, Teaching, marks_for
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.controllers.support import SupportPicker
from tratteggio.gui.panels.detect_panel import DetectPanel
from tratteggio.gui.proxies import MaskProxy
from tratteggio.gui.review_overlay import proposal_proxy
from tratteggio.gui.runner import Handle, TaskContext
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool

if TYPE_CHECKING:
    from tratteggio.core.lab.detect import DetectRequest
    from tratteggio.core.lab.detector import LineDetector
    from tratteggio.core.lab.lines import LineSearch
    from tratteggio.core.lab.teach import TaughtHead

Found = tuple[np.ndarray, MaskProxy, "LineSearch | None", "TaughtHead | None", np.ndarray | None]


class DetectController(QObject):
    def __init__(self, session: StudioSession, canvas: Canvas, panel: DetectPanel) -> None:
        super().__init__(session)
        self.session, self.canvas, self.panel = session, canvas, panel
        self.teaching: Teaching[LineSearch, TaughtHead, LineDetector] = Teaching()
        self._refit: Handle | None = None
        panel.detectRequested.connect(self.detect)
        panel.mergeRequested.connect(self.merge)
        panel.discardRequested.connect(self.discard)
        panel.teachToolChosen.connect(self.choose_tool)
        panel.forgetRequested.connect(self.forget_teaching)
        panel.saveDetectorRequested.connect(self.save_detector)
        panel.loadDetectorRequested.connect(self.load_detector_file)
        canvas.reviewClicked.connect(self.reject_at)
        canvas.toolChanged.connect(lambda tool: panel.check_tool(tool.value))
        session.documentChanged.connect(self._new_document)
        session.documentEdited.connect(self._edited)
        self.support = SupportPicker(session, canvas, panel)

    def _new_document(self, doc: Document | None) -> None:
        from tratteggio.core.lab.detector import LineDetector

        self.teaching.next_photo(carry=self.panel.carry.isChecked())
        self._refit = None
        self.panel.reset()
        if doc is not None and doc.detector is not None:  # a project keeps what was taught on it
            try:
                self.teaching.carried = LineDetector.from_bytes(doc.detector)
            except TratteggioError as exc:
                self.session.warn(f"The project's taught detector is not used: {exc}")
        self.panel.show_taught(self.teaching.carried is not None)

    def _keep_taught(self) -> None:
        """The document keeps the detector as taught (a project saves it with the work)."""
        doc, kept = self.session.doc, self.teaching.kept()
        if doc is not None and kept is not None:
            doc.set_detector(kept)

    # -- search --------------------------------------------------------------------------------
    def detector(self, kind: str) -> LineDetector | None:
        return self.teaching.detector(kind)

    def detect(self) -> None:
        from tratteggio.core.lab.detect import line_scale

        doc = self.session.doc
        if doc is None:
            return
        request, pixels = self.panel.request(), doc.composite()
        detector = self.detector(request.kind)
        key = (request.kind, line_scale(request.max_width), detector, *_composite_key(doc))
        search = self.teaching.search_for(key)
        marks = marks_for(doc.review, request.kind)
        self.session.runner.run(
            lambda ctx: _detect_on_worker(pixels, request, search, detector, marks, ctx),
            label="detect",
            on_progress=lambda done, total, _: self.session.show_progress(
                done, total, f"scoring lines: tile {done:.0f}/{total:.0f}"
            ),
            on_done=lambda value: self._found(key, request, *value),
            on_failed=self._failed,
            on_cancelled=self._cancelled,
        )
        self.session.say(f"Looking for {request.kind}… (Esc cancels)")

    def _found(
        self,
        key: Key,
        request: DetectRequest,
        bits: np.ndarray,
        proxy: MaskProxy,
        search: LineSearch | None,
        head: TaughtHead | None,
        taught: np.ndarray | None,
    ) -> None:
        from tratteggio.core.lab.kinds import LINE_KINDS

        doc = self.session.doc
        self.session.show_progress(0, 0)
        if doc is None:
            return
        self.teaching.searched(key, search)
        self.canvas.set_proposal(bits, proxy)  # drawn on the worker; the review redraws what differs
        review = doc.begin_review(request.kind, bits, taught=request.kind in LINE_KINDS)
        if taught is not None:  # the search taught the marks already: no refit needed
            if self._refit is not None:
                self._refit.cancel()
            self.teaching.head = head
            review.show(taught, review.applied)
            self._keep_taught()
            self._sync()
        if self.canvas.tool.mark is None:
            self.canvas.set_tool(Tool.REVIEW)
        if request.kind == "losses" and not bits.any():
            self.session.say(
                "No losses found: press Pick from a loss… and click inside one, so the search knows "
                "the colour of the support showing through."
            )
            return
        self.session.say("Proposal ready: review it before merging, or teach with the two brushes.")

    def _failed(self, text: str) -> None:
        self.session.show_progress(0, 0)
        self.session.warn(text)

    def _cancelled(self) -> None:
        self.session.show_progress(0, 0)
        self.session.say("Damage search cancelled.")

    # -- the review, as the document holds it ----------------------------------------------------
    def _edited(self, edit: Edit, box: object) -> None:
        if edit is Edit.REVIEW:
            self._sync()
        elif edit is Edit.MARKS:
            review = self._review()
            if review is not None and isinstance(box, Box):
                self.canvas.review_overlay.update_marks(review, None, box)
            self._show(None)
            if review is not None and not review.known():
                self._start_refit(review)

    def _review(self) -> Review | None:
        doc = self.session.doc
        return doc.review if doc is not None else None

    def _sync(self) -> None:
        """Show the document's review as it is now (a proposal came, or went, or came back)."""
        review = self._review()
        self.canvas.review_overlay.set_marks(review)
        if review is None:
            self.canvas.set_proposal(None)
            for tool in (Tool.TEACH_DAMAGE, Tool.TEACH_CLEAN, Tool.REVIEW):
                self.canvas.end_tool(tool)
            self.panel.set_has_proposal(False)
            return
        self._show(None)
        if self.canvas.tool.mark is None:
            self.canvas.set_tool(Tool.REVIEW)
        if not review.known():
            self._start_refit(review)

    def _show(self, proxy: MaskProxy | None) -> None:
        review = self._review()
        if review is None:
            return
        self.canvas.set_proposal(review.shown, proxy)
        self.panel.show_summary(review, self.teaching.teaches())

    # -- teaching ------------------------------------------------------------------------------
    def choose_tool(self, name: str) -> None:
        tool = Tool(name)
        if self._review() is None:
            self.session.say("Detect damage first: the marks teach the detector about its proposal.")
            self.panel.check_tool(Tool.REVIEW.value)
            return
        self.canvas.set_tool(tool)

    def _start_refit(self, review: Review) -> None:
        doc = self.session.doc
        mask = doc.mask if doc is not None and self.panel.use_mask.isChecked() else None
        refit = self.teaching.refit(review, mask)
        if refit is None:
            return
        request = self.panel.request()
        if self._refit is not None:
            self._refit.cancel()
        self._refit = self.session.runner.run(
            lambda ctx: _refit_on_worker(refit.search, refit.damage, refit.clean, request, ctx),
            label="refit",
            on_done=lambda value: self._refitted(review, refit.applied, *value),
            on_failed=self._failed,
        )

    def _refitted(
        self,
        review: Review,
        applied: tuple[int, ...],
        head: TaughtHead | None,
        bits: np.ndarray,
        proxy: MaskProxy,
    ) -> None:
        if self._review() is not review or not review.show(bits, applied):
            return  # marks changed since: a newer refit is on its way
        self.teaching.head = head
        self._show(proxy)
        self._keep_taught()

    def forget_teaching(self) -> None:
        """Back to the default detector: the carried detector and this photo's head go, and so does
        the proposal with its marks (one undo step brings them back)."""
        self.teaching.forget()
        if self.session.doc is not None:
            self.session.doc.set_detector(None)
        self.panel.show_taught(False)
        self.discard()
        self.session.say("Teaching forgotten: Detect damage uses the default detector again.")

    def use_detector(self, detector: LineDetector | None) -> None:
        """Use a taught detector (a loaded file) on this and later photos; None: the default."""
        self.teaching.use(detector)
        self.panel.carry.setChecked(detector is not None)
        self.panel.show_taught(detector is not None)

    def save_detector(self, path: str) -> None:
        detector = self.teaching.taught()
        if detector is None or detector.head is None:
            self.session.warn("Nothing taught yet: mark some damage or not-damage first.")
            return
        try:
            detector.save(_npz(path))
        except TratteggioError as exc:
            self.session.warn(str(exc))
            return
        self.session.say(f"Saved the taught detector to {_npz(path).name}.")

    def load_detector_file(self, path: str) -> None:
        from tratteggio.core.lab.detector import load_detector

        try:
            detector = load_detector(_npz(path))
        except TratteggioError as exc:
            self.session.warn(str(exc))
            return
        self.use_detector(detector)
        self.session.say(f"Using the detector taught in {_npz(path).name} (for {detector.kind}).")

    # -- review --------------------------------------------------------------------------------
    def reject_at(self, x: int, y: int) -> None:
        doc, review = self.session.doc, self._review()
        if doc is None or review is None:
            return
        part = review.part_at(x, y, review.parts())
        if part is not None:
            doc.reject(part)

    def merge(self) -> None:
        doc = self.session.doc
        if doc is None or doc.review is None:
            return
        doc.end_review(merge=True)
        self.session.say("Merged into the mask (Ctrl+Z undoes it).")

    def discard(self) -> None:
        doc = self.session.doc
        if doc is not None and doc.review is not None:
            doc.end_review(merge=False)


def _npz(path: str) -> Path:
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".npz" else chosen.with_suffix(".npz")


def _composite_key(doc: Document) -> Key:
    """What the composite is made of: the document (a weak reference: a new document never matches an
    old one's key, even at a reused address) and its visible interventions, in order."""
    return (weakref.ref(doc), *(i.id for i in doc.interventions if i.visible))


def _detect_on_worker(
    pixels: np.ndarray,
    request: DetectRequest,
    search: LineSearch | None,
    detector: LineDetector | None,
    marks: tuple[np.ndarray, np.ndarray] | None,
    ctx: TaskContext,
) -> Found:
    """Runs on the worker: the proposal, the line search (kept for the slider and teaching), and
    when the review already holds marks, the head they teach and its proposal."""
    from tratteggio.core.lab.detect import (
        LINE_KINDS,
        detect,
        line_scale,
        propose_lines,
        propose_taught,
        search_lines,
    )

    report: Callable[[int, int], None] = ctx.progress
    if request.kind not in LINE_KINDS:
        found = detect(pixels, request)
        return found, proposal_proxy(found), None, None, None
    if search is None:
        search = search_lines(pixels, request.kind, report, line_scale(request.max_width), detector)
    found = propose_lines(search.score(), request)
    if marks is None:
        return found, proposal_proxy(found), search, None, None
    head = search.teach(*marks)
    return found, proposal_proxy(found), search, head, propose_taught(search, request, head, *marks)


def _refit_on_worker(
    search: LineSearch, damage: np.ndarray, clean: np.ndarray, request: DetectRequest, ctx: TaskContext
) -> tuple[TaughtHead | None, np.ndarray, MaskProxy]:
    from tratteggio.core.lab.detect import propose_taught

    head = search.teach(damage, clean)
    ctx.check()
    bits = propose_taught(search, request, head, damage, clean) & ~clean
    return head, bits, proposal_proxy(bits)
