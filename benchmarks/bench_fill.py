"""The best classical fill for every loss: fidelity of every classical engine on held-out seeds, the
automatic engine's time, parallel regions, and cancel latency.

    python benchmarks/bench_fill.py quality [--rows FILE]    held-out seeds 100-104, three kinds of damage
    python benchmarks/bench_fill.py speed                    three losses on 600x400, cost per damage MP,
                                                             regions on 1 and 2 cores
    python benchmarks/bench_fill.py cancel [--engines ...]   cancel latency per engine on 16 MP, and a
                                                             50 MP master with 50 losses

`quality` appends one JSON line per (set, seed, photo, engine) to --rows and skips those already
there, so a long run can be resumed; the tables are printed from all the rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Photo  # noqa: E402
from tratteggio.core.lab.aging import AgingRequest  # noqa: E402
from tratteggio.core.lab.evaluate import evaluate, parse_engines  # noqa: E402

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "brick", "coins", "moon")
HELD_OUT = range(100, 105)
SETS = {
    "thin": ("cracks", "scratches", "dust"),
    "losses": ("losses",),
    "mixed": ("cracks", "scratches", "losses", "stains", "dust"),
}
ENGINES = "auto,hybrid,fsr,biharmonic,telea,navier-stokes"
SLOW = {"fsr-best": ("losses",)}  # 20x FSR's time: measured on losses only


def quality(rows_file: Path, engines: str) -> None:
    done = _read_rows(rows_file)
    photos = [(name, Photo(getattr(skimage.data, name)())) for name in PHOTOS]
    wanted = parse_engines(engines)
    for label, kinds in SETS.items():
        requests = [r for r in wanted if label in SLOW.get(r.engine, (label,))]
        for seed in HELD_OUT:
            for request in requests:
                todo = [(n, p) for n, p in photos if (label, seed, n, request.engine) not in done]
                if not todo:
                    continue
                rows, _ = evaluate(todo, [request], AgingRequest(kinds=kinds, seed=seed))
                with rows_file.open("a") as out:
                    for row in rows:
                        entry = {"set": label, "seed": seed, **asdict(row)}
                        out.write(json.dumps(entry) + "\n")
                        done[(label, seed, row.photo, row.engine)] = entry
    print_tables(list(done.values()))


def _read_rows(path: Path) -> dict[tuple[str, int, str, str], dict[str, object]]:
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["set"], r["seed"], r["photo"], r["engine"]): r for r in rows}


def print_tables(rows: list[dict[str, object]]) -> None:
    for label in SETS:
        cases: dict[tuple[object, object], dict[str, dict[str, object]]] = {}
        for r in rows:
            if r["set"] == label:
                cases.setdefault((r["photo"], r["seed"]), {})[str(r["engine"])] = r
        if not cases:
            continue
        engines = sorted({e for c in cases.values() for e in c}, key=_engine_order)
        print(f"\n### {label}: {', '.join(SETS[label])} (held-out seeds 100-104, 8 photos)\n")
        print(
            "| engine | cases | mean PSNR in mask (dB) | mean gain over hybrid (dB) | worst vs hybrid (dB) "
            "| beats Telea | beats biharmonic | beats both | CPU s per photo | CPU s per MP of damage "
            "| wall s per photo | changed outside | losses ≥ 48 px with texture ratio in 0.7-1.3 |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for engine in engines:
            both = [c for c in cases.values() if engine in c and "telea" in c and "biharmonic" in c]
            if not both:
                continue
            psnr = np.array([float(c[engine]["psnr_mask"]) for c in both])  # type: ignore[arg-type]
            hybrid = np.array([float(c["hybrid"]["psnr_mask"]) for c in both])  # type: ignore[arg-type]
            telea = np.array([float(c["telea"]["psnr_mask"]) for c in both])  # type: ignore[arg-type]
            bih = np.array([float(c["biharmonic"]["psnr_mask"]) for c in both])  # type: ignore[arg-type]
            seconds = np.mean([float(c[engine]["seconds"]) for c in both])  # type: ignore[arg-type]
            cpu = np.array([float(c[engine].get("cpu_seconds", np.nan)) for c in both])  # type: ignore[arg-type]
            damage = np.array([_damaged_megapixels(c[engine]) for c in both])
            outside = sum(int(c[engine]["changed_outside"]) for c in both)  # type: ignore[call-overload]
            n = len(both)
            wins_both = int(np.sum((psnr > telea) & (psnr > bih)))
            large = sum(int(c[engine].get("large_losses", 0)) for c in both)  # type: ignore[call-overload]
            band = sum(int(c[engine].get("texture_in_band", 0)) for c in both)  # type: ignore[call-overload]
            print(
                f"| {engine} | {n} | {psnr.mean():.2f} | {np.mean(psnr - hybrid):+.2f} | "
                f"{np.min(psnr - hybrid):+.2f} | {int(np.sum(psnr > telea))} | {int(np.sum(psnr > bih))} | "
                f"{wins_both} ({100 * wins_both / n:.0f}%) | {cpu.mean():.2f} | "
                f"{cpu.sum() / damage.sum():.0f} | {seconds:.2f} | {outside} | {band} of {large} |"
            )


def _damaged_megapixels(row: dict[str, object]) -> float:
    height, width = getattr(skimage.data, str(row["photo"]))().shape[:2]
    return float(row["damaged_fraction"]) * height * width / 1e6  # type: ignore[arg-type]


def _engine_order(name: str) -> int:
    order = ["auto", "hybrid", "fsr", "fsr-best", "biharmonic", "telea", "navier-stokes"]
    return order.index(name) if name in order else len(order)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("part", choices=["quality", "speed", "cancel"])
    parser.add_argument("--rows", type=Path, default=Path("bench_fill_rows.jsonl"))
    parser.add_argument("--engines", default=ENGINES + ",fsr-best")
    args = parser.parse_args()
    if args.part == "quality":
        quality(args.rows, args.engines)
    elif args.part == "speed":
        from bench_fill_speed import speed

        speed()
    else:
        from bench_fill_speed import cancel_latency

        cancel_latency(args.engines)


if __name__ == "__main__":
    main()
