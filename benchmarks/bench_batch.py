"""`tratteggio batch` at scale: steady photos/s in this process, on Ray with 1 and with 2 workers, the
Ray start-up cost, and the in-process loop against one `tratteggio restore` process per photo.

    python benchmarks/bench_batch.py [--photos 40] [--megapixels 2] [--repeats 2] [--work DIR]

Every run is a fresh process on the same photos (aged at 2 MP, masks given, the default hybrid
engine), with OMP_NUM_THREADS=1 everywhere (what Ray gives a 1-CPU worker); the variants of one
repeat run back to back, so the machine's noise hits them alike. Steady rate: photos finished after
every worker's first one, over the time between (start-up and ramp left out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

RUN = """
import json, sys, time
from pathlib import Path
from tratteggio.core.batch.jobs import plan_jobs
from tratteggio.core.batch.run import make_backend, run_batch
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.request import RestorationRequest
source, out, masks, cluster, workers = sys.argv[1:6]
started = time.perf_counter()
jobs = plan_jobs(Path(source), Path(out), masks_dir=Path(masks))
backend = make_backend(cluster, None if cluster == "none" else int(workers))
ready, rows = [], []
summary = run_batch(
    jobs, BatchSettings(RestorationRequest(), out, masks_dir=masks), backend,
    on_ready=lambda w, s: ready.append(time.perf_counter() - started),
    on_row=lambda r: rows.append([time.perf_counter() - started, r.seconds, str(r.outcome), r.cpu_seconds]),
)
print(json.dumps({"ready": ready[0], "end": time.perf_counter() - started, "rows": rows}))
"""


def make_collection(work: Path, count: int, megapixels: float) -> tuple[Path, Path]:
    from tests.collection import aged_photo

    photos, masks = work / "photos", work / "masks"
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    for i in range(count):
        name = f"photo{i:02d}.png"
        if not (masks / name).exists():
            aged_photo(photos / name, masks / name, (height, width), i)
    return photos, masks


def environment(scratch: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "HOME": str(scratch)}
    env.update(RAY_TMPDIR=str(scratch), RAY_USAGE_STATS_ENABLED="0")
    return env


def run_batch(
    photos: Path, masks: Path, out: Path, cluster: str, workers: int, scratch: Path
) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    command = [sys.executable, "-c", RUN, str(photos), str(out), str(masks), cluster, str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment(scratch), check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    assert {row[2] for row in result["rows"]} == {"done"}, done.stderr
    return result


def steady(result: dict[str, Any], workers: int) -> float:
    """Photos per second after every worker has finished its first photo."""
    ends = sorted(row[0] for row in result["rows"])
    return (len(ends) - workers) / (ends[-1] - ends[workers - 1])


def restore_per_process(photos: Path, masks: Path, out: Path, scratch: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    for photo in sorted(photos.glob("*.png")):
        command = [
            sys.executable,
            "-m",
            "tratteggio",
            "restore",
            str(photo),
            "--mask",
            str(masks / photo.name),
        ]
        subprocess.run(
            [*command, "-o", str(out / photo.name)], env=environment(scratch), check=True, capture_output=True
        )
    return time.perf_counter() - started


VARIANTS = {"in-process": ("none", 1), "ray, 1 worker": ("local", 1), "ray, 2 workers": ("local", 2)}


def measure(
    photos: Path, masks: Path, work: Path, repeats: int, reverse: bool, per_process: bool
) -> list[dict[str, Any]]:
    scratch = Path(tempfile.mkdtemp(prefix="tr-bench-", dir="/tmp"))
    rounds = []
    for repeat in range(repeats):
        found: dict[str, Any] = {}
        order = list(VARIANTS.items())
        for name, (cluster, workers) in reversed(order) if reverse else order:
            result = run_batch(photos, masks, work / "out", cluster, workers, scratch)
            found[name] = {
                "steady": steady(result, workers),
                "ready": result["ready"],
                "end": result["end"],
                "process": result["process"],
                "worker_median": statistics.median(row[1] for row in result["rows"]),
                "cpu_median": statistics.median(row[3] for row in result["rows"]),
            }
            print(f"repeat {repeat + 1}: {name}: {json.dumps(found[name])}", file=sys.stderr)
        if per_process:
            seconds = restore_per_process(photos, masks, work / "one", scratch)
            found["restore per photo"] = {"process": seconds}
            print(f"repeat {repeat + 1}: restore per photo: {found['restore per photo']}", file=sys.stderr)
        rounds.append(found)
    shutil.rmtree(scratch, ignore_errors=True)
    return rounds


def report(rounds: list[dict[str, Any]], count: int) -> str:
    lines = [
        "| repeat | in-process (photos/s) | Ray 1 worker | Ray 2 workers | speedup 2 vs 1 | Ray 1 overhead "
        "per photo | Ray start-up (s, 1 / 2 workers) | in-process run vs restore per photo (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rounds, start=1):
        local, one, two = r["in-process"], r["ray, 1 worker"], r["ray, 2 workers"]
        cli = r.get("restore per photo", {"process": float("nan")})
        lines.append(
            f"| {i} | {local['steady']:.3f} | {one['steady']:.3f} | {two['steady']:.3f} "
            f"| {two['steady'] / one['steady']:.2f} | {(local['steady'] / one['steady'] - 1) * 100:+.1f}% "
            f"| {one['ready']:.1f} / {two['ready']:.1f} "
            f"| {local['process']:.1f} vs {cli['process']:.1f} ({cli['process'] / local['process']:.2f}x) |"
        )
    lines += ["", f"{count} photos. One photo inside its worker, median seconds of wall clock / of CPU:", ""]
    lines += ["| repeat | in-process | Ray 1 worker | Ray 2 workers |", "|---|---|---|---|"]
    for i, r in enumerate(rounds, start=1):
        cells = " | ".join(f"{r[n]['worker_median']:.2f} / {r[n]['cpu_median']:.2f}" for n in VARIANTS)
        lines.append(f"| {i} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--megapixels", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--work", type=Path, help="keep the collection here between runs")
    parser.add_argument("--reverse", action="store_true", help="run Ray 2, Ray 1, then in-process")
    parser.add_argument("--no-per-process", action="store_true", help="skip `restore` once per photo")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tr-bench-"))
    photos, masks = make_collection(work, args.photos, args.megapixels)
    rounds = measure(photos, masks, work, args.repeats, args.reverse, not args.no_per_process)
    (work / "bench_batch.json").write_text(json.dumps(rounds, indent=2))
    print(report(rounds, args.photos))


if __name__ == "__main__":
    main()
