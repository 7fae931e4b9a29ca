"""Restoration core: cost follows the damage, engine overhead, memory, and fill quality.

    python benchmarks/bench_core.py [--quick]

Prints markdown tables; the committed figures are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import cracks, interleaved, losses, psnr  # noqa: E402

from tratteggio.core import Mask, Photo, RestorationRequest, restore  # noqa: E402


def loss_at_center(height: int, width: int, size: int = 256) -> Mask:
    bits = np.zeros((height, width), bool)
    y, x = height // 2 - size // 2, width // 2 - size // 2
    bits[y : y + size, x : x + size] = True
    return Mask(bits)


def cost_follows_damage(repeats: int) -> None:
    print("\n## Cost follows the damage: one 256x256 loss, 16-bit RGB\n")
    print("| engine | 1 MP (s) | 24 MP (s) | ratio 24/1 |\n|---|---|---|---|")
    rng = np.random.default_rng(0)
    small = Photo(rng.integers(0, 65536, (1000, 1000, 3), dtype=np.uint16))
    large = Photo(rng.integers(0, 65536, (4000, 6000, 3), dtype=np.uint16))
    masks = {id(small): loss_at_center(1000, 1000), id(large): loss_at_center(4000, 6000)}
    for engine in ("telea", "navier-stokes", "biharmonic", "hybrid"):
        request = RestorationRequest(engine=engine)
        runs = {
            name: (lambda p=photo, r=request: restore(p, masks[id(p)], r))
            for name, photo in (("1", small), ("24", large))
        }
        t = interleaved(runs, repeats if engine in ("telea", "navier-stokes") else max(2, repeats // 2))
        print(f"| {engine} | {t['1']:.3f} | {t['24']:.3f} | {t['24'] / t['1']:.2f} |")


def engine_overhead(repeats: int) -> None:
    import cv2
    from skimage.restoration import inpaint_biharmonic

    from tratteggio.core.pipeline.regions import plan_regions

    print("\n## Overhead: restore() against the bare library call on the same crop (8-bit RGB)\n")
    print("| engine | bare call (s) | restore() (s) | ratio |\n|---|---|---|---|")
    photo = Photo(np.random.default_rng(1).integers(0, 256, (1500, 2000, 3), dtype=np.uint8))
    mask = Mask(cracks(1500, 2000, seed=1, coverage=0.005))
    boxes = plan_regions(mask.bits, 32)

    def crops() -> list[tuple[np.ndarray, np.ndarray]]:  # cutting the crops is part of any caller's job
        return [(np.ascontiguousarray(photo.pixels[b.slices]), mask.bits[b.slices]) for b in boxes]

    bare = {
        "telea": lambda: [cv2.inpaint(c, m.view(np.uint8), 3, cv2.INPAINT_TELEA) for c, m in crops()],
        "navier-stokes": lambda: [cv2.inpaint(c, m.view(np.uint8), 3, cv2.INPAINT_NS) for c, m in crops()],
        "biharmonic": lambda: [inpaint_biharmonic(c / 255.0, m, channel_axis=-1) for c, m in crops()],
    }
    for engine, direct in bare.items():
        request = RestorationRequest(engine=engine)
        t = interleaved({"bare": direct, "ours": lambda r=request: restore(photo, mask, r)}, repeats)
        print(f"| {engine} | {t['bare']:.3f} | {t['ours']:.3f} | {t['ours'] / t['bare']:.3f} |")
    print(f"\n({len(boxes)} crops around {mask.pixel_count} damaged pixels in a 3 MP photo.)")


MEMORY_SCRIPT = """
import json, sys, numpy as np
from tratteggio.core import load_photo, Mask, RestorationRequest, restore, write_result
def hwm_kib():
    # VmHWM is this process's own peak; getrusage's maxrss can carry the parent's over exec
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            return int(line.split()[1])
photo_path, out = sys.argv[1], sys.argv[2]
base = hwm_kib()
photo = load_photo(photo_path)
bits = np.zeros(photo.shape2d, bool); bits[1900:2156, 2900:3156] = True
mask = Mask(bits)
result = restore(photo, mask, RestorationRequest(engine="telea"))
write_result(result, photo, mask, out, None)
print(json.dumps({"base_kib": base, "peak_kib": hwm_kib(), "pixel_bytes": photo.pixels.nbytes}))
"""


def peak_memory() -> None:
    import tifffile

    print("\n## Peak memory: load, restore and save a 24 MP 16-bit RGB TIFF\n")
    with tempfile.TemporaryDirectory() as tmp:
        master = Path(tmp) / "master.tif"
        pixels = np.random.default_rng(2).integers(0, 65536, (4000, 6000, 3), dtype=np.uint16)
        tifffile.imwrite(master, pixels, photometric="rgb")
        del pixels
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(master), str(Path(tmp) / "out.tif")],
            capture_output=True,
            text=True,
            check=True,
        )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    used = (data["peak_kib"] - data["base_kib"]) * 1024
    print(
        f"pixel bytes {data['pixel_bytes'] / 2**20:.0f} MiB; peak RSS growth {used / 2**20:.0f} MiB; "
        f"ratio {used / data['pixel_bytes']:.2f}x (target <= 3x)"
    )


PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "coins", "moon")


def fill_quality() -> None:
    import skimage.data

    print("\n## Fill quality on synthetic damage over scikit-image's public-domain photos\n")
    print("In-mask PSNR (dB; higher is better), whole-image PSNR in brackets, and pixels changed")
    print("outside the effective mask (must be 0).\n")
    engines = ("hybrid", "biharmonic", "telea", "navier-stokes")
    print("| photo | damage | " + " | ".join(engines) + " | changed outside |")
    print("|---|---|" + "---|" * len(engines) + "---|")
    for name in PHOTOS:
        truth = getattr(skimage.data, name)()
        height, width = truth.shape[:2]
        for kind, bits in (
            ("cracks 2%", cracks(height, width, seed=7)),
            ("losses", losses(height, width, seed=7)),
        ):
            damaged = truth.copy()
            damaged[bits] = 20
            cells, changed = [], 0
            for engine in engines:
                result = restore(Photo(damaged), Mask(bits), RestorationRequest(engine=engine))
                outside = ~result.effective_mask.bits
                changed += int(
                    np.count_nonzero(
                        np.any((result.pixels != damaged).reshape(height, width, -1), axis=2)[outside]
                    )
                )
                cells.append(f"{psnr(result.pixels, truth, bits):.1f} ({psnr(result.pixels, truth):.1f})")
            print(f"| {name} | {kind} | " + " | ".join(cells) + f" | {changed} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--only", choices=["cost", "overhead", "memory", "quality"], nargs="*")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    chosen = set(args.only or ["cost", "overhead", "memory", "quality"])
    if "memory" in chosen:
        peak_memory()  # first, in a fresh child, before this process grows
    if "cost" in chosen:
        cost_follows_damage(repeats)
    if "overhead" in chosen:
        engine_overhead(repeats)
    if "quality" in chosen:
        fill_quality()


if __name__ == "__main__":
    main()
