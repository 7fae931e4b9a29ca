"""The status bar: the session's messages (elided, never over the other fields; every one kept in
the log View ▸ Messages shows), a progress bar for work under way (a busy bar for any run past
0.5 s that reports no progress of its own), and the pixel under the cursor, the zoom and the
photo's size."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar, QWidget

from tratteggio.core.studio.document import Document
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.session import StudioSession

if TYPE_CHECKING:
    from tratteggio.gui.menus import Menus

MESSAGE_MS = 8000
BUSY_AFTER_MS = 500  # a run still going after this shows a busy bar
LOG_LINES = 1000


class ElidedLabel(QLabel):
    """A label that shows as much of its text as fits, with an ellipsis, and the whole in a tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        self.setText(metrics.elidedText(self.full, Qt.TextElideMode.ElideRight, max(0, self.width() - 4)))


class StatusBar(QStatusBar):
    def __init__(self, session: StudioSession, canvas: Canvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_label = ElidedLabel()
        self.position_label = QLabel("")
        self.zoom_label = QLabel("")
        self.size_label = QLabel("No photo")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        self.addWidget(self.message_label, 1)
        for widget in (self.progress, self.position_label, self.zoom_label, self.size_label):
            self.addPermanentWidget(widget)
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.message_label.set_full_text(""))
        canvas.hovered.connect(lambda x, y: self.position_label.setText(f"x {x}  y {y}"))
        canvas.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        session.message.connect(self.say)
        session.problem.connect(self.say)
        session.progress.connect(self.show_progress)
        session.documentChanged.connect(self._new_document)
        self.log: list[str] = []  # every message, timestamped, newest last (View ▸ Messages)
        self.session = session
        self._busy = QTimer(self)
        self._busy.setSingleShot(True)
        self._busy.timeout.connect(self._show_busy)
        self._busy_label = ""
        session.runner.began.connect(self._began)
        session.runner.ended.connect(lambda _handle: self._ended())

    def say(self, text: str) -> None:
        self.message_label.set_full_text(text)
        self._clear.start(MESSAGE_MS)
        if text:
            self.log = [*self.log[-(LOG_LINES - 1) :], f"{time.strftime('%H:%M:%S')}  {text}"]

    def _began(self, handle: object) -> None:
        self._busy_label = str(getattr(handle, "label", ""))
        if not self._busy.isActive():
            self._busy.start(BUSY_AFTER_MS)

    def _show_busy(self) -> None:
        """A run still going after 0.5 s: a busy bar, unless it shows its own progress."""
        if self.session.runner.busy() and not self.progress.isVisible():
            self.progress.setRange(0, 0)  # indeterminate
            self.progress.setFormat(self._busy_label)
            self.progress.setVisible(True)

    def _ended(self) -> None:
        if not self.session.runner.busy():
            self._busy.stop()
            if self.progress.maximum() == 0:  # the busy bar, not a run's own progress
                self.progress.setVisible(False)

    def current_message(self) -> str:
        return self.message_label.full

    def show_progress(self, done: float, total: float, text: str) -> None:
        """The progress bar; hidden when nothing is under way (total 0, or done)."""
        self.progress.setVisible(total > 0 and done < total)
        self.progress.setRange(0, max(1, int(total)))
        self.progress.setValue(int(done))
        self.progress.setFormat(text)

    def _new_document(self, doc: Document | None) -> None:
        """Nothing of the previous photo stays: coordinates, progress, its messages."""
        self.position_label.setText("")
        self.message_label.set_full_text("")
        self.show_progress(0, 0, "")
        self.size_label.setText(doc.photo.describe() if doc is not None else "No photo")


def add_messages_action(menus: Menus, status: StatusBar) -> None:
    """View ▸ Messages: every status message of the session, kept (they leave the bar after 8 s)."""
    from PySide6.QtGui import QAction

    view = menus.menus["view"]
    action = QAction("&Messages…", menus.bar)
    action.triggered.connect(lambda _=False: show_messages(status))
    menus.actions["messages"] = action
    view.addSeparator()
    view.addAction(action)


def show_messages(status: StatusBar) -> object:
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

    dialog = QDialog(status.window())
    dialog.setWindowTitle("Messages")
    dialog.resize(720, 360)
    text = QPlainTextEdit("\n".join(status.log) or "No messages yet.")
    text.setReadOnly(True)
    text.moveCursor(text.textCursor().MoveOperation.End)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    status.messages_dialog = dialog  # type: ignore[attr-defined]
    return dialog
