"""Restoration runs in the studio: one candidate per seed, each a task on the runner. Steps stream to
the canvas; when every candidate is done the timeline shows the chosen one's layers of time, and
Accept makes it an intervention (Discard forgets them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.request import RestorationRequest
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.layers_owner import LayersOwner
from tratteggio.gui.panels.restore_panel import RestorePanel
from tratteggio.gui.runner import Handle, TaskContext
from tratteggio.gui.session import StudioSession
from tratteggio.gui.timeline import Timeline, layers_at, thumbnails

if TYPE_CHECKING:
    from tratteggio.core.pipeline.restore import Result, StepPreview

OWNER = LayersOwner.RESTORE


@dataclass(eq=False)
class Candidate:
    request: RestorationRequest
    mask: Mask
    handle: Handle | None = None
    result: Result | None = None

    @property
    def previews(self) -> list[StepPreview]:
        return self.handle.steps if self.handle is not None else []


class CandidateController(QObject):
    runningChanged = Signal(bool)
    finished = Signal()  # every candidate is done: the timeline shows the chosen one
    stopped = Signal(str)  # the run ended early: cancelled or failed (the reason)
    stepsArrived = Signal(list)  # StepPreviews of the candidate being streamed

    def __init__(
        self, session: StudioSession, canvas: Canvas, panel: RestorePanel, timeline: Timeline
    ) -> None:
        super().__init__(session)
        self.session, self.canvas, self.panel, self.timeline = session, canvas, panel, timeline
        self.candidates: list[Candidate] = []
        self._started = 0.0
        self._streaming: Candidate | None = None
        self.ask_merge: Callable[[int], bool] = self._ask_merge  # replaceable: tests answer for the user
        self._loading: Handle | None = None
        timeline.stepSelected.connect(self._on_scrub)
        timeline.candidateChanged.connect(lambda _: self._show_candidate())
        timeline.acceptRequested.connect(self.accept)
        timeline.discardRequested.connect(self.discard)
        panel.restoreRequested.connect(self.start)
        panel.cancelRequested.connect(self.cancel)
        panel.engine.currentIndexChanged.connect(self._warm_up)
        session.documentChanged.connect(lambda _doc: self._reset(new_document=True))

    def running(self) -> bool:
        return any(c.handle is not None and c.handle.active for c in self.candidates)

    def _reset(self, new_document: bool = False) -> None:
        """Forget the candidates; a new document also forgets the advice and any layers shown (the
        previous photo's ageing or creation layers mean nothing on the new one)."""
        for candidate in self.candidates:
            if candidate.handle is not None:
                candidate.handle.cancel()
        self.candidates, self._streaming = [], None
        if self.timeline.owner == OWNER or new_document:
            self.timeline.model.clear()
        if new_document:
            self.panel.set_advice("")
        self.canvas.show_preview([])

    def _warm_up(self) -> None:
        """Load a diffusion model on the worker as soon as it is chosen, so the first run starts warm.

        A model that cannot be loaded (not downloaded, say) is reported in the status bar now,
        and again, as a dialog, if a run is started with it.
        """
        from tratteggio.core.engines.model_call import cancelled_by

        if self.panel.engine.currentData()[0] != "diffusion":
            return
        request, engines = self.panel.request(), self.session.engines

        def load(ctx: TaskContext) -> None:
            with cancelled_by(ctx.cancelled):  # in the worker process: Esc ends it if need be
                engines.warm(request)

        self._loading = self.session.runner.run(
            load,
            label="load model",
            cancellable=False,  # opening another photo does not stop it; Esc does
            on_done=lambda _: self.session.say(f"{request.model} is loaded."),
            on_failed=self.session.say,
            on_cancelled=lambda: self.session.say(f"Loading {request.model} cancelled."),
        )
        self.session.say(f"Loading {request.model}…")

    # -- running -------------------------------------------------------------------------------
    def start(self) -> None:
        doc = self.session.doc
        if doc is None:
            self.session.warn("Open a photo first.")
            return
        if self.running():
            return
        if not doc.mask.any() and not self._merge_pending_proposal():
            return
        self._reset()
        self.panel.prepare_run()
        mask = doc.mask_object()
        self._advise(mask, self.panel.request().engine)
        self._started = time.monotonic()
        self.candidates = [
            Candidate(self.panel.request(k), mask) for k in range(self.panel.candidate_count())
        ]
        for candidate in self.candidates:
            candidate.handle = self._submit(doc.photo, candidate)
        self.panel.set_running(True)
        self.runningChanged.emit(True)
        self.session.say(f"Restoring with {self.candidates[0].request.engine}…")

    def _merge_pending_proposal(self) -> bool:
        """An empty mask: with a proposal under review, offer to merge it and restore (True: merged)."""
        doc = self.session.doc
        review = doc.review if doc is not None else None
        if doc is None or review is None or not review.shown.any():
            self.session.warn("The mask is empty: paint over the damage first (brush: B).")
            return False
        if not self.ask_merge(int(review.shown.sum())):
            return False
        doc.end_review(merge=True)
        self.session.say("Merged the proposal into the mask (Ctrl+Z undoes it).")
        return bool(doc.mask.any())

    def _ask_merge(self, pixels: int) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore the proposal?",
            "The mask is empty, but a detection proposal is waiting to be merged.",
            parent=self.canvas.window(),
        )
        box.setInformativeText(
            f"Merge the proposal ({pixels:,} pixels, hatched on the canvas) into the mask and restore it?"
        )
        merge = box.addButton("Merge and restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(merge)
        box.exec()
        return box.clickedButton() is merge

    def _advise(self, mask: Mask, engine: str) -> None:
        """Say what losses the mask holds and how `engine` suits them, on the worker (a 16 MP mask of
        stains takes a second) but before the run, which the runner starts only after it."""
        from tratteggio.core.pipeline.advice import advice

        self.panel.set_advice("")
        if engine == "diffusion":
            return

        def show(text: str) -> None:
            self.panel.set_advice(text)
            if text:
                self.session.say(f"Restoring with {engine}… {text}")

        self.session.runner.run(lambda ctx: advice(mask.bits, engine), label="advice", on_done=show)

    def _submit(self, photo: Photo, candidate: Candidate) -> Handle:
        from tratteggio.core.pipeline.restore import restore

        request, mask, engines = candidate.request, candidate.mask, self.session.engines

        def run(ctx: TaskContext) -> Result:
            return restore(photo, mask, request, on_step=ctx.step, cancel=ctx.cancelled, engines=engines)

        return self.session.runner.run(
            run,
            label="restore",
            on_step=lambda steps: self._on_steps(candidate, steps),
            on_done=lambda result: self._on_done(candidate, result),
            on_cancelled=lambda: self._end_abnormally("Cancelled: the photo is as it was before the run."),
            on_failed=self._on_failed,
        )

    def cancel(self) -> None:
        """Esc: stop the restoration runs, a model loading, and any other cancellable task (e.g. a
        damage search)."""
        if self._loading is not None and self._loading.active:
            self._loading.cancel()
        self.session.runner.cancel_all()

    def _on_steps(self, candidate: Candidate, steps: list[StepPreview]) -> None:
        current = next((c for c in self.candidates if c.result is None), None)
        if candidate is current:
            if self._streaming is not candidate:  # the next candidate starts from the bare photo
                self._streaming = candidate
                self.canvas.show_preview([])
            self.canvas.add_preview(layers_at(steps, len(steps)))
            self.stepsArrived.emit(steps)
        last = steps[-1]
        done = sum(1 for c in self.candidates if c.result is not None) * last.total + last.step + 1
        total = len(self.candidates) * last.total
        elapsed = time.monotonic() - self._started
        left = f" — {elapsed / done * (total - done):.0f} s left" if done else ""
        self.session.show_progress(done, total, f"step {done}/{total}{left}")

    def _on_done(self, candidate: Candidate, result: Result) -> None:
        from tratteggio.core.pipeline.advice import what_filled

        if candidate not in self.candidates:
            return  # a run the user has since replaced
        candidate.result = result
        if all(c.result is not None for c in self.candidates):
            self.panel.set_running(False)
            self.runningChanged.emit(False)
            self.session.show_progress(0, 0)
            labels = [f"candidate {i + 1}{seed_note(c.request)}" for i, c in enumerate(self.candidates)]
            self.timeline.model.owner = OWNER
            self.timeline.model.set_candidates(labels)
            self._show_candidate()
            parts = result.engine_info.get("parts")
            filled = f" ({what_filled(parts)})" if parts else ""
            self.canvas.set_mask_visible(False)  # show the result; M shows the mask again
            self.session.say(
                f"Done in {time.monotonic() - self._started:.1f} s{filled}: scrub the layers (hold \\ or O "
                "to compare), then Accept (Enter) or Discard"
            )
            self.finished.emit()

    def _on_failed(self, message: str) -> None:
        self._end_abnormally(f"Restoration failed: {message}")
        self.session.warn(message)

    def _end_abnormally(self, text: str) -> None:
        if self.running():
            self.cancel()  # the others end too; the last one to end resets
            return
        self._reset()
        self.panel.set_running(False)
        self.runningChanged.emit(False)
        self.session.show_progress(0, 0)
        self.session.say(text)
        self.stopped.emit(text)

    # -- results -------------------------------------------------------------------------------
    def chosen(self) -> Candidate | None:
        if not self.candidates or any(c.result is None for c in self.candidates):
            return None
        return self.candidates[max(0, self.timeline.model.candidate)]

    def _show_candidate(self) -> None:
        """Make the chosen candidate's thumbnails on the worker; the strip fills when they arrive."""
        chosen, doc = self.chosen(), self.session.doc
        if chosen is None or doc is None:
            return
        source, previews = doc.composite(), list(chosen.previews)
        self.session.runner.run(
            lambda ctx: thumbnails(source, previews),
            label="thumbnails",
            cancellable=False,
            on_done=lambda pictures: self._show_thumbnails(chosen, pictures),
        )

    def _show_thumbnails(self, candidate: Candidate, pictures: list[np.ndarray]) -> None:
        if self.chosen() is not candidate:
            return  # the user picked another candidate meanwhile
        count, request = len(candidate.previews), candidate.request
        what = "deterministic" if request.deterministic else f"seed {request.seed}"
        title = f"{request.engine}, {what}: {count} layer{'s' if count != 1 else ''}"
        self.timeline.model.show(pictures, candidate.previews, title, owner=OWNER)

    def _on_scrub(self, position: int) -> None:
        chosen = self.chosen()
        if chosen is not None and self.timeline.owner == OWNER:
            self.canvas.show_preview(layers_at(chosen.previews, position))

    def accept(self) -> None:
        chosen, doc = self.chosen(), self.session.doc
        if chosen is None or doc is None or chosen.result is None:
            return
        doc.accept(chosen.result, chosen.mask)
        self._reset()
        self.panel.set_advice("")  # it spoke of the mask just restored
        self.session.say("Accepted: the restoration is an intervention now (Ctrl+Z undoes it).")

    def discard(self) -> None:
        self._reset()
        self.session.say("Discarded.")

    def export_layers(self, folder: Path) -> None:
        """Write the chosen candidate's layers (numbered PNGs, GIF, WebP) on the worker thread."""
        chosen, doc = self.chosen(), self.session.doc
        if chosen is None or doc is None:
            return
        source, previews = doc.composite().copy(), list(chosen.previews)
        self.session.runner.run(
            lambda ctx: write_layers(folder, source, previews),
            label="export layers",
            cancellable=False,
            on_done=lambda count: self.session.say(
                f"Wrote {count} layers, layers.gif and layers.webp to {folder}"
            ),
            on_failed=self.session.warn,
        )
        self.session.say(f"Writing the layers to {folder}…")


def write_layers(folder: Path, source: np.ndarray, previews: list[StepPreview]) -> int:
    """Numbered PNGs plus layers.gif and layers.webp; returns how many PNGs were written."""
    from tratteggio.core.pipeline.layers import write_animation, write_png_sequence

    count = write_png_sequence(folder, source, previews)
    write_animation(folder / "layers.gif", source, previews)
    write_animation(folder / "layers.webp", source, previews)
    return count


def seed_note(request: RestorationRequest) -> str:
    """ " (seed 7)" for a run that draws noise; nothing where the seed changes nothing."""
    return "" if request.deterministic else f" (seed {request.seed})"
