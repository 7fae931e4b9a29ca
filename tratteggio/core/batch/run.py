"""`run_batch`: start the workers, hand them the jobs, keep the journal, account for every photo.

`make_backend("none")` never imports Ray; any other cluster imports `tratteggio.core.batch.cluster`,
which does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tratteggio.core.batch.backend import Backend, InProcess
from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.journal import Journal, Summary
from tratteggio.core.batch.proposals import proposal_paths
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.batch.worker import Outcome, StatusRow, WorkerInfo
from tratteggio.core.errors import RequestError
from tratteggio.core.record.writer import record_path

INSTALL_CLUSTER = "pip install 'tratteggio[cluster]'"


def make_backend(cluster: str, workers: int | None = None, gpus_per_worker: float = 0.0) -> Backend:
    """`none`: this process; `local`, `auto` or `HOST:PORT`: a Ray cluster (RequestError without Ray)."""
    if cluster == "none":
        if workers not in (None, 1) or gpus_per_worker:
            raise RequestError("--workers and --gpus-per-worker need --cluster (in-process runs one worker)")
        return InProcess()
    if cluster == "local":
        # Ray's single-machine mode: every Ray process listens on 127.0.0.1 only, never on the
        # network (read once, when ray is imported; the raylet and workers inherit it)
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        from tratteggio.core.batch.cluster import RayBackend
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "ray":
            raise
        raise RequestError(f"--cluster {cluster} needs Ray: {INSTALL_CLUSTER}") from None
    return RayBackend(cluster, workers, gpus_per_worker)


class _Run:
    """The sink of one run: journal lines, the caller's callbacks, the failure limit."""

    def __init__(
        self, journal: Journal, max_failures: int | None, on_row: Callable[[StatusRow], None] | None
    ) -> None:
        self.journal, self.max_failures, self.on_row = journal, max_failures, on_row
        self.failed = 0

    def worker(self, info: WorkerInfo) -> None:
        self.journal.worker(info)

    def row(self, row: StatusRow) -> None:
        self.journal.row(row)
        self.failed += row.outcome is Outcome.FAILED
        if self.on_row is not None:
            self.on_row(row)

    def stopping(self) -> bool:
        return self.max_failures is not None and self.failed >= self.max_failures


def run_batch(
    jobs: list[Job],
    settings: BatchSettings,
    backend: Backend,
    *,
    max_failures: int | None = None,
    on_ready: Callable[[list[WorkerInfo], float], None] | None = None,
    on_row: Callable[[StatusRow], None] | None = None,
    unreadable: Sequence[str] = (),
) -> Summary:
    """Run every job; the summary says what became of each photo (also in OUT/_batch/), and names
    the `unreadable` folders of the collection."""
    started = time.perf_counter()
    try:
        workers = backend.start(settings)
        ready = time.perf_counter() - started
        journal = Journal(Path(settings.out), backend.name, workers, len(jobs))
        journal.summary.unreadable = list(unreadable)
        journal.started(ready)
        if on_ready is not None:
            on_ready(workers, ready)
        run = _Run(journal, max_failures, on_row)
        try:
            backend.run(jobs, run)
        finally:
            if run.stopping():
                journal.summary.stopped = f"stopped after {run.failed} failures (--max-failures)"
            summary = journal.finish(jobs, time.perf_counter() - started, _committed(settings))
    finally:
        backend.close()
    return summary


def _committed(settings: BatchSettings) -> Callable[[Job], bool]:
    """Whether a job's commit marker (its record, or its proposal's note) is on disk."""
    if settings.detect_only:
        return lambda job: proposal_paths(Path(job.output))[1].is_file()
    return lambda job: record_path(Path(job.output)).is_file()
