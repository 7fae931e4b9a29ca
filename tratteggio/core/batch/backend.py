"""The protocol every batch backend follows, and the in-process one.

`start` loads the engines (a `TratteggioError` there means a bad invocation: nothing is written yet),
`run` hands out jobs until they are done or `sink.stopping()`, reporting each photo to `sink.row`
and each worker that joins later to `sink.worker`; `close` releases the workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.batch.worker import StatusRow, Worker, WorkerInfo
from tratteggio.core.errors import RequestError


class Sink(Protocol):
    def worker(self, info: WorkerInfo) -> None: ...

    def row(self, row: StatusRow) -> None: ...

    def stopping(self) -> bool: ...


class Backend(Protocol):
    name: str

    def start(self, settings: BatchSettings) -> list[WorkerInfo]: ...

    def run(self, jobs: Sequence[Job], sink: Sink) -> None: ...

    def close(self) -> None: ...


class InProcess:
    """One worker in this process: photo after photo, the engine loaded once."""

    name = "in-process"

    def __init__(self) -> None:
        self.worker: Worker | None = None

    def start(self, settings: BatchSettings) -> list[WorkerInfo]:
        self.worker = Worker(settings)
        info = self.worker.hello()
        if info.error:
            raise RequestError(info.error)
        return [info]

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        assert self.worker is not None
        for job in jobs:
            if sink.stopping():
                return
            sink.row(self.worker.run(job))

    def close(self) -> None:
        self.worker = None
