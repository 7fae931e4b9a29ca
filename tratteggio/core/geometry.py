"""Axis-aligned pixel boxes: the crops that engines work on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Box:
    """A half-open pixel rectangle: columns x0..x1-1, rows y0..y1-1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def slices(self) -> tuple[slice, slice]:
        """Index a (rows, cols, ...) array with this box."""
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def expand(self, pad: int, height: int, width: int) -> Box:
        """Grow by `pad` on every side, clipped to an image of `height` x `width`."""
        return Box(
            max(0, self.x0 - pad),
            max(0, self.y0 - pad),
            min(width, self.x1 + pad),
            min(height, self.y1 + pad),
        )

    def at_least(self, size: int, height: int, width: int) -> Box:
        """Widen to at least `size` on each axis (centred, shifted to stay inside the image)."""
        x0, x1 = _widen(self.x0, self.x1, size, width)
        y0, y1 = _widen(self.y0, self.y1, size, height)
        return Box(x0, y0, x1, y1)

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def intersects(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def offset(self, dx: int, dy: int) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def to_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


def _widen(lo: int, hi: int, size: int, limit: int) -> tuple[int, int]:
    size = min(size, limit)
    if hi - lo >= size:
        return lo, hi
    lo = max(0, lo - (size - (hi - lo)) // 2)
    hi = lo + size
    if hi > limit:
        lo, hi = limit - size, limit
    return lo, hi
