"""Atomic file writes: a temporary file beside the target, then one rename.

An interrupted save never leaves a half-written file where the user looks, and never touches the
target until the new content is complete. New files get the permissions the user's umask gives (a
temporary file is created 0600, which colleagues sharing an archive folder could not read); a file
that is replaced keeps its mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from tratteggio.core.errors import ImageSaveError

PART_SUFFIX = ".part"
_umask_lock = threading.Lock()


def current_umask() -> int:
    with _umask_lock:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def mode_for(target: Path) -> int:
    """The mode a new file at `target` gets: the replaced file's, or 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def part_prefix(target: Path) -> str:
    return f".{target.name}."


def make_part(target: Path) -> Path:
    """An empty temporary file beside `target`, named so a later write can find it if we die:
    `.NAME.RANDOM.PID.part`, the process that writes it named, so no other run removes it while
    that process lives."""
    try:
        suffix = f".{os.getpid()}{PART_SUFFIX}"
        fd, name = tempfile.mkstemp(prefix=part_prefix(target), suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise ImageSaveError(f"{target}: cannot write here ({exc.strerror})") from None
    os.close(fd)
    return Path(name)


def remove_stale_parts(target: Path) -> None:
    """Delete temporary files a killed earlier write of `target` left behind: those of processes
    that are gone (or that name none), never those of a run writing the same file right now."""
    with contextlib.suppress(OSError):
        for leftover in target.parent.glob(f"{glob_escape(part_prefix(target))}*{PART_SUFFIX}"):
            with contextlib.suppress(OSError):
                if leftover.is_file() and not leftover.is_symlink() and not _writer_alive(leftover):
                    leftover.unlink()


def _writer_alive(part: Path) -> bool:
    """Whether the process a temporary file names (`.NAME.RANDOM.PID.part`) still runs here."""
    pid = part.name[: -len(PART_SUFFIX)].rpartition(".")[2]
    if not pid.isdigit():
        return False  # an older name, without its writer: stale
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process: alive (or unknowable): leave it
    return True


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def finish_part(part: Path, target: Path) -> None:
    """Flush `part` to disk and give it the mode `target` should have."""
    with part.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.chmod(part, mode_for(target))


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, else it is removed."""
    target = Path(target)
    remove_stale_parts(target)
    tmp = make_part(target)
    try:
        yield tmp
        finish_part(tmp, target)
        os.replace(tmp, target)
    except OSError as exc:
        raise ImageSaveError(f"{target}: could not be written ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_with(target: Path, writer: Callable[[Path], object]) -> None:
    """Run `writer(tmp_path)` and move the finished file onto `target`."""
    with atomic_path(target) as tmp:
        writer(tmp)
