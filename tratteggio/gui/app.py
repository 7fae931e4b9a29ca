"""Starting the studio: `tratteggio`, `tratteggio open PHOTO [--mask MASK]`, `tratteggio-studio`."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from tratteggio.gui import crash, settings
from tratteggio.gui.main_window import MainWindow
from tratteggio.resources import resource


def make_window(
    photo: str | None = None, mask: str | None = None, choices: dict[str, Any] | None = None
) -> MainWindow:
    window = MainWindow()
    if choices:
        window.panel.choose(choices)  # `tratteggio open --engine ... --steps ...`: over the settings
    window.show()
    if photo:
        window.files.open_path(photo, mask, background=False)  # at once: --snapshot grabs the canvas next
    return window


def run_studio(
    photo: str | None = None,
    mask: str | None = None,
    snapshot: str | None = None,
    choices: dict[str, Any] | None = None,
) -> int:
    """Open the studio; with `snapshot`, save a picture of the canvas once it has painted and quit."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    QApplication.setWindowIcon(QIcon(str(resource("icons/tratteggio.png"))))
    QApplication.setDesktopFileName("org.tratteggio.Tratteggio")  # Wayland: the window finds its .desktop
    crash.install()
    window = make_window(photo, mask, choices)
    window.raise_()
    if not snapshot:
        QTimer.singleShot(0, window.projects.offer_recovery)  # unsaved work a crash left behind
    if snapshot:
        window.resize(1200, 800)
        QTimer.singleShot(500, lambda: _snapshot_and_quit(window, snapshot))
    return int(app.exec())


def _snapshot_and_quit(window: MainWindow, path: str) -> None:
    window.canvas.fit()
    window.canvas.grab().save(path)
    window.projects.ask_save = lambda name: "discard"  # a snapshot changes nothing worth keeping
    window.close()
    QApplication.quit()
