"""Teaching the line score by example: the conservator marks a few pixels as damage or not damage, and
a small head refits on this photo's cached features (ilastik's and Trainable Weka's way with
scribbles, on top of the trained chain instead of in its place).

The head is a logistic regression on what the chain's last stage saw (features and the score's
context), the default score's logit and the line's orientation, anchored to the default: its logit
is the default logit plus a correction pulled towards 0 by an L2 penalty, and unmarked pixels keep
the default's own probability as a soft target, so a few "not damage" marks teach what sets the
marked pixels apart instead of lowering the whole score. The fit is Newton's method in float64 on the marked
pixels: the same marks give the same head, bit for bit.

Only candidates (pixels the default scores at least `CANDIDATE`, a few percent of a photo) are kept
and re-scored; their inputs are stored as float16 (10 MP: about 30 MB), so a refit and a re-score
take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tratteggio.core.lab.crackfeatures import FEATURES
from tratteggio.core.lab.crackscore import CONTEXT, CrackScorer, TileScore, sigmoid

CANDIDATE = 0.01  # default score from which a pixel may become damage once taught
PENALTY = 1.0  # L2 pull of the correction towards the default (chosen on uav75's train split)
MAX_SAMPLES = 20000  # examples per class kept in a taught detector (for teaching on more photos)
# the weight of agreeing with the default where nothing is marked (each mark class: 0.5), per kind: cracks
# chosen on uav75's train split (k=5 F1 0.651 at 8, 0.703 at 2); scratches keep 8 (creased prints: a
# weaker anchor let a few face pixels through after marks)
ANCHOR = {"cracks": 2.0, "scratches": 8.0}
SIMILAR = 0.0  # how close (standardized inputs) an anchor must be to a mark to give way to it
HIGH_ANCHOR = 4.0  # of that, for pixels the default proposes: marks may overrule those more easily
NEWTON_STEPS = 12
INPUTS = FEATURES + CONTEXT + 3  # chain inputs, default logit, orientation (cos 2a, sin 2a)


@dataclass(eq=False)
class PhotoFeatures:
    """What teaching needs of one photo, kept from its line score: the default score and the
    candidates' flat indices and inputs (standardized, float16)."""

    score: np.ndarray  # (H, W) float32 default score, at the scoring scale
    index: np.ndarray  # (N,) int64
    inputs: np.ndarray  # (N, INPUTS) float16

    def logit(self) -> np.ndarray:
        return self.inputs[:, FEATURES + CONTEXT].astype(np.float32) * LOGIT_SCALE


LOGIT_SCALE = 4.0  # the default logit is stored divided by this, so every input is about unit-sized


class FeatureCollector:
    """Gathers the candidates of each tile as CrackScorer.score hands them over (`keep=`)."""

    def __init__(self, scorer: CrackScorer, shape: tuple[int, int]) -> None:
        last = scorer.stages[-1]
        self.mean, self.scale = last.mean, (1.0 / last.std).astype(np.float32)
        self.with_context = len(scorer.stages) > 1
        if not self.with_context:  # a one-stage chain: its score stands in for the context, as is
            self.mean = np.concatenate([self.mean, np.zeros(CONTEXT, np.float32)])
            self.scale = np.concatenate([self.scale, np.ones(CONTEXT, np.float32)])
        self.width = shape[1]
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, corner: tuple[int, int], tile: TileScore) -> None:
        gated_score = tile.score[tile.gate]
        pick = gated_score >= CANDIDATE
        ys, xs = np.nonzero(tile.gate)
        index = (ys[pick] + corner[0]).astype(np.int64) * self.width + xs[pick] + corner[1]
        inputs = tile.inputs[:, pick]
        if not self.with_context:  # a one-stage chain: its own score stands in for the context
            inputs = np.concatenate([inputs, np.repeat(tile.score[tile.gate][pick][None], CONTEXT, 0)])
        standard = np.clip((inputs - self.mean[:, None]) * self.scale[:, None], -6, 6)
        logit = np.log(np.maximum(gated_score[pick], 1e-6) / np.maximum(1 - gated_score[pick], 1e-6))
        extra = np.concatenate([(logit / LOGIT_SCALE)[None], tile.orientation[:, pick]])
        self.parts.append((index, np.concatenate([standard, extra]).T.astype(np.float16)))

    def result(self, score: np.ndarray) -> PhotoFeatures:
        if not self.parts:
            return PhotoFeatures(score, np.zeros(0, np.int64), np.zeros((0, INPUTS), np.float16))
        index = np.concatenate([p[0] for p in self.parts])
        inputs = np.concatenate([p[1] for p in self.parts])
        order = np.argsort(index, kind="stable")
        return PhotoFeatures(score, index[order], inputs[order])


