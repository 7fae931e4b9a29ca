"""Editing a mask in place: brush strokes, rectangles, polygons, whole-mask operations.

Each edit becomes one undoable `MaskChange` holding only the changed box, bit-packed (napari's
Labels history does the same). A brush stroke of many dabs is one change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.mask import bbox_of


@dataclass
class MaskChange:
    """Old and new values of `box`, packed one bit per pixel."""

    bits: np.ndarray  # the live mask this change applies to
    box: Box
    old: np.ndarray
    new: np.ndarray
    label: str

    @classmethod
    def capture(cls, bits: np.ndarray, box: Box, old: np.ndarray, label: str) -> MaskChange:
        return cls(bits, box, np.packbits(old), np.packbits(bits[box.slices]), label)

    def _put(self, packed: np.ndarray) -> None:
        count = self.box.area
        self.bits[self.box.slices] = np.unpackbits(packed, count=count).reshape(
            self.box.height, self.box.width
        )

    def undo(self) -> None:
        self._put(self.old)

    def redo(self) -> None:
        self._put(self.new)


BAYER = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.float32) + 0.5) / 16


class Stroke:
    """A brush or eraser stroke: dabs along the pointer path, undone as one step.

    `hardness` below 1 gives the brush a soft edge from `hardness * radius` out to `radius`. A mask
    holds one bit per pixel, so the edge's partial coverage is drawn as an ordered (Bayer) dither
    fixed to photo coordinates: overlapping dabs agree, and a soft edge thins out smoothly.
    """

    def __init__(self, bits: np.ndarray, radius: float, value: bool, hardness: float = 1.0) -> None:
        self.bits, self.radius, self.value = bits, max(0.5, radius), value
        self.hardness = float(np.clip(hardness, 0.0, 1.0))
        self._saved: list[tuple[Box, np.ndarray]] = []
        self._last: tuple[float, float] | None = None

    def to(self, x: float, y: float) -> Box | None:
        """Paint from the previous point to (x, y); return the box that changed."""
        start = self._last or (x, y)
        self._last = (x, y)
        box = segment_box(start, (x, y), self.radius, *self.bits.shape)
        if box is None:
            return None
        self._saved.append((box, self.bits[box.slices].copy()))
        region = self.bits[box.slices]
        region[self._footprint(start, (x, y), box)] = self.value
        return box

    def _footprint(self, a: tuple[float, float], b: tuple[float, float], box: Box) -> np.ndarray:
        if self.hardness >= 1.0:
            return segment_disk(a, b, self.radius, box)
        distance = np.sqrt(segment_distance2(a, b, box))
        inner = self.radius * self.hardness
        coverage = np.clip((self.radius - distance) / max(self.radius - inner, 1e-6), 0.0, 1.0)
        ys, xs = np.mgrid[box.y0 : box.y1, box.x0 : box.x1]
        return coverage > BAYER[ys % 4, xs % 4]

    def finish(self, label: str) -> MaskChange | None:
        if not self._saved:
            return None
        union = self._saved[0][0]
        for box, _ in self._saved[1:]:
            union = union.union(box)
        old = self.bits[union.slices].copy()
        for box, before in reversed(self._saved):  # restoring in reverse gives the pre-stroke state
            old[box.offset(-union.x0, -union.y0).slices] = before
        return MaskChange.capture(self.bits, union, old, label)


def segment_box(
    a: tuple[float, float], b: tuple[float, float], r: float, height: int, width: int
) -> Box | None:
    x0 = max(0, int(np.floor(min(a[0], b[0]) - r)))
    y0 = max(0, int(np.floor(min(a[1], b[1]) - r)))
    x1 = min(width, int(np.ceil(max(a[0], b[0]) + r)) + 1)
    y1 = min(height, int(np.ceil(max(a[1], b[1]) + r)) + 1)
    return Box(x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def segment_distance2(a: tuple[float, float], b: tuple[float, float], box: Box) -> np.ndarray:
    """Squared distance from each pixel centre of `box` to the segment a-b."""
    ys, xs = np.mgrid[box.y0 : box.y1, box.x0 : box.x1].astype(np.float32)
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = np.zeros_like(xs) if length2 == 0 else np.clip(((xs - ax) * dx + (ys - ay) * dy) / length2, 0, 1)
    return (xs - ax - t * dx) ** 2 + (ys - ay - t * dy) ** 2


def segment_disk(a: tuple[float, float], b: tuple[float, float], r: float, box: Box) -> np.ndarray:
    """Pixels of `box` whose centres lie within `r` of the segment a-b."""
    return segment_distance2(a, b, box) <= r * r


def fill_polygon(
    bits: np.ndarray, points: Sequence[tuple[float, float]], value: bool, label: str
) -> MaskChange | None:
    """Fill (or erase) a polygon, e.g. a lasso or a rectangle, as one change."""
    import cv2

    if len(points) < 3:
        return None
    pts = np.round(np.array(points, dtype=np.float64)).astype(np.int32)
    height, width = bits.shape
    x0, y0 = max(0, int(pts[:, 0].min())), max(0, int(pts[:, 1].min()))
    x1, y1 = min(width, int(pts[:, 0].max()) + 1), min(height, int(pts[:, 1].max()) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    box = Box(x0, y0, x1, y1)
    shape = np.zeros((box.height, box.width), np.uint8)
    cv2.fillPoly(shape, [pts - [x0, y0]], 1)
    old = bits[box.slices].copy()
    bits[box.slices][shape.astype(bool)] = value
    return MaskChange.capture(bits, box, old, label)


def replace_all(bits: np.ndarray, new: np.ndarray, label: str) -> MaskChange | None:
    """Replace the whole mask (invert, clear, grow, shrink, merge a proposal), storing only the diff box."""
    box = bbox_of(bits != new)
    if box is None:
        return None
    old = bits[box.slices].copy()
    bits[box.slices] = new[box.slices]
    return MaskChange.capture(bits, box, old, label)
