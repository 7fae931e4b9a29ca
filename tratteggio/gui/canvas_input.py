"""The canvas's tool input: what a mouse gesture does with the current tool.

Pan with the middle button or Space+drag; Shift+drag or Ctrl+Alt+drag with a brush sizes it; a
brush or eraser stroke, a rectangle or a lasso edits the mask (Ctrl or Alt with the rectangle or
the lasso erases); a teaching brush marks the review's planes; PICK and REVIEW report a click.
`ToolInput` keeps the gesture under way and changes the canvas only through its methods; the
canvas hands it its mouse events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent

from tratteggio.core.studio.maskedit import Stroke, fill_polygon
from tratteggio.gui.tools import Tool

if TYPE_CHECKING:
    from tratteggio.gui.canvas_host import CanvasHost

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class ToolInput:
    def __init__(self, canvas: CanvasHost) -> None:
        self.canvas = canvas
        self.stroke: Stroke | None = None
        self.shape: list[QPointF] = []  # a rectangle's corners or a lasso's points, in photo pixels
        self.pan_from: QPointF | None = None
        self.space = False  # Space is held: the left button pans
        self.sizing: tuple[float, float] | None = None  # a brush-size drag: its start x, radius
        self.inside = False
        self.cursor = QPointF(-1, -1)  # the pointer, in widget pixels; (-1, -1) outside

    def leave(self) -> None:
        self.inside = False
        previous, self.cursor = self.cursor, QPointF(-1, -1)
        self.update_cursor(previous, previous)

    def press(self, event: QMouseEvent) -> None:
        c = self.canvas
        pos = event.position()
        if event.button() == Qt.MouseButton.MiddleButton or (
            self.space and event.button() == Qt.MouseButton.LeftButton
        ):
            self.pan_from = pos
            return
        if c.doc is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if c.tool.brushes and _sizes_brush(event.modifiers()):
            self.sizing = (pos.x(), c.brush_radius)
            return
        point = c.to_photo(pos)
        if c.tool == Tool.PICK:
            c.end_tool(Tool.PICK)
            c.pointPicked.emit(int(point.x()), int(point.y()))
            return
        if c.tool == Tool.REVIEW:
            c.reviewClicked.emit(int(point.x()), int(point.y()))
            return
        if c.tool.mark is not None:  # a teaching brush paints on the review's planes only
            if c.doc.review is not None:
                self.stroke = Stroke(c.doc.review.plane(c.tool.mark), c.brush_radius, True)
                self.dab(point)
            return
        c.set_mask_visible(True)  # painting an invisible mask helps nobody
        if c.tool in (Tool.BRUSH, Tool.ERASER):
            self.stroke = Stroke(c.doc.mask, c.brush_radius, c.tool == Tool.BRUSH, c.brush_hardness)
            self.dab(point)
        else:
            self.shape = [point, point] if c.tool == Tool.RECT else [point]

    def move(self, event: QMouseEvent) -> None:
        c = self.canvas
        pos = event.position()
        previous = self.cursor
        self.cursor = pos
        point = c.to_photo(pos)
        self.inside = True
        c.hovered.emit(int(point.x()), int(point.y()))
        if self.pan_from is not None:
            delta = pos - self.pan_from
            self.pan_from = pos
            c.scroll_by(-delta.x(), -delta.y())
        elif self.sizing is not None:
            start, radius = self.sizing  # the circle's edge follows the pointer
            self.cursor = QPointF(start, pos.y())
            c.set_brush(radius=radius + (pos.x() - start) / c.zoom)
        elif self.stroke is not None:
            self.dab(point)
        elif self.shape:
            if c.tool == Tool.RECT:
                self.shape[-1] = point
            else:
                self.shape.append(point)
            c.refresh()
        elif c.split is not None and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            c.set_split(min(1.0, max(0.0, pos.x() / max(1, c.width()))))
        elif c.tool.brushes:
            self.update_cursor(previous, pos)

    def release(self, event: QMouseEvent) -> None:
        c = self.canvas
        if self.pan_from is not None or self.sizing is not None:
            self.pan_from = self.sizing = None
            return
        if c.doc is None:
            return
        if self.stroke is not None:
            change = self.stroke.finish(c.tool.value)
            self.stroke = None
            if c.tool.mark is not None:
                c.doc.record_mark(change)
            else:
                c.doc.record_mask_change(change)
        elif self.shape:
            erase = bool(event.modifiers() & CTRL_ALT)  # Ctrl: where the desktop takes Alt+drag
            points = self.shape
            if c.tool == Tool.RECT:
                a, b = points[0], points[-1]
                points = [a, QPointF(b.x(), a.y()), b, QPointF(a.x(), b.y())]
            self.shape = []
            coords = [(p.x(), p.y()) for p in points]
            c.doc.record_mask_change(fill_polygon(c.doc.mask, coords, not erase, c.tool.value))
            c.refresh()

    def dab(self, point: QPointF) -> None:
        assert self.stroke is not None
        box = self.stroke.to(point.x(), point.y())
        if box is not None:
            self.canvas.show_stroke(box)

    def update_cursor(self, previous: QPointF, now: QPointF) -> None:
        c = self.canvas
        r = c.brush_radius * c.zoom + 3
        for p in (previous, now):
            c.refresh(QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r).toAlignedRect())


def _sizes_brush(modifiers: Qt.KeyboardModifier) -> bool:
    """Shift+drag (Krita, Photoshop) or Ctrl+Alt+drag sizes the brush."""
    return modifiers == Qt.KeyboardModifier.ShiftModifier or modifiers & CTRL_ALT == CTRL_ALT