def photo_features(
    scorer: CrackScorer,
    pixels: np.ndarray,
    on_tile: Callable[[int, int], None] | None = None,
    negative: bool = False,
) -> PhotoFeatures:
    """Score a photo with `scorer` and keep what teaching needs."""
    collector = FeatureCollector(scorer, pixels.shape[:2])
    score = scorer.score(pixels, on_tile, negative, keep=collector)
    return collector.result(score)


@dataclass(frozen=True, eq=False)
class TaughtHead:
    """The correction a conservator's marks taught, and the examples it was fitted on."""

    weights: np.ndarray  # (INPUTS,) float64
    bias: float
    samples: np.ndarray = field(default_factory=lambda: np.zeros((0, INPUTS), np.float16))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))

    def logit(self, inputs: np.ndarray, default_logit: np.ndarray) -> np.ndarray:
        out = default_logit.astype(np.float64) + inputs.astype(np.float32) @ self.weights.astype(np.float32)
        return out + self.bias


def marked_lines(features: PhotoFeatures, damage: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Flat indices of the candidates a "damage" mark points at. A stroke is wider than a crack, so
    only its darkest line counts: candidates whose default odds are at least a quarter of the
    strongest there (its 90th percentile). A pixel marked both ways says nothing."""
    if len(features.index) == 0:
        return np.zeros(0, np.int64)
    is_damage = damage.ravel()[features.index] & ~clean.ravel()[features.index]
    positive = np.flatnonzero(is_damage)
    if len(positive):
        strength = features.inputs[positive, FEATURES + CONTEXT].astype(np.float32)
        top = np.percentile(strength, 90)
        positive = positive[strength >= top - np.log(4) / LOGIT_SCALE]
    return positive


def examples(features: PhotoFeatures, damage: np.ndarray, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, labels) of the candidates under the marks: the line each "damage" mark points at
    (`marked_lines`), and every candidate under a "not damage" mark."""
    if len(features.index) == 0:
        return np.zeros((0, INPUTS), np.float16), np.zeros(0, np.uint8)
    positive = _thin(marked_lines(features, damage, clean))
    is_clean = clean.ravel()[features.index] & ~damage.ravel()[features.index]
    negative = _thin(np.flatnonzero(is_clean))
    labels = np.concatenate([np.ones(len(positive), np.uint8), np.zeros(len(negative), np.uint8)])
    return features.inputs[np.concatenate([positive, negative])], labels


def _thin(index: np.ndarray) -> np.ndarray:
    """At most MAX_SAMPLES, evenly spaced (deterministic)."""
    if len(index) <= MAX_SAMPLES:
        return index
    return index[np.linspace(0, len(index) - 1, MAX_SAMPLES).astype(np.int64)]


def anchors(features: PhotoFeatures, damage: np.ndarray, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, default probability) of up to MAX_SAMPLES unmarked candidates, evenly spaced: where
    the user said nothing, the head should agree with the default."""
    unmarked = np.flatnonzero(~(damage.ravel()[features.index] | clean.ravel()[features.index]))
    picked = _thin(unmarked)
    logit = features.inputs[picked, FEATURES + CONTEXT].astype(np.float64) * LOGIT_SCALE
    return features.inputs[picked], 1.0 / (1.0 + np.exp(-logit))


def unlike(anchor_inputs: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """Per anchor, 0 where it resembles a marked pixel (in the standardized inputs) and 1 far from
    every mark: a mark speaks for the pixels like it, and the default keeps the rest."""
    if SIMILAR <= 0 or len(marked) == 0:
        return np.ones(len(anchor_inputs))
    picked = marked[np.linspace(0, len(marked) - 1, min(len(marked), 500)).astype(np.int64)]
    a, b = anchor_inputs.astype(np.float32), picked.astype(np.float32)
    nearest = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    d2 = np.maximum(nearest.min(axis=1), 0).astype(np.float64)
    return 1.0 - np.exp(-d2 / (2 * SIMILAR**2))


def fit_head(
    inputs: np.ndarray,
    labels: np.ndarray,
    anchor_inputs: np.ndarray | None = None,
    anchor_targets: np.ndarray | None = None,
    penalty: float = PENALTY,
    anchor: float = ANCHOR["cracks"],
) -> TaughtHead | None:
    """Newton's method on the L2-penalized log loss of the marks (each class weighing 1/2) and of
    the anchors (soft targets: the default's own probability, weighing `anchor`); None without marks."""
    if len(labels) == 0:
        return None
    y = labels.astype(np.float64)
    counts = np.array([np.count_nonzero(y == 0), np.count_nonzero(y == 1)], np.float64)
    weight = np.where(y == 1, 0.5 / max(counts[1], 1), 0.5 / max(counts[0], 1))
    x = inputs
    if anchor_inputs is not None and anchor_targets is not None and len(anchor_targets):
        x = np.concatenate([inputs, anchor_inputs])
        y = np.concatenate([y, anchor_targets])
        share = np.where(anchor_targets < 0.5, 1.0, HIGH_ANCHOR) * unlike(anchor_inputs, inputs)
        weight = np.concatenate([weight, anchor * share / len(anchor_targets)])
    design = np.concatenate([x.astype(np.float64), np.ones((len(x), 1))], axis=1)
    offset = design[:, FEATURES + CONTEXT] * LOGIT_SCALE
    ridge = np.full(design.shape[1], penalty / 100.0)
    ridge[-1] = penalty / 1000.0
    theta = np.zeros(design.shape[1])

    def loss(t: np.ndarray) -> float:
        z = offset + design @ t
        log_loss = np.logaddexp(0, z) - y * z
        return float(weight @ log_loss + 0.5 * ridge @ (t * t))

    current = loss(theta)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(offset + design @ theta, -30, 30)))
        gradient = design.T @ (weight * (p - y)) + ridge * theta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        for _ in range(20):  # backtrack until the loss falls: plain Newton can overshoot
            trial = loss(theta - step)
            if trial <= current:
                break
            step = step / 2
        else:
            break
        theta, current = theta - step, trial
        if np.max(np.abs(step)) < 1e-6:
            break
    return TaughtHead(theta[:-1].copy(), float(theta[-1]), inputs.astype(np.float16), labels.astype(np.uint8))


def teach(
    features: PhotoFeatures,
    damage: np.ndarray,
    clean: np.ndarray,
    before: TaughtHead | None = None,
    kind: str = "cracks",
) -> TaughtHead | None:
    """A head fitted on this photo's marks and on the examples `before` was taught (other photos)."""
    x, y = examples(features, damage, clean)
    if before is not None and len(before.labels):
        x, y = np.concatenate([before.samples, x]), np.concatenate([before.labels, y])
    return fit_head(x, y, *anchors(features, damage, clean), anchor=ANCHOR[kind])


def taught_score(features: PhotoFeatures, head: TaughtHead | None) -> np.ndarray:
    """The photo's score after teaching (the default score where nothing was taught)."""
    if head is None or len(features.index) == 0:
        return features.score
    out = features.score.copy()
    logit = head.logit(features.inputs, features.logit())
    out.ravel()[features.index] = sigmoid(logit)
    return out
