"""Starting the studio: `tratteggio`, `tratteggio open PHOTO [--mask MASK]`, `tratteggio-studio`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
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
        _after_first_paint(window, lambda: _snapshot_and_quit(window, snapshot))
    return int(app.exec())


class _FirstPaint(QObject):
    """Calls `then` once, on the event loop's next turn after the canvas's first paint."""

    def __init__(self, window: MainWindow, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.then: Callable[[], None] | None = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and self.then is not None:
            then, self.then = self.then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)
        return False


def _after_first_paint(window: MainWindow, then: Callable[[], None], latest_ms: int = 5000) -> None:
    """`then` once the canvas has painted (or after `latest_ms`, should no paint come)."""
    first = _FirstPaint(window, then)
    window.canvas.installEventFilter(first)

    def late() -> None:
        if first.then is not None:
            window.canvas.removeEventFilter(first)
            then, first.then = first.then, None
            then()

    QTimer.singleShot(latest_ms, late)


def _snapshot_and_quit(window: MainWindow, path: str) -> None:
    window.canvas.fit()
    window.canvas.grab().save(path)
    window.projects.ask_save = lambda name: "discard"  # a snapshot changes nothing worth keeping
    window.close()
    QApplication.quit()
