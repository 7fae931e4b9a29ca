"""Runs restorations for the window: submits one job per candidate to the job runner, streams
their steps to the canvas and the timeline, and accepts or discards the result."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from tratteggio.core.document import Document
from tratteggio.core.layers import write_animation, write_png_sequence
from tratteggio.core.request import RestorationRequest
from tratteggio.core.restore import Result, StepPreview
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.job_runner import Job, JobRunner, Task
from tratteggio.gui.restore_panel import RestorePanel
from tratteggio.gui.timeline import Timeline, layers_at, thumbnails


class RestorationController(QObject):
    message = Signal(str)  # for the status bar
    problem = Signal(str)  # for a warning dialog
    progressChanged = Signal(int, int, float)  # done, total, seconds left (-1: unknown)
    runningChanged = Signal(bool)

    def __init__(
        self, canvas: Canvas, panel: RestorePanel, timeline: Timeline, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.canvas, self.panel, self.timeline = canvas, panel, timeline
        self.runner = JobRunner(self)
        self.doc: Document | None = None
        self.jobs: list[Job] = []
        self.results: dict[int, Result] = {}
        self._started = 0.0
        self._loading: dict[int, str] = {}
        self._thumbs: dict[int, Job] = {}
        self._streamed: tuple[Job | None, int] = (None, 0)  # previews already on the canvas
        self._layer_exports: dict[int, Path] = {}
        self.runner.taskFinished.connect(self._on_task_done)
        self.runner.taskFailed.connect(self._on_task_failed)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.failed.connect(self._on_failed)
        timeline.stepSelected.connect(self._on_scrub)
        timeline.candidateChanged.connect(lambda _: self._show_candidate())
        timeline.acceptRequested.connect(self.accept)
        timeline.discardRequested.connect(self.discard)
        panel.restoreRequested.connect(self.start)
        panel.cancelRequested.connect(self.cancel)
        panel.engine.currentIndexChanged.connect(self._warm_up)

    def set_document(self, doc: Document) -> None:
        self.cancel()
        self.doc = doc
        self._reset()

    def _reset(self) -> None:
        self.jobs, self.results = [], {}
        self.timeline.clear()
        self.canvas.show_preview([])

    def _warm_up(self) -> None:
        """Load a diffusion model on the worker as soon as it is chosen, so the first run starts warm.

        A model that cannot be loaded (not downloaded, say) is reported in the status bar now,
        and again, as a dialog, if a run is started with it.
        """
        if self.panel.engine.currentData()[0] != "diffusion":
            return
        request = self.panel.request()
        task = self.runner.run_task("load model", lambda: _load(request))
        self._loading[task.id] = request.model or ""
        self.message.emit(f"Loading {request.model}…")

    def _on_task_done(self, task: Task, value: object) -> None:
        folder = self._layer_exports.pop(task.id, None)
        if folder is not None:
            self.message.emit(f"Wrote {value} layers, layers.gif and layers.webp to {folder}")
            return
        job = self._thumbs.pop(task.id, None)
        if job is not None:
            self._show_thumbnails(job, value)  # type: ignore[arg-type]
            return
        model = self._loading.pop(task.id, None)
        if model is not None:
            self.message.emit(f"{model} is loaded.")

    def _on_task_failed(self, task: Task, text: str) -> None:
        if self._loading.pop(task.id, None) is not None:
            self.message.emit(text)
        if self._layer_exports.pop(task.id, None) is not None:
            self.problem.emit(text)

    # -- running -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.doc is None:
            self.problem.emit("Open a photo first.")
            return
        if self.runner.busy():
            return
        if not self.doc.mask.any():
            self.problem.emit("The mask is empty: paint over the damage first (brush: B).")
            return
        self._reset()
        self.panel.prepare_run()
        mask = self.doc.mask_object()
        self._started = time.monotonic()
        for k in range(self.panel.candidates.value()):
            self.jobs.append(self.runner.submit(self.doc.photo, mask, self.panel.request(k)))
        self.panel.set_running(True)
        self.runningChanged.emit(True)
        self.message.emit(f"Restoring with {self.jobs[0].request.engine}…")

    def cancel(self) -> None:
        """Esc: stop the restoration runs, and a damage search if one is scoring."""
        if self.runner.busy():
            self.runner.cancel()
        self.runner.cancel_tasks()

    def _on_progress(self, job: Job, preview: StepPreview) -> None:
        current = next((j for j in self.jobs if j.id not in self.results), None)
        if job is current:
            if self._streamed[0] is not job:  # the next candidate starts from the bare photo
                self._streamed = (job, 0)
                self.canvas.show_preview([])
            fresh = job.previews[self._streamed[1] :]  # throttled: several steps may have arrived
            self._streamed = (job, len(job.previews))
            self.canvas.add_preview(layers_at(fresh, len(fresh)))
        done = len(self.results) * preview.total + preview.step + 1
        total = len(self.jobs) * preview.total
        elapsed = time.monotonic() - self._started
        left = elapsed / done * (total - done) if done else -1.0
        self.progressChanged.emit(done, total, left)

    def _on_finished(self, job: Job, result: Result) -> None:
        if job not in self.jobs:
            return  # a run the user has since replaced (another photo opened, say)
        self.results[job.id] = result
        if len(self.results) == len(self.jobs):
            self.panel.set_running(False)
            self.runningChanged.emit(False)
            labels = [f"candidate {i + 1} (seed {j.request.seed})" for i, j in enumerate(self.jobs)]
            self.timeline.set_candidates(labels)
            self._show_candidate()
            self.message.emit(
                f"Done in {time.monotonic() - self._started:.1f} s: scrub the layers, then "
                "Accept (Ctrl+Shift+A) or Discard"
            )

    def _on_cancelled(self, job: Job) -> None:
        self._finish_abnormally("Cancelled: the photo is as it was before the run.")

    def _on_failed(self, job: Job, message: str) -> None:
        self._finish_abnormally(f"Restoration failed: {message}")
        self.problem.emit(message)

    def _finish_abnormally(self, text: str) -> None:
        if self.runner.busy():
            self.runner.cancel()
            return
        self._reset()
        self.panel.set_running(False)
        self.runningChanged.emit(False)
        self.progressChanged.emit(0, 0, -1.0)
        self.message.emit(text)

    # -- results -------------------------------------------------------------------------------
    def chosen(self) -> tuple[Job, Result] | None:
        if not self.jobs or len(self.results) != len(self.jobs):
            return None
        job = self.jobs[max(0, self.timeline.candidates.currentIndex())]
        return job, self.results[job.id]

    def _show_candidate(self) -> None:
        """Make the chosen candidate's thumbnails on the worker; the strip fills when they arrive."""
        chosen = self.chosen()
        if chosen is not None and self.doc is not None:
            job, _ = chosen
            source, previews = self.doc.composite(), list(job.previews)
            task = self.runner.run_task("thumbnails", lambda: thumbnails(source, previews))
            self._thumbs[task.id] = job

    def _show_thumbnails(self, job: Job, pictures: list) -> None:  # type: ignore[type-arg]
        chosen = self.chosen()
        if chosen is None or chosen[0] is not job:
            return  # the user picked another candidate meanwhile
        count = len(job.previews)
        title = f"{job.request.engine}, seed {job.request.seed}: {count} layer{'s' if count != 1 else ''}"
        self.timeline.show_frames(pictures, [p.final for p in job.previews], title)

    def _on_scrub(self, position: int) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.canvas.show_preview(layers_at(chosen[0].previews, position))

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None or self.doc is None:
            return
        job, result = chosen
        self.doc.accept(result, job.mask)
        self._reset()
        self.message.emit("Accepted: the restoration is an intervention now (Ctrl+Z undoes it).")

    def discard(self) -> None:
        self._reset()
        self.message.emit("Discarded.")

    def export_layers(self, folder: Path) -> None:
        """Write the chosen candidate's layers (numbered PNGs, GIF, WebP) on the worker thread."""
        chosen = self.chosen()
        if chosen is None or self.doc is None:
            return
        source, previews = self.doc.composite().copy(), list(chosen[0].previews)
        task = self.runner.run_task("export layers", lambda: write_layers(folder, source, previews))
        self._layer_exports[task.id] = folder
        self.message.emit(f"Writing the layers to {folder}…")

    def shutdown(self) -> None:
        self.runner.shutdown()


def write_layers(folder: Path, source: np.ndarray, previews: list[StepPreview]) -> int:
    """Numbered PNGs plus layers.gif and layers.webp; returns how many PNGs were written."""
    count = write_png_sequence(folder, source, previews)
    write_animation(folder / "layers.gif", source, previews)
    write_animation(folder / "layers.webp", source, previews)
    return count


def _load(request: RestorationRequest) -> None:
    from tratteggio.core.engines.diffusion import diffusion_engine

    diffusion_engine().loaded(request)
