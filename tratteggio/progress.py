"""A plain-text progress bar for the command line, drawn on stderr when it is a terminal."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class ProgressBar:
    """Draws `label [#####.....] n/N  ETA` in place; silent when the stream is not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        forced = os.environ.get("TRATTEGGIO_PROGRESS") == "1"
        self.enabled = forced or bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False

    def update(self, done: float, total: float, note: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        fraction = min(1.0, max(0.0, done / total))
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        eta = f" ETA {elapsed / fraction - elapsed:5.1f}s" if 0 < fraction < 1 else ""
        count = f"{done:g}/{total:g}" if total < 1e5 else f"{fraction:4.0%}"
        self.stream.write(f"\r{self.label} [{bar}] {count}{eta} {note}".rstrip() + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
