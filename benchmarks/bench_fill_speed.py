"""Speed and cancel latency for bench_fill.py (run that script, not this one)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import skimage.data

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, StepPreview, restore
from tratteggio.core.lab.aging import AgingRequest, age
from tratteggio.core.pipeline.regions import plan_regions

CANCEL_AFTER = (0.5, 2.0, 5.0)  # seconds into the run
BACKGROUND_LIMIT = 300.0  # seconds to wait for abandoned work before measuring the next engine


def three_losses() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """coffee (600x400) with three elliptic losses of about 2,000 pixels each, painted support colour."""
    truth = skimage.data.coffee()
    bits = np.zeros(truth.shape[:2], np.uint8)
    for center, angle in (((130, 110), 20), ((330, 260), -35), ((480, 120), 70)):
        cv2.ellipse(bits, center, (30, 21), angle, 0, 360, 1, -1)
    mask = bits.astype(bool)
    damaged = truth.copy()
    damaged[mask] = (220, 205, 175)
    return truth, damaged, mask


def speed() -> None:
    truth, damaged, mask = three_losses()
    sizes = [c.pixel_count for c in Mask(mask).components()]
    print(f"\n### Three losses on a 600x400 photo ({', '.join(map(str, sizes))} px)\n")
    print(
        "| engine | CPU s (median of 3) | CPU s / 2 cores | wall s under the shared load "
        "| PSNR in mask (dB) | parts |"
    )
    print("|---|---|---|---|---|---|")
    for engine, repeats in (("auto", 3), ("hybrid", 3), ("fsr", 3), ("fsr-best", 1)):
        times, cpus, result = [], [], None
        for _ in range(repeats):
            started, cpu = time.perf_counter(), time.process_time()
            result = restore(Photo(damaged), Mask(mask), RestorationRequest(engine=engine))
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        assert result is not None
        error = (result.pixels.astype(float) - truth)[mask]
        psnr = 10 * np.log10(255**2 / np.mean(error**2))
        parts = ", ".join(sorted({str(p["engine"]) for p in result.engine_info.get("parts", [])}))
        print(
            f"| {engine} | {np.median(cpus):.2f} | {np.median(cpus) / 2:.2f} | {np.median(times):.2f} "
            f"| {psnr:.2f} | {parts or '-'} |"
        )
    print(f"\nload average during the runs: {os.getloadavg()[0]:.1f} (2 cores)")
    parallel_regions()


def scattered_losses(height: int, width: int, count: int, seed: int) -> tuple[np.ndarray, Mask]:
    """coffee enlarged to height x width with `count` elliptic losses of about 2,000 px."""
    base = cv2.resize(skimage.data.coffee(), (width, height), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(seed)
    bits = np.zeros((height, width), np.uint8)
    for _ in range(count):
        center = (int(rng.integers(100, width - 100)), int(rng.integers(100, height - 100)))
        cv2.ellipse(bits, center, (30, 21), int(rng.integers(0, 180)), 0, 360, 1, -1)
    mask = Mask(bits.astype(bool))
    base[mask.bits] = (220, 205, 175)
    return base, mask


def parallel_regions() -> None:
    """The same restore with the region workers limited to one and allowed two, interleaved."""
    import tratteggio.core.engines.workers as workers

    pixels, mask = scattered_losses(2000, 3000, 16, seed=16)
    aged = Photo(pixels)
    print("\n### Regions on one and two workers (6 MP, 16 losses of about 2,000 px)\n")
    print("| engine | regions | 1 worker (wall s) | 2 workers (wall s) | speed-up | same bytes |")
    print("|---|---|---|---|---|---|")
    count = workers.worker_count
    for engine in ("telea", "hybrid", "fsr", "auto"):
        request = RestorationRequest(engine=engine)
        times: dict[int, list[float]] = {1: [], 2: []}
        outputs: dict[int, bytes] = {}
        for _ in range(3):
            for cores in (1, 2):
                workers.worker_count = lambda cores=cores: cores  # type: ignore[misc]
                started = time.perf_counter()
                result = restore(aged, mask, request)
                times[cores].append(time.perf_counter() - started)
                outputs[cores] = result.pixels.tobytes()
        workers.worker_count = count
        one, two = np.median(times[1]), np.median(times[2])
        print(
            f"| {engine} | {len(result.regions)} | {one:.2f} | {two:.2f} | {one / two:.2f} | "
            f"{outputs[1] == outputs[2]} |"
        )


def big_photo(megapixels: float, kinds: tuple[str, ...], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """coffee enlarged to `megapixels`, aged at a quarter of the size with `kinds`, then enlarged."""
    height = int(round((megapixels * 1e6 * 2 / 3) ** 0.5))
    width = int(round(height * 1.5))
    small = cv2.resize(skimage.data.coffee(), (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    aged = age(Photo(small), AgingRequest(kinds=kinds, seed=seed))
    pixels = cv2.resize(aged.pixels, (width, height), interpolation=cv2.INTER_CUBIC)
    mask = cv2.resize(aged.mask.view(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) > 0
    return pixels, mask


def _fill_threads() -> int:
    return sum(t.name == "tratteggio-fill" and t.is_alive() for t in threading.enumerate())


def measure_cancel(
    photo: Photo, mask: Mask, request: RestorationRequest, after: float
) -> tuple[float, float, int]:
    """(seconds from cancel to Cancelled, seconds the abandoned work ran on, steps before cancel)."""
    flag = threading.Event()
    ended: list[float] = []
    steps: list[StepPreview] = []

    def run() -> None:
        with contextlib.suppress(Cancelled):
            restore(photo, mask, request, on_step=steps.append, cancel=flag.is_set)
        ended.append(time.perf_counter())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(after)
    asked = time.perf_counter()
    flag.set()
    thread.join()
    latency = ended[0] - asked
    while _fill_threads() and time.perf_counter() - ended[0] < BACKGROUND_LIMIT:
        time.sleep(0.01)
    return latency, time.perf_counter() - ended[0], len(steps)


def cancel_latency(engines: str) -> None:
    chosen = engines.split(",")
    cases = [
        (
            "aged with cracks, scratches, losses, dust",
            big_photo(16, ("cracks", "scratches", "losses", "dust")),
            chosen,
        ),
        ("with 5 losses of about 2,000 px", _photo_mask(*scattered_losses(3266, 4899, 5, seed=5)), chosen),
        (
            "aged with cracks, scratches, losses, stains, dust",
            big_photo(16, ("cracks", "scratches", "losses", "stains", "dust")),
            [e for e in ("auto", "telea") if e in chosen],
        ),
    ]
    for label, (pixels, bits), names in cases:
        if not names:
            continue
        photo, mask = Photo(pixels), Mask(bits)
        regions = plan_regions(bits, RestorationRequest().padding)
        print(
            f"\n### Cancel latency on a 16 MP photo ({photo.width}x{photo.height}) {label}: "
            f"{mask.pixel_count / bits.size:.1%} damaged, {len(regions)} regions, the largest "
            f"{max(r.area for r in regions) / 1e6:.1f} MP\n"
        )
        print("| engine | cancel after (s) | latency (s) | abandoned work ran on (s) | steps shown |")
        print("|---|---|---|---|---|")
        for engine in names:
            request = _request(engine)
            for after in CANCEL_AFTER:
                latency, background, steps = measure_cancel(photo, mask, request, after)
                print(f"| {engine} | {after} | {latency:.3f} | {background:.2f} | {steps} |", flush=True)
    if "auto" in chosen:
        fifty_losses()


def _photo_mask(pixels: np.ndarray, mask: Mask) -> tuple[np.ndarray, np.ndarray]:
    return pixels, mask.bits


def _request(engine: str) -> RestorationRequest:
    if engine != "diffusion":
        return RestorationRequest(engine=engine)
    sys_path = str(Path(__file__).parent)
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from bench_previews import build_sd15_size

    folder = Path(tempfile.mkdtemp()) / "sd15size"
    return RestorationRequest(
        engine="diffusion", model=str(build_sd15_size(folder)), steps=20, dtype="float32"
    )


def fifty_losses() -> None:
    """A 50 MP master with 50 losses of about 2,000 px: progress per region, and cancel mid-run."""
    damaged, mask = scattered_losses(5774, 8660, 50, seed=50)
    regions = len(plan_regions(mask.bits, RestorationRequest().padding))
    print("\n### A 50 MP master with 50 losses of about 2,000 px (auto)\n")
    print("| cancel after (s) | latency (s) | abandoned work ran on (s) | regions shown before cancel |")
    print("|---|---|---|---|")
    for after in (1.0, 4.0):
        latency, background, steps = measure_cancel(
            Photo(damaged), mask, RestorationRequest(engine="auto"), after
        )
        print(f"| {after} | {latency:.3f} | {background:.2f} | {steps} of {regions} |")
    started, seen = time.perf_counter(), []
    restore(
        Photo(damaged),
        mask,
        RestorationRequest(engine="auto"),
        on_step=lambda s: seen.append(time.perf_counter()),
    )
    gaps = np.diff([started, *seen])
    print(
        f"\nWhole run: {seen[-1] - started:.1f} s, {len(seen)} progress steps (one per region), "
        f"longest gap between steps {gaps.max():.2f} s."
    )
