"""Reproduce a result from its conservation record, and check a written set against its record.

A record is trusted for nothing it could lie about: the master and every mask are checked against
the hashes it names; sidecar files are looked up by base name beside the record only; permissions
(loading pickle checkpoints) come from the command line, never from the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tratteggio.core.engines import Engines
from tratteggio.core.errors import RecordError, TratteggioError
from tratteggio.core.io.loading import load_photo
from tratteggio.core.kinds.base import Canvas, Documented, Kind, Replayed
from tratteggio.core.kinds.registry import kind_named
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.record.schema import ConservationRecord, InterventionRecord, read_record
from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True, eq=False)
class Replay:
    """What a record asks to run again: the checked master (None for a picture created from
    noise), and each intervention in order."""

    record: ConservationRecord
    photo: Photo | None
    master: Path | None
    steps: tuple[Replayed, ...]
    inputs: tuple[Path, ...]  # every file read, so an output never replaces one

    @property
    def mask_files(self) -> int:
        return sum(step.mask is not None for step in self.steps)


def sidecar_file(record_path: Path, name: str | None, what: str) -> Path:
    """A file the record names, beside the record; a name with any folder in it is refused."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise RecordError(f"{record_path.name}: the {what} file name {name!r} is not a plain file name")
    return record_path.parent / name


def load_replay(path: str | Path, *, allow_pickle: bool = False) -> Replay:
    """The master, masks and requests a record describes, each checked against it."""
    path = Path(path)
    record = read_record(path)
    photo, master = None, None
    if not _created(record):  # a picture created from noise has no master to find
        master = _find_master(path, record)
        if sha256_file(master) != record.master.sha256:  # before decoding: a changed file is not read
            raise TratteggioError(f"{master.name}: the master has changed since the record was written")
        photo = load_photo(master)
        if photo.sha256 != record.master.sha256:  # replaced between the check and the read
            raise TratteggioError(f"{master.name}: the master has changed since the record was written")
    steps, inputs = [], [path, *([master] if master else [])]
    for item in record.interventions:
        kind = _kind(item)
        mask_path = None
        if item.mask.file or kind.needs_mask:
            mask_path = sidecar_file(path, item.mask.file, "mask")
            _check_hash(mask_path, item.mask.sha256, "mask")
            inputs.append(mask_path)
        request = _request(item, allow_pickle) if kind.runs_engine else None
        steps.append(Replayed(item, mask_path, request))
    return Replay(record, photo, master, tuple(steps), tuple(inputs))


def _kind(item: InterventionRecord) -> Kind:
    kind = kind_named(item.kind)
    if kind is None:
        raise RecordError(f"intervention {item.id}: cannot replay an intervention of kind '{item.kind}'")
    return kind


def _find_master(path: Path, record: ConservationRecord) -> Path:
    info = record.master
    if not info.sha256 or not info.file:
        raise RecordError(f"{path.name}: the record names no master file and hash")
    if info.path and Path(info.path).is_file():
        return Path(info.path)
    beside = sidecar_file(path, info.file, "master")
    if beside.is_file():
        return beside
    raise TratteggioError(f"{info.file}: the master is neither at {info.path} nor beside the record")


def _check_hash(file: Path, expected: str | None, what: str) -> None:
    if not file.is_file():
        raise TratteggioError(f"{file.name}: the {what} the record names is missing")
    if expected and sha256_file(file) != expected:
        raise TratteggioError(
            f"{file.name}: the {what} differs from the one the record names (hash mismatch)"
        )


def _request(item: InterventionRecord, allow_pickle: bool) -> RestorationRequest:
    try:
        request = RestorationRequest.from_dict(item.request)
    except TratteggioError as exc:
        raise RecordError(f"intervention {item.id}: {exc}") from None
    ran = item.engine.get("name")
    if ran is not None and ran != request.engine:  # the record says what ran: an edited request disagrees
        raise RecordError(
            f"intervention {item.id}: the request names the {request.engine} engine, but the record "
            f"says {ran} ran; the record was edited"
        )
    return request.replace(allow_pickle=True) if allow_pickle else request


def replay(
    job: Replay,
    on_step: StepCallback | None = None,
    cancel: CancelCheck | None = None,
    engines: Engines | None = None,
) -> tuple[np.ndarray, list[Documented]]:
    """Run every intervention again, in order, with `engines` (default: here), and compose them as the
    studio does: fills on the picture they were made on, a revival on the photo as composed so far, an
    extension around it."""
    canvas, entries = Canvas(job.photo, engines), []
    for step in job.steps:
        try:
            entries.append(_kind(step.record).replay(canvas, step, on_step, cancel))
        except (TypeError, ValueError, KeyError) as exc:
            raise RecordError(
                f"intervention {step.record.id}: malformed ({type(exc).__name__}: {exc})"
            ) from None
    assert canvas.pixels is not None
    return canvas.pixels, entries


def master_photo(job: Replay, entries: list[Documented]) -> Photo:
    """The photo a rerun's record names as its master: the master, or the picture created."""
    if job.photo is not None:
        return job.photo
    created = entries[0].picture
    assert created is not None
    return created


def verify_set(path: str | Path, on_file: Callable[[str], None] | None = None) -> list[str]:
    """Problems with the set a record describes (empty: the files are the ones it names, the
    master is the one it names, and every request can be replayed).

    A set torn by a crash mid-write shows up here: a new output beside the old record disagrees
    with the hash the record names.
    """
    path = Path(path)
    record = read_record(path)
    problems = [] if _created(record) else _master_problems(path, record)
    for item in record.interventions:
        try:
            if _kind(item).runs_engine:
                _request(item, allow_pickle=False)
        except TratteggioError as exc:
            problems.append(str(exc))
    signed = record.output.credentials is not None  # other bytes than the record's: check its pixels
    named = [
        ("output", record.output.file, None if signed else record.output.sha256),
        ("loss map", record.loss_map.file, record.loss_map.sha256),
        ("mask", record.mask.file, record.mask.sha256),
    ]
    named += [(f"mask of intervention {i.id}", i.mask.file, i.mask.sha256) for i in record.interventions]
    for what, name, expected in named:
        if not name or not expected:
            continue
        file = sidecar_file(path, name, what)
        if on_file:
            on_file(name)
        if not file.is_file():
            problems.append(f"{name}: missing ({what})")
        elif sha256_file(file) != expected:
            problems.append(f"{name}: differs from the record ({what}); the set is torn or was edited")
    if signed:
        from tratteggio.core.record.signed import signed_problems

        output = sidecar_file(path, record.output.file, "output")
        problems += (
            signed_problems(output, record) if output.is_file() else [f"{output.name}: missing (output)"]
        )
    return problems


def _created(record: ConservationRecord) -> bool:
    first = kind_named(record.interventions[0].kind) if record.interventions else None
    return first is not None and first.creates


def _master_problems(path: Path, record: ConservationRecord) -> list[str]:
    try:
        master = _find_master(path, record)
    except TratteggioError as exc:
        return [str(exc)]
    if sha256_file(master) != record.master.sha256:
        return [f"{master.name}: differs from the record (master); it has changed since"]
    return []
