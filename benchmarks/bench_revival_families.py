"""Leave-one-family-out colour revival (issue 25): nine fading families
(tratteggio.core.lab.fading_families); for each family the estimator's settings are chosen on the
other eight (tuning photos, seeds 0-3) and measured on it (held-out photos, seeds 100-102).

    python benchmarks/bench_revival_families.py [--side 192] [--candidates default]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core.color.estimate import EstimateSettings, ReviveRequest, estimate  # noqa: E402
from tratteggio.core.lab.fading_families import FAMILIES, OLD_MODELS  # noqa: E402
from tratteggio.core.lab.revivalcheck import Reviver, leave_one_family_out, markdown, prepare  # noqa: E402

TUNE = ("astronaut", "coffee", "rocket", "immunohistochemistry", "camera", "coins", "brick", "grass")
TEST = ("chelsea", "stereo_motorcycle", "hubble_deep_field", "retina", "moon", "clock", "page")


def photo(name: str, side: int) -> np.ndarray:
    pixels = getattr(skimage.data, name)()
    pixels = pixels[0] if isinstance(pixels, tuple) else pixels
    rgb = np.repeat(pixels[:, :, None], 3, axis=2) if pixels.ndim == 2 else pixels[:, :, :3]
    scale = side / max(rgb.shape[:2])
    size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def unguarded(**changes: Any) -> EstimateSettings:
    """Settings without the guard: these candidates are the estimate's own settings (the guard is
    fitted and measured leave-one-family-out by bench_revival_guard.py)."""
    return EstimateSettings(guard=None, **changes)


def reviver(settings: EstimateSettings) -> Reviver:
    """Revive as a user would: an 8-bit photo (the integer path's exact lookup tables)."""

    def run(faded: np.ndarray) -> np.ndarray:
        pixels = np.round(faded * 255.0).astype(np.uint8)
        return estimate(pixels, ReviveRequest(), settings).apply(pixels).astype(np.float32) / 255.0

    return run


def grid() -> dict[str, Reviver]:
    out = {}
    for stretch in (0.25, 0.5, 0.75, 1.0):
        for dim in (0.05, 0.2):
            for tint in (0.5, 1.0):
                name = f"stretch {stretch} dim {dim} tint {tint}"
                out[name] = reviver(unguarded(max_dim=dim, stretch=stretch, tint=tint))
    return out


def gates() -> dict[str, Reviver]:
    """Issue 25's self-checks beside the default: the whites' tint removed only as far as it agrees
    with the blacks', a clip limit, a mean-luma check, a stronger stretch."""
    settings = {
        "default": unguarded(),
        "whites' tint agrees": unguarded(agree=1.0),
        "whites' tint half": unguarded(white_tint=0.5),
        "clip 1%": unguarded(clip_limit=0.01),
        "luma 0.5x lift": unguarded(luma_check=0.5),
        "luma 1x lift": unguarded(luma_check=1.0),
        "stretch 0.75": unguarded(stretch=0.75),
        "stretch 1 clip 1%": unguarded(stretch=1.0, clip_limit=0.01),
    }
    return {name: reviver(s) for name, s in settings.items()}


CANDIDATES: dict[str, Callable[[], dict[str, Reviver]]] = {
    "default": lambda: {"default": reviver(unguarded())},
    "issue 12": lambda: {"issue 12": reviver(unguarded(max_dim=0.05, stretch=1.0, backoff=False))},
    "grid": grid,
    "gates": gates,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=192)
    parser.add_argument("--tune-seeds", type=int, default=4)
    parser.add_argument("--candidates", default="default", choices=sorted(CANDIDATES))
    parser.add_argument("--old-models", action="store_true", help="issue 12's models as families too")
    args = parser.parse_args()
    tune = {n: photo(n, args.side) for n in TUNE}
    test = {n: photo(n, args.side) for n in TEST}
    started = time.perf_counter()
    families = list(FAMILIES) + (list(OLD_MODELS) if args.old_models else [])
    rows = leave_one_family_out(
        CANDIDATES[args.candidates](),
        prepare(tune, families, range(args.tune_seeds)),
        prepare(test, families, range(100, 103)),
        progress=lambda what: print(f"  {time.perf_counter() - started:5.0f} s {what}", file=sys.stderr),
    )
    print(markdown(rows))


if __name__ == "__main__":
    main()
