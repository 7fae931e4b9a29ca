"""The job runner: one worker thread runs every long piece of work, each with its own callbacks.

    handle = runner.run(fn, on_done=..., on_failed=..., on_progress=..., on_step=..., label="detect")

`fn(ctx)` runs on the worker thread; `ctx.progress(done, total, text)` and `ctx.step(value)` report
from there, `ctx.cancelled()` / `ctx.check()` see a cancel. A restoration is just a task that
reports steps: `lambda ctx: restore(photo, mask, request, on_step=ctx.step, cancel=ctx.cancelled)`.

Threading rules:
- `JobRunner` lives in the GUI thread; `_Worker` lives in the runner's QThread. Tasks run one at a
  time, in the order they were submitted.
- The worker's signals are connected to the runner's slots, so they are delivered (queued) in the
  GUI thread, and every callback of a handle runs in the GUI thread. Never connect a lambda to a
  worker signal: it would run in the worker thread.
- Steps are delivered at most once per `PREVIEW_MS`, as the list of steps that arrived since the
  last call, so a fast engine cannot flood the event loop; a finished task's last steps are
  delivered before `on_done`.
- A cancelled task ends with `on_cancelled` (never `on_done`), even if its function had already
  returned: stale results are dropped.
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

from tratteggio.core.errors import Cancelled, TratteggioError

PREVIEW_MS = 50


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


class TaskContext:
    """What a task's function may call on the worker thread."""

    def __init__(self, worker: _Worker, handle: Handle) -> None:
        self._worker, self._handle = worker, handle

    def cancelled(self) -> bool:
        return self._handle.cancel_event.is_set()

    def check(self) -> None:
        """Raise Cancelled if the user has cancelled this task."""
        if self.cancelled():
            raise Cancelled()

    def progress(self, done: float, total: float, text: str = "") -> None:
        self.check()
        self._worker.progressed.emit(self._handle.id, float(done), float(total), text)

    def step(self, value: object) -> None:
        self._worker.stepped.emit(self._handle.id, value)


@dataclass(eq=False)
class Handle:
    """One submitted task: its state, its callbacks (run in the GUI thread) and its steps so far."""

    fn: Callable[[TaskContext], Any]
    label: str
    id: int
    cancellable: bool = True
    on_done: Callable[[Any], None] | None = None
    on_failed: Callable[[str], None] | None = None
    on_cancelled: Callable[[], None] | None = None
    on_progress: Callable[[float, float, str], None] | None = None
    on_step: Callable[[list[Any]], None] | None = None
    state: JobState = JobState.QUEUED
    steps: list[Any] = field(default_factory=list)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    _pending: int = 0  # steps received but not yet delivered to on_step

    def cancel(self) -> None:
        """Ask the task to stop at its next check; it ends with on_cancelled."""
        self.cancel_event.set()

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)


