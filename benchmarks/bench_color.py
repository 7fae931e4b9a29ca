"""Colour fidelity of `revive` on held-out seeds: each photo faded by three different models
(tratteggio.core.lab.fading: varnish, dye, lab) with a severity drawn per seed, revived with --auto
and with a picked gray point, and compared with the original by CIEDE2000 against doing nothing,
gray world, per-channel auto levels (0.5% clip) and CLAHE.

The estimator was written looking at the varnish and dye models on seeds 0-5 of these photos; the
seeds here (100-104) were not looked at, and the lab model was kept aside until the end.

    python benchmarks/bench_color.py [--seeds 100-104]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Photo  # noqa: E402
from tratteggio.core.lab.colorfidelity import AUTO, ColorRow, evaluate_color, markdown, summarise  # noqa: E402

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "coins", "moon", "brick", "clock", "page")


def photos() -> list[tuple[str, Photo]]:
    out = [(name, Photo(getattr(skimage.data, name)())) for name in PHOTOS]
    return [*out, ("motorcycle", Photo(skimage.data.stereo_motorcycle()[0]))]


def per_model(rows: list[ColorRow]) -> str:
    lines = [
        "| fading model | nothing | gray world | auto levels | CLAHE | revive --auto | revive --neutral "
        "| --auto below every anchor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for model in sorted({r.model for r in rows}):
        s = summarise([r for r in rows if r.model == model])
        m = s.medians
        lines.append(
            f"| {model} | {m['nothing']:.2f} | {m['gray world']:.2f} | {m['auto levels']:.2f} | "
            f"{m['CLAHE']:.2f} | {m[AUTO]:.2f} | {m['revive --neutral']:.2f} | "
            f"{s.auto_beats_all * 100:.0f}% |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="100-104", help="FIRST-LAST")
    args = parser.parse_args()
    first, last = (int(v) for v in args.seeds.split("-"))
    rows = evaluate_color(photos(), seeds=range(first, last + 1), severity=None)
    print(f"\n### Colour fidelity, held-out seeds {first}-{last}, 11 photos x 3 fading models\n")
    print("Medians over cases of each case's median CIEDE2000 (and of its 95th percentile):\n")
    print(markdown(rows))
    print("\nBy fading model (median of per-case medians):\n")
    print(per_model(rows))
    lost = [r for r in rows if r.method == AUTO]
    worst = sorted(lost, key=lambda r: -r.median)[:5]
    print("Worst --auto cases: " + ", ".join(f"{r.photo}/{r.model}/{r.seed} {r.median:.1f}" for r in worst))
    by_photo = {}
    for r in rows:
        by_photo.setdefault(r.photo, []).append(r)
    print("\n| photo | nothing | revive --auto |\n|---|---|---|")
    for name, items in by_photo.items():
        nothing = np.median([r.median for r in items if r.method == "nothing"])
        auto = np.median([r.median for r in items if r.method == AUTO])
        print(f"| {name} | {nothing:.2f} | {auto:.2f} |")


if __name__ == "__main__":
    main()
