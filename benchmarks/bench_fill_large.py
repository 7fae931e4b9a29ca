"""Issue 24: large losses that keep their texture, and a default fill as fast as Telea.

python benchmarks/bench_fill_large.py large [--seeds 100-104] [--engines ...]
    one elliptic loss 60-120 px across per photo (11 photos), every engine: in-mask PSNR and the
    texture ratio (tratteggio.core.lab.metrics.texture_ratios); seeds 0-2 tune, 100-104 hold out
python benchmarks/bench_fill_large.py big [--engines auto,telea]
    a 16 MP photo with about 0.5% thin damage from `age`: the whole CLI command, per engine
python benchmarks/bench_fill_large.py memory [--engines ...]
    peak RSS of restore() on a 16 MP 8-bit photo with thin damage, one fresh process per engine
python benchmarks/bench_fill_large.py overhead
    restore() with Telea against cv2.inpaint on the same 1 MP region
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Mask, Photo, RestorationRequest, restore  # noqa: E402
from tratteggio.core.lab.metrics import TEXTURE_BAND, psnr, texture_ratios  # noqa: E402

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "coins", "moon", "grass", "gravel")
ENGINES = "auto,hybrid,fsr,patchmatch,biharmonic,telea,navier-stokes"
SUPPORT = 210  # the paper's colour, painted into the loss


def large_loss(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(truth, damaged, mask): one elliptic loss 60-120 px across, placed and shaped by `seed`."""
    truth = getattr(skimage.data, name)()
    rng = np.random.default_rng([seed, PHOTOS.index(name)])
    height, width = truth.shape[:2]
    axes = (int(rng.integers(30, 61)), int(rng.integers(30, 61)))
    center = (int(rng.integers(80, width - 80)), int(rng.integers(80, height - 80)))
    bits = np.zeros((height, width), np.uint8)
    cv2.ellipse(bits, center, axes, int(rng.integers(0, 180)), 0, 360, 1, -1)
    mask = bits.astype(bool)
    damaged = truth.copy()
    damaged[mask] = SUPPORT
    return truth, damaged, mask


def large(seeds: range, engines: list[str]) -> None:
    scores: dict[str, list[tuple[float, float, float]]] = {e: [] for e in engines}
    for seed in seeds:
        for name in PHOTOS:
            truth, damaged, mask = large_loss(name, seed)
            for engine in engines:
                cpu = time.process_time()
                result = restore(Photo(damaged), Mask(mask), RestorationRequest(engine=engine))
                cpu = time.process_time() - cpu
                ratios = texture_ratios(result.pixels, mask)
                ratio = ratios[0] if ratios else float("nan")
                scores[engine].append((psnr(result.pixels, truth, mask), ratio, cpu))
                print(f"  {name} {seed} {engine}: {scores[engine][-1]}", file=sys.stderr, flush=True)
    _table(scores, f"seeds {seeds.start}-{seeds.stop - 1}")


def _table(scores: dict[str, list[tuple[float, float, float]]], label: str) -> None:
    low, high = TEXTURE_BAND
    arr = {e: np.array(v) for e, v in scores.items()}
    n = len(next(iter(arr.values())))
    print(f"\n### One loss 60-120 px across on each of {len(PHOTOS)} photos, {label} ({n} cases)\n")
    print(
        "| engine | mean PSNR in mask (dB) | gain over hybrid (dB) | beats Telea and biharmonic "
        "| median texture ratio | texture ratio in 0.7-1.3 | CPU s per loss |"
    )
    print("|---|---|---|---|---|---|---|")
    for engine, a in arr.items():
        line = f"| {engine} | {a[:, 0].mean():.2f} "
        line += f"| {np.mean(a[:, 0] - arr['hybrid'][:, 0]):+.2f} " if "hybrid" in arr else "| - "
        if "telea" in arr and "biharmonic" in arr:
            wins = int(np.sum((a[:, 0] > arr["telea"][:, 0]) & (a[:, 0] > arr["biharmonic"][:, 0])))
            line += f"| {wins} of {n} ({100 * wins / n:.0f}%) "
        else:
            line += "| - "
        band = int(np.sum((a[:, 1] >= low) & (a[:, 1] <= high)))
        line += f"| {np.median(a[:, 1]):.2f} | {band} of {n} ({100 * band / n:.0f}%) | {a[:, 2].mean():.2f} |"
        print(line)


def big_photo() -> tuple[np.ndarray, np.ndarray]:
    """coffee enlarged to 2000x2000 px, aged with thin damage (0.52% of pixels), enlarged to 4000x4000."""
    from tratteggio.core.lab.aging import AgingRequest, age

    small = cv2.resize(skimage.data.coffee(), (2000, 2000), interpolation=cv2.INTER_CUBIC)
    aged = age(Photo(small), AgingRequest(kinds=("cracks", "scratches", "dust"), seed=0, severity=0.15))
    pixels = cv2.resize(aged.pixels, (4000, 4000), interpolation=cv2.INTER_CUBIC)
    truth = cv2.resize(aged.reference, (4000, 4000), interpolation=cv2.INTER_CUBIC)
    mask = cv2.resize(aged.mask.view(np.uint8), (4000, 4000), interpolation=cv2.INTER_NEAREST) > 0
    pixels[~mask] = truth[~mask]
    return truth, pixels, mask


