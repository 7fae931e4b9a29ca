"""`tratteggio batch`: restore a collection, in this process or on a Ray cluster, resumably."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.cli.credentials import add_sign_option, identity_from_args
from tratteggio.cli.options import add_request_options, progress_bar, request_from_args
from tratteggio.core.errors import RequestError

if TYPE_CHECKING:
    from tratteggio.core.batch.journal import Summary
    from tratteggio.core.batch.settings import BatchSettings, Detection
    from tratteggio.core.batch.worker import StatusRow, WorkerInfo

Command = Callable[[argparse.Namespace], int]
CLUSTER = re.compile(r"none|local|auto|[A-Za-z0-9.\-\[\]:]+:\d{1,5}")
SHOWN = 10  # lost photos named on the terminal; summary.json names them all


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    from tratteggio.core.lab.kinds import DETECT_KINDS

    p = sub.add_parser(
        "batch",
        help="restore a whole collection, resumably, here or on a Ray cluster",
        description="Restore every photo of INPUT (a folder, scanned recursively, or a text file listing "
        "one photo a line) into OUT, each with its record, loss map and mask as `tratteggio restore` "
        "writes them. Finished photos are skipped when run again (same photo, mask and request); a "
        "failing photo is reported and the rest go on. OUT/_batch/ keeps status.jsonl (a line per "
        "photo), summary.json and errors/ (tracebacks). Exit 0: all done; 1: some failed or were lost, "
        "or a folder of INPUT could not be read.",
    )
    p.add_argument("source", type=Path, metavar="INPUT", help="a folder of photos or a list (LIST.txt)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the results' folder")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--masks", type=Path, metavar="DIR", help="masks with the photos' names, any format")
    where.add_argument(
        "--detect", metavar="KINDS", help=f"propose masks instead, comma-separated: {', '.join(DETECT_KINDS)}"
    )
    where.add_argument(
        "--revive",
        action="store_true",
        help="revive each photo's faded colours instead (the estimate from the photo alone, as "
        "`tratteggio revive --auto`; it backs off where the photo gives little evidence)",
    )
    _detection_options(p)
    add_request_options(p)
    _run_options(p)
    return {"batch": cmd_batch}


def _detection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("detection (--detect): proposals are never restored unreviewed by default")
    use = g.add_mutually_exclusive_group()
    use.add_argument(
        "--detect-only",
        action="store_true",
        help="write each proposal (NAME.proposal.png and .proposal.json) for review; restore nothing",
    )
    use.add_argument(
        "--accept-unreviewed",
        action="store_true",
        help="restore from the proposals as they are; each record says: unreviewed, which detector, "
        "which sensitivity",
    )
    g.add_argument("--sensitivity", type=float, metavar="0..1", help="higher finds more (default 0.5)")
    g.add_argument(
        "--detector", type=Path, metavar="D.npz", help="crack detector weights for cracks and scratches"
    )


def _run_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("running")
    g.add_argument("--format", metavar="EXT", help="results' format, e.g. png or tif (default: the photo's)")
    g.add_argument("--lossy", action="store_true", help="accept formats that cannot hold a master exactly")
    g.add_argument(
        "--cluster",
        default="none",
        metavar="none|local|auto|HOST:PORT",
        help="none: this process (default); local: start Ray here; auto or HOST:PORT: a running Ray "
        "cluster (pip install 'tratteggio[cluster]')",
    )
    g.add_argument(
        "--workers", type=int, metavar="N", help="Ray workers (default: the cluster's CPUs, or GPUs)"
    )
    g.add_argument("--gpus-per-worker", type=float, default=0.0, metavar="G", help="GPUs each worker holds")
    g.add_argument("--redo", action="store_true", help="restore finished photos again")
    g.add_argument(
        "--verify-outputs", action="store_true", help="skip a photo only if its output's hash matches too"
    )
    g.add_argument("--max-failures", type=int, metavar="N", help="stop handing out photos after N failures")
    add_sign_option(p)


def cmd_batch(args: argparse.Namespace) -> int:
    from tratteggio.core.batch.jobs import plan_jobs
    from tratteggio.core.batch.run import make_backend, run_batch

    settings = _settings(args)
    identity_from_args(args)  # a wrong identity fails here, before any photo
    if not CLUSTER.fullmatch(args.cluster):
        raise RequestError(f"--cluster {args.cluster}: use none, local, auto or HOST:PORT")
    for name in ("workers", "max_failures"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise RequestError(f"--{name.replace('_', '-')} must be at least 1")
    if args.gpus_per_worker < 0:
        raise RequestError("--gpus-per-worker must not be negative")
    suffix = "." + args.format.lower().lstrip(".") if args.format else None
    unreadable: list[str] = []
    jobs = plan_jobs(
        args.source, args.output, masks_dir=args.masks, suffix=suffix, lossy=args.lossy, unreadable=unreadable
    )
    backend = make_backend(args.cluster, args.workers, args.gpus_per_worker)
    with progress_bar(f"restoring {len(jobs)} photos") as update:
        summary = run_batch(
            jobs,
            settings,
            backend,
            max_failures=args.max_failures,
            on_ready=_ready,
            on_row=_reporter(update, len(jobs)),
            unreadable=unreadable,
        )
    _report(summary, args.output)
    return summary.exit_code


def _settings(args: argparse.Namespace) -> BatchSettings:
    from tratteggio.core.batch.proposals import detection_settings
    from tratteggio.core.batch.settings import BatchSettings

    detection: Detection | None = None
    if args.detect is not None:
        if not (args.detect_only or args.accept_unreviewed):
            raise RequestError(
                "detection only proposes: add --detect-only to write the proposals for review, "
                "or --accept-unreviewed to restore from them unreviewed"
            )
        sensitivity = 0.5 if args.sensitivity is None else args.sensitivity
        detection = detection_settings(args.detect, sensitivity, args.detector)
    else:
        options = ("detect_only", "accept_unreviewed", "sensitivity", "detector")
        given = [f for f in options if getattr(args, f) is not None and getattr(args, f) is not False]
        if given:
            raise RequestError(f"--{given[0].replace('_', '-')} needs --detect")
    return BatchSettings(
        request=request_from_args(args),
        out=str(args.output),
        masks_dir=str(args.masks) if args.masks else None,
        detection=detection,
        detect_only=args.detect_only,
        lossy=args.lossy,
        redo=args.redo,
        verify_outputs=args.verify_outputs,
        sign=str(args.sign) if args.sign else None,
        revive=args.revive,
    )


def _ready(workers: list[WorkerInfo], seconds: float) -> None:
    names = ", ".join(w.worker for w in workers[:4]) + (" ..." if len(workers) > 4 else "")
    print(f"{len(workers)} worker(s) ready in {seconds:.1f} s: {names}", file=sys.stderr)


def _reporter(update: Callable[..., None], total: int) -> Callable[[StatusRow], None]:
    from tratteggio.core.batch.worker import Outcome

    started, counted = time.perf_counter(), [0, 0]

    def on_row(row: StatusRow) -> None:
        counted[0] += 1
        counted[1] += row.outcome is Outcome.DONE
        rate = counted[1] / max(time.perf_counter() - started, 1e-9)
        update(counted[0], total, f"{rate:.2f} photos/s")
        if row.outcome is Outcome.FAILED:
            from tqdm import tqdm

            tqdm.write(f"tratteggio: failed: {_named(row)}", file=sys.stderr)

    return on_row


def _named(row: StatusRow) -> str:
    """The failure's message, led by the photo's name (once: load errors start with the file's)."""
    if row.message.startswith(Path(row.photo).name + ":"):
        return f"{Path(row.photo).parent / row.message}" if "/" in row.photo else row.message
    return f"{row.photo}: {row.message}"


def _report(summary: Summary, out: Path) -> None:
    from tratteggio.core.batch.jobs import BATCH_FOLDER
    from tratteggio.core.batch.worker import Outcome

    for name in summary.lost[:SHOWN]:
        print(f"tratteggio: lost: {name} (no status line and no record)", file=sys.stderr)
    if len(summary.lost) > SHOWN:
        print(f"tratteggio: ... and {len(summary.lost) - SHOWN} more lost", file=sys.stderr)
    for folder in summary.unreadable:
        print(f"tratteggio: unreadable: {folder}; its photos were not restored", file=sys.stderr)
    if summary.stopped:
        print(f"tratteggio: {summary.stopped}", file=sys.stderr)
    shown = [o for o in Outcome if summary.count(o) or o is not Outcome.NO_DAMAGE]
    counts = ", ".join(f"{summary.count(o)} {o}" for o in shown)
    rate = f" ({summary.photos_per_second:.2f} photos/s)" if summary.photos_per_second else ""
    lost = f"{len(summary.lost)} lost" + (
        f", {len(summary.unreadable)} folder(s) unreadable" * bool(summary.unreadable)
    )
    print(
        f"{summary.photos} photos: {counts}, {lost} in {summary.seconds:.1f} s{rate}; "
        f"see {out / BATCH_FOLDER / 'summary.json'}"
    )
