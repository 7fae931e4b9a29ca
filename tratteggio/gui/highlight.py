"""The outline of a selected intervention: the contours of the mask it filled, not its bounding box
(spread damage would outline the whole photo). Traced once when selected, on a mask brought down to
at most OUTLINE_SIDE pixels a side, and kept as one QPainterPath in photo units: drawing it is one
call per repaint, whatever the zoom. A revival of colours, which has no mask, is outlined whole."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from tratteggio.core.geometry import Box
from tratteggio.core.mask import Mask
from tratteggio.core.studio.kinds import DocIntervention

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

    scale = min(1.0, OUTLINE_SIDE / max(bits.shape))
    values: np.ndarray = bits.astype(np.uint8) * 255
    if scale < 1.0:
        size = (max(1, round(bits.shape[1] * scale)), max(1, round(bits.shape[0] * scale)))
        values = cv2.resize(values, size, interpolation=cv2.INTER_AREA)
    contours, _ = cv2.findContours((values > 0).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    sx, sy = bits.shape[1] / values.shape[1], bits.shape[0] / values.shape[0]
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay open
    for contour in contours:
        points = contour.reshape(-1, 2)
        # through the centres of the edge pixels
        path.moveTo(_at(box, points[0], sx, sy))
        for point in points[1:]:
            path.lineTo(_at(box, point, sx, sy))
        path.closeSubpath()
    return path


def _at(box: Box, point: np.ndarray, sx: float, sy: float) -> QPointF:
    return QPointF(box.x0 + (float(point[0]) + 0.5) * sx, box.y0 + (float(point[1]) + 0.5) * sy)
