"""`tratteggio imagine`: a picture created from noise by a diffusion model, every step a layer."""

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
NOT_FOR_CREATION = ("engine", "prompt", "strength", "padding", "blend", "color_match")


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "imagine",
        help="create a picture from noise with a diffusion model",
        description="Create a picture of PROMPT from noise with a diffusion model (an inpainting "
        "checkpoint given a blank, fully masked canvas: every model in the catalog serves). The "
        "record says trainedAlgorithmicMedia, with the prompt, model and seed; the same seed gives "
        "the same bytes.",
    )
    p.add_argument("prompt", metavar="PROMPT", help="what the picture shows")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the created picture")
    p.add_argument("--size", metavar="WxH", help="width x height in pixels (default: the model's own size)")
    add_request_options(p, skip=NOT_FOR_CREATION, titles=MODEL_TITLES, required=("model",))
    add_preview_options(p)
    return {"imagine": cmd_imagine}


def cmd_imagine(args: argparse.Namespace) -> int:
    from tratteggio.cli.restore import (
        check_previews,
        check_sequence,
        created_like,
        preview_files,
        previews_folder,
        say_previews,
    )
    from tratteggio.core.pipeline.imagine import imagine, parse_size
    from tratteggio.core.record.entries import Created
    from tratteggio.core.record.writer import check_output, write_documented

    request = request_from_args(args, engine=DIFFUSION_ENGINE, prompt=args.prompt)
    size = parse_size(args.size) if args.size else None
    previews = check_previews(args, [])
    files = check_output(args.output, created_like(), previews, fills=0, has_master_file=True)
    check_sequence(args, files, [])
    with progress_bar("creating") as update:
        creation = imagine(request, size, on_step=lambda s: update(s.step + 1, s.total))
    with previews_folder(args):
        written = write_documented(
            args.output,
            creation.pixels,
            creation.photo,
            None,
            [Created(1, creation)],
            extras=preview_files(args, creation.noise, creation.previews),
        )
    say_previews(args, len(creation.previews))
    width, height = creation.size
    record = written["record"].name
    print(f"wrote {written['output']} ({width}x{height}, {creation.seconds:.2f} s); record: {record}")
    return 0
