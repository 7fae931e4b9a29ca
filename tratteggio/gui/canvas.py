"""The canvas: the photo with its damage mask, painted with brush, eraser, rectangle and lasso.

It draws the document (through display proxies when zoomed out), never owns it: mask edits go into
the document's history. The view (zoom, position, the wheel) is its base's, `CanvasView`. Pan with
the middle button or Space+drag; hold `\\` or O to compare with the original (both window-wide
while the pointer is over the canvas: `canvas_keys`). Shift+drag or Ctrl+Alt+drag with a brush
sizes it; Ctrl or Alt with the rectangle or the lasso erases.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QEnterEvent, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from tratteggio.core.geometry import Box
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke, fill_polygon
from tratteggio.gui.canvas_keys import HeldKeys
from tratteggio.gui.canvas_view import CanvasView
from tratteggio.gui.highlight import Outline
from tratteggio.gui.imageconv import contrast_color, mask_overlay, to_qimage
from tratteggio.gui.overlays import draw_brush, draw_shape, draw_split
from tratteggio.gui.proxies import MaskProxy, PhotoProxy
from tratteggio.gui.review_overlay import ReviewOverlay
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class Canvas(CanvasView):
    hovered = Signal(int, int)  # photo pixel under the cursor
    reviewClicked = Signal(int, int)  # a click on the photo with the REVIEW tool
    pointPicked = Signal(int, int)  # a click on the photo with the PICK tool (an eyedropper)
    toolChanged = Signal(object)  # Tool
    maskVisibilityChanged = Signal(bool)
    brushChanged = Signal(float, float)  # radius (px), hardness (0..1)

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        session.documentChanged.connect(self.set_document)
        session.documentEdited.connect(self._on_document)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.doc: Document | None = None
        self.tool = Tool.BRUSH
        self.brush_radius = 12.0
        self.brush_hardness = 1.0
        self.mask_rgba = (230, 40, 60, 120)
        self.mask_visible = True
        self.highlight: Outline | None = None  # the intervention selected in the inspector
        self.mask_color_chosen = False  # the user's own colour; else one that stands out from the photo
        self.comparing = False
        self.split: float | None = None  # before/after divider, as a fraction of the width
        self._layers: dict[Box, QImage] = {}  # regions of a run shown over the photo
        self._photo: PhotoProxy | None = None
        self._mask: MaskProxy | None = None
        self.review_overlay = ReviewOverlay()
        self._painting_tool = Tool.BRUSH
        self._stroke: Stroke | None = None
        self._shape: list[QPointF] = []
        self._pan_from: QPointF | None = None
        self._space = False
        self._sizing: tuple[float, float] | None = None  # a brush-size drag: its start x, radius
        self._inside = False
        self._cursor = QPointF(-1, -1)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(HeldKeys(self, self))

    # -- document ------------------------------------------------------------------------------
    def set_tool(self, tool: Tool) -> None:
        """Switch tools; PICK and REVIEW remember the painting tool to hand back to."""
        if tool.paints:
            self._painting_tool = tool
        self.tool = tool
        if tool == Tool.PICK:
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.unsetCursor()
        self.toolChanged.emit(tool)
        self.update()

    def end_tool(self, tool: Tool) -> None:
        """Leave `tool` (PICK or REVIEW) if it is the current one: back to the painting tool, or to
        review when a pick interrupted a review."""
        if self.tool == tool:
            reviewing = self.proposal_bits is not None and tool != Tool.REVIEW
            self.set_tool(Tool.REVIEW if reviewing else self._painting_tool)

    def set_document(self, doc: Document | None) -> None:
        self.doc = doc
        self._layers = {}
        self.review_overlay = ReviewOverlay()
        self.highlight = None
        self.end_tool(Tool.REVIEW)
        self.end_tool(Tool.TEACH_DAMAGE)
        self.end_tool(Tool.TEACH_CLEAN)
        self.end_tool(Tool.PICK)
        if doc is None:
            self._photo = self._mask = None
            self.set_photo_size(0, 0)
            self.update()
            return
        self.set_photo_size(doc.photo.width, doc.photo.height)
        self._photo = PhotoProxy(doc.photo.pixels)
        for intervention in doc.interventions:  # only the restored areas are composed for the view
            bounds = intervention.bounds() if intervention.visible else None
            if bounds is not None:
                self._photo.update_from(doc.composite_region, bounds)
        self._original: PhotoProxy | None = None
        if not self.mask_color_chosen:
            self.mask_rgba = contrast_color(self._photo.buffer)
        self._mask = MaskProxy(doc.mask, self.mask_rgba)
        self.set_mask_visible(True)
        self.fit()

    def _on_document(self, kind: str, box: Box | None) -> None:
        doc = self.doc
        if doc is None or self._photo is None or self._mask is None:
            return
        whole = Box(0, 0, doc.photo.width, doc.photo.height)
        if kind == "mask":
            self._mask.update(doc.mask, box or whole)
        elif kind == "image":
            self._photo.update_from(doc.composite_region, box or whole)
        self.update()

    def set_brush(self, radius: float | None = None, hardness: float | None = None) -> None:
        if radius is not None:
            self.brush_radius = float(min(500.0, max(1.0, radius)))
        if hardness is not None:
            self.brush_hardness = float(min(1.0, max(0.0, hardness)))
        self.brushChanged.emit(self.brush_radius, self.brush_hardness)
        self.update()

    def set_mask_visible(self, visible: bool) -> None:
        if visible != self.mask_visible:
            self.mask_visible = visible
            self.maskVisibilityChanged.emit(visible)
            self.update()

    def set_mask_color(self, rgba: tuple[int, int, int, int]) -> None:
        self.mask_rgba = rgba
        if self.doc is not None and self._mask is not None:
            self._mask.set_color(self.doc.mask, rgba)
        self.update()

    def choose_mask_color(self, rgba: tuple[int, int, int, int]) -> None:
        """The user's own mask colour: kept for every photo (else one that stands out from each)."""
        self.mask_color_chosen = True
        self.set_mask_color(rgba)

    def set_split(self, split: float | None) -> None:
        """Show the original left of a divider at `split` (a fraction of the width); None: no divider."""
        self.split = split
        self.update()

    @property
    def proposal_bits(self) -> np.ndarray | None:
        return self.review_overlay.bits

    def set_proposal(self, bits: np.ndarray | None, proxy: MaskProxy | None = None) -> None:
        """Show a damage proposal in its own colour (None hides it); `proxy`: the worker's proxy."""
        self.review_overlay.set_proposal(bits, proxy)
        self.update()

    @property
    def preview(self) -> list[tuple[Box, QImage]]:
        return list(self._layers.items())

    def show_preview(self, layers: list[tuple[Box, np.ndarray]]) -> None:
        """Show regions of a running or finished restoration over the photo ([] clears them)."""
        self._layers = {}
        self.update()
        self.add_preview(layers)

    def add_preview(self, layers: list[tuple[Box, np.ndarray]]) -> None:
        """Replace or add only these regions: a streaming run converts just what changed."""
        for box, pixels in layers:
            self._layers[box] = to_qimage(pixels)
            self.update(self.widget_rect(box, self.brush_radius + 2))

    def swap_brush_and_eraser(self) -> None:
        """X: the brush becomes the eraser and back (other tools stay)."""
        swapped = {Tool.BRUSH: Tool.ERASER, Tool.ERASER: Tool.BRUSH}.get(self.tool)
        if swapped is not None:
            self.set_tool(swapped)

    def set_highlight(self, outline: Outline | None) -> None:
        """Outline an area (a selected intervention's mask), or nothing."""
        self.highlight = outline
        self.update()

    def overview(self) -> QImage | None:
        """The photo as shown, small (the display proxy), for the navigator."""
        return self._photo.image if self._photo is not None else None

    # -- held keys (see canvas_keys) -----------------------------------------------------------
    def takes_held_keys(self) -> bool:
        return self.isVisible() and (self._inside or self.hasFocus())

    def set_comparing(self, on: bool) -> None:
        if on != self.comparing:
            self.comparing = on
            self.update()

    def set_pan_key(self, held: bool) -> None:
        self._space = held
        if held:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.set_tool(self.tool)  # its own cursor back

    def enterEvent(self, event: QEnterEvent) -> None:
        self._inside = True
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._inside = False
        previous, self._cursor = self._cursor, QPointF(-1, -1)
        self._update_cursor(previous, previous)
        super().leaveEvent(event)

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(38, 38, 42))
        if self.doc is None or self._photo is None or self._mask is None:
            painter.setPen(QColor(170, 170, 175))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop a photo here, or File ▸ Open (Ctrl+O)"
            )
            return
        painter.save()
        painter.scale(self.zoom, self.zoom)
        painter.translate(-self.origin)
        self._draw_photo(painter)
        if not self.comparing:
            for box, image in self._layers.items():
                painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), image)
            if self.split is not None:
                self._draw_before(painter)
            if self.mask_visible:
                self._draw_mask(painter)
            self.review_overlay.draw(painter, self.doc.photo.width, self.doc.photo.height)
            if self.highlight is not None:
                self.highlight.draw(painter)
        self._draw_tool(painter)
        painter.restore()
        if self.split is not None:
            draw_split(painter, int(self.split * self.width()), self.height())

    def _draw_before(self, painter: QPainter) -> None:
        """The original photo left of the split divider."""
        assert self.doc is not None and self.split is not None
        left = self.to_photo(QPointF(self.split * self.width(), 0)).x()
        painter.save()
        painter.setClipRect(
            QRectF(self.origin.x(), self.origin.y(), left - self.origin.x(), self.height() / self.zoom)
        )
        comparing, self.comparing = self.comparing, True
        self._draw_photo(painter)
        self.comparing = comparing
        painter.restore()

    def _draw_photo(self, painter: QPainter) -> None:
        assert self.doc is not None and self._photo is not None
        proxy = self._photo
        if self.comparing and self.doc.interventions:
            if self._original is None:
                self._original = PhotoProxy(self.doc.photo.pixels)
            proxy = self._original
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom < proxy.scale)
        if self.zoom <= proxy.scale * 1.01:
            painter.drawImage(QRectF(0, 0, self.doc.photo.width, self.doc.photo.height), proxy.image)
            return
        box = self.visible_box()
        if box is not None:  # zoomed in past the proxy: draw the visible full-resolution pixels
            pixels = self.doc.photo.pixels[box.slices] if self.comparing else self.doc.composite_region(box)
            painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), to_qimage(pixels))

    def _draw_mask(self, painter: QPainter) -> None:
        assert self.doc is not None and self._mask is not None
        if self.zoom <= self._mask.scale * 1.01:
            painter.drawImage(QRectF(0, 0, self.doc.photo.width, self.doc.photo.height), self._mask.image)
            return
        box = self.visible_box()
        if box is not None:
            overlay = mask_overlay(self.doc.mask[box.slices], self.mask_rgba)
            painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), overlay)

    def _draw_tool(self, painter: QPainter) -> None:
        if self.tool.brushes and self._cursor.x() >= 0:
            draw_brush(painter, self.to_photo(self._cursor), self.brush_radius, self.brush_hardness)
        draw_shape(painter, self._shape, rectangle=self.tool == Tool.RECT)

    # -- mouse ---------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = pos
            return
        if self.doc is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.tool.brushes and _sizes_brush(event.modifiers()):
            self._sizing = (pos.x(), self.brush_radius)
            return
        point = self.to_photo(pos)
        if self.tool == Tool.PICK:
            self.end_tool(Tool.PICK)
            self.pointPicked.emit(int(point.x()), int(point.y()))
            return
        if self.tool == Tool.REVIEW:
            self.reviewClicked.emit(int(point.x()), int(point.y()))
            return
        if self.tool.mark is not None:  # a teaching brush paints on the review's planes only
            if self.doc.review is not None:
                self._stroke = Stroke(self.doc.review.plane(self.tool.mark), self.brush_radius, True)
                self._dab(point)
            return
        self.set_mask_visible(True)  # painting an invisible mask helps nobody
        if self.tool in (Tool.BRUSH, Tool.ERASER):
            self._stroke = Stroke(
                self.doc.mask, self.brush_radius, self.tool == Tool.BRUSH, self.brush_hardness
            )
            self._dab(point)
        else:
            self._shape = [point, point] if self.tool == Tool.RECT else [point]

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        previous = self._cursor
        self._cursor = pos
        point = self.to_photo(pos)
        self._inside = True
        self.hovered.emit(int(point.x()), int(point.y()))
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.scroll_by(-delta.x(), -delta.y())
        elif self._sizing is not None:
            start, radius = self._sizing  # the circle's edge follows the pointer
            self._cursor = QPointF(start, pos.y())
            self.set_brush(radius=radius + (pos.x() - start) / self.zoom)
        elif self._stroke is not None:
            self._dab(point)
        elif self._shape:
            if self.tool == Tool.RECT:
                self._shape[-1] = point
            else:
                self._shape.append(point)
            self.update()
        elif self.split is not None and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.split = min(1.0, max(0.0, pos.x() / max(1, self.width())))
            self.update()
        elif self.tool.brushes:
            self._update_cursor(previous, pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None or self._sizing is not None:
            self._pan_from = self._sizing = None
            return
        if self.doc is None:
            return
        if self._stroke is not None:
            change = self._stroke.finish(self.tool.value)
            self._stroke = None
            if self.tool.mark is not None:
                self.doc.record_mark(change)
            else:
                self.doc.record_mask_change(change)
        elif self._shape:
            erase = bool(event.modifiers() & CTRL_ALT)  # Ctrl: where the desktop takes Alt+drag
            points = self._shape
            if self.tool == Tool.RECT:
                a, b = points[0], points[-1]
                points = [a, QPointF(b.x(), a.y()), b, QPointF(a.x(), b.y())]
            self._shape = []
            coords = [(p.x(), p.y()) for p in points]
            self.doc.record_mask_change(fill_polygon(self.doc.mask, coords, not erase, self.tool.value))
            self.update()

    def _dab(self, point: QPointF) -> None:
        assert self._stroke is not None and self.doc is not None and self._mask is not None
        box = self._stroke.to(point.x(), point.y())
        if box is None:
            return
        if self.tool.mark is not None and self.doc.review is not None:
            self.review_overlay.update_marks(self.doc.review, self.tool.mark, box)
        else:
            self._mask.update(self.doc.mask, box)
        self.update(self.widget_rect(box, self.brush_radius + 2))

    def _update_cursor(self, previous: QPointF, now: QPointF) -> None:
        r = self.brush_radius * self.zoom + 3
        for p in (previous, now):
            self.update(QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r).toAlignedRect())


def _sizes_brush(modifiers: Qt.KeyboardModifier) -> bool:
    """Shift+drag (Krita, Photoshop) or Ctrl+Alt+drag sizes the brush."""
    return modifiers == Qt.KeyboardModifier.ShiftModifier or modifiers & CTRL_ALT == CTRL_ALT
