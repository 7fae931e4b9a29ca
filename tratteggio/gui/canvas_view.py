"""Where the photo sits in the canvas: the zoom, and the photo point at the widget's top-left corner.

`CanvasView` is the canvas's base: it owns the view and is the only one to change it. Scroll bars,
the navigator, the menus and a reopened project ask through its methods (`set_zoom`, `set_view`,
`scroll_by`, `center_on`, `fit`) and follow `viewChanged`. The wheel scrolls (Shift+wheel:
sideways) and Ctrl+wheel zooms around the cursor, as in Photoshop, Krita and GIMP; the preference
"The wheel zooms" keeps the studio's first habit (the wheel zooms, Ctrl+wheel too).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from tratteggio.core.geometry import Box
from tratteggio.gui import settings as prefs

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.01, 64.0
WHEEL_SCROLL = 0.125  # one wheel notch scrolls this fraction of the view


class CanvasView(QWidget):
    zoomChanged = Signal(float)
    viewChanged = Signal()  # the zoom, the position or the widget's size changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.origin = QPointF(0, 0)  # photo coordinate at the widget's top-left corner
        self.photo_size = QSizeF(0, 0)  # (0, 0) without a document

    # -- what is shown -------------------------------------------------------------------------
    def to_photo(self, point: QPointF) -> QPointF:
        return QPointF(self.origin.x() + point.x() / self.zoom, self.origin.y() + point.y() / self.zoom)

    def view_rect(self) -> QRectF:
        """The part of the photo plane the widget shows, in photo pixels."""
        return QRectF(self.origin, QSizeF(self.width() / self.zoom, self.height() / self.zoom))

    def visible_box(self) -> Box | None:
        """The photo pixels in view (None when the photo is out of view)."""
        view = self.view_rect()
        x0, y0 = max(0, int(view.left())), max(0, int(view.top()))
        x1 = min(int(self.photo_size.width()), int(view.right()) + 2)
        y1 = min(int(self.photo_size.height()), int(view.bottom()) + 2)
        return Box(x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    def widget_rect(self, box: Box, pad: float = 0.0) -> QRect:
        x = (box.x0 - pad - self.origin.x()) * self.zoom
        y = (box.y0 - pad - self.origin.y()) * self.zoom
        return QRectF(
            x, y, (box.width + 2 * pad) * self.zoom, (box.height + 2 * pad) * self.zoom
        ).toAlignedRect()

    # -- changing it ---------------------------------------------------------------------------
    def set_photo_size(self, width: int, height: int) -> None:
        self.photo_size = QSizeF(width, height)
        self.viewChanged.emit()

    def fit(self) -> None:
        """The whole photo in view, centred; never enlarged past 100% (a small photo stays sharp)."""
        width, height = self.photo_size.width(), self.photo_size.height()
        if width <= 0 or height <= 0:
            return
        zoom = max(1e-3, min(1.0, min(self.width() / width, self.height() / height) * 0.98))
        origin = QPointF((width - self.width() / zoom) / 2, (height - self.height() / zoom) / 2)
        self.set_view(zoom, origin)

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the photo point under `anchor` (widget units; default the centre) in place."""
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        fixed = self.to_photo(anchor)
        zoom = float(min(MAX_ZOOM, max(MIN_ZOOM, zoom)))
        self.set_view(zoom, QPointF(fixed.x() - anchor.x() / zoom, fixed.y() - anchor.y() / zoom))

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def set_view(self, zoom: float, origin: QPointF) -> None:
        """Show the photo at `zoom` with photo point `origin` at the top-left corner."""
        changed = zoom != self.zoom
        self.zoom, self.origin = zoom, QPointF(origin)
        if changed:
            self.zoomChanged.emit(self.zoom)
        self.viewChanged.emit()
        self.update()

    def scroll_by(self, dx: float, dy: float) -> None:
        """Move the view by (dx, dy) widget pixels."""
        self.set_view(self.zoom, self.origin + QPointF(dx / self.zoom, dy / self.zoom))

    def center_on(self, point: QPointF) -> None:
        """Put photo point `point` at the centre of the widget."""
        half = QPointF(self.width() / 2 / self.zoom, self.height() / 2 / self.zoom)
        self.set_view(self.zoom, point - half)

    # -- events --------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl or prefs.wheel_zooms():
            self.set_zoom(self.zoom * (ZOOM_STEP ** (delta.y() / 120.0)), event.position())
            return
        pixels = event.pixelDelta()  # touchpads say how far, in pixels
        if not pixels.isNull():
            dx, dy = -float(pixels.x()), -float(pixels.y())
        else:
            dx = -delta.x() / 120.0 * self.width() * WHEEL_SCROLL
            dy = -delta.y() / 120.0 * self.height() * WHEEL_SCROLL
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            dx, dy = dx or dy, 0.0
        self.scroll_by(dx, dy)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewChanged.emit()
