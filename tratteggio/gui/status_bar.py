"""The status bar: the session's messages (elided, never over the other fields), a progress bar for
work under way, and the pixel under the cursor, the zoom and the photo's size."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar, QWidget

from tratteggio.core.studio.document import Document
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.session import StudioSession

MESSAGE_MS = 8000


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

    def say(self, text: str) -> None:
        self.message_label.set_full_text(text)
        self._clear.start(MESSAGE_MS)

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
