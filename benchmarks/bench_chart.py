"""Calibration from a colour chart (issue 25): an X-Rite ColorChecker Classic 24 rendered from its
published colours into public-domain photos (scikit-image), in perspective, blurred, noised, under
a colour cast (per-channel gains and a gamma; ΔE00 up to about 20 on the patches), at 8 and 16 bits;
and photos with no chart.

- found rate on charts 200-400 px wide (target at least 95%)
- false detections on 30 photos without a chart (target 0)
- mean patch ΔE00 after calibration, re-measured on the corrected photo (target at most 3)

    python benchmarks/bench_chart.py [--cases 60]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core.color.chart import NoChartError, _measure, find_chart, fit_to_chart  # noqa: E402
from tratteggio.core.color.colorchecker import LAB_D50, reference_srgb, srgb_to_lab_d50  # noqa: E402
from tratteggio.core.lab.chartscene import captured, place_chart, random_cast  # noqa: E402

SCENES = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")
GRAY = ("camera", "coins", "moon", "page", "brick", "clock", "grass", "gravel", "text", "cell")


def rgb(name: str) -> np.ndarray:
    pixels = getattr(skimage.data, name)()
    pixels = pixels[0] if isinstance(pixels, tuple) else pixels
    pixels = np.repeat(pixels[:, :, None], 3, axis=2) if pixels.ndim == 2 else pixels[:, :, :3]
    return pixels.astype(np.float32) / 255.0


def no_chart_photos() -> list[tuple[str, np.ndarray]]:
    """30 photos: 16 scikit-image photos, and 14 of them flipped or cropped."""
    names = [*SCENES, *GRAY, "retina", "colorwheel"]
    base = [(n, rgb(n)) for n in names]
    more = [(f"{n} flipped", p[::-1, ::-1]) for n, p in base[:7]]
    more += [(f"{n} crop", p[p.shape[0] // 4 :, p.shape[1] // 4 :]) for n, p in base[7:14]]
    return (base + more)[:30]


def main() -> None:
    from skimage.color import deltaE_ciede2000

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=60)
    args = parser.parse_args()
    scenes = [rgb(n) for n in SCENES]
    found, casts, after, seconds = 0, [], [], []
    for case in range(args.cases):
        rng = np.random.default_rng([case, 25])
        width = int(rng.uniform(200, 400))
        scene, _ = place_chart(scenes[case % len(scenes)], width, rng)
        cast = random_cast(rng, rng.uniform(0.0, 0.2))
        bits = 16 if case % 2 else 8
        pixels = captured(scene, cast, rng, rng.uniform(0.0, 1.5), rng.uniform(0.0, 0.02), bits)
        casts.append(float(deltaE_ciede2000(srgb_to_lab_d50(cast.apply(reference_srgb())), LAB_D50).mean()))
        started = time.perf_counter()
        try:
            chart = find_chart(pixels)
        except NoChartError:
            print(f"case {case}: {width} px, cast ΔE00 {casts[-1]:.1f}: not found")
            continue
        corrected = fit_to_chart(chart.measured).apply(pixels)
        seconds.append(time.perf_counter() - started)
        found += 1
        top = np.float32(np.iinfo(pixels.dtype).max)
        measured, _ = _measure(corrected.astype(np.float32) / top, chart.patches)
        after.append(float(deltaE_ciede2000(srgb_to_lab_d50(measured), LAB_D50).mean()))
    false = []
    for name, photo in no_chart_photos():
        try:
            find_chart(np.round(photo * 255).astype(np.uint8))
            false.append(name)
        except NoChartError:
            pass
    rate = 100 * found / args.cases
    print(f"\nfound {found} of {args.cases} charts 200-400 px wide ({rate:.0f}%; target 95%)")
    print(f"casts: patch ΔE00 mean {np.mean(casts):.1f} (max {np.max(casts):.1f})")
    print(
        f"after calibration (re-measured): mean patch ΔE00 median {np.median(after):.2f}, "
        f"worst {np.max(after):.2f} (target at most 3)"
    )
    print(f"false detections on 30 photos without a chart: {len(false)} {false}")
    print(f"find + fit + apply: median {np.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
