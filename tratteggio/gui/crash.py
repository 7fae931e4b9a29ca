"""The global exception hook: an unexpected error becomes a dialog and a crash-log entry, not a crash.

The document lives on: the hook returns to the event loop, so the user's mask and interventions
survive. The log is the same one the command line writes (core's userdirs).
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from tratteggio.core.io.userdirs import write_crash_log


def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    try:
        log = write_crash_log("".join(traceback.format_exception(kind, error, tb)))
        where = f"Details were written to {log}."
    except OSError:
        where = "No crash log could be written."
    if QApplication.instance() is not None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Tratteggio: unexpected error",
            f"{kind.__name__}: {error}\n\nYour photo, mask and interventions are intact. {where}",
        )
        box.setModal(False)
        box.show()
        handle.last_box = box  # type: ignore[attr-defined]


def install() -> None:
    sys.excepthook = handle
