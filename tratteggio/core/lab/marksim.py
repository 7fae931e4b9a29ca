"""Measuring a line detector the way a conservator uses it: proposals scored against human labels with
a pixel tolerance, at default settings and after k simulated teaching marks.

A simulated round is what a user does looking at the proposal: one "damage" stroke along the longest
stretch of a labelled crack the proposal misses, and one "not damage" stroke over the largest false
part of the proposal, each about 60 px long and 7 px wide; then the detector refits and proposes
again. k marks per photo means k such rounds (k positive and k negative strokes). The proposal always
holds the line a "damage" stroke points at, as the user said; `Round.outside_marks` scores only
away from the strokes, i.e. what the detector learnt from them.

Labels are grey images: white (255) is damage; any other non-zero grey is a look-alike that is not
damage (UAV75's 204 for board joints), whose flagged share is reported; black is background.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tratteggio.core.lab.detect import DetectRequest, propose_taught
from tratteggio.core.lab.lines import LineSearch

STROKE_REACH = 30  # px from the stroke's middle along the line: a stroke about 60 px long
STROKE_RADIUS = 3  # the brush radius: 7 px wide


@dataclass(frozen=True)
class Tally:
    """Pixel counts of proposals against labels, summable over photos."""

    found_near_truth: int = 0  # proposed pixels within the tolerance of a labelled damage pixel
    found: int = 0
    truth_near_found: int = 0  # labelled damage pixels within the tolerance of a proposed pixel
    truth: int = 0
    lookalike_found: int = 0  # look-alike pixels proposed
    lookalike: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, ...]:
        return (
            self.found_near_truth,
            self.found,
            self.truth_near_found,
            self.truth,
            self.lookalike_found,
            self.lookalike,
        )

    @property
    def precision(self) -> float:
        return self.found_near_truth / max(1, self.found)

    @property
    def recall(self) -> float:
        return self.truth_near_found / max(1, self.truth)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def lookalike_share(self) -> float:
        return self.lookalike_found / max(1, self.lookalike)


def near(bits: np.ndarray, tolerance: int) -> np.ndarray:
    """Pixels within `tolerance` px (a disc) of a True pixel."""
    import cv2

    if tolerance <= 0:
        return bits.astype(bool)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * tolerance + 1, 2 * tolerance + 1))
    return cv2.dilate(bits.astype(np.uint8), disc).astype(bool)


def tally(proposal: np.ndarray, truth: np.ndarray, lookalike: np.ndarray, tolerance: int = 2) -> Tally:
    """Counts with a tolerance: a proposed pixel is right when a labelled damage pixel lies within
    `tolerance` px; a damage pixel is found when a proposed pixel lies within `tolerance` px."""
    return Tally(
        int(np.count_nonzero(proposal & near(truth, tolerance))),
        int(np.count_nonzero(proposal)),
        int(np.count_nonzero(truth & near(proposal, tolerance))),
        int(np.count_nonzero(truth)),
        int(np.count_nonzero(proposal & lookalike)),
        int(np.count_nonzero(lookalike)),
    )


def split_labels(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(damage, look-alike) from a label image: white is damage, any other non-zero grey a look-alike."""
    values = grey if grey.ndim == 2 else grey[:, :, 0]
    if values.dtype != np.uint8:
        values = np.round(values.astype(np.float64) * 255 / max(1.0, float(values.max()))).astype(np.uint8)
    return values >= 250, (values > 0) & (values < 250)


def stroke_on(target: np.ndarray, priority: np.ndarray) -> np.ndarray | None:
    """A stroke over the largest connected part of `target`: its pixels within STROKE_REACH of the
    part's highest-`priority` pixel, widened to the brush. None when `target` is empty."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(target.astype(np.uint8), connectivity=8)
    if count <= 1:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    part = labels == largest
    ys, xs = np.nonzero(part)
    middle = int(np.argmax(priority[ys, xs]))
    cy, cx = ys[middle], xs[middle]
    inside = (ys - cy) ** 2 + (xs - cx) ** 2 <= STROKE_REACH**2
    section = np.zeros_like(part)
    section[ys[inside], xs[inside]] = True
    return near(section, STROKE_RADIUS)


@dataclass(frozen=True, eq=False)
class Round:
    """The proposal after some rounds of marks, and the marks so far."""

    proposal: np.ndarray
    damage: np.ndarray
    clean: np.ndarray

    def outside_marks(self, truth: np.ndarray, lookalike: np.ndarray, tolerance: int = 2) -> Tally:
        """The tally away from the strokes: what the detector learnt, not what the user marked."""
        away = ~near(self.damage | self.clean, tolerance)
        return tally(self.proposal & away, truth & away, lookalike & away, tolerance)


def simulate(
    search: LineSearch,
    truth: np.ndarray,
    request: DetectRequest,
    rounds: Sequence[int] = (0, 1, 3, 5),
    tolerance: int = 2,
) -> dict[int, Round]:
    """The proposal and marks after each number of rounds in `rounds` (0: the default)."""
    damage = np.zeros(truth.shape, bool)
    clean = np.zeros(truth.shape, bool)
    head = None
    out: dict[int, Round] = {}
    for done in range(max(rounds) + 1):
        proposal = propose_taught(search, request, head, damage, clean)
        if done in rounds:
            out[done] = Round(proposal, damage.copy(), clean.copy())
        if done == max(rounds):
            break
        missed = truth & ~near(proposal, tolerance)
        false = proposal & ~near(truth, tolerance)
        positive = stroke_on(missed, _middle_weight(missed))
        negative = stroke_on(false, search.score(head))
        if positive is not None:
            damage |= positive & ~clean
        if negative is not None:
            clean |= negative & ~damage
        head = search.teach(damage, clean)
    return out


def _middle_weight(bits: np.ndarray) -> np.ndarray:
    """Highest far from a part's ends: the distance inside the part, smoothed along it."""
    import cv2

    return cv2.GaussianBlur(bits.astype(np.float32), (0, 0), 8.0)
