"""One photo's line search, kept: the score for re-thresholding at once, the candidates' features for
teaching by example (teach.py). The studio keeps one per photo and kind; `tratteggio detect
--examples` makes one, teaches it and proposes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tratteggio.core.lab.detector import LineDetector
from tratteggio.core.lab.teach import (
    PhotoFeatures,
    TaughtHead,
    marked_lines,
    photo_features,
    taught_score,
    teach,
)


@dataclass(eq=False)
class LineSearch:
    """The score of one photo by `detector` (scored `scale` times smaller for wide lines)."""

    detector: LineDetector
    features: PhotoFeatures
    shape: tuple[int, int]  # the photo's (height, width)
    _default: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def run(
        cls,
        pixels: np.ndarray,
        detector: LineDetector,
        scale: float = 1.0,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> LineSearch:
        import cv2

        height, width = pixels.shape[:2]
        small = (max(1, round(width / scale)), max(1, round(height / scale)))
        if scale > 1.0 and small != (width, height):
            pixels = cv2.resize(pixels, small, interpolation=cv2.INTER_AREA)
        features = photo_features(detector.scorer, pixels, on_progress, detector.negative)
        return cls(detector, features, (height, width))

    @property
    def scaled(self) -> bool:
        return self.features.score.shape != self.shape

    def score(self, head: TaughtHead | None = None) -> np.ndarray:
        """(H, W) float32 at the photo's size: the detector's own score (with the head it brought,
        if any), or the one `head` gives."""
        head = head if head is not None else self.detector.head
        if head is None and self._default is not None:
            return self._default
        out = self._full(taught_score(self.features, head))
        if head is None:
            self._default = out
        return out

    def teach(self, damage: np.ndarray, clean: np.ndarray) -> TaughtHead | None:
        """A head fitted on these marks (the photo's size) and on what the detector was taught before."""
        return teach(
            self.features, self._small(damage), self._small(clean), self.detector.head, self.detector.kind
        )

    def marked(self, damage: np.ndarray, clean: np.ndarray) -> np.ndarray:
        """(H, W) bool: the lines the "damage" marks point at (teach.marked_lines), at the photo's size."""
        import cv2

        small = np.zeros(self.features.score.size, bool)
        small[self.features.index[marked_lines(self.features, self._small(damage), self._small(clean))]] = (
            True
        )
        bits = small.reshape(self.features.score.shape)
        if not self.scaled:
            return bits
        height, width = self.shape
        return cv2.resize(bits.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) > 0

    def _full(self, score: np.ndarray) -> np.ndarray:
        import cv2

        if not self.scaled:
            return score
        return cv2.resize(score, (self.shape[1], self.shape[0]), interpolation=cv2.INTER_LINEAR)

    def _small(self, plane: np.ndarray) -> np.ndarray:
        import cv2

        if not self.scaled:
            return plane
        height, width = self.features.score.shape
        return cv2.resize(plane.astype(np.uint8), (width, height), interpolation=cv2.INTER_AREA) > 0
