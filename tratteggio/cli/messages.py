"""What the command line says: one line per message on stderr, nothing else.

Library warnings (Python's `warnings`, and log records of tifffile, Pillow and the rest) would add
lines of their own to a clean refusal; they go to the user's log folder instead. A file name that
is not valid UTF-8 is printed with backslash escapes rather than crashing a strict stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from typing import NoReturn

_warnings: list[str] = []


def one_line(text: str) -> str:
    """Messages go out as one line: newlines in file names or library text are shown escaped."""
    return text.strip().replace("\r", "\\r").replace("\n", "\\n")


def warn(message: str) -> None:
    """A warning, said once the command succeeds (a refusal stays one line)."""
    _warnings.append(f"tratteggio: warning: {one_line(message)}")


def say_warnings(succeeded: bool) -> None:
    if succeeded:
        for line in _warnings:
            print(line, file=sys.stderr)
    _warnings.clear()


class OneLineParser(argparse.ArgumentParser):
    """argparse, refusing bad arguments in one line (not a usage block and a line)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def settle_streams() -> None:
    """Print names that are not valid UTF-8 escaped, and keep library chatter off stderr."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
    root = logging.getLogger()
    if not any(isinstance(h, _ToLogFile) for h in root.handlers):
        root.addHandler(_ToLogFile())
    logging.captureWarnings(True)


class _ToLogFile(logging.Handler):
    """Library log records and warnings, appended to the user's log folder (never stderr: with a
    handler on the root logger, Python's last-resort stderr handler stays silent)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        from tratteggio.core.io.userdirs import append_log

        with contextlib.suppress(Exception):
            append_log("tratteggio.log", f"{record.name}: {record.getMessage()}")
