"""What the studio's damage detector has been taught, without Qt: the detector carried from photo to
photo (loaded from a file, kept in a project, or taught on an earlier photo), what this photo's marks
taught (a head on top of it), and the line search those marks refit on.

The marks themselves live in the document's review (core/studio/review.py), so undo follows them; this
object holds what they taught and decides what a detection, a refit, the next photo or Forget does to
it. The studio's detect controller only wires it to the panel, the canvas and the worker.

It names the detector, head and search by protocols: the lab, which defines them, sits above the
studio (core/lab imports core/studio, never the other way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar

import numpy as np

from tratteggio.core.studio.review import Review

Key = tuple[object, ...]  # what a line search was made for: kind, scale, detector, composite


class Detector(Protocol):
    """A line detector (core/lab/detector.py's LineDetector)."""

    @property
    def kind(self) -> str: ...

    @property
    def head(self) -> Any: ...

    def taught_with(self, head: Any) -> Self: ...

    def to_bytes(self) -> bytes: ...


class Search(Protocol):
    """A line search kept for re-thresholding and refits (core/lab/lines.py's LineSearch)."""

    @property
    def detector(self) -> Any: ...


S = TypeVar("S", bound=Search)
H = TypeVar("H")
D = TypeVar("D", bound=Detector)


@dataclass(frozen=True)
class Refit(Generic[S]):
    """What a refit on the worker needs: the search to refit on, the marks' state it answers, and
    copies of the marks (damage includes the mask when the mask counts as damage)."""

    search: S
    applied: tuple[int, ...]
    damage: np.ndarray
    clean: np.ndarray


class Teaching(Generic[S, H, D]):
    """The detector carried, this photo's taught head and the kept line search (with its key)."""

    def __init__(self) -> None:
        self.carried: D | None = None  # a taught detector used on every photo
        self.head: H | None = None  # what this photo's marks taught
        self._search: tuple[Key, S] | None = None

    # -- what is used -----------------------------------------------------------------------------
    def detector(self, kind: str) -> D | None:
        """The carried detector, when it was taught for `kind`; None: the default one."""
        carried = self.carried
        return carried if carried is not None and carried.kind == kind else None

    def taught(self) -> D | None:
        """The detector as taught so far (this photo's marks on top of a carried one), or None."""
        if self.head is not None and self._search is not None:
            return self._search[1].detector.taught_with(self.head)
        return self.carried

    def teaches(self) -> bool:
        """Whether the proposal comes from a taught detector (this photo's head or a carried one)."""
        return self.head is not None or self.carried is not None

    def kept(self) -> bytes | None:
        """What the document keeps of the teaching (a project saves it), when a head was taught."""
        detector = self.taught()
        return detector.to_bytes() if detector is not None and detector.head is not None else None

    def search_for(self, key: Key) -> S | None:
        """The kept line search when it was made for `key` (the slider re-thresholds it at once)."""
        return self._search[1] if self._search is not None and self._search[0] == key else None

    # -- what changes it --------------------------------------------------------------------------
    def searched(self, key: Key, search: S | None) -> None:
        """A detection came back with its line search (None: not a line kind, nothing to keep)."""
        if search is not None:
            self._search = (key, search)

    def refit(self, review: Review, mask: np.ndarray | None) -> Refit[S] | None:
        """What to refit the kept search on for the review's marks (`mask`: counted as damage too);
        None when nothing can be refit (no line search kept, or the review is not taught)."""
        if self._search is None or not review.taught:
            return None
        damage = review.damage | mask if mask is not None else review.damage.copy()
        return Refit(self._search[1], review.applied, damage, review.clean.copy())

    def next_photo(self, carry: bool) -> None:
        """Another photo: what was taught here is carried to it when asked, the search and head go."""
        if carry and self._search is not None and self.head is not None:
            self.carried = self.taught()
        self._search, self.head = None, None

    def use(self, detector: D | None) -> None:
        """Use a taught detector (a loaded file) on this and later photos; None: the default."""
        self.carried = detector
        self._search, self.head = None, None

    def forget(self) -> None:
        """Back to the default detector: the carried one, this photo's head and the search go."""
        self.carried, self.head, self._search = None, None, None


def marks_for(review: Review | None, kind: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Copies of the review's marks (damage, not damage) for a new detection of `kind`, if it has any."""
    if review is None or review.kind != kind or not review.has_marks():
        return None
    return review.damage.copy(), review.clean.copy()
