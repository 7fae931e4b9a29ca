"""A set of files replaced as a whole or not at all, that never replaces one of its inputs.

A restoration writes several files that describe each other (the output, its loss map, its mask,
its record naming their hashes). `FileSet` checks every target before any work (not an input by any
spelling, not a folder, in an existing folder), stages each file beside its target, and only when
all are staged moves them into place, the record last. If a move fails, the files already moved are
put back from hard-link backups, so the old set stays whole. A process killed mid-commit can leave
new files beside the old record; the record's hashes then disagree with them, which `verify` and
`rerun` report as a torn set. Stale temporary files of a killed write are removed by the next one;
each names the process writing it, so a run never removes those of another run still writing.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

from tratteggio.core.errors import ImageSaveError
from tratteggio.core.io.atomic import finish_part, make_part, remove_stale_parts


def check_targets(targets: Sequence[Path], inputs: Iterable[Path] = (), master: Path | None = None) -> None:
    """Raise ImageSaveError unless every target can be written without touching an input (or the
    `master`) or another target: same file by any path (symlink, hard link, `..`, case), a folder,
    a missing folder."""
    inputs = [Path(p) for p in inputs]
    seen: dict[str, Path] = {}
    for target in targets:
        target = Path(target)
        if master is not None and _same_file(target, master):
            raise ImageSaveError(f"{target}: refusing to overwrite the master photo")
        for source in inputs:
            if _same_file(target, source):
                raise ImageSaveError(
                    f"{target}: refusing to overwrite {source.name}, an input of this command"
                )
        key = _key(target)
        if key in seen:
            raise ImageSaveError(f"{target}: the same file is named twice as an output ({seen[key]})")
        seen[key] = target
        check_writable(target)


def check_writable(target: Path) -> None:
    parent = Path(os.path.abspath(target)).parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise ImageSaveError(f"{target}: the folder {parent} {what}")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ImageSaveError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageSaveError(f"{target}: is a folder; name a file to write")
    if not stat.S_ISREG(info.st_mode):
        raise ImageSaveError(f"{target}: is not a regular file; refusing to write over it")


def check_folder_target(folder: Path, option: str) -> None:
    """Raise ImageSaveError unless `folder` is a folder, or can be made (its nearest existing
    ancestor is a folder)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ImageSaveError(f"{folder}: {option} names a folder, and this is a file")
    ancestor = Path(os.path.abspath(folder))
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ImageSaveError(f"{folder}: cannot make this folder ({ancestor} is not a folder)")


def check_named_in_folder(
    folder: Path,
    is_named: Callable[[str], bool],
    inputs: Iterable[Path],
    outputs: Iterable[Path],
    option: str,
) -> None:
    """Before any work, for a folder whose file names are only known after it (`--previews`):
    raise ImageSaveError if an input is already in `folder` under a name it may write (by any
    spelling), or if another output would be such a file."""
    folder = Path(folder)
    if folder.is_dir():
        try:
            present = [p for p in folder.iterdir() if is_named(p.name)]
        except OSError as exc:
            raise ImageSaveError(f"{folder}: cannot list this folder ({exc.strerror or exc})") from None
        check_targets(present, inputs)
    for target in outputs:
        target = Path(target)
        if is_named(target.name) and _key(target.parent) == _key(folder):
            raise ImageSaveError(f"{target}: {option} {folder} writes a file of this name too")


@contextlib.contextmanager
def made_folder(folder: Path) -> Iterator[Path]:
    """Make `folder` (and missing parents) for files staged into it; if the block fails, remove
    the folders this made, so a failed command leaves nothing behind."""
    folder = Path(folder)
    made = []
    for level in [folder, *folder.parents]:
        if level.exists():
            break
        made.append(level)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImageSaveError(f"{folder}: cannot make this folder ({exc.strerror or exc})") from None
    try:
        yield folder
    except BaseException:
        for level in made:  # deepest first; a folder someone else filled meanwhile stays
            with contextlib.suppress(OSError):
                level.rmdir()
        raise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist (or is a loop): then they cannot be one file
        return _key(a) == _key(b)


def _key(path: Path) -> str:
    """A spelling-independent name; case-folded, since two names differing only in case may be one
    file on the user's disk (macOS, Windows) and are confusing anywhere."""
    try:
        resolved = os.path.realpath(path)
    except (OSError, ValueError):
        resolved = os.path.abspath(path)
    return os.path.normcase(resolved).casefold()


class FileSet:
    """Stage files beside their targets, then commit them all (in staging order) or none."""

    def __init__(
        self, targets: Sequence[Path], inputs: Iterable[Path] = (), master: Path | None = None
    ) -> None:
        self.targets = [Path(t) for t in targets]
        check_targets(self.targets, inputs, master)
        self._parts: dict[Path, Path] = {}

    def __enter__(self) -> FileSet:
        for target in self.targets:
            remove_stale_parts(target)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def write_with(self, target: Path, writer: Callable[[Path], object], *, durable: bool = True) -> Path:
        """Stage `target` by `writer(part_path)`; return the staged part (to hash it, say). A part
        that is not `durable` (one `restage` replaces, the unsigned photo before signing) is not
        flushed to disk: only the parts that get committed need to be."""
        target = Path(target)
        if target not in self.targets:
            raise ValueError(f"{target} is not a target of this file set")
        part = make_part(target)
        self._parts[target] = part
        try:
            writer(part)
            if durable:
                finish_part(part, target)
        except OSError as exc:
            raise ImageSaveError(f"{target}: could not be written ({exc.strerror or exc})") from None
        return part

    def restage(self, target: Path, writer: Callable[[Path, Path], object]) -> Path:
        """Replace `target`'s staged part by `writer(staged, new_part)` (signing the staged photo,
        say); the earlier part is removed whatever happens."""
        target = Path(target)
        old = self._parts[target]
        try:
            return self.write_with(target, lambda part: writer(old, part))
        finally:
            with contextlib.suppress(OSError):
                old.unlink()

    def write_bytes(self, target: Path, data: bytes) -> Path:
        return self.write_with(target, lambda part: part.write_bytes(data))

    def abort(self) -> None:
        for part in self._parts.values():
            with contextlib.suppress(OSError):
                part.unlink()
        self._parts.clear()

    def commit(self) -> None:
        backups: list[tuple[Path, Path | None]] = []
        try:
            for target, part in self._parts.items():
                backups.append((target, _backup(target)))
                os.replace(part, target)
        except OSError as exc:
            _roll_back(backups, self._parts)
            self.abort()
            why = exc.strerror or exc
            raise ImageSaveError(f"could not replace the files ({why}); nothing was changed") from None
        finally:
            for _, backup in backups:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
        self._parts.clear()


def _backup(target: Path) -> Path | None:
    if not target.exists():
        return None
    backup = make_part(target)
    backup.unlink()
    try:
        os.link(target, backup)
    except OSError:  # no hard links here (some network shares): keep a copy instead
        import shutil

        shutil.copy2(target, backup)
    return backup


def _roll_back(backups: list[tuple[Path, Path | None]], parts: dict[Path, Path]) -> None:
    for target, backup in reversed(backups):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            elif not parts[target].exists():  # the new file went in where there was none: take it out
                target.unlink()
