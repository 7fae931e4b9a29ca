"""The canvas's painting: what it draws and how, from its display proxies.

`Painting` holds what is drawn besides the document itself (the photo's and the mask's display
proxies, the original's for comparing, the regions of a run shown over the photo) and draws the
canvas from them and from its view: zoomed out, the proxies; zoomed in past them, the visible
full-resolution pixels. Then the previews, the before/after split, the mask, the review's
proposal, the selected intervention's outline and the tool's cursor or shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from tratteggio.core.geometry import Box
from tratteggio.gui.imageconv import mask_overlay, to_qimage
from tratteggio.gui.overlays import draw_brush, draw_shape, draw_split
from tratteggio.gui.proxies import MaskProxy, PhotoProxy
from tratteggio.gui.tools import Tool

if TYPE_CHECKING:
    from tratteggio.gui.canvas_host import CanvasHost

BACKGROUND = QColor(38, 38, 42)
HINT = "Drop a photo here, or File ▸ Open (Ctrl+O)"


class Painting:
    def __init__(self, canvas: CanvasHost) -> None:
        self.canvas = canvas
        self.photo: PhotoProxy | None = None
        self.mask: MaskProxy | None = None
        self.original: PhotoProxy | None = None  # made at the first comparison
        self.layers: dict[Box, QImage] = {}  # regions of a run shown over the photo

    def paint(self, painter: QPainter) -> None:
        c = self.canvas
        painter.fillRect(c.rect(), BACKGROUND)
        if c.doc is None or self.photo is None or self.mask is None:
            painter.setPen(QColor(170, 170, 175))
            painter.drawText(c.rect(), Qt.AlignmentFlag.AlignCenter, HINT)
            return
        painter.save()
        painter.scale(c.zoom, c.zoom)
        painter.translate(-c.origin)
        self._draw_photo(painter, c.comparing)
        if not c.comparing:
            for box, image in self.layers.items():
                painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), image)
            if c.split is not None:
                self._draw_before(painter)
            if c.mask_visible:
                self._draw_mask(painter)
            c.review_overlay.draw(painter, c.doc.photo.width, c.doc.photo.height)
            if c.highlight is not None:
                c.highlight.draw(painter)
        self._draw_tool(painter)
        painter.restore()
        if c.split is not None:
            draw_split(painter, int(c.split * c.width()), c.height())

    def _draw_before(self, painter: QPainter) -> None:
        """The original photo left of the split divider."""
        c = self.canvas
        assert c.split is not None
        left = c.to_photo(QPointF(c.split * c.width(), 0)).x()
        painter.save()
        painter.setClipRect(QRectF(c.origin.x(), c.origin.y(), left - c.origin.x(), c.height() / c.zoom))
        self._draw_photo(painter, original=True)
        painter.restore()

    def _draw_photo(self, painter: QPainter, original: bool) -> None:
        c = self.canvas
        assert c.doc is not None and self.photo is not None
        proxy = self.photo
        if original and c.doc.interventions:
            if self.original is None:
                self.original = PhotoProxy(c.doc.photo.pixels)
            proxy = self.original
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, c.zoom < proxy.scale)
        if c.zoom <= proxy.scale * 1.01:
            painter.drawImage(QRectF(0, 0, c.doc.photo.width, c.doc.photo.height), proxy.image)
            return
        box = c.visible_box()
        if box is not None:  # zoomed in past the proxy: draw the visible full-resolution pixels
            pixels = c.doc.photo.pixels[box.slices] if original else c.doc.composite_region(box)
            painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), to_qimage(pixels))

    def _draw_mask(self, painter: QPainter) -> None:
        c = self.canvas
        assert c.doc is not None and self.mask is not None
        if c.zoom <= self.mask.scale * 1.01:
            painter.drawImage(QRectF(0, 0, c.doc.photo.width, c.doc.photo.height), self.mask.image)
            return
        box = c.visible_box()
        if box is not None:
            overlay = mask_overlay(c.doc.mask[box.slices], c.mask_rgba)
            painter.drawImage(QRectF(box.x0, box.y0, box.width, box.height), overlay)

    def _draw_tool(self, painter: QPainter) -> None:
        c = self.canvas
        cursor = c.input.cursor
        if c.tool.brushes and cursor.x() >= 0:
            draw_brush(painter, c.to_photo(cursor), c.brush_radius, c.brush_hardness)
        draw_shape(painter, c.input.shape, rectangle=c.tool == Tool.RECT)
