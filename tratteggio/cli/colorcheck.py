"""`tratteggio evaluate --color`: fade photos, revive them, and compare the colours with the
original by CIEDE2000 against doing nothing, gray world, per-channel auto levels and CLAHE."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from tratteggio.cli.options import progress_bar
from tratteggio.core.errors import RequestError


def add_color_options(p: argparse.ArgumentParser) -> None:
    from tratteggio.core.lab.kinds import FADING_MODELS

    g = p.add_argument_group("colour fidelity (--color)")
    g.add_argument(
        "--color",
        action="store_true",
        help="measure colour revival instead: fade each photo, revive it (--auto, and a gray point "
        "where the original has one), CIEDE2000 against the original and four anchors",
    )
    g.add_argument(
        "--fading",
        default=",".join(FADING_MODELS),
        metavar="LIST",
        help=f"fading models, comma-separated from {', '.join(FADING_MODELS)} (default: all)",
    )
    g.add_argument(
        "--seeds", type=int, default=1, metavar="N", help="fade with N seeds from --seed on (default 1)"
    )


def cmd_color_fidelity(args: argparse.Namespace) -> int:
    """The colour half of `evaluate` (its caller has checked the report folder)."""
    from tratteggio.core.io.atomic import write_bytes_atomic
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.lab.colorfidelity import evaluate_color, markdown
    from tratteggio.core.lab.fading import MODELS

    models = [m.strip() for m in args.fading.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown or not models:
        raise RequestError(f"unknown fading models {unknown or '(none)'}: choose from {', '.join(MODELS)}")
    if args.seeds < 1:
        raise RequestError(f"--seeds must be at least 1, got {args.seeds}")
    photos = [(path.stem, load_photo(path)) for path in args.photos]
    seeds = range(args.seed, args.seed + args.seeds)
    with progress_bar("fading and reviving") as update:
        rows = evaluate_color(photos, models, seeds, args.severity, progress=update)
    table = markdown(rows)
    print(table, end="")
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(args.report / "color.md", ("# Colour fidelity\n\n" + table).encode())
        data = {"rows": [asdict(r) for r in rows]}
        write_bytes_atomic(args.report / "color.json", json.dumps(data, indent=2).encode())
        print(f"wrote {args.report}/color.md and color.json")
    return 0
