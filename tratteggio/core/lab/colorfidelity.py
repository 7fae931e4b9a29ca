"""Time travel for colour: fade photos, revive them, and measure how close the colours come back.

Each photo is faded by each model (tratteggio.core.lab.fading) with each seed, then revived with
`--auto` and, where the original has a clearly gray spot, with that spot as the picked neutral
point (what a user who knows the object would pick). CIEDE2000 against the original is compared
with doing nothing, gray world, per-channel auto levels and CLAHE.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tratteggio.core.color.estimate import ReviveRequest, estimate
from tratteggio.core.color.revive import LUMA
from tratteggio.core.lab.anchors import ANCHORS, delta_e, unit_rgb
from tratteggio.core.lab.fading import MODELS, fade
from tratteggio.core.photo import Photo

AUTO, NEUTRAL = "revive --auto", "revive --neutral"
GRAY_CHROMA = 0.03  # a spot of the original this close to gray (max - min of RGB) may be picked


@dataclass(frozen=True)
class ColorRow:
    photo: str
    model: str
    seed: int
    severity: float
    method: str
    median: float
    p95: float


Progress = Callable[[int, int, str], None]


def evaluate_color(
    photos: Sequence[tuple[str, Photo]],
    models: Sequence[str] = tuple(MODELS),
    seeds: Sequence[int] = (0,),
    severity: float | None = 0.5,
    progress: Progress | None = None,
) -> list[ColorRow]:
    """One row per photo, model, seed and method. `severity` None draws one per seed (0.2..1)."""
    rows: list[ColorRow] = []
    total, done = len(photos) * len(models) * len(seeds), 0
    for model in models:
        for seed in seeds:
            level = severity if severity is not None else severity_for(seed)
            for name, photo in photos:
                if progress:
                    progress(done, total, f"{name} / {model} / seed {seed}")
                rows += _rows(name, photo, model, seed, level)
                done += 1
    if progress:
        progress(done, total, "done")
    return rows


def severity_for(seed: int) -> float:
    return float(np.random.default_rng([seed, 99]).uniform(0.2, 1.0))


def _rows(name: str, photo: Photo, model: str, seed: int, severity: float) -> list[ColorRow]:
    truth = unit_rgb(photo.pixels)
    faded = fade(photo.pixels, model, seed, severity)
    faded_rgb = unit_rgb(faded)
    results = {label: anchor(faded_rgb) for label, anchor in ANCHORS.items()}
    results[AUTO] = unit_rgb(estimate(faded, ReviveRequest()).apply(faded))
    point = neutral_point(truth)
    if point is not None:
        results[NEUTRAL] = unit_rgb(estimate(faded, ReviveRequest("neutral", point=point)).apply(faded))
    rows = []
    for method, revived in results.items():
        score = delta_e(revived, truth)
        rows.append(ColorRow(name, model, seed, severity, method, score.median, score.p95))
    return rows


def neutral_point(truth: np.ndarray) -> tuple[int, int] | None:
    """The flattest mid-tone spot of the original within GRAY_CHROMA of gray, or None."""
    import cv2

    smooth = cv2.blur(truth, (7, 7))
    luma = smooth @ LUMA
    chroma = smooth.max(axis=2) - smooth.min(axis=2)
    texture = np.sqrt(np.maximum(cv2.blur((truth @ LUMA) ** 2, (7, 7)) - luma**2, 0.0))
    score = chroma * 4 + texture + (np.abs(luma - 0.5) > 0.3) * 10.0
    score[:5], score[-5:], score[:, :5], score[:, -5:] = 99.0, 99.0, 99.0, 99.0
    y, x = np.unravel_index(int(np.argmin(score)), score.shape)
    return (int(x), int(y)) if chroma[y, x] <= GRAY_CHROMA and score[y, x] < 10.0 else None


@dataclass(frozen=True)
class Summary:
    """Medians over cases of each method's per-photo median ΔE00, and the issue's three targets."""

    medians: dict[str, float]
    p95s: dict[str, float]
    cases: int
    auto_beats_all: float  # share of cases where --auto is below every anchor
    auto_half: float  # share of cases where --auto is at most half of doing nothing
    neutral_cases: int


def summarise(rows: Sequence[ColorRow]) -> Summary:
    cases: dict[tuple[str, str, int], dict[str, ColorRow]] = {}
    for row in rows:
        cases.setdefault((row.photo, row.model, row.seed), {})[row.method] = row
    methods = [*ANCHORS, AUTO, NEUTRAL]
    medians = {
        m: float(np.median([c[m].median for c in cases.values() if m in c] or [np.nan])) for m in methods
    }
    p95s = {m: float(np.median([c[m].p95 for c in cases.values() if m in c] or [np.nan])) for m in methods}
    beats = [all(c[AUTO].median < c[a].median for a in ANCHORS) for c in cases.values()]
    half = [c[AUTO].median <= 0.5 * c["nothing"].median for c in cases.values()]
    return Summary(
        medians,
        p95s,
        len(cases),
        float(np.mean(beats)) if beats else 0.0,
        float(np.mean(half)) if half else 0.0,
        sum(NEUTRAL in c for c in cases.values()),
    )


def markdown(rows: Sequence[ColorRow]) -> str:
    """A table of every method (median of per-photo medians, and of 95th percentiles) and targets."""
    s = summarise(rows)
    lines = ["| method | median ΔE00 | 95th percentile ΔE00 |", "|---|---|---|"]
    for method, value in s.medians.items():
        if not np.isnan(value):
            lines.append(f"| {method} | {value:.2f} | {s.p95s[method]:.2f} |")
    nothing, auto, neutral = s.medians["nothing"], s.medians[AUTO], s.medians[NEUTRAL]
    lines += [
        "",
        f"{s.cases} cases (photo x fading model x seed); {s.neutral_cases} have a gray spot to pick.",
        f"--auto: median {auto:.2f} vs {nothing:.2f} doing nothing "
        f"({'met' if auto <= nothing / 2 else 'MISSED'}: at most half); at most half on "
        f"{s.auto_half * 100:.0f}% of cases; below every anchor on {s.auto_beats_all * 100:.0f}% of "
        f"cases ({'met' if s.auto_beats_all >= 0.8 else 'MISSED'}: at least 80%).",
        f"--neutral: median {neutral:.2f} ({'met' if neutral <= 4 else 'MISSED'}: at most 4).",
    ]
    return "\n".join(lines) + "\n"
