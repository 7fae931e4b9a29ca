"""The one job runner: a single worker thread runs restorations; results reach widgets by signals.

Threading rules:
- `JobRunner` lives in the GUI thread; `_Worker` lives in the runner's QThread.
- The worker's signals are connected to the runner's slots, so they are delivered (queued) in the
  GUI thread. Never connect a lambda to a worker signal: it would run in the worker thread.
- Previews arrive for every step; the runner shows at most one per `PREVIEW_MS` (the newest), so a
  fast engine cannot flood the event loop.
- Cancelling sets the job's event; the engine checks it every step and the job ends `cancelled`.
  Results of a job that is no longer current are dropped. A task that reports progress is
  cancelled the same way: its next report raises `Cancelled` and taskCancelled follows.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, Result, TratteggioError, restore
from tratteggio.core.restore import StepPreview

PREVIEW_MS = 50


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(eq=False)
class Job:
    photo: Photo
    mask: Mask
    request: RestorationRequest
    id: int = 0
    state: JobState = JobState.QUEUED
    previews: list[StepPreview] = field(default_factory=list)
    cancel_event: threading.Event = field(default_factory=threading.Event)


@dataclass(eq=False)
class Task:
    """A short piece of work other than a restoration (damage detection, aging) for the worker."""

    label: str
    run: Callable[..., Any]  # run() or, when it reports progress, run(report(done, total))
    id: int = 0
    reports_progress: bool = False
    cancel_event: threading.Event = field(default_factory=threading.Event)


class _Worker(QObject):
    step = Signal(int, object)  # job id, StepPreview
    done = Signal(int, object)  # job id, Result
    cancelled = Signal(int)
    failed = Signal(int, str)
    task_done = Signal(object, object)  # Task, its return value
    task_failed = Signal(object, str)
    task_progress = Signal(object, int, int)  # Task, done, total
    task_cancelled = Signal(object)  # Task

    @Slot(object)
    def run_task(self, task: Task) -> None:
        def report(done: int, total: int) -> None:
            if task.cancel_event.is_set():
                raise Cancelled()
            self.task_progress.emit(task, done, total)

        try:
            if task.cancel_event.is_set():
                raise Cancelled()
            value = task.run(report) if task.reports_progress else task.run()
        except Cancelled:
            self.task_cancelled.emit(task)
        except TratteggioError as exc:
            self.task_failed.emit(task, str(exc))
        except Exception as exc:  # a bug: report it instead of killing the thread
            traceback.print_exc()
            self.task_failed.emit(task, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.task_done.emit(task, value)

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.cancel_event.is_set():
            self.cancelled.emit(job.id)
            return
        try:
            result = restore(
                job.photo,
                job.mask,
                job.request,
                on_step=lambda preview: self.step.emit(job.id, preview),
                cancel=job.cancel_event.is_set,
            )
        except Cancelled:
            self.cancelled.emit(job.id)
        except TratteggioError as exc:
            self.failed.emit(job.id, str(exc))
        except Exception as exc:  # a bug: report it instead of killing the thread
            traceback.print_exc()
            self.failed.emit(job.id, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.done.emit(job.id, result)


class JobRunner(QObject):
    started = Signal(object)  # Job
    progress = Signal(object, object)  # Job, StepPreview (throttled)
    finished = Signal(object, object)  # Job, Result
    cancelled = Signal(object)  # Job
    failed = Signal(object, str)  # Job, message
    taskFinished = Signal(object, object)  # Task, value
    taskFailed = Signal(object, str)  # Task, message
    taskProgress = Signal(object, int, int)  # Task, done, total
    taskCancelled = Signal(object)  # Task
    _submit = Signal(object)
    _submit_task = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._thread = QThread()
        self._thread.setObjectName("tratteggio-worker")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._submit_task.connect(self._worker.run_task)
        self._worker.task_done.connect(self.taskFinished)
        self._worker.task_failed.connect(self.taskFailed)
        self._worker.task_progress.connect(self.taskProgress)
        self._worker.task_cancelled.connect(self.taskCancelled)
        self._tasks: dict[int, Task] = {}  # in flight, for cancel_tasks
        for ended in (self.taskFinished, self.taskFailed, self.taskCancelled):
            ended.connect(self._task_ended)
        self._worker.step.connect(self._on_step)
        self._worker.done.connect(self._on_done)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._pending: tuple[Job, StepPreview] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PREVIEW_MS)
        self._timer.timeout.connect(self._flush_preview)
        app = QCoreApplication.instance()
        if app is not None:  # a QThread destroyed while running aborts the process
            app.aboutToQuit.connect(self.shutdown)

    def submit(self, photo: Photo, mask: Mask, request: RestorationRequest) -> Job:
        job = Job(photo, mask, request, id=next(self._ids))
        self._jobs[job.id] = job
        job.state = JobState.RUNNING
        self.started.emit(job)
        self._submit.emit(job)
        self._timer.start()
        return job

    def run_task(self, label: str, fn: Callable[..., Any], reports_progress: bool = False) -> Task:
        """Run `fn` on the worker thread after what is queued; the result arrives by taskFinished.
        With `reports_progress`, `fn(report)` is called and each `report(done, total)` arrives by
        taskProgress."""
        task = Task(label, fn, next(self._ids), reports_progress)
        self._tasks[task.id] = task
        self._submit_task.emit(task)
        return task

    def cancel(self, job: Job | None = None) -> None:
        for each in [job] if job else list(self._jobs.values()):
            each.cancel_event.set()

    def cancel_tasks(self) -> bool:
        """Cancel the tasks in flight that report progress (the others cannot stop midway)."""
        cancellable = [t for t in self._tasks.values() if t.reports_progress]
        for task in cancellable:
            task.cancel_event.set()
        return bool(cancellable)

    @Slot(object)
    def _task_ended(self, task: Task, *_: object) -> None:
        self._tasks.pop(task.id, None)

    def busy(self) -> bool:
        return bool(self._jobs)

    @Slot(int, object)
    def _on_step(self, job_id: int, preview: StepPreview) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return  # stale
        job.previews.append(preview)
        self._pending = (job, preview)

    def _flush_preview(self) -> None:
        if self._pending is not None:
            job, preview = self._pending
            self._pending = None
            if job.id in self._jobs:
                self.progress.emit(job, preview)
        if not self._jobs:
            self._timer.stop()

    def _end(self, job_id: int, state: JobState) -> Job | None:
        if state == JobState.FINISHED:
            self._flush_preview()  # a finished job's last steps still reach the screen
        job = self._jobs.pop(job_id, None)  # a cancelled job's pending step is dropped at the next flush
        if job is not None:
            job.state = state
        if not self._jobs:
            self._timer.stop()
        return job

    @Slot(int, object)
    def _on_done(self, job_id: int, result: Result) -> None:
        job = self._end(job_id, JobState.FINISHED)
        if job is not None:
            self.finished.emit(job, result)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        job = self._end(job_id, JobState.CANCELLED)
        if job is not None:
            self.cancelled.emit(job)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self._end(job_id, JobState.FAILED)
        if job is not None:
            self.failed.emit(job, message)

    def shutdown(self) -> None:
        """Cancel what runs and stop the thread (call before the application quits)."""
        if not self._thread.isRunning():
            return
        self.cancel()
        self._timer.stop()
        self._thread.quit()
        self._thread.wait(30_000)
