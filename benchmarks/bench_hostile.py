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
    """Loading an honest deflate TIFF three ways: with the bounded decoders (what ships), with a
    bounded inflate of every strip before tifffile's own decoder (the fallback), and with
    tifffile's own decoder alone (unprotected)."""
    import tifffile
    import tifffile._imagecodecs as fallback
    import tifffile.tifffile as implementation

    import tratteggio.core.io.limits as limits
    from tratteggio.core import load_photo

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:4000, 0:6000]
    pixels = np.stack([x * 10, y * 16, (x + y) * 6], axis=-1).astype(np.uint16)
    pixels += rng.integers(0, 64, size=pixels.shape, dtype=np.uint16)  # sensor noise: compresses as photos do
    path = Path(tempfile.mkdtemp()) / "big.tif"
    tifffile.imwrite(path, pixels, photometric="rgb", compression="zlib", rowsperstrip=64)
    limits.bound_tiff_inflation()
    codecs = implementation.TIFF.DECOMPRESSORS._codecs
    bounded, checked, bound = codecs[8], limits._check_strips, limits.bound_tiff_inflation

    def variant(precheck: bool) -> object:
        codecs[8], limits.bound_tiff_inflation = fallback.zlib_decode, lambda: False  # type: ignore[assignment]
        if not precheck:
            limits._check_strips = lambda *a: None  # type: ignore[assignment]
        try:
            return load_photo(path)
        finally:
            codecs[8], limits.bound_tiff_inflation, limits._check_strips = bounded, bound, checked

    times = interleaved(
        {
            "bounded decoders": lambda: load_photo(path),
            "pre-check + tifffile": lambda: variant(True),
            "tifffile alone": lambda: variant(False),
        },
        repeats,
    )
    return {**times, "file_mb": path.stat().st_size / 2**20}


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
