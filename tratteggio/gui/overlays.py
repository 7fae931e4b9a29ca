"""What the canvas draws over the photo besides the mask: the brush outline, the shape being drawn,
the before/after labels and divider (a selected intervention's outline: highlight.py)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen


def draw_brush(painter: QPainter, center: QPointF, radius: float, hardness: float) -> None:
    """The brush's footprint (and, for a soft brush, where its soft edge starts), in photo units."""
    painter.setPen(_cosmetic(QColor(255, 255, 255, 200)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(center, radius, radius)
    if hardness < 1.0:
        painter.drawEllipse(center, radius * hardness, radius * hardness)


def draw_shape(painter: QPainter, points: Sequence[QPointF], rectangle: bool) -> None:
    """A rectangle or lasso being drawn, in photo units."""
    if len(points) < 2:
        return
    painter.setPen(_cosmetic(QColor(255, 255, 255, 200)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if rectangle:
        painter.drawRect(QRectF(points[0], points[-1]))
        return
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    painter.drawPath(path)


def draw_split(painter: QPainter, x: int, height: int) -> None:
    """The before/after divider and its labels, on a dark backing readable over any photo
    (widget units)."""
    painter.setPen(QPen(QColor(255, 255, 255, 220), 2))
    painter.drawLine(x, 0, x, height)
    _label(painter, "before", QPointF(x - 8, 10), right_aligned=True)
    _label(painter, "after", QPointF(x + 8, 10), right_aligned=False)


def _label(painter: QPainter, text: str, at: QPointF, right_aligned: bool) -> None:
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    width, height = metrics.horizontalAdvance(text) + 12, metrics.height() + 6
    left = at.x() - width if right_aligned else at.x()
    backing = QRectF(left, at.y(), width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 170))
    painter.drawRoundedRect(backing, 4, 4)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(backing, Qt.AlignmentFlag.AlignCenter, text)


def _cosmetic(color: QColor, width: float = 0.0) -> QPen:
    pen = QPen(color)
    pen.setCosmetic(True)
    if width:
        pen.setWidthF(width)
    return pen