def big(engines: list[str], repeats: int) -> None:
    """`ENGINE@PATH` runs ENGINE from the checkout at PATH (e.g. auto@/work/main: today's auto)."""
    import os
    import resource

    from tratteggio.core.io.saving import encode_png

    truth, pixels, mask = big_photo()
    with tempfile.TemporaryDirectory() as folder:
        photo, mask_file = Path(folder) / "photo.png", Path(folder) / "mask.png"
        photo.write_bytes(encode_png(pixels))
        mask_file.write_bytes(encode_png(mask.astype(np.uint8) * 255))
        print(f"\n### 16 MP (4000x4000) with {mask.mean():.2%} thin damage: the whole CLI command\n")
        print("| engine | wall s | CPU s | CPU ratio to Telea | PSNR in mask (dB) |")
        print("|---|---|---|---|---|")
        times: dict[str, list[tuple[float, float]]] = {e: [] for e in engines}
        for _ in range(repeats):
            for spec in engines:
                engine, _, path = spec.partition("@")
                out = Path(folder) / f"{len(times[spec])}-{engine}-{abs(hash(spec))}.png"
                command = [sys.executable, "-m", "tratteggio", "restore", str(photo)]
                command += ["--mask", str(mask_file), "--engine", engine, "-o", str(out)]
                env = {**os.environ, "PYTHONPATH": path} if path else None
                # `python -m` puts the working folder first on sys.path: run from the checkout itself
                cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True, env=env, cwd=path or None)
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
                times[spec].append((wall, used))
                restored = cv2.imread(str(out))[:, :, ::-1]
                score = psnr(restored, truth, mask)
                base = np.median([c for _, c in times.get("telea", [(0, float("nan"))])])
                print(f"| {spec} | {wall:.1f} | {used:.1f} | {used / base:.2f} | {score:.2f} |", flush=True)


def memory(engines: list[str]) -> None:
    print("\n### Peak memory of restore() on a 16 MP 8-bit photo with thin damage (fresh process each)\n")
    print("| engine | photo (MB) | peak RSS growth (MB) | ratio to the photo's bytes |")
    print("|---|---|---|---|")
    _, pixels, mask = big_photo()
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "pixels.npy", pixels)
        np.save(Path(folder) / "mask.npy", mask)
        for engine in engines:
            command = [sys.executable, __file__, "memory-one", "--engines", engine, "--folder", folder]
            out = subprocess.run(command, check=True, capture_output=True)
            print(out.stdout.decode().strip(), flush=True)


def memory_one(engine: str, folder: Path) -> None:
    """Peak RSS growth of restore() and composing its result, over the process with the photo loaded
    (RSS sampled every 5 ms: the process's high-water mark also holds the imports' and the loading's)."""
    import threading

    def rss() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    pixels, mask = np.load(folder / "pixels.npy"), np.load(folder / "mask.npy")
    photo, bits = Photo(pixels), Mask(mask)
    before, highest, done = rss(), [0.0], threading.Event()

    def watch() -> None:
        while not done.wait(0.005):
            highest[0] = max(highest[0], rss())

    watcher = threading.Thread(target=watch)
    watcher.start()
    _ = restore(photo, bits, RestorationRequest(engine=engine)).pixels
    done.set()
    watcher.join()
    peak = max(highest[0], rss())
    size = pixels.nbytes / 2**20
    print(f"| {engine} | {size:.0f} | {peak - before:.0f} | {(peak - before) / size:.1f}x |")


def overhead(repeats: int) -> None:
    """restore() with Telea against cv2.inpaint on one 1 MP region (a 200-px loss and a long scratch)."""
    pixels = cv2.resize(skimage.data.coffee(), (1000, 1000), interpolation=cv2.INTER_CUBIC)
    bits = np.zeros((1000, 1000), np.uint8)
    cv2.line(bits, (40, 40), (960, 960), 1, 3)
    mask = bits.astype(bool)
    crop = pixels[8:993, 8:993]
    request = RestorationRequest(engine="telea", blend=4)
    regions = restore(Photo(pixels), Mask(mask), request).regions
    box = regions[0]
    crop, crop_mask = np.ascontiguousarray(pixels[box.slices]), np.ascontiguousarray(bits[box.slices])
    times: dict[str, list[float]] = {"bare": [], "restore": [], "bare cpu": [], "restore cpu": []}
    for _ in range(repeats):
        for label, run in (
            ("bare", lambda: cv2.inpaint(crop, crop_mask, 3, cv2.INPAINT_TELEA)),
            ("restore", lambda: restore(Photo(pixels), Mask(mask), request)),
        ):
            cpu, started = time.process_time(), time.perf_counter()
            run()
            times[label].append(time.perf_counter() - started)
            times[f"{label} cpu"].append(time.process_time() - cpu)
    wall = np.array(times["restore"]) / np.array(times["bare"])
    cpu = np.array(times["restore cpu"]) / np.array(times["bare cpu"])
    print(f"\n### restore() with Telea against cv2.inpaint on one {box.width}x{box.height} region\n")
    print("| bare call (ms) | restore() (ms) | ratio of medians | median of paired ratios | CPU ratio |")
    print("|---|---|---|---|---|")
    bare, ours = np.median(times["bare"]), np.median(times["restore"])
    line = f"| {bare * 1000:.1f} | {ours * 1000:.1f} | {ours / bare:.2f} "
    print(line + f"| {np.median(wall):.2f} | {np.median(cpu):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("part", choices=["large", "big", "memory", "memory-one", "overhead"])
    parser.add_argument("--seeds", default="100-104")
    parser.add_argument("--engines", default=None)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    first, last = (int(v) for v in args.seeds.split("-"))
    if args.part == "large":
        large(range(first, last + 1), (args.engines or ENGINES).split(","))
    elif args.part == "big":
        big((args.engines or "telea,auto").split(","), args.repeats)
    elif args.part == "memory":
        memory((args.engines or ENGINES).split(","))
    elif args.part == "memory-one":
        memory_one(args.engines, args.folder)
    else:
        overhead(max(args.repeats, 15))


if __name__ == "__main__":
    main()
