"""Issue 26: fetching a master from an IIIF server, 4 connections against one at a time.

    python benchmarks/bench_iiif.py [--megapixels 100] [--tile 512] [--latency 0.03]

A level-0 tile set (PNG tiles, 8-bit RGB, smooth with grain) is served from another process on
127.0.0.1 by tests/iiif/server.py, which waits `--latency` seconds (default 50 ms) before each answer (what a
museum server across a network costs per tile). Each fetch runs in a fresh process that reports
its time and its peak memory above what it held before fetching. Targets: 4 connections at least
4x faster than 1; peak memory at most 2x the image's bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def picture(megapixels: float) -> np.ndarray:
    width = int((megapixels * 1e6 * 1.5) ** 0.5)
    height = int(width / 1.5)
    rng = np.random.default_rng(0)
    rows = np.linspace(20, 230, height, dtype=np.float32)[:, None, None]
    cols = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    base = rows * (0.6 + 0.4 * cols * np.array([1.0, 0.8, 0.6], np.float32))
    return (base + rng.integers(-6, 7, (height, width, 1))).clip(0, 255).astype(np.uint8)


def child(url: str, output: str, connections: int) -> None:
    """One fetch in this fresh process: seconds in all, seconds of the tiles, extra peak memory."""
    import cv2  # noqa: F401 - imported before the memory baseline, as tifffile and Pillow
    import tifffile  # noqa: F401
    from PIL import Image  # noqa: F401

    from tratteggio.core.iiif.fetch import fetch_image

    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to what is held now
    before = _status("VmRSS")
    stamps: list[float] = []
    cpu = time.process_time()
    start = time.perf_counter()
    fetched = fetch_image(
        url, output, connections=connections, on_progress=lambda d, t: stamps.append(time.perf_counter())
    )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    extra = _status("VmHWM") - before
    print(
        json.dumps(
            {
                "seconds": seconds,
                "tiles_seconds": stamps[-1] - start,
                "extra_bytes": extra,
                "tiles": fetched.tiles,
                "cpu": cpu,
            }
        )
    )


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(url: str, output: Path, connections: int) -> dict[str, float]:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from benchmarks.bench_iiif import child; child(*sys.argv[1:3], int(sys.argv[3]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, url, str(output), str(connections)],
        capture_output=True,
        text=True,
        check=True,
    )
    output.unlink()
    output.with_name(output.name + ".source.json").unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megapixels", type=float, default=100)
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(f"load average before: {_load()}")
    from tests.iiif.server import IMAGE, make_tileset

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.iiif.server", str(site), "--latency", str(args.latency)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            pixels = picture(args.megapixels)
            height, width = pixels.shape[:2]
            image_bytes = pixels.nbytes
            make_tileset(site, pixels, tile=args.tile, base=base)
            del pixels
            url = f"{base}/{IMAGE}/info.json"
            runs: dict[int, list[dict[str, float]]] = {1: [], 4: []}
            for _ in range(args.repeats):
                for connections in (1, 4):
                    served = cpu_seconds(server.pid)
                    run = fetch(url, Path(tmp) / "master.tif", connections)
                    run["server_cpu"] = cpu_seconds(server.pid) - served
                    runs[connections].append(run)
        finally:
            server.terminate()
            server.wait()
    one, four = (min(r["tiles_seconds"] for r in runs[c]) for c in (1, 4))
    whole1, whole4 = (min(r["seconds"] for r in runs[c]) for c in (1, 4))
    peak = max(r["extra_bytes"] for rs in runs.values() for r in rs)
    tiles = runs[1][0]["tiles"]
    print(
        f"{width}x{height} ({width * height / 1e6:.0f} MP) RGB 8-bit, {int(tiles)} tiles of {args.tile} px, "
        f"{args.latency * 1000:.0f} ms latency a tile"
    )
    print(
        f"tiles (info.json to the last tile): 1 connection {one:.1f} s, 4 connections {four:.1f} s: "
        f"{one / four:.2f}x (target: at least 4x)"
    )
    print(f"whole fetch (writing the TIFF too): {whole1:.1f} s and {whole4:.1f} s: {whole1 / whole4:.2f}x")
    client = sum(r["cpu"] for r in runs[4]) / len(runs[4]) / tiles * 1000
    served = sum(r["server_cpu"] for r in runs[4]) / len(runs[4]) / tiles * 1000
    floor = tiles * max(args.latency / 4, (client + served) / 1000 / (os.cpu_count() or 1))
    print(
        f"CPU a tile (4 connections): fetch {client:.0f} ms, server {served:.0f} ms; with "
        f"{os.cpu_count()} cores free the 4-connection run could not beat {floor:.1f} s"
    )
    print(
        f"peak memory above the start: {peak / 1e6:.0f} MB for a {image_bytes / 1e6:.0f} MB image "
        f"({peak / image_bytes:.2f}x; target: at most 2x)"
    )
    print(f"load average after: {_load()}")
    return 0


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
