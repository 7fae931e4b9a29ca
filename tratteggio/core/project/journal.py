"""Recovery journals: unsaved work, journaled as it happens, found again after a crash.

Each open document has a journal in the user's state folder (`recovery/<id>.tratteggio`, the
project format itself) and a lock file the running studio holds. A journal whose lock nobody holds
belongs to a studio that ended without closing it (a crash, kill -9): the next start offers it.
A clean close deletes the journal. The journal names the project file it shadows (or none, for an
unsaved session); recovering never writes over that project without asking. A journal that cannot
be read (damaged, or a decompression bomb) is moved to `recovery/damaged/` once and said, never
opened again at the next start; symbolic links planted in the folder are never followed.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tratteggio.core.errors import ProjectError
from tratteggio.core.io.userdirs import state_dir
from tratteggio.core.project.load import read_project
from tratteggio.core.project.store import SQLITE_SIDE_FILES, SUFFIX, ProjectStore, remove_project_files
from tratteggio.core.studio.document import Document


def recovery_dir() -> Path:
    folder = state_dir() / "recovery"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


class JournalLock:
    """An exclusive lock on `<journal>.lock`, held while the studio has the journal open."""

    def __init__(self, journal: Path) -> None:
        self.path = journal.with_suffix(".lock")
        self._fh: IO[bytes] | None = None

    def acquire(self) -> bool:
        try:  # never through a symbolic link someone planted in the folder
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return False
        fh = os.fdopen(fd, "a+b")
        if not _try_lock(fh):
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _try_lock(fh: IO[bytes]) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def new_journal() -> tuple[Path, JournalLock]:
    """A fresh journal path, locked by this process."""
    path = recovery_dir() / f"{uuid.uuid4().hex}{SUFFIX}"
    lock = JournalLock(path)
    if not lock.acquire():
        raise ProjectError(f"{path}: could not lock the recovery journal")
    return path, lock


def remove_journal(path: Path, lock: JournalLock | None) -> None:
    """Delete a journal and its side files (a clean close, a save, or a recovery taken)."""
    remove_project_files(path, quiet=True)
    if lock is not None:
        lock.release()
    with contextlib.suppress(OSError):
        path.with_suffix(".lock").unlink()


@dataclass(frozen=True)
class Orphan:
    """A journal left by a studio that did not close it."""

    path: Path
    project: str | None  # the project file it shadows, if any
    master: str | None
    saved: str
    mask_pixels: int
    interventions: int
    unsaved: bool = True  # edits after the last save (always, for a session never saved)
    origin: dict[str, Any] | None = None  # how a picture made in the studio came to be

    @property
    def name(self) -> str:
        named = self.project or self.master
        return Path(named).name if named else self.made()

    @property
    def where(self) -> str:
        """The full path of the project (or photo) the work belongs to, or "" for an unsaved one."""
        return self.project or self.master or ""

    def made(self) -> str:
        origin = self.origin or {}
        for key, what in (
            ("created_from", "a picture created from noise"),
            ("extended_from", "an extension of {}"),
            ("aged_from", "an aged copy of {}"),
        ):
            if key in origin:
                source = str(origin[key])
                return what.format(Path(source).name if source.startswith(("/", ".")) else source)
        return "an unsaved photo"

    def describe(self) -> str:
        count = {0: "no interventions", 1: "1 intervention"}.get(self.interventions)
        count = count or f"{self.interventions} interventions"
        return f"{self.name}: {self.mask_pixels:,} masked pixels, {count}; journaled {local_time(self.saved)}"


def local_time(stamp: str) -> str:
    """An ISO time written in UTC, shown in the user's own time zone ("2026-12-08 01:02:03 CET")."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def orphans(on_damaged: Callable[[str], None] | None = None) -> list[Orphan]:
    """Journals nobody holds that hold unsaved work, newest first. Journals with nothing unsaved
    (the work was saved, or none was done) are deleted; unreadable ones are set aside and
    `on_damaged` hears one line about each."""
    found = []
    for path in sorted(recovery_dir().glob(f"*{SUFFIX}"), key=_mtime, reverse=True):
        lock = JournalLock(path)
        if path.is_symlink() or not lock.acquire():
            continue  # planted, or another running studio owns it
        try:
            orphan = _summary(path)
        except ProjectError as exc:
            said = set_aside(path, lock, exc)
            if on_damaged is not None:
                on_damaged(said)
            continue
        if orphan is not None and orphan.unsaved:
            found.append(orphan)
            lock.release()
        else:
            remove_journal(path, lock)
    return found


def _summary(path: Path) -> Orphan | None:
    """The journal's summary; None for one killed before its first write (nothing to recover)."""
    try:
        ProjectStore(path).close()
    except ProjectError:
        return None
    return summarize(path)


def set_aside(path: Path, lock: JournalLock | None, why: Exception) -> str:
    """Move an unreadable journal to recovery/damaged/ (kept for a look, never opened again); the
    line that says so."""
    folder = recovery_dir() / "damaged"
    folder.mkdir(exist_ok=True, mode=0o700)
    for suffix in ("", *SQLITE_SIDE_FILES):
        with contextlib.suppress(OSError):
            os.replace(f"{path}{suffix}", folder / f"{path.name}{suffix}")
    remove_journal(path, lock)
    return f"A recovery journal could not be read ({why}); it was set aside in {folder}"


def read_journal(orphan: Orphan) -> Document:
    """The journal's document; a journal that cannot be read is set aside (ProjectError says so)."""
    try:
        return read_project(orphan.path, verify=False)[0]
    except ProjectError as exc:
        raise ProjectError(set_aside(orphan.path, None, exc)) from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def summarize(path: Path) -> Orphan:
    with ProjectStore(path) as store:
        meta = store.meta()
        pixels = store.mask_pixel_count()
        count = len(store.intervention_rows())
    origin = meta.get("origin")
    return Orphan(
        path,
        meta.get("project"),
        meta.get("master_path"),
        str(meta.get("saved", "?")),
        pixels,
        count,
        origin=origin if isinstance(origin, dict) else None,
    )


def pending_for(project: Path) -> Orphan | None:
    """Unsaved journaled work for `project`, left by a studio that did not close it."""
    target = str(Path(project).resolve())
    return next((o for o in orphans() if o.project == target), None)


def journal_meta(project: Path | None) -> dict[str, Any]:
    return {"project": str(Path(project).resolve()) if project else None, "pid": os.getpid()}
