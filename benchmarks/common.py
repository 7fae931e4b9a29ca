"""Helpers shared by the benchmarks: timing, synthetic damage, scores."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


def best_and_median(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def interleaved(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each function, run round-robin so machine noise hits all alike."""
    for fn in fns.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def cracks(height: int, width: int, seed: int, coverage: float = 0.02) -> np.ndarray:
    """A network of thin random-walk polylines covering about `coverage` of the pixels."""
    import cv2

    rng = np.random.default_rng(seed)
    bits = np.zeros((height, width), np.uint8)
    while bits.mean() < coverage:
        point = rng.uniform([0, 0], [width, height])
        angle = rng.uniform(0, 2 * np.pi)
        points = [point]
        for _ in range(int(rng.integers(5, 25))):
            angle += rng.normal(0, 0.5)
            point = point + rng.uniform(5, 20) * np.array([np.cos(angle), np.sin(angle)])
            points.append(point)
        cv2.polylines(bits, [np.array(points, np.int32)], False, 1, int(rng.integers(1, 4)))
    return bits.astype(bool)


def losses(height: int, width: int, seed: int, count: int = 3, size: int = 40) -> np.ndarray:
    """A few irregular blob-shaped holes of about `size` pixels across."""
    import cv2

    rng = np.random.default_rng(seed)
    bits = np.zeros((height, width), np.uint8)
    for _ in range(count):
        center = rng.uniform([size, size], [width - size, height - size])
        angles = np.sort(rng.uniform(0, 2 * np.pi, 9))
        radii = rng.uniform(size * 0.3, size * 0.6, 9)
        pts = center + np.stack([np.cos(angles) * radii, np.sin(angles) * radii], axis=1)
        cv2.fillPoly(bits, [pts.astype(np.int32)], 1)
    return bits.astype(bool)


def psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray | None = None, peak: float = 255.0) -> float:
    diff = a.astype(np.float64) - b.astype(np.float64)
    if where is not None:
        diff = diff[where]
    mse = float(np.mean(diff**2))
    return float("inf") if mse == 0 else 10 * np.log10(peak**2 / mse)


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
