"""The canvas with scroll bars, shown on the sides where the photo is larger than the view (zoomed
in). The bars follow the canvas's `viewChanged` and move it through `scroll_by`; they never set its
state themselves. Their range also covers a view panned past the photo's edge."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from tratteggio.gui.canvas_view import CanvasView


class CanvasFrame(QWidget):
    def __init__(self, canvas: CanvasView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.horizontal = QScrollBar(Qt.Orientation.Horizontal)
        self.vertical = QScrollBar(Qt.Orientation.Vertical)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(canvas, 0, 0)
        layout.addWidget(self.vertical, 0, 1)
        layout.addWidget(self.horizontal, 1, 0)
        self.horizontal.valueChanged.connect(lambda v: self._scrolled(v, horizontal=True))
        self.vertical.valueChanged.connect(lambda v: self._scrolled(v, horizontal=False))
        canvas.viewChanged.connect(self.follow)
        self.follow()

    def follow(self) -> None:
        """Put the bars where the view is (widget pixels), and show only those that are needed."""
        c = self.canvas
        size = c.photo_size
        for bar, photo, view, start in (
            (self.horizontal, size.width(), c.width(), c.origin.x()),
            (self.vertical, size.height(), c.height(), c.origin.y()),
        ):
            content, position = photo * c.zoom, start * c.zoom
            bar.blockSignals(True)
            bar.setRange(round(min(0.0, position)), round(max(content - view, position)))
            bar.setPageStep(max(1, view))
            bar.setSingleStep(max(1, view // 8))
            bar.setValue(round(position))
            bar.blockSignals(False)
            bar.setVisible(content > view + 1)

    def _scrolled(self, value: int, horizontal: bool) -> None:
        c = self.canvas
        if horizontal:
            c.scroll_by(value - c.origin.x() * c.zoom, 0.0)
        else:
            c.scroll_by(0.0, value - c.origin.y() * c.zoom)
