"""Time travel on scikit-image's public-domain photos: fidelity of each engine on aged photos, and
precision/recall of the crack detector on held-out seeds.

    python benchmarks/bench_lab.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Photo  # noqa: E402
from tratteggio.core.aging import AgingRequest, age  # noqa: E402
from tratteggio.core.detect import DetectRequest, detect, precision_recall  # noqa: E402
from tratteggio.core.evaluate import evaluate, markdown, parse_engines  # noqa: E402

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "coins", "moon")
TUNING_SEEDS = range(0, 3)  # the detector's constants were chosen on these
HELD_OUT = range(100, 105)


def photos() -> list[tuple[str, Photo]]:
    return [(name, Photo(getattr(skimage.data, name)())) for name in PHOTOS]


def fidelity_tables() -> None:
    engines = parse_engines("hybrid,biharmonic,telea,navier-stokes")
    for kinds, title in (
        (("cracks", "scratches", "dust"), "thin damage: cracks, scratches, dust"),
        (("losses",), "losses"),
    ):
        rows, _ = evaluate(photos(), engines, AgingRequest(kinds=kinds, seed=0))
        print(f"\n### {title} (seed 0, severity 0.5)\n")
        print(markdown(rows))
        by_photo: dict[str, dict[str, float]] = {}
        for r in rows:
            by_photo.setdefault(r.photo, {})[r.engine] = r.psnr_mask
        wins = sum(v["hybrid"] > v["telea"] for v in by_photo.values())
        print(
            f"hybrid (the default) beats Telea's in-mask PSNR on {wins} of {len(by_photo)} photos; "
            f"changed pixels outside the effective mask: {sum(r.changed_outside for r in rows)}"
        )


def held_out_default_vs_telea() -> None:
    engines = parse_engines("hybrid,biharmonic,telea")
    margins: dict[str, list[float]] = {"hybrid": [], "biharmonic": []}
    for seed in HELD_OUT:
        rows, _ = evaluate(photos(), engines, AgingRequest(kinds=("cracks", "scratches", "dust"), seed=seed))
        table: dict[str, dict[str, float]] = {}
        for r in rows:
            table.setdefault(r.photo, {})[r.engine] = r.psnr_mask
        for values in table.values():
            for engine in margins:
                margins[engine].append(values[engine] - values["telea"])
    print("\n### Held-out seeds 100-104, thin damage: in-mask PSNR minus Telea's\n")
    print("| engine | cases | wins | worst (dB) | mean (dB) |\n|---|---|---|---|---|")
    for engine, values in margins.items():
        print(
            f"| {engine} | {len(values)} | {sum(v > 0 for v in values)} | {min(values):.2f} | "
            f"{np.mean(values):.2f} |"
        )


def detector_sweep() -> None:
    print("\n### Dark-crack detector on held-out seeds 100-104 (cracks only)\n")
    print("Precision and recall pooled over the 40 aged photos' pixels; per-photo means in brackets.\n")
    print("| sensitivity | precision | recall | flagged on clean photos (mean / max) |\n|---|---|---|---|")
    images = photos()
    aged = [age(p, AgingRequest(kinds=("cracks",), seed=s)) for _, p in images for s in HELD_OUT]
    for sensitivity in (0.3, 0.4, 0.5, 0.6, 0.7):
        request = DetectRequest(sensitivity=sensitivity)
        found = [(detect(a.pixels, request), a.kind_masks["cracks"]) for a in aged]
        hits = sum(int(np.count_nonzero(f & t)) for f, t in found)
        precision = hits / max(1, sum(int(np.count_nonzero(f)) for f, _ in found))
        recall = hits / max(1, sum(int(np.count_nonzero(t)) for _, t in found))
        each = [precision_recall(f, t) for f, t in found]
        clean = [detect(p.pixels, request).mean() * 100 for _, p in images]
        print(
            f"| {sensitivity} | {precision:.2f} ({np.mean([e[0] for e in each]):.2f}) | {recall:.2f} "
            f"({np.mean([e[1] for e in each]):.2f}) | {np.mean(clean):.2f}% / {max(clean):.2f}% |"
        )


if __name__ == "__main__":
    fidelity_tables()
    held_out_default_vs_telea()
    detector_sweep()
