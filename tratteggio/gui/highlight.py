"""The outline of a selected intervention: the contours of the mask it filled, not its bounding box
(spread damage would outline the whole photo). Traced once when selected, on a mask brought down to
at most OUTLINE_SIDE blocks a side (a block counts if any of its pixels is set, so a 1 px crack
stays), simplified to within 0.7 block, and kept as one QPainterPath in photo units: drawing it is
one call per repaint, whatever the zoom. A revival of colours, which has no mask, is outlined whole."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import DocIntervention
from tratteggio.core.mask import Mask

OUTLINE_SIDE = 2048
COLOR = QColor(255, 210, 40, 255)


class Outline:
    def __init__(self, box: Box, bits: np.ndarray | None = None) -> None:
        self.box = box
        self.path = _trace(box, bits) if bits is not None else _rectangle(box)

    @classmethod
    def of(cls, intervention: DocIntervention) -> Outline | None:
        """The outline of `intervention`'s mask, or of its bounds when it has no mask."""
        mask = getattr(intervention, "mask", None)
        if isinstance(mask, Mask):
            box = mask.bbox()
            return cls(box, mask.crop(box)) if box is not None else None
        bounds = intervention.bounds()
        return cls(bounds) if bounds is not None else None

    def draw(self, painter: QPainter) -> None:
        """A dashed line on the contours, over a faint fill (photo units)."""
        pen = QPen(COLOR)
        pen.setCosmetic(True)
        pen.setWidthF(2.0)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QColor(255, 210, 40, 40))
        painter.drawPath(self.path)


def _rectangle(box: Box) -> QPainterPath:
    path = QPainterPath()
    path.addRect(QRectF(box.x0, box.y0, box.width, box.height))
    return path


def _trace(box: Box, bits: np.ndarray) -> QPainterPath:
    import cv2

    step = max(1, -(-max(bits.shape) // OUTLINE_SIDE))
    small = _any_in_blocks(bits, step)
    contours, _ = cv2.findContours(small, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay open
    for contour in contours:
        points = cv2.approxPolyDP(contour, 0.7, True).reshape(-1, 2)  # fewer points, same line
        # through the centres of the edge pixels (blocks), in photo units
        xs, ys = box.x0 + (points[:, 0] + 0.5) * step, box.y0 + (points[:, 1] + 0.5) * step
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]))
        path.closeSubpath()
    return path


def _any_in_blocks(bits: np.ndarray, step: int) -> np.ndarray:
    """uint8 0/1, one value per `step`×`step` block (the last ones partial): 1 if any pixel of
    the block is set (a max filter the block's size, read at each block's top-left pixel)."""
    import cv2

    ones = np.ascontiguousarray(bits).view(np.uint8)
    if step == 1:
        return ones
    grown = cv2.dilate(ones, np.ones((step, step), np.uint8), anchor=(0, 0))  # the block right-down
    return np.ascontiguousarray(grown[::step, ::step])
