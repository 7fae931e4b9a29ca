"""A batch worker: loads its engine once, then restores photo after photo, each written exactly as
`tratteggio restore` writes it (output, loss map, mask, record last).

The same class runs in this process and as a Ray actor. It is handed paths and returns a small
`StatusRow`; pixels never leave it. A failing photo becomes a failed row with the one-line message
the CLI would print, and its traceback goes to `OUT/_batch/errors/`.
"""

from __future__ import annotations

import functools
import os
import socket
import time
import traceback
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.proposals import load_detector, proposal_finished, propose, write_proposal
from tratteggio.core.batch.resume import finished
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.engines import Engines
from tratteggio.core.errors import MaskError, TratteggioError
from tratteggio.core.io.atomic import write_bytes_atomic
from tratteggio.core.io.loading import load_mask, load_photo
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import restore
from tratteggio.core.request import RestorationRequest
from tratteggio.core.tasks.restore import RestoreOptions, restore_file

ERRORS = "errors"


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # finished by an earlier run
    FAILED = "failed"
    NO_DAMAGE = "no damage"  # detection proposed nothing: nothing to restore, nothing written


@dataclass(frozen=True)
class StatusRow:
    """What became of one photo: one line of `status.jsonl`."""

    photo: str
    outcome: Outcome
    seconds: float
    message: str = ""
    worker: str = ""
    engine_loads: int = 0  # pipelines this worker's process has loaded so far (0: a classical engine)
    error_file: str | None = None
    attempts: int = 1  # > 1: handed out again after its worker died
    cpu_seconds: float = 0.0  # the worker's CPU time on it: far below `seconds` when cores are shared

    def to_dict(self) -> dict[str, Any]:
        rounded = {"seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3)}
        return {**asdict(self), "outcome": str(self.outcome), **rounded}


@dataclass(frozen=True)
class WorkerInfo:
    """A started worker: where it runs, how long its engine took to load, or why it could not."""

    worker: str
    host: str
    pid: int
    seconds: float
    engine_loads: int
    error: str | None = None


class Worker:
    """Restores the photos it is handed with `settings`; the engine is loaded in the constructor."""

    def __init__(self, settings: BatchSettings) -> None:
        started = time.perf_counter()
        self.settings = settings
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.engines = Engines()  # diffusion's model runs in this process
        self.error: str | None = None
        try:
            self._load()
        except TratteggioError as exc:
            self.error = one_line(str(exc))
        self.seconds = time.perf_counter() - started

    def _load(self) -> None:
        if not (self.settings.detect_only or self.settings.revive):
            self.engines.warm(self.settings.request)
            if not self.engines.get(self.settings.request.engine).generative:
                _warm_up(self.settings.request, self.engines)
        if self.settings.detection is not None and self.settings.detection.detector is not None:
            load_detector(Path(self.settings.detection.detector))

    def hello(self) -> WorkerInfo:
        loads = self.engines.pipeline_loads()
        return WorkerInfo(self.name, socket.gethostname(), os.getpid(), self.seconds, loads, self.error)

    def run(self, job: Job) -> StatusRow:
        """Restore (or skip, or propose for) one photo; never raises for a photo's own problem."""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            outcome, message = self._run(job)
            error_file = None
        except TratteggioError as exc:
            outcome, message = Outcome.FAILED, one_line(str(exc))
            error_file = self._keep_traceback(job)
        except Exception as exc:  # a bug or out of memory: this photo fails, the batch goes on
            outcome, message = Outcome.FAILED, one_line(f"internal error: {type(exc).__name__}: {exc}")
            error_file = self._keep_traceback(job)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        loads = self.engines.pipeline_loads()
        return StatusRow(job.name, outcome, seconds, message, self.name, loads, error_file, cpu_seconds=cpu)

    def _run(self, job: Job) -> tuple[Outcome, str]:
        settings, photo_path, output = self.settings, Path(job.photo), Path(job.output)
        if settings.detect_only:
            return self._propose(job)
        if not settings.redo and finished(job, settings):
            return Outcome.SKIPPED, ""
        if settings.revive:
            from tratteggio.core.batch.revival import revive_job

            return Outcome.DONE, revive_job(job, settings)
        output.parent.mkdir(parents=True, exist_ok=True)
        inputs = (photo_path, *map(Path, job.masks[:1]))
        proposed = settings.detection is not None  # a proposal of no damage: nothing to restore
        options = RestoreOptions(
            settings.lossy,
            settings.sign,
            details=settings.details(),
            skip_clean=proposed,
            inputs=inputs,
            engines=self.engines,
        )
        mask = functools.partial(self._mask, job)  # called once every target is checked
        done = restore_file(photo_path, mask, output, settings.request, options)
        if done is None:
            return Outcome.NO_DAMAGE, "no damage proposed"
        return Outcome.DONE, f"{done.result.effective_mask.pixel_count} pixels restored"

    def _mask(self, job: Job, photo: Photo) -> Mask:
        if self.settings.detection is not None:
            return propose(photo.pixels, self.settings.detection)
        if len(job.masks) != 1:
            name = Path(job.name)
            folder = Path(self.settings.masks_dir or "", name.parent)
            found = f"{len(job.masks)} masks" if job.masks else "no mask"
            raise MaskError(f"{found} named {name.stem}.* in {folder}")
        return load_mask(job.masks[0], photo.shape2d)

    def _propose(self, job: Job) -> tuple[Outcome, str]:
        detection, output, photo_path = self.settings.detection, Path(job.output), Path(job.photo)
        assert detection is not None
        if not self.settings.redo and proposal_finished(output, photo_path, detection):
            return Outcome.SKIPPED, ""
        output.parent.mkdir(parents=True, exist_ok=True)
        photo = load_photo(photo_path)
        mask = propose(photo.pixels, detection)
        write_proposal(output, photo, photo_path, mask, detection)
        return Outcome.DONE, f"{mask.pixel_count} pixels proposed"

    def _keep_traceback(self, job: Job) -> str | None:
        """Write the current exception's traceback to OUT/_batch/errors/; its path relative to OUT."""
        target = self.settings.batch_folder / ERRORS / (job.name.replace("/", "__") + ".txt")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(target, f"{job.photo}\n\n{traceback.format_exc()}".encode())
        except (OSError, TratteggioError):
            return None
        return target.relative_to(self.settings.out).as_posix()


def _warm_up(request: RestorationRequest, engines: Engines) -> None:
    """A classical engine's libraries load on its first fill: fill a speck now, not in the first photo."""
    bits = np.zeros((16, 16), bool)
    bits[7:9, 7:9] = True
    restore(Photo(np.zeros((16, 16, 3), np.uint8)), Mask(bits), request, engines=engines)


def one_line(text: str) -> str:
    return " ".join(text.replace("\r", "\\r").split("\n")).strip()
