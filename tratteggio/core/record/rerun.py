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

from tratteggio.core.errors import RecordError, TratteggioError
from tratteggio.core.io.loading import load_mask, load_photo
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.composite import apply_patches
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback, restore
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.record.schema import ConservationRecord, InterventionRecord, read_record
from tratteggio.core.record.writer import Fill
from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True, eq=False)
class Replay:
    """What a record asks to run again: the checked master, and each intervention's mask and request."""

    record: ConservationRecord
    photo: Photo
    master: Path
    steps: tuple[tuple[int, Mask, RestorationRequest], ...]
    inputs: tuple[Path, ...]  # every file read, so an output never replaces one


def sidecar_file(record_path: Path, name: str | None, what: str) -> Path:
    """A file the record names, beside the record; a name with any folder in it is refused."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise RecordError(f"{record_path.name}: the {what} file name {name!r} is not a plain file name")
    return record_path.parent / name


def load_replay(path: str | Path, *, allow_pickle: bool = False) -> Replay:
    """The master, masks and requests a record describes, each checked against it."""
    path = Path(path)
    record = read_record(path)
    master = _find_master(path, record)
    if sha256_file(master) != record.master.sha256:  # before decoding: a changed file is not read
        raise TratteggioError(f"{master.name}: the master has changed since the record was written")
    photo = load_photo(master)
    steps, inputs = [], [path, master]
    for item in record.interventions:
        mask_path = sidecar_file(path, item.mask.file, "mask")
        _check_hash(mask_path, item.mask.sha256, "mask")
        steps.append((item.id, load_mask(mask_path, photo.shape2d), _request(item, allow_pickle)))
        inputs.append(mask_path)
    return Replay(record, photo, master, tuple(steps), tuple(inputs))


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
    if item.kind != "fill":
        raise RecordError(f"intervention {item.id}: cannot replay an intervention of kind '{item.kind}'")
    try:
        request = RestorationRequest.from_dict(item.request)
    except TratteggioError as exc:
        raise RecordError(f"intervention {item.id}: {exc}") from None
    return request.replace(allow_pickle=True) if allow_pickle else request


def replay(
    job: Replay, on_step: StepCallback | None = None, cancel: CancelCheck | None = None
) -> tuple[np.ndarray, list[Fill]]:
    """Run every intervention again on the master, in order, and compose them as the studio does."""
    pixels = job.photo.pixels.copy()
    fills = []
    for fill_id, mask, request in job.steps:
        result = restore(job.photo, mask, request, on_step=on_step, cancel=cancel)
        apply_patches(pixels, result.patches)
        fills.append(Fill(fill_id, result, mask))
    return pixels, fills


def verify_set(path: str | Path, on_file: Callable[[str], None] | None = None) -> list[str]:
    """Problems with the set a record describes (empty: the files are the ones it names, the
    master is the one it names, and every request can be replayed).

    A set torn by a crash mid-write shows up here: a new output beside the old record disagrees
    with the hash the record names.
    """
    path = Path(path)
    record = read_record(path)
    problems = _master_problems(path, record)
    for item in record.interventions:
        try:
            _request(item, allow_pickle=False)
        except TratteggioError as exc:
            problems.append(str(exc))
    named = [
        ("output", record.output.file, record.output.sha256),
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
    return problems


def _master_problems(path: Path, record: ConservationRecord) -> list[str]:
    try:
        master = _find_master(path, record)
    except TratteggioError as exc:
        return [str(exc)]
    if sha256_file(master) != record.master.sha256:
        return [f"{master.name}: differs from the record (master); it has changed since"]
    return []
