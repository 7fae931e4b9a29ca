"""The journal of batch runs in `OUT/_batch/`.

`status.jsonl` gets one line per photo as it finishes (appended, each line naming its run, flushed
at once, so a killed run keeps what it did); `workers.jsonl` one line per started worker;
`summary.json` is replaced at the end of each run; `errors/` holds the tracebacks of failed photos.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.worker import Outcome, StatusRow, WorkerInfo
from tratteggio.core.io.atomic import write_bytes_atomic


@dataclass
class Summary:
    """A run's account: counts by outcome, every failure and every lost photo by name.

    `lost` photos have neither a status line from this run nor a record; `unreported` ones have no
    status line but a record (finished by a worker whose report never arrived, or by an earlier run);
    `unreadable` folders could not be listed, so their photos are not even known.
    """

    run: str
    backend: str
    workers: int
    photos: int
    started: str
    start_seconds: float = 0.0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    unreported: list[str] = field(default_factory=list)
    stopped: str | None = None
    unreadable: list[str] = field(default_factory=list)  # folders of the collection never listed

    @property
    def exit_code(self) -> int:
        """0: every photo is done; 1: some failed or were lost, or a folder could not be read."""
        return 1 if self.failures or self.lost or self.unreadable else 0

    def count(self, outcome: Outcome) -> int:
        return self.counts.get(str(outcome), 0)

    def to_dict(self) -> dict[str, Any]:
        rate = self.photos_per_second
        return {**asdict(self), "photos_per_second": round(rate, 4) if rate else None}

    @property
    def photos_per_second(self) -> float:
        """Photos restored (not skipped) per second once the workers were ready."""
        busy = self.seconds - self.start_seconds
        done = self.count(Outcome.DONE)
        return done / busy if done and busy > 0 else 0.0


class Journal:
    """Writes a run's lines as they come and its summary at the end."""

    def __init__(self, out: Path, backend: str, workers: list[WorkerInfo], photos: int) -> None:
        from tratteggio.core.batch.jobs import BATCH_FOLDER

        self.folder = Path(out) / BATCH_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        self.summary = Summary(
            run=now.strftime("%Y%m%dT%H%M%S.%fZ"),
            backend=backend,
            workers=0,
            photos=photos,
            started=now.isoformat(timespec="seconds"),
        )
        self.rows: dict[str, StatusRow] = {}
        self._status: IO[str] = (self.folder / "status.jsonl").open("a", encoding="utf-8")
        for info in workers:
            self.worker(info)

    def worker(self, info: WorkerInfo) -> None:
        self.summary.workers += 1
        line = {"run": self.summary.run, **asdict(info)}
        with (self.folder / "workers.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    def started(self, seconds: float) -> None:
        """The workers took `seconds` to start (connecting, loading engines)."""
        self.summary.start_seconds = seconds

    def row(self, row: StatusRow) -> None:
        self.rows[row.photo] = row
        counts = self.summary.counts
        counts[str(row.outcome)] = counts.get(str(row.outcome), 0) + 1
        if row.outcome is Outcome.FAILED:
            self.summary.failures.append({"photo": row.photo, "message": row.message})
        self._status.write(json.dumps({"run": self.summary.run, **row.to_dict()}) + "\n")
        self._status.flush()

    def finish(self, jobs: list[Job], elapsed: float, committed: Callable[[Job], bool]) -> Summary:
        """Account for photos without a status line (`committed`: their commit marker exists), write
        summary.json, close the journal."""
        self._status.close()
        summary = self.summary
        for job in jobs:
            if job.name not in self.rows:
                (summary.unreported if committed(job) else summary.lost).append(job.name)
        summary.seconds = elapsed
        data = json.dumps(summary.to_dict(), indent=2) + "\n"
        write_bytes_atomic(self.folder / "summary.json", data.encode())
        return summary
