"""Batches on a Ray cluster: one actor per worker, each loading its engine once; the only module
that imports Ray (`--cluster none` never loads it).

Why actors and a queue of our own rather than Ray Data's `map_batches`: a photo is a job of seconds
to minutes, so per-photo accounting matters more than throughput tricks. Each actor gets one photo
at a time (a free worker takes the next photo: backpressure, and no photo waits behind a slow one);
an actor that dies (SIGKILL, the out-of-memory killer, a lost node) is restarted by Ray
(`max_restarts=-1`) and its photo is handed out again, up to `MAX_ATTEMPTS` times; a photo that
kills its worker every time is reported as failed, not retried forever or dropped. Only `Job`s
(paths) and `StatusRow`s travel through Ray; workers read and write files themselves, so OUT and the
inputs must be at the same path on every node (a shared file system).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ray
from ray.exceptions import OutOfMemoryError, RayActorError, RayError, WorkerCrashedError

from tratteggio.core.batch.backend import Sink
from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.batch.worker import Outcome, StatusRow, Worker, WorkerInfo, one_line
from tratteggio.core.errors import RequestError

MAX_ATTEMPTS = 3
PATIENCE = 60.0  # seconds without a worker placed before saying what the workers wait for
_log = logging.getLogger(__name__)
WORKER_DIED = (RayActorError, OutOfMemoryError, WorkerCrashedError)


class RayBackend:
    """Workers as Ray actors on `cluster`: "local" starts Ray here, "auto" or "HOST:PORT" attaches
    to a running cluster. A Ray this process has already initialised is used as it is."""

    name = "ray"

    def __init__(self, cluster: str, workers: int | None, gpus_per_worker: float) -> None:
        self.cluster, self.wanted, self.gpus = cluster, workers, gpus_per_worker
        self.owned = False
        self.actors: list[Any] = []
        self.hellos: dict[Any, Any] = {}  # hello() calls not yet answered, by their actor
        self.idle: list[Any] = []

    def start(self, settings: BatchSettings) -> list[WorkerInfo]:
        """Start the actors; return once one has loaded its engine (the others join as they do)."""
        self._connect()
        count = self.wanted or self._capacity()
        actor = ray.remote(num_cpus=1, num_gpus=self.gpus, max_restarts=-1, max_task_retries=0)(Worker)
        self.actors = [actor.remote(settings) for _ in range(count)]
        self.hellos = {a.hello.remote(): a for a in self.actors}
        ready: list[WorkerInfo] = []
        errors: list[str] = []
        while self.hellos and not ready:
            done, _ = ray.wait(list(self.hellos), num_returns=1, timeout=PATIENCE)
            if not done:
                _log.warning("waiting for Ray to place %d workers (%s)", len(self.hellos), self._needs())
                continue
            info = self._greet(done[0])
            ready += [info] if info.error is None else []
            errors += [info.error] if info.error else []
        if not ready:
            raise RequestError(errors[0] if errors else "no Ray worker could start")
        return ready

    def _connect(self) -> None:
        if ray.is_initialized():
            return
        options: dict[str, Any] = {
            "include_dashboard": False,
            "logging_level": logging.WARNING,
            "log_to_driver": False,  # a worker's tracebacks go to OUT/_batch/errors/
        }
        try:
            if self.cluster == "local":
                ray.init(num_cpus=max(os.cpu_count() or 1, self.wanted or 0), **options)
            else:
                ray.init(address=self.cluster, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            why = one_line(str(exc))
            raise RequestError(f"--cluster {self.cluster}: no Ray cluster reached ({why})") from None
        self.owned = True

    def _needs(self) -> str:
        have = ray.cluster_resources()
        return (
            f"each needs 1 CPU and {self.gpus:g} GPU; the cluster has {have.get('CPU', 0):g} CPUs "
            f"and {have.get('GPU', 0):g} GPUs"
        )

    def _capacity(self) -> int:
        resources = ray.cluster_resources()
        if self.gpus:
            return max(1, int(resources.get("GPU", 0) // self.gpus))
        return max(1, int(resources.get("CPU", 1)))

    def _greet(self, ref: Any) -> WorkerInfo:
        actor = self.hellos.pop(ref)
        try:
            info: WorkerInfo = ray.get(ref)
        except RayError as exc:
            return WorkerInfo("?", "?", 0, 0.0, 0, f"a Ray worker could not start: {_cause(exc)}")
        if info.error is None:
            self.idle.append(actor)
        return info

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        queue = deque((job, 1) for job in jobs)
        busy: dict[Any, tuple[Any, Job, int]] = {}
        while busy or (queue and not sink.stopping() and (self.idle or self.hellos)):
            while queue and self.idle and not sink.stopping():
                actor = self.idle.pop()
                job, attempt = queue.popleft()
                busy[actor.run.remote(job)] = (actor, job, attempt)
            waiting = list(busy) + (list(self.hellos) if queue else [])
            done, _ = ray.wait(waiting, num_returns=1)
            for ref in done:
                if ref in self.hellos:
                    info = self._greet(ref)
                    if info.error is None:
                        sink.worker(info)
                    continue
                actor, job, attempt = busy.pop(ref)
                row = self._result(ref, actor, job, attempt)
                if row is None:
                    queue.appendleft((job, attempt + 1))  # its worker died: the photo goes out again first
                else:
                    sink.row(row)

    def _result(self, ref: Any, actor: Any, job: Job, attempt: int) -> StatusRow | None:
        """The photo's row; None when its worker died and the photo may be tried again. A worker that
        died rejoins the pool once Ray has restarted it and its engine is loaded again."""
        try:
            row: StatusRow = ray.get(ref)
            self.idle.append(actor)
            return row if attempt == 1 else replace(row, attempts=attempt)
        except WORKER_DIED:
            # calls to an actor that is still restarting fail at once unless retried
            self.hellos[actor.hello.options(max_task_retries=-1).remote()] = actor
            if attempt < MAX_ATTEMPTS:
                return None
            message = f"its worker died {attempt} times while restoring it (out of memory?)"
        except RayError as exc:
            self.idle.append(actor)
            message = f"internal error: {_cause(exc)}"
        return StatusRow(job.name, Outcome.FAILED, 0.0, message, attempts=attempt)

    def close(self) -> None:
        for actor in self.actors:
            with contextlib.suppress(RayError):
                ray.kill(actor, no_restart=True)
        self.actors, self.hellos, self.idle = [], {}, []
        if self.owned:
            ray.shutdown()
            self.owned = False


def _cause(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return one_line(f"{type(cause).__name__}: {cause}")
    return one_line(str(exc)).split(" Traceback")[0][:300]
