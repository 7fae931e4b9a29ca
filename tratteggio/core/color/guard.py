"""Do no harm (issue 25): a learned check, from the photo alone, of whether the revival estimated
from it is likely to bring it closer to the unfaded original or further from it.

The estimator cannot see the original, and some photos look faded by nature: a retina is orange
to its brightest tone, a page of text or a moon never reaches black, a monochrome with a cast may
be a toned print. The check reads a few statistics of the photo and of the transform (how far it
moves the ends, how much tint it removes, how much the tint at each end agrees with the whole
photo's) and predicts the log of the ratio revived / faded CIEDE2000 with a linear model, fitted
leave-one-family-out on faded photos (benchmarks/bench_revival_families.py --fit-guard) and shipped
as the plain numbers below. Where the prediction says the revival would not clearly help, the
transform backs off towards no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tratteggio.core.color.revive import LUMA, ReviveTransform

NAMES = (
    "dark",
    "bright",
    "range",
    "dark tint",
    "bright tint",
    "mean tint",
    "agree ends",
    "agree bright mean",
    "agree dark mean",
    "monochrome",
    "blue print",
    "confidence",
    "chroma",
    "chroma p90",
    "neutral share",
    "luma median",
    "luma spread",
    "hue spread",
    "saturation gain",
    "gamma bend",
    "white moved",
    "black moved",
    "tint removed",
    "luma moved",
)
LUMA64 = LUMA.astype(np.float64)
# The candidates the guard chooses among: EstimateSettings changes, each with its name for people.
CANDIDATES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("the whites' tint kept", {"white_tint": 0.0}),
    ("half the whites' tint removed", {"white_tint": 0.5}),
    ("the ends' tint and mid-tones only, no stretch", {"stretch": 0.0}),
)


@dataclass(frozen=True, eq=False)
class GuardModel:
    """A linear model from `statistics` (standardised by `mean` and `scale`, then a constant 1) to
    the log of the ratio revived / faded median CIEDE2000; below `threshold` a candidate is used."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    threshold: float
    candidates: tuple[tuple[str, dict[str, Any]], ...] = field(default=CANDIDATES)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.candidates)

    @property
    def settings(self) -> tuple[dict[str, Any], ...]:
        return tuple(changes for _, changes in self.candidates)

    def predict(self, stats: np.ndarray) -> float:
        """The predicted log(revived / faded) error of the transform these statistics describe."""
        return float(np.append((np.asarray(stats) - self.mean) / self.scale, 1.0) @ self.weights)


def statistics(
    sample: np.ndarray,
    luma: np.ndarray,
    ends: tuple[np.ndarray, np.ndarray],
    trust: float,
    blue_print: bool,
    confidence: float,
    transform: ReviveTransform,
) -> np.ndarray:
    """The guard's inputs (NAMES), from the sample pixels (N x 3, 0..1), their luma, the darkest
    and brightest ends' mean colours, and the transform the estimate proposes."""
    dark, bright = ends
    offsets = sample - luma[:, None]
    mean_tint = offsets.mean(axis=0)
    dark_tint, bright_tint = dark - dark @ LUMA64, bright - bright @ LUMA64
    chroma = np.abs(offsets).sum(axis=1)
    black, white = np.array(transform.black), np.array(transform.white)
    removed = np.abs(black - black @ LUMA64).sum() + np.abs(white - white @ LUMA64).sum()
    return np.array(
        [
            dark @ LUMA64,
            bright @ LUMA64,
            (bright - dark) @ LUMA64,
            np.abs(dark_tint).sum(),
            np.abs(bright_tint).sum(),
            np.abs(mean_tint).sum(),
            _cosine(dark_tint, bright_tint),
            _cosine(bright_tint, mean_tint),
            _cosine(dark_tint, mean_tint),
            trust,
            float(blue_print),
            confidence,
            chroma.mean(),
            np.percentile(chroma, 90),
            np.mean(chroma < 0.03),
            np.median(luma),
            np.percentile(luma, 90) - np.percentile(luma, 10),
            _hue_spread(offsets, chroma),
            transform.saturation - 1.0,
            np.abs(np.log(transform.gamma)).sum(),
            1.0 - white.mean(),
            black.mean(),
            removed,
            _luma_moved(sample, transform),
        ]
    )


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / norm) if norm > 1e-9 else 0.0


def _hue_spread(offsets: np.ndarray, chroma: np.ndarray) -> float:
    """1 - the length of the mean unit chroma vector of the coloured pixels: 0 where every colour
    has one hue (a cast, a toned print), near 1 where the hues spread round the circle."""
    coloured = offsets[chroma > 0.03]
    if len(coloured) < 20:
        return 0.0
    red, green, blue = coloured[:, 0], coloured[:, 1], coloured[:, 2]
    plane = np.stack([red - green, blue - 0.5 * (red + green)], 1)
    unit = plane / np.maximum(np.linalg.norm(plane, axis=1, keepdims=True), 1e-9)
    return float(1.0 - np.linalg.norm(unit.mean(axis=0)))


def _luma_moved(sample: np.ndarray, transform: ReviveTransform) -> float:
    """The mean luma change the transform makes on (a tenth of) the sample, signed."""
    few = sample[:: max(1, len(sample) // 20000)]
    revived = transform.apply(few[None].astype(np.float32))[0].astype(np.float64)
    return float((revived - few).mean(axis=0) @ LUMA64)


# Fitted by `python benchmarks/bench_revival_guard.py` on every family's tuning photos and seeds.
GUARD: GuardModel | None = GuardModel(
    mean=np.array(
        [
            0.210145,
            0.812341,
            0.602195,
            0.0900847,
            0.102106,
            0.121194,
            0.535573,
            0.667487,
            0.81998,
            0.703473,
            0.168981,
            0.917459,
            0.14536,
            0.223991,
            0.145322,
            0.46254,
            0.352778,
            0.0921542,
            0.0521976,
            0.068319,
            0.0524292,
            0.0553621,
            0.0806225,
            -0.00696089,
        ]
    ),
    scale=np.array(
        [
            0.118119,
            0.104083,
            0.182678,
            0.0879531,
            0.0801911,
            0.096148,
            0.719173,
            0.615177,
            0.458156,
            0.445965,
            0.374736,
            0.178627,
            0.114002,
            0.214942,
            0.291463,
            0.123661,
            0.205403,
            0.208285,
            0.0454911,
            0.0934922,
            0.0357277,
            0.0430293,
            0.0806023,
            0.0140902,
        ]
    ),
    weights=np.array(
        [
            0.0216918,
            0.0161463,
            -0.00482629,
            -0.0196007,
            0.0770104,
            0.00662751,
            -0.0688332,
            0.0713458,
            -0.00065678,
            -0.198204,
            0.120627,
            -0.0302397,
            0.0547796,
            -0.139512,
            0.052473,
            -0.0316722,
            0.00841148,
            -0.0195012,
            -0.0522907,
            -0.123707,
            -0.167622,
            0.23342,
            -0.0872399,
            0.172574,
            -0.355887,
        ]
    ),
    threshold=-0.4,
)
