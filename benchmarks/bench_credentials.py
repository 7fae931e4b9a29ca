"""Issue 26: what signing with Content Credentials adds to an export.

    python benchmarks/bench_credentials.py [--megapixels 24] [--repeats 3]

Writes a 16-bit RGB TIFF documented set (photo, record, loss map, mask) of a restored photo,
unsigned and signed, round-robin on the same machine; prints the medians and the difference.
Target: signing a 24 MP 16-bit TIFF adds at most 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import interleaved  # noqa: E402
from tratteggio.core import Mask, Photo, RestorationRequest, restore, save_photo  # noqa: E402
from tratteggio.core.credentials.certs import make_pair  # noqa: E402
from tratteggio.core.credentials.identity import load_identity  # noqa: E402
from tratteggio.core.record.writer import Fill, write_documented  # noqa: E402


def photo(megapixels: float) -> np.ndarray:
    """A smooth 16-bit picture with grain, the size asked (3:2)."""
    width = int((megapixels * 1e6 * 1.5) ** 0.5)
    height = int(width / 1.5)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x / width, y / height, (x + y) / (width + height)], axis=-1) * 50000 + 5000
    return (base + rng.normal(0, 300, base.shape)).clip(0, 65535).astype(np.uint16)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megapixels", type=float, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pixels = photo(args.megapixels)
        master = Photo(pixels)
        save_photo(master, folder / "master.tif")
        bits = np.zeros(pixels.shape[:2], bool)
        bits[100:140, 200:400] = True
        result = restore(master, Mask(bits), RestorationRequest(engine="telea"))
        pems = make_pair("Bench Lab", 30)
        (folder / "id.pem").write_bytes(pems["chain"] + pems["key"])
        identity = load_identity(folder / "id.pem")
        fills = [Fill(1, result, Mask(bits))]

        def export(name: str, signer: object) -> None:
            write_documented(
                folder / name, result.pixels, master, folder / "master.tif", fills, signer=signer
            )  # type: ignore[arg-type]

        cpu: dict[str, list[float]] = {"unsigned": [], "signed": []}

        def timed(name: str, signer: object) -> None:
            start = time.process_time()  # the CPU of every thread: what a free machine would wait
            export(f"{name}.tif", signer)
            cpu[name].append(time.process_time() - start)

        times = interleaved(
            {"unsigned": lambda: timed("unsigned", None), "signed": lambda: timed("signed", identity)},
            args.repeats,
        )
    height, width = pixels.shape[:2]
    print(f"{width}x{height} ({width * height / 1e6:.1f} MP) 16-bit RGB TIFF, {pixels.nbytes / 1e6:.0f} MB")
    print(
        f"export unsigned: {times['unsigned']:.2f} s, signed: {times['signed']:.2f} s "
        f"(medians of {args.repeats})"
    )
    print(f"signing adds {times['signed'] - times['unsigned']:.2f} s (target: at most 1 s)")
    plain, signed = (statistics.median(cpu[name][1:]) for name in ("unsigned", "signed"))
    print(f"CPU (all threads): unsigned {plain:.2f} s, signed {signed:.2f} s, adds {signed - plain:.2f} s")
    print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
