"""Hostile inputs: the corpus counts, the kill -9 campaign, and what checking a TIFF's strips
before decoding costs on an honest 24 MP 16-bit deflate TIFF.

    python benchmarks/bench_hostile.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from common import interleaved  # noqa: E402


def strip_check_cost(repeats: int) -> dict[str, float]:
    import tifffile

    import tratteggio.core.io.limits as limits
    from tratteggio.core import load_photo

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:4000, 0:6000]
    pixels = np.stack([x * 10, y * 16, (x + y) * 6], axis=-1).astype(np.uint16)
    pixels += rng.integers(0, 64, size=pixels.shape, dtype=np.uint16)  # sensor noise: compresses as photos do
    folder = Path(tempfile.mkdtemp())
    tifffile.imwrite(folder / "big.tif", pixels, photometric="rgb", compression="zlib", rowsperstrip=64)
    checked = limits._check_strips

    def without() -> object:
        limits._check_strips = lambda *a: None  # type: ignore[assignment]
        try:
            return load_photo(folder / "big.tif")
        finally:
            limits._check_strips = checked

    times = interleaved({"checked": lambda: load_photo(folder / "big.tif"), "unchecked": without}, repeats)
    return {
        **times,
        "ratio": times["checked"] / times["unchecked"],
        "file_mb": (folder / "big.tif").stat().st_size / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from tests.hostile.harness import run_corpus
    from tests.hostile.test_kill import campaign

    with tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        report = run_corpus(Path(root))
        corpus_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        kills = campaign(Path(root))
        kill_seconds = time.perf_counter() - started
    result = {
        "corpus": {**report.counts(), "seconds": round(corpus_seconds, 1)},
        "kills": {**kills, "seconds": round(kill_seconds, 1)},
        "strip check on a 24 MP 16-bit deflate TIFF": strip_check_cost(args.repeats),
    }
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
