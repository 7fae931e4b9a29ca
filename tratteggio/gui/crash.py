"""The global exception hook: an unexpected error becomes a dialog and a log file, not a crash.

The document lives on: the hook returns to the event loop, so the user's mask and interventions survive.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox


def log_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tratteggio" / "crash.log"


def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(kind, error, tb)) + "\n")
    except OSError:
        pass
    if QApplication.instance() is not None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Tratteggio: unexpected error",
            f"{kind.__name__}: {error}\n\nYour photo, mask and interventions are intact. "
            f"Details were written to {path}.",
        )
        box.setModal(False)
        box.show()
        handle.last_box = box  # type: ignore[attr-defined]


def install() -> None:
    sys.excepthook = handle
