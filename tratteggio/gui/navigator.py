"""The navigator (Photoshop's Navigator, Krita's Overview): the whole photo small, with the part the
canvas shows outlined; click or drag in it to move the view there. It reads the canvas's display
proxy (no copy of the photo) and moves the view only through `Canvas.center_on`."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from tratteggio.core.studio.edits import Edit
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.session import StudioSession

MARGIN = 6


class Navigator(QWidget):
    def __init__(self, canvas: Canvas, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.setToolTip("The whole photo: the frame is what the canvas shows; click or drag to move it")
        self.setMinimumSize(160, 140)
        self._small: QImage | None = None  # the overview scaled to this widget, made once per change
        canvas.viewChanged.connect(self.update)
        session.documentChanged.connect(lambda _doc: self._invalidate())
        session.documentEdited.connect(lambda edit, _box: self._invalidate() if edit is Edit.IMAGE else None)

    def sizeHint(self) -> QSize:
        return QSize(240, 170)

    def photo_rect(self) -> QRectF:
        """Where the whole photo is drawn in this widget (empty without a photo)."""
        size = self.canvas.photo_size
        if size.isEmpty():
            return QRectF()
        room = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        scale = min(room.width() / size.width(), room.height() / size.height())
        width, height = size.width() * scale, size.height() * scale
        return QRectF(room.center().x() - width / 2, room.center().y() - height / 2, width, height)

    def to_photo(self, point: QPointF) -> QPointF:
        target, size = self.photo_rect(), self.canvas.photo_size
        scale = size.width() / target.width()
        return QPointF((point.x() - target.left()) * scale, (point.y() - target.top()) * scale)

    def view_frame(self) -> QRectF:
        """The canvas's view, in this widget's units."""
        target, size = self.photo_rect(), self.canvas.photo_size
        scale = target.width() / size.width()
        view = self.canvas.view_rect()
        return QRectF(
            target.left() + view.left() * scale,
            target.top() + view.top() * scale,
            view.width() * scale,
            view.height() * scale,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(38, 38, 42))
        target = self.photo_rect()
        overview = self.canvas.overview()
        if target.isEmpty() or overview is None:
            painter.setPen(QColor(170, 170, 175))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No photo")
            return
        if self._small is None or self._small.size() != target.size().toSize():
            self._small = overview.scaled(
                target.size().toSize(),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        painter.drawImage(target.topLeft(), self._small)
        painter.setClipRect(target)
        frame = self.view_frame()
        for color, width in ((QColor(0, 0, 0, 160), 3.0), (QColor(255, 80, 60), 1.5)):
            painter.setPen(QPen(color, width))
            painter.drawRect(frame)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._move_view(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_view(event)

    def _move_view(self, event: QMouseEvent) -> None:
        if not self.photo_rect().isEmpty():
            self.canvas.center_on(self.to_photo(event.position()))

    def _invalidate(self) -> None:
        self._small = None
        self.update()
