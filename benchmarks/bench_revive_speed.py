"""Estimate and apply `revive --auto` on a 24 MP 16-bit photo (issue 25: at most 3 s on 2 cores).
Wall time swings with the machine's load, so CPU time (all threads of this process) is printed
beside it.

    python benchmarks/bench_revive_speed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core.color.estimate import ReviveRequest, estimate_with_evidence  # noqa: E402
from tratteggio.core.lab.fading import fade  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    faded = fade(skimage.data.astronaut(), "dye", 3, 0.6)
    big = cv2.resize(faded, (6000, 4000), interpolation=cv2.INTER_LINEAR).astype(np.uint16) * 257
    for _ in range(args.repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        found = estimate_with_evidence(big, ReviveRequest())
        wall_e, cpu_e = time.perf_counter() - wall, time.process_time() - cpu
        found.transform.apply(big)
        wall_a, cpu_a = time.perf_counter() - wall - wall_e, time.process_time() - cpu - cpu_e
        print(
            f"24 MP 16-bit: estimate {wall_e:.2f} s (cpu {cpu_e:.2f}), "
            f"apply {wall_a:.2f} s (cpu {cpu_a:.2f}), "
            f"total {wall_e + wall_a:.2f} s wall, {cpu_e + cpu_a:.2f} s cpu"
        )


if __name__ == "__main__":
    main()
