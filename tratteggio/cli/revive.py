"""`tratteggio revive`: undo fading with one global, monotone, invertible colour transform."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.cli.credentials import add_sign_option, signer_path
from tratteggio.core.errors import RequestError

if TYPE_CHECKING:
    from tratteggio.core.color.estimate import Estimate, ReviveRequest

Command = Callable[[argparse.Namespace], int]


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "revive",
        help="revive faded colours (a global, documented colour transform)",
        description="Estimate how PHOTO faded (a colour cast from yellowed varnish or paper, a dye "
        "that faded faster than the others, lifted blacks, lost saturation) and invert it with one "
        "smooth, monotone, invertible colour transform, applied at the photo's bit depth (alpha "
        "untouched). OUT is written with its record (the transform's parameters: `tratteggio "
        "rerun` reproduces it), a loss map (the whole photo: the change is global) and a mask.",
    )
    p.add_argument("photo", type=Path, metavar="PHOTO", help="the faded photo (never modified)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the revived photo")
    ref = p.add_mutually_exclusive_group()
    ref.add_argument("--auto", action="store_true", help="estimate from the photo alone (the default)")
    ref.add_argument("--neutral", metavar="X,Y", help="a pixel you know was gray (a neutral reference)")
    ref.add_argument(
        "--white", metavar="X,Y,W,H", help="a region you know was white (a margin, a label, a chart patch)"
    )
    ref.add_argument(
        "--chart",
        action="store_true",
        help="calibrate from an X-Rite ColorChecker Classic 24 in the frame: fit the transform to its "
        "published patch colours, print and record per-patch ΔE00 before and after",
    )
    p.add_argument(
        "--strength", type=float, default=1.0, metavar="0..1", help="how much of the correction (default 1)"
    )
    p.add_argument(
        "--preview",
        action="store_true",
        help="only print the transform and write OUT's NAME.preview.png (before | after, at most "
        "1024 px); nothing else is written",
    )
    p.add_argument(
        "--lossy",
        action="store_true",
        help="accept an output format that cannot hold the master exactly (JPEG, or fewer bits)",
    )
    add_sign_option(p)
    return {"revive": cmd_revive}


def revive_request(args: argparse.Namespace) -> ReviveRequest:
    from tratteggio.core.color.estimate import ReviveRequest
    from tratteggio.core.geometry import Box

    if args.neutral:
        x, y = _ints(args.neutral, 2, "--neutral")
        return ReviveRequest("neutral", point=(x, y), strength=args.strength)
    if args.white:
        x, y, w, h = _ints(args.white, 4, "--white")
        if w <= 0 or h <= 0:
            raise RequestError(f"--white {args.white}: width and height must be positive")
        return ReviveRequest("white", box=Box(x, y, x + w, y + h), strength=args.strength)
    if args.chart:
        return ReviveRequest("chart", strength=args.strength)
    return ReviveRequest("auto", strength=args.strength)


def _ints(text: str, count: int, flag: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != count:
        raise RequestError(f"{flag} must be {count} comma-separated integers, got '{text}'")
    return values


def cmd_revive(args: argparse.Namespace) -> int:
    from tratteggio.core.tasks.revive import revive_file

    request = revive_request(args)

    def say(found: Estimate) -> None:
        print(found.transform.describe())
        if found.score is not None:
            print(found.score.describe())
        elif request.reference == "auto":
            print(f"estimate: {found.describe()}")

    done = revive_file(
        args.photo,
        args.output,
        request,
        lossy=args.lossy,
        preview_only=args.preview,
        signer=signer_path(args),
        on_estimate=say,
    )
    if args.preview:
        print(f"wrote {done.files['preview']} (before | after); nothing else was written")
        return 0
    print(f"wrote {done.files['output']}; record: {done.files['record'].name}")
    return 0