class _Worker(QObject):
    started = Signal(int)
    finished = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)
    progressed = Signal(int, float, float, str)
    stepped = Signal(int, object)

    @Slot(object)
    def execute(self, handle: Handle) -> None:
        if handle.cancel_event.is_set():
            self.cancelled.emit(handle.id)
            return
        self.started.emit(handle.id)
        try:
            value = handle.fn(TaskContext(self, handle))
        except Cancelled:
            self.cancelled.emit(handle.id)
        except TratteggioError as exc:
            self.failed.emit(handle.id, str(exc))
        except MemoryError:
            self.failed.emit(handle.id, "not enough memory for this task")
        except Exception as exc:  # a bug: log it and report it instead of killing the thread
            _log_bug()
            self.failed.emit(handle.id, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self.finished.emit(handle.id, value)


def _log_bug() -> None:
    from tratteggio.core.io.userdirs import write_crash_log

    try:
        write_crash_log()
    except OSError:
        traceback.print_exc()


class JobRunner(QObject):
    """Owns one worker thread; see the module docstring for the rules."""

    _submit = Signal(object)
    ended = Signal(object)  # Handle, after its own callbacks ran: for observers (status, tests)
    began = Signal(object)  # Handle, as the worker starts it: for observers (the status bar)

    def __init__(self, parent: QObject | None = None, name: str = "tratteggio-worker") -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._handles: dict[int, Handle] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        self._worker.started.connect(self._on_started)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.progressed.connect(self._on_progress)
        self._worker.stepped.connect(self._on_step)
        self._timer = QTimer(self)
        self._timer.setInterval(PREVIEW_MS)
        self._timer.timeout.connect(self._flush_steps)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:  # a QThread destroyed while running aborts the process
            app.aboutToQuit.connect(self.shutdown)

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callable[[float, float, str], None] | None = None,
        on_step: Callable[[list[Any]], None] | None = None,
        cancellable: bool = True,
    ) -> Handle:
        """Queue `fn(ctx)` for the worker thread; returns its handle at once."""
        handle = Handle(
            fn, label, next(self._ids), cancellable, on_done, on_failed, on_cancelled, on_progress, on_step
        )
        self._handles[handle.id] = handle
        self._submit.emit(handle)
        if on_step is not None:
            self._timer.start()
        return handle

    def cancel_all(self) -> int:
        """Cancel every cancellable task queued or running; returns how many."""
        handles = [h for h in self._handles.values() if h.cancellable]
        for handle in handles:
            handle.cancel()
        return len(handles)

    def busy(self, label: str | None = None) -> bool:
        """Is any task (labelled `label`, if given) queued or running?"""
        return any(label is None or h.label == label for h in self._handles.values())

    def active(self) -> list[Handle]:
        return list(self._handles.values())

    # -- from the worker (GUI thread) ----------------------------------------------------------
    @Slot(int)
    def _on_started(self, task_id: int) -> None:
        handle = self._handles.get(task_id)
        if handle is not None:
            handle.state = JobState.RUNNING
            self.began.emit(handle)

    @Slot(int, object)
    def _on_step(self, task_id: int, value: object) -> None:
        handle = self._handles.get(task_id)
        if handle is not None and not handle.cancel_event.is_set():
            handle.steps.append(value)
            handle._pending += 1

    def _flush_steps(self) -> None:
        for handle in list(self._handles.values()):
            self._deliver_steps(handle)
        if not any(h.on_step for h in self._handles.values()):
            self._timer.stop()

    def _deliver_steps(self, handle: Handle) -> None:
        if handle._pending and handle.on_step is not None and not handle.cancel_event.is_set():
            fresh = handle.steps[len(handle.steps) - handle._pending :]
            handle._pending = 0
            handle.on_step(fresh)

    @Slot(int, float, float, str)
    def _on_progress(self, task_id: int, done: float, total: float, text: str) -> None:
        handle = self._handles.get(task_id)
        if handle is not None and handle.on_progress is not None and not handle.cancel_event.is_set():
            handle.on_progress(done, total, text)

    def _end(self, task_id: int, state: JobState) -> Handle | None:
        handle = self._handles.pop(task_id, None)
        if handle is not None:
            handle.state = state
        return handle

    @Slot(int, object)
    def _on_finished(self, task_id: int, value: object) -> None:
        handle = self._handles.get(task_id)
        if handle is not None and handle.cancel_event.is_set():
            self._on_cancelled(task_id)  # finished after the user cancelled: stale, dropped
            return
        if handle is not None:
            self._deliver_steps(handle)
        handle = self._end(task_id, JobState.FINISHED)
        if handle is not None:
            if handle.on_done is not None:
                handle.on_done(value)
            self.ended.emit(handle)

    @Slot(int, str)
    def _on_failed(self, task_id: int, message: str) -> None:
        handle = self._end(task_id, JobState.FAILED)
        if handle is not None:
            if handle.on_failed is not None:
                handle.on_failed(message)
            self.ended.emit(handle)

    @Slot(int)
    def _on_cancelled(self, task_id: int) -> None:
        handle = self._end(task_id, JobState.CANCELLED)
        if handle is not None:
            if handle.on_cancelled is not None:
                handle.on_cancelled()
            self.ended.emit(handle)

    def drain(self, timeout_s: float = 60.0) -> bool:
        """Let every queued task finish (their callbacks run): for writes that must not be lost."""
        import time

        deadline = time.monotonic() + timeout_s
        while self._handles and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return not self._handles

    def shutdown(self) -> None:
        """Cancel what runs and stop the thread (call before the application quits)."""
        if not self._thread.isRunning():
            return
        for handle in self._handles.values():
            handle.cancel()
        self._timer.stop()
        self._thread.quit()
        self._thread.wait(30_000)

    def is_running(self) -> bool:
        return self._thread.isRunning()
