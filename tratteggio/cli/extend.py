"""`tratteggio extend`: a larger canvas whose new area a diffusion model paints (outpainting)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tratteggio.cli.credentials import add_sign_option, signer_path
from tratteggio.cli.options import (
    MODEL_TITLES,
    add_preview_options,
    add_request_options,
    request_from_args,
)
from tratteggio.core.request import DIFFUSION_ENGINE

Command = Callable[[argparse.Namespace], int]


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "extend",
        help="extend the picture beyond its edges (outpainting)",
        description="Put PHOTO on a larger canvas and let a diffusion inpainting model paint the new "
        "area, with the original as context. The original pixels stay bit-identical at their own "
        "bit depth; the record marks the created area (IPTC compositeWithTrainedAlgorithmicMedia).",
    )
    p.add_argument("photo", type=Path, metavar="PHOTO", help="the photo to extend (never modified)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the extended picture")
    for side in ("left", "right", "top", "bottom"):
        p.add_argument(f"--{side}", type=int, default=0, metavar="PX", help=f"pixels to add on the {side}")
    p.add_argument("--lossy", action="store_true", help="accept an output format that loses bits (JPEG)")
    add_sign_option(p)
    add_request_options(p, skip=("engine", "blend"), titles=MODEL_TITLES, required=("model",))
    add_preview_options(p)
    return {"extend": cmd_extend}


def cmd_extend(args: argparse.Namespace) -> int:
    from tratteggio.cli.restore import previews_from_args, running, say_previews
    from tratteggio.core.pipeline.extend import Margins
    from tratteggio.core.tasks.create import extend_file

    request = request_from_args(args, engine=DIFFUSION_ENGINE)
    margins = Margins(args.left, args.top, args.right, args.bottom)
    done = extend_file(
        args.photo,
        args.output,
        margins,
        request,
        lossy=args.lossy,
        signer=signer_path(args),
        previews=previews_from_args(args),
        running=running(args, "extending"),
    )
    say_previews(args, done.previews)
    width, height = done.canvas
    print(
        f"wrote {done.files['output']} ({width}x{height}, {done.extension.created.pixel_count} pixels "
        f"created, {done.extension.result.seconds:.2f} s); record: {done.files['record'].name}"
    )
    return 0
