"""Time travel on scikit-image's public-domain photos: fidelity of each engine on aged photos, and
precision/recall of the crack detector on held-out seeds.

    python benchmarks/bench_lab.py [fidelity] [detector]     (both when none is named)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Photo  # noqa: E402
from tratteggio.core.lab.aging import SUPPORT, AgingRequest, age  # noqa: E402
from tratteggio.core.lab.detect import DetectRequest, detect, precision_recall  # noqa: E402
from tratteggio.core.lab.evaluate import evaluate, markdown, parse_engines  # noqa: E402
from tratteggio.core.lab.marksim import Tally, tally  # noqa: E402

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "coins", "moon")
TUNING_SEEDS = range(0, 3)  # the detector's thresholds were chosen on these
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


def pooled(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """Precision and recall over all pixels of all (proposal, truth) pairs."""
    return precision_recall(
        np.concatenate([f.ravel() for f, _ in found]), np.concatenate([t.ravel() for _, t in found])
    )


def detector_sweep(seeds: range, title: str) -> None:
    print(f"\n### Dark-crack detector on {title} (cracks only)\n")
    print(
        f"Precision and recall pooled over the {len(PHOTOS) * len(seeds)} aged photos' pixels; "
        "per-photo means in brackets; then the same with the 2 px tolerance of the real sets.\n"
    )
    print(
        "| sensitivity | precision | recall | precision, 2 px | recall, 2 px | flagged on clean photos "
        "(mean / max) | s per photo |"
    )
    print("|---|---|---|---|---|---|---|")
    images = photos()
    aged = [age(p, AgingRequest(kinds=("cracks",), seed=s)) for _, p in images for s in seeds]
    for sensitivity in (0.3, 0.4, 0.5, 0.6, 0.7):
        request = DetectRequest(sensitivity=sensitivity)
        started = time.perf_counter()
        found = [(detect(a.pixels, request), a.kind_masks["cracks"]) for a in aged]
        seconds = (time.perf_counter() - started) / len(aged)
        precision, recall = pooled(found)
        each = [precision_recall(f, t) for f, t in found]
        clean = [detect(p.pixels, request).mean() * 100 for _, p in images]
        near = sum((tally(f, t, np.zeros_like(t)) for f, t in found), Tally())
        print(
            f"| {sensitivity} | {precision:.2f} ({np.mean([e[0] for e in each]):.2f}) | {recall:.2f} "
            f"({np.mean([e[1] for e in each]):.2f}) | {near.precision:.2f} | {near.recall:.2f} | "
            f"{np.mean(clean):.2f}% / {max(clean):.2f}% | {seconds:.2f} |"
        )


def detector_wide_cracks() -> None:
    """One hard-edged crack darkened to 40% across coffee at 1200x800, at several widths."""
    import cv2

    print("\n### Wide cracks: scored smaller when --max-width says how wide (coffee, 1200x800)\n")
    print("| crack width (px) | recall at max width 4 | recall at max width = width | precision | flagged |")
    print("|---|---|---|---|---|")
    base = cv2.resize(skimage.data.coffee(), (1200, 800))
    for width in (3, 6, 8, 12, 20):
        bits = np.zeros(base.shape[:2], np.uint8)
        line = np.array([[80, 120], [400, 280], [660, 240], [1120, 600]], np.int32)
        cv2.polylines(bits, [line], False, 1, width)
        truth = bits > 0
        damaged = base.copy()
        damaged[truth] = (damaged[truth] * 0.4).astype(np.uint8)
        narrow = detect(damaged, DetectRequest(max_width=4))
        wide = detect(damaged, DetectRequest(max_width=width))
        found, hits = (narrow & truth).sum() / truth.sum(), (wide & truth).sum()
        print(
            f"| {width} | {found:.2f} | {hits / truth.sum():.2f} | {hits / max(1, wide.sum()):.2f} | "
            f"{wide.mean() * 100:.2f}% |"
        )


def other_detectors() -> None:
    """Scratches, dust and losses, each on photos aged with that kind alone, default settings."""
    print("\n### Other detectors on held-out seeds 100-104 (each kind aged alone, sensitivity 0.5)\n")
    print("| kind | precision | recall | flagged on clean photos (mean / max) | s per photo |")
    print("|---|---|---|---|---|")
    images = photos()
    picked = tuple(float(v) for v in SUPPORT)  # as a user picks it by clicking a loss
    gray = (float(SUPPORT.mean()),) * 3  # `age` fills losses of gray photos with the mean
    rows: list[tuple[str, str, Callable[[Photo], DetectRequest]]] = [
        ("scratches", "scratches (bright)", lambda p: DetectRequest(kind="scratches")),
        ("dust", "dust", lambda p: DetectRequest(kind="dust")),
        ("losses", "losses, support estimated", lambda p: DetectRequest(kind="losses")),
        (
            "losses",
            "losses, support picked",
            lambda p: DetectRequest(kind="losses", support=picked if p.color_channels == 3 else gray),
        ),
    ]
    for kind, label, request_for in rows:
        aged = [(p, age(p, AgingRequest(kinds=(kind,), seed=s))) for _, p in images for s in HELD_OUT]
        started = time.perf_counter()
        found = [(detect(a.pixels, request_for(p)), a.kind_masks[kind]) for p, a in aged]
        seconds = (time.perf_counter() - started) / len(aged)
        precision, recall = pooled(found)
        clean = [detect(p.pixels, request_for(p)).mean() * 100 for _, p in images]
        print(
            f"| {label} | {precision:.2f} | {recall:.2f} | {np.mean(clean):.2f}% / {max(clean):.2f}% | "
            f"{seconds:.2f} |"
        )


def detector_other_generator() -> None:
    """Out of distribution: benchmarks/common.py's hard-edged cracks (no fringe in their truth)."""
    from common import cracks

    print("\n### Dark-crack detector on common.py's hard-edged cracks (seeds 4-5, 1.2% of pixels)\n")
    print("| darkened to | precision | recall |\n|---|---|---|")
    for factor in (0.25, 0.5):
        hits = found = truth = 0
        for _, photo in photos():
            for seed in (4, 5):
                bits = cracks(*photo.shape2d, seed=seed, coverage=0.012)
                damaged = photo.pixels.copy()
                damaged[bits] = (damaged[bits] * factor).astype(np.uint8)
                proposal = detect(damaged, DetectRequest())
                hits += int(np.count_nonzero(proposal & bits))
                found, truth = found + int(proposal.sum()), truth + int(bits.sum())
        print(f"| {factor:.0%} | {hits / max(1, found):.2f} | {hits / max(1, truth):.2f} |")


if __name__ == "__main__":
    parts = sys.argv[1:] or ["fidelity", "detector"]
    if "fidelity" in parts:
        fidelity_tables()
        held_out_default_vs_telea()
    if "detector" in parts:
        detector_sweep(TUNING_SEEDS, "tuning seeds 0-2 (thresholds chosen here)")
        detector_sweep(HELD_OUT, "held-out seeds 100-104")
        detector_other_generator()
        detector_wide_cracks()
        other_detectors()
