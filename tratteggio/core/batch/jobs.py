"""Which photos a batch restores and where each result goes: paths only, decided before any work.

A collection is a folder (scanned recursively, hidden files and the output folder left out) or a
text list (one path a line, relative to the list's folder; blank lines and `#` comments skipped).
Each photo's name is its path relative to that folder; its result goes to `OUT/NAME` with the
photo's extension (or `--format`'s), its mask is `MASKS/NAME` with any image extension.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tratteggio.core.errors import RequestError
from tratteggio.core.io.saving import SAVE_FORMATS

IMAGE_SUFFIXES = frozenset(SAVE_FORMATS)
BATCH_FOLDER = "_batch"  # OUT/_batch: the journal of the runs
MAX_LIST_BYTES = 1 << 30


@dataclass(frozen=True)
class Job:
    """One photo of a batch. `name` is its path relative to the collection (with '/'), the key of
    its status rows; `masks` are the files of its mask folder with its stem (exactly one must exist)."""

    name: str
    photo: str
    output: str
    masks: tuple[str, ...] = ()


def plan_jobs(
    source: Path,
    out: Path,
    *,
    masks_dir: Path | None = None,
    suffix: str | None = None,
    lossy: bool = False,
    unreadable: list[str] | None = None,
) -> list[Job]:
    """The jobs of a batch, in a stable order; RequestError for a bad source or clashing outputs.
    A folder of the collection that cannot be listed is added to `unreadable` (with why), or is
    refused when no such list is given: never skipped unsaid."""
    source, out = Path(source), Path(out)
    if suffix is not None and suffix.lower() not in IMAGE_SUFFIXES:
        raise RequestError(f"--format {suffix[1:]}: unknown format (use {_formats()})")
    if source.is_dir() and os.path.realpath(out) == os.path.realpath(source):
        raise RequestError(f"{out}: the collection's own folder; write the results to another one")
    photos = collect(source, skip=[out, *([masks_dir] if masks_dir else [])], unreadable=unreadable)
    if not photos:
        raise RequestError(f"{source}: no photos found ({_formats()})")
    masks = index_masks(masks_dir) if masks_dir is not None else {}
    jobs = []
    for name, path in photos:
        target = PurePosixPath(name)
        if suffix is not None:
            target = target.with_suffix(suffix)
        masks_found = masks.get(_key(PurePosixPath(name)), ())
        jobs.append(Job(name, str(path), str(out.joinpath(*target.parts)), tuple(map(str, masks_found))))
    _check_outputs(jobs, lossy)
    return jobs


def collect(source: Path, skip: list[Path], unreadable: list[str] | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every photo of a folder or a list; folders that cannot be listed go to
    `unreadable` as "FOLDER (why)" (the collection's own folder is refused)."""
    if source.is_dir():
        skipped = {os.path.realpath(p) for p in [*skip, source / BATCH_FOLDER]}
        return sorted(_scan(source, skipped, unreadable))
    if source.is_file():
        return _read_list(source)
    raise RequestError(f"{source}: no such folder or list")


def _scan(root: Path, skipped: set[str], unreadable: list[str] | None = None) -> Iterator[tuple[str, Path]]:
    def missed(error: OSError) -> None:
        if unreadable is None or os.path.realpath(error.filename) == os.path.realpath(root):
            raise RequestError(f"{error.filename}: this folder cannot be read ({error.strerror or error})")
        unreadable.append(f"{error.filename} ({error.strerror or error})")

    for folder, dirs, files in os.walk(root, onerror=missed):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and os.path.realpath(Path(folder, d)) not in skipped
        )
        for file in files:
            if not file.startswith(".") and Path(file).suffix.lower() in IMAGE_SUFFIXES:
                path = Path(folder, file)
                yield path.relative_to(root).as_posix(), path


def _read_list(listing: Path) -> list[tuple[str, Path]]:
    if listing.stat().st_size > MAX_LIST_BYTES:
        raise RequestError(f"{listing}: too large for a list of photos")
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestError(f"{listing}: not a readable list of photos ({exc})") from None
    base = listing.parent
    photos = []
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        path = Path(entry) if Path(entry).is_absolute() else base / entry
        try:
            name = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:  # outside the list's folder: known by its file name
            name = path.name
        photos.append((name, path))
    return photos


def index_masks(masks_dir: Path) -> dict[str, list[Path]]:
    """Every image under `masks_dir` by its name without extension (case-folded)."""
    if not masks_dir.is_dir():
        raise RequestError(f"{masks_dir}: --masks names no folder")
    found: dict[str, list[Path]] = {}
    for name, path in sorted(_scan(masks_dir, set())):
        found.setdefault(_key(PurePosixPath(name)), []).append(path)
    return found


def _key(name: PurePosixPath) -> str:
    return name.with_suffix("").as_posix().casefold()


def _check_outputs(jobs: list[Job], lossy: bool) -> None:
    """Two photos that would write the same result files, or JPEG results without --lossy."""
    seen: dict[str, str] = {}
    for job in jobs:
        key = _key(PurePosixPath(Path(job.output).as_posix()))
        if key in seen:
            raise RequestError(
                f"{seen[key]} and {job.name} would both write {Path(job.output).with_suffix('.*')}: "
                "list the photos to restore in a text file instead"
            )
        seen[key] = job.name
    _check_sidecars(jobs)
    jpegs = [j for j in jobs if SAVE_FORMATS[Path(j.output).suffix.lower()] == "jpeg"]
    if jpegs and not lossy:
        raise RequestError(
            f"{len(jpegs)} results would be JPEG ({jpegs[0].name}...), which cannot keep the pixels outside "
            "the restored areas: pass --format png (or tif), or --lossy"
        )


SIDECARS = (".record.json", ".lossmap.png", ".mask.png", ".proposal.png", ".proposal.json")


def _check_sidecars(jobs: list[Job]) -> None:
    """Every file of a run (each result and its record, loss map, mask, proposal) has one owner:
    `scan.png`'s loss map is `scan.lossmap.png`'s result, so both may not be in one run."""
    owners: dict[str, tuple[str, str]] = {}
    for job in jobs:
        output = Path(job.output)
        stem = output.with_suffix("").name
        for path in (output, *(output.with_name(stem + end) for end in SIDECARS)):
            key = os.path.normcase(os.path.abspath(path)).casefold()
            other = owners.setdefault(key, (job.name, str(path)))
            if other[0] != job.name:
                raise RequestError(
                    f"{other[0]} and {job.name} would both write {path}: rename one, or list the "
                    "photos to restore in a text file and run them apart"
                )


def _formats() -> str:
    return ", ".join(sorted({s[1:] for s in IMAGE_SUFFIXES}))
