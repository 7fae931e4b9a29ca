"""`tratteggio extend`: a larger canvas whose new area a diffusion model paints (outpainting)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tratteggio.cli.options import (
    MODEL_TITLES,
    add_preview_options,
    add_request_options,
    progress_bar,
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
    add_request_options(p, skip=("engine", "blend"), titles=MODEL_TITLES, required=("model",))
    add_preview_options(p)
    return {"extend": cmd_extend}


def cmd_extend(args: argparse.Namespace) -> int:
    from tratteggio.cli.restore import (
        check_previews,
        check_sequence,
        preview_files,
        previews_folder,
        say_previews,
    )
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.pipeline.extend import Margins, extend
    from tratteggio.core.record.entries import Extended
    from tratteggio.core.record.writer import check_output, write_documented

    request = request_from_args(args, engine=DIFFUSION_ENGINE)
    margins = Margins(args.left, args.top, args.right, args.bottom)
    inputs = [args.photo]
    previews = check_previews(args, inputs)
    photo = load_photo(args.photo)
    check_sequence(args, check_output(args.output, photo, [*inputs, *previews], lossy=args.lossy), inputs)
    with progress_bar("extending") as update:
        extension = extend(photo, margins, request, on_step=lambda s: update(s.step + 1, s.total))
    result = extension.result
    with previews_folder(args):
        files = write_documented(
            args.output,
            extension.pixels,
            photo,
            args.photo,
            [Extended(1, extension)],
            inputs=inputs,
            lossy=args.lossy,
            extras=preview_files(args, result.source, result.previews),
        )
    say_previews(args, len(result.previews))
    width, height = margins.canvas(photo.width, photo.height)
    print(
        f"wrote {files['output']} ({width}x{height}, {extension.created.pixel_count} pixels created, "
        f"{result.seconds:.2f} s); record: {files['record'].name}"
    )
    return 0
