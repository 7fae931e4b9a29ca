"""Colour revival's guard (issue 25), fitted and measured leave-one-family-out.

Every tuning photo (bench_revival_families.TUNE and four more scikit-image photos, seeds 0-2) is
faded by every family (the nine and issue 12's three); each of the guard's candidates is revived
and scored against the original. For each family F the guard is fitted without F and measured on
F's held-out photos and seeds (bench_revival_families.TEST, seeds 100-102), through the shipped
estimate. Last, the guard fitted on every family, as the lines tratteggio/core/color/guard.py ships.

    python benchmarks/bench_revival_guard.py [--side 128]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from bench_revival_families import TEST, TUNE, photo, reviver  # noqa: E402

from tratteggio.core.color.estimate import EstimateSettings, ReviveRequest, estimate_with_evidence  # noqa: E402
from tratteggio.core.color.guard import CANDIDATES  # noqa: E402
from tratteggio.core.lab.anchors import delta_e  # noqa: E402
from tratteggio.core.lab.fading_families import FAMILIES, OLD_MODELS  # noqa: E402
from tratteggio.core.lab.fading_guard import as_python, fit_guard  # noqa: E402
from tratteggio.core.lab.revivalcheck import Case, FamilyRow, markdown, prepare, score_cases  # noqa: E402

MORE_TUNING = ("gravel", "text", "cell", "colorwheel")


def candidates(cases: list[Case]) -> tuple[np.ndarray, np.ndarray]:
    """Per case and candidate: the guard's statistics, and the ratio revived / faded."""
    stats, ratios = [], []
    for case in cases:
        pixels = np.round(case.faded * 255.0).astype(np.uint8)
        row_stats, row_ratios = [], []
        for _, changes in CANDIDATES:
            found = estimate_with_evidence(pixels, ReviveRequest(), EstimateSettings(guard=None, **changes))
            revived = found.transform.apply(pixels).astype(np.float32) / 255.0
            row_stats.append(found.statistics)
            row_ratios.append(delta_e(revived, case.original).median / max(case.faded_score, 1e-6))
        stats.append(row_stats)
        ratios.append(row_ratios)
    return np.array(stats), np.array(ratios)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=128)
    args = parser.parse_args()
    started = time.perf_counter()

    def say(what: str) -> None:
        print(f"  {time.perf_counter() - started:5.0f} s {what}", file=sys.stderr)

    families = [*FAMILIES, *OLD_MODELS]
    tune = prepare({n: photo(n, args.side) for n in TUNE + MORE_TUNING}, families, range(3))
    test = prepare({n: photo(n, args.side) for n in TEST}, families, range(100, 103))
    stats, ratios = candidates(tune)
    say("tuning cases scored")
    rows = []
    for family in families:
        keep = np.array([c.family != family for c in tune])
        model = fit_guard(stats[keep], ratios[keep])
        measured = score_cases(
            [c for c in test if c.family == family], reviver(EstimateSettings(guard=model))
        )
        rows.append(FamilyRow(family, f"threshold {model.threshold}", measured))
        say(f"{family}: threshold {model.threshold}")
    print(markdown([r for r in rows if r.family in FAMILIES]))
    print(markdown([r for r in rows if r.family in OLD_MODELS]))
    worse = [c for r in rows for c in r.cases if c.revived > c.faded]
    print(
        "Made worse: "
        + ", ".join(f"{c.family} {c.photo}/{c.seed} {c.faded:.2f} -> {c.revived:.2f}" for c in worse)
    )
    print(as_python(fit_guard(stats, ratios)))


if __name__ == "__main__":
    main()
