"""Leave-one-family-out evaluation of colour revival (issue 25).

Every photo is faded by every family of tratteggio.core.lab.fading_families with every seed. For
each family F, the estimator is *chosen* without F (among candidate settings, the one with the
best score on the other families' tuning photos and seeds) and *measured* on F with held-out
photos and seeds nobody tuned on. Each case's score is the median CIEDE2000 against the unfaded
original, for doing nothing, per-channel auto levels (0.5% clip) and the revival.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tratteggio.core.lab.anchors import auto_levels, delta_e
from tratteggio.core.lab.fading_families import fade_family

Reviver = Callable[[np.ndarray], np.ndarray]  # faded float32 RGB 0..1 -> revived, the same
Progress = Callable[[str], None]


@dataclass(frozen=True)
class CaseScore:
    photo: str
    family: str
    seed: int
    faded: float  # median ΔE00 of the faded photo against the original
    levels: float  # ... of per-channel auto levels
    revived: float  # ... of the revival


@dataclass(frozen=True, eq=False)
class Case:
    """One photo faded by one family with one seed, with the scores that do not depend on the
    revival."""

    photo: str
    family: str
    seed: int
    original: np.ndarray
    faded: np.ndarray
    faded_score: float
    levels_score: float


def prepare(photos: Mapping[str, np.ndarray], families: Sequence[str], seeds: Sequence[int]) -> list[Case]:
    """Each photo (float RGB 0..1) faded by each family and seed, scored undone and auto-levelled.
    The faded photo is kept as 8-bit values (what a user's file holds and the revival starts
    from), so that leaving it alone scores exactly as the untouched photo."""
    out = []
    for family in families:
        for seed in seeds:
            for name, rgb in photos.items():
                original, faded = fade_family(rgb, family, seed)
                faded = np.round(faded * 255.0).astype(np.float32) / 255.0
                out.append(
                    Case(
                        name,
                        family,
                        seed,
                        original,
                        faded,
                        delta_e(faded, original).median,
                        delta_e(auto_levels(faded), original).median,
                    )
                )
    return out


def score_cases(cases: Sequence[Case], reviver: Reviver) -> list[CaseScore]:
    """Each case revived by `reviver` and scored."""
    return [
        CaseScore(
            c.photo,
            c.family,
            c.seed,
            c.faded_score,
            c.levels_score,
            delta_e(reviver(c.faded), c.original).median,
        )
        for c in cases
    ]


def objective(cases: Sequence[CaseScore]) -> float:
    """Lower is better: the mean ratio revived / faded, with every case made worse counted 4 times."""
    ratios = np.array([c.revived / max(c.faded, 1e-6) for c in cases])
    return float(np.mean(ratios) + 3.0 * np.mean(np.maximum(ratios - 1.0, 0.0)))


@dataclass(frozen=True)
class FamilyRow:
    family: str
    chosen: str
    cases: list[CaseScore]

    def median(self, field: str) -> float:
        return float(np.median([getattr(c, field) for c in self.cases]))

    @property
    def worst(self) -> CaseScore:
        return max(self.cases, key=lambda c: c.revived - c.faded)

    @property
    def beats_levels(self) -> float:
        return float(np.mean([c.revived < c.levels for c in self.cases]))

    @property
    def worse_than_faded(self) -> float:
        return float(np.mean([c.revived > c.faded for c in self.cases]))


def leave_one_family_out(
    candidates: Mapping[str, Reviver],
    tune: Sequence[Case],
    test: Sequence[Case],
    progress: Progress | None = None,
) -> list[FamilyRow]:
    """Per family of `test`: the candidate chosen on the other families' `tune` cases, measured on
    this family's `test` cases (photos and seeds kept apart from `tune`)."""
    tuned = {}
    for name, reviver in candidates.items():
        if progress:
            progress(f"tune {name}")
        tuned[name] = score_cases(tune, reviver)
    rows = []
    for family in dict.fromkeys(c.family for c in test):
        chosen = min(tuned, key=lambda n: objective([c for c in tuned[n] if c.family != family]))
        if progress:
            progress(f"test {family} with {chosen}")
        measured = score_cases([c for c in test if c.family == family], candidates[chosen])
        rows.append(FamilyRow(family, chosen, measured))
    return rows


def markdown(rows: Sequence[FamilyRow]) -> str:
    """The leave-one-family-out table and the issue's three targets."""
    lines = [
        "| family (held out) | chosen without it | faded | auto levels | revive | revive / faded "
        "| worst case (faded -> revived) | revive beats levels | worse than faded |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        w = r.worst
        faded, revived = r.median("faded"), r.median("revived")
        lines.append(
            f"| {r.family} | {r.chosen} | {faded:.2f} | {r.median('levels'):.2f} | {revived:.2f} | "
            f"{revived / faded:.2f} | {w.photo}/{w.seed} {w.faded:.1f} -> {w.revived:.1f} | "
            f"{r.beats_levels * 100:.0f}% | {r.worse_than_faded * 100:.0f}% |"
        )
    every = [c for r in rows for c in r.cases]
    ratio_ok = all(r.median("revived") <= 0.6 * r.median("faded") for r in rows)
    worse = sum(c.revived > c.faded for c in every)
    beats = float(np.mean([c.revived < c.levels for c in every]))
    lines += [
        "",
        f"{len(every)} held-out cases. Median at most 0.6x faded for every family: "
        f"{'met' if ratio_ok else 'MISSED'}. Cases worse than faded: {worse} "
        f"({'met' if worse == 0 else 'MISSED'}: none). Beats auto levels on {beats * 100:.0f}% "
        f"({'met' if beats >= 0.8 else 'MISSED'}: at least 80%).",
    ]
    return "\n".join(lines) + "\n"
