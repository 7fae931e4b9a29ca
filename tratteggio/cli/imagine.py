"""`tratteggio imagine`: a picture created from noise by a diffusion model, every step a layer."""

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
    add_sign_option(p)
    return {"imagine": cmd_imagine}


def cmd_imagine(args: argparse.Namespace) -> int:
    from tratteggio.cli.restore import previews_from_args, running, say_previews
    from tratteggio.core.pipeline.imagine import parse_size
    from tratteggio.core.tasks.create import imagine_file

    request = request_from_args(args, engine=DIFFUSION_ENGINE, prompt=args.prompt)
    size = parse_size(args.size) if args.size else None
    done = imagine_file(
        args.output,
        request,
        size,
        signer=signer_path(args),
        previews=previews_from_args(args),
        running=running(args, "creating"),
    )
    say_previews(args, done.previews)
    (width, height), creation = done.creation.size, done.creation
    record = done.files["record"].name
    print(f"wrote {done.files['output']} ({width}x{height}, {creation.seconds:.2f} s); record: {record}")
    return 0
