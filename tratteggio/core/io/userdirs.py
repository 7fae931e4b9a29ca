"""The user's own folders for Tratteggio's state (recovery journals) and logs (crash logs).

platformdirs gives each platform's convention (XDG on Linux, ~/Library on macOS, %LOCALAPPDATA% on
Windows). Crash logs are created without following symlinks and readable by their owner only: a
fixed path in /tmp let another user point it at a victim file.
"""

from __future__ import annotations

import os
import stat
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

APP = "tratteggio"


def state_dir() -> Path:
    """Where unsaved work is journaled (created on first use, owner-only)."""
    from platformdirs import user_state_path

    return _private(user_state_path(APP, appauthor=False))


def log_dir() -> Path:
    """Where crash logs and the studio's output log go (created on first use, owner-only)."""
    from platformdirs import user_log_path

    return _private(user_log_path(APP, appauthor=False))


def cache_dir() -> Path:
    """Where results that are only worth keeping to save time go (created on first use)."""
    from platformdirs import user_cache_path

    return _private(user_cache_path(APP, appauthor=False))


def _private(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def crash_log_path() -> Path:
    return log_dir() / "crash.log"


def write_crash_log(text: str | None = None) -> Path:
    """Append `text` (default: the exception being handled) to the crash log; return its path."""
    body = text if text is not None else traceback.format_exc()
    return append_log("crash.log", f"tratteggio {_version()} python {sys.version.split()[0]}\n{body}")


def append_log(name: str, text: str) -> Path:
    """Append a dated entry to the log `name` in the user's log folder; return its path.

    The log is opened with O_NOFOLLOW and refused unless it is a regular file we own, so a planted
    symlink or FIFO cannot redirect or block it.
    """
    path = log_dir() / name
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    entry = f"--- {stamp} {text}\n"
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a planted FIFO never blocks
    fd = os.open(path, flags, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            raise OSError(f"{path} is not a log file of ours")
        os.write(fd, entry.encode("utf-8", "replace"))
    finally:
        os.close(fd)
    return path


def _version() -> str:
    from tratteggio import __version__

    return __version__
