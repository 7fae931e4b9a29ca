"""A damage proposal under review, part of the document: what the detector proposed, and what the user
said about it. Marks are two planes, "damage" and "not damage"; rejecting a part of the proposal marks
it "not damage". Every mark is one command in the document's one undo history, so Ctrl+Z takes back
what the user did last, whether a brush stroke, a rejection or a teaching stroke.

The proposal shown is derived from the marks: without teaching, the detection minus every part a
"not damage" mark touches (`without_rejected`); with teaching, whatever the refit proposes (the studio
computes it on its worker and hands it back with `Review.show`). Undoing a mark gives back the marks
before it, and the proposal follows from them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from tratteggio.core.studio.maskedit import MaskChange


class MarkKind(Enum):
    DAMAGE = "damage"
    CLEAN = "not damage"


@dataclass(eq=False)
class Review:
    """One proposal under review: the detection (`found`), what is shown, and the marks."""

    kind: str
    found: np.ndarray  # bool: the detector's proposal before any mark
    damage: np.ndarray  # bool: marked as damage
    clean: np.ndarray  # bool: marked as not damage (strokes and rejected parts)
    taught: bool = False  # the shown proposal comes from refits on the marks (line kinds)
    shown: np.ndarray = field(init=False)
    applied: tuple[int, ...] = ()  # the mark commands in effect, in order: names the marks' state
    _seen: dict[tuple[int, ...], np.ndarray] = field(default_factory=dict)  # state -> packed shown
    _parts: tuple[np.ndarray, np.ndarray] | None = None  # (the shown array, its numbered parts)

    def __post_init__(self) -> None:
        self.shown = without_rejected(self.found, self.clean)

    @classmethod
    def start(cls, kind: str, found: np.ndarray, taught: bool = False) -> Review:
        shape = found.shape
        return cls(kind, found.astype(bool), np.zeros(shape, bool), np.zeros(shape, bool), taught)

    def restart(self, found: np.ndarray) -> None:
        """A new detection of the same kind (another sensitivity): the marks stay."""
        self.found = found.astype(bool)
        self._seen.clear()
        self.shown = without_rejected(self.found, self.clean)

    def marks_changed(self, applied: tuple[int, ...]) -> None:
        """The marks are now the state `applied`: show what was shown for it before, if known; else
        (until a refit answers) the detection minus the rejected parts."""
        self.applied = applied
        packed = self._seen.get(applied)
        if packed is not None:
            self.shown = np.unpackbits(packed, count=self.found.size).reshape(self.found.shape).astype(bool)
        elif self.taught and self.has_marks():
            self.shown = self.shown & ~self.clean
        else:
            self.shown = without_rejected(self.found, self.clean)

    def known(self) -> bool:
        """Whether the shown proposal is final for the current marks (no refit needed)."""
        return not self.taught or not self.has_marks() or self.applied in self._seen

    def plane(self, kind: MarkKind) -> np.ndarray:
        return self.damage if kind == MarkKind.DAMAGE else self.clean

    def has_marks(self) -> bool:
        return bool(self.damage.any() or self.clean.any())

    def show(self, bits: np.ndarray, applied: tuple[int, ...]) -> bool:
        """What a refit for the marks' state `applied` proposes, never including a "not damage" mark.
        False (and nothing shown) when the marks have changed since: the answer is stale."""
        if applied != self.applied:
            return False
        self.shown = bits & ~self.clean
        if len(self._seen) >= 32:
            self._seen.pop(next(iter(self._seen)))
        self._seen[applied] = np.packbits(self.shown)
        return True

    def summary(self) -> str:
        """The proposal and the marks in numbers, as the Detect panel says them."""
        fraction = float(np.count_nonzero(self.shown)) / max(1, self.shown.size)
        marks = ""
        if self.has_marks():
            marks = (
                f" Marks: {int(np.count_nonzero(self.damage))} px damage, "
                f"{int(np.count_nonzero(self.clean))} px not damage."
            )
        return (
            f"{fraction * 100:.2f}% of the photo proposed.{marks} Click a part to reject it, or teach "
            "with the brushes; then merge the rest into the mask."
        )

    def parts(self) -> np.ndarray:
        """The parts of the shown proposal, numbered (8-connected); kept until the proposal changes."""
        import cv2

        if self._parts is None or self._parts[0] is not self.shown:
            labels = cv2.connectedComponents(self.shown.astype(np.uint8), connectivity=8)[1]
            self._parts = (self.shown, labels)
        return self._parts[1]

    def part_at(self, x: int, y: int, labels: np.ndarray, near: int = 4) -> np.ndarray | None:
        """The connected part of the shown proposal at (x, y), or within `near` px of it; `labels`
        numbers the parts of `shown` (cv2.connectedComponents, 8-connected)."""
        height, width = self.shown.shape
        if not (0 <= y < height and 0 <= x < width):
            return None
        y0, x0 = max(0, y - near), max(0, x - near)
        window = self.shown[y0 : y + near + 1, x0 : x + near + 1]
        if not window.any():
            return None
        ys, xs = np.nonzero(window)
        nearest = int(np.argmin((ys + y0 - y) ** 2 + (xs + x0 - x) ** 2))
        label = labels[ys[nearest] + y0, xs[nearest] + x0]
        return (labels == label) & self.shown


def without_rejected(found: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """The detection minus every connected part that a "not damage" mark touches."""
    import cv2

    if not clean.any() or not found.any():
        return found.copy()
    count, labels = cv2.connectedComponents(found.astype(np.uint8), connectivity=8)
    touched = np.zeros(count, bool)
    touched[np.unique(labels[clean & found])] = True
    touched[0] = False
    return found & ~touched[labels]


def mark_region(plane: np.ndarray, region: np.ndarray, label: str) -> MaskChange | None:
    """Mark every pixel of `region` (bool, the plane's size) on `plane`, as one change."""
    from tratteggio.core.mask import bbox_of

    box = bbox_of(region & ~plane)
    if box is None:
        return None
    old = plane[box.slices].copy()
    plane[box.slices] |= region[box.slices]
    return MaskChange.capture(plane, box, old, label)


def grown(region: np.ndarray, pixels: int) -> np.ndarray:
    import cv2

    size = 2 * pixels + 1
    return cv2.dilate(region.astype(np.uint8), np.ones((size, size), np.uint8)).astype(bool)
