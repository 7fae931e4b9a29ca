"""The `tratteggio` command line: a thin layer over tratteggio.core."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from tratteggio import __version__
from tratteggio.cli_lab import LAB_COMMANDS, add_lab_parsers
from tratteggio.cli_models import add_models_parser, cmd_models
from tratteggio.core import (
    Mask,
    Photo,
    RestorationRequest,
    TratteggioError,
    load_mask,
    load_photo,
    restore,
    write_result,
)
from tratteggio.core.export import check_output
from tratteggio.core.layers import write_animation, write_png_sequence
from tratteggio.core.request import ENGINE_NAMES
from tratteggio.core.restore import StepPreview
from tratteggio.progress import ProgressBar

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tratteggio",
        description="Restore photographs of cultural artifacts and document every intervention.",
    )
    parser.add_argument("--version", action="version", version=f"tratteggio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_open(commands)
    _add_restore(commands)
    _add_rerun(commands)
    add_models_parser(commands)
    add_lab_parsers(commands)
    return parser


def _add_open(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "open",
        help="open the studio (also: tratteggio with no command)",
        description="Open the studio window, optionally with a photo and its damage mask.",
    )
    p.add_argument("photo", nargs="?", metavar="PHOTO", help="photo to open")
    p.add_argument("--mask", metavar="MASK", help="damage mask to load with it (the photo's size)")
    p.add_argument(
        "--snapshot",
        metavar="PNG",
        help="save a picture of the canvas once it has painted, then quit (for documentation and tests)",
    )


def _add_restore(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "restore",
        help="fill the damage marked by a mask",
        description="Fill the damage marked by MASK in PHOTO and write OUT with its conservation "
        "record (OUT.record.json), loss map (OUT.lossmap.png) and mask (OUT.mask.png).",
    )
    p.add_argument("photo", type=Path, metavar="PHOTO", help="the photo to restore (never modified)")
    p.add_argument(
        "--mask",
        type=Path,
        required=True,
        help="damage mask, the photo's size; any non-zero pixel is damage",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="restored photo; format from the extension (.png .tif .jpg .webp .bmp)",
    )
    p.add_argument(
        "--engine",
        default="hybrid",
        metavar="NAME",
        help=f"fill method: {', '.join(ENGINE_NAMES)} (default: hybrid, range-clipped biharmonic "
        "averaged with Telea: the best classical fill measured on thin cracks)",
    )
    p.add_argument(
        "--padding",
        type=int,
        default=32,
        metavar="PX",
        help="context pixels around each loss that the engine sees (default: 32)",
    )
    p.add_argument(
        "--blend",
        type=int,
        default=4,
        metavar="PX",
        help="width of the band outside the mask over which the fill fades into the "
        "photo; 0 = hard edge (default: 4)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="random seed; the same seed gives the same bytes (default: 0)",
    )
    _add_diffusion_options(p)
    _add_preview_options(p)


def _add_diffusion_options(p: argparse.ArgumentParser) -> None:
    d = p.add_argument_group("diffusion (--engine diffusion)")
    d.add_argument(
        "--model",
        metavar="M",
        help="hub model id, local diffusers folder, or .safetensors file (see `tratteggio models list`)",
    )
    d.add_argument(
        "--model-config",
        metavar="DIR",
        help="diffusers folder with the configs of a single-file .safetensors model",
    )
    d.add_argument(
        "--allow-pickle",
        action="store_true",
        help="allow .ckpt/.bin/.pt checkpoints, which "
        "can run arbitrary code when loaded: only for files you trust",
    )
    d.add_argument("--prompt", default="", metavar="P", help="what the restored area shows")
    d.add_argument("--negative-prompt", default="", metavar="P", help="what it must not show")
    d.add_argument("--steps", type=int, default=20, metavar="N", help="denoising steps (default: 20)")
    d.add_argument(
        "--guidance",
        type=float,
        default=7.5,
        metavar="G",
        help="classifier-free guidance scale (default: 7.5)",
    )
    d.add_argument(
        "--strength",
        type=float,
        default=1.0,
        metavar="S",
        help="how far from the original the fill may go, (0, 1] (default: 1.0)",
    )
    d.add_argument(
        "--scheduler",
        metavar="NAME",
        help="diffusers scheduler class, e.g. DDIMScheduler, EulerDiscreteScheduler (default: the model's)",
    )
    d.add_argument(
        "--device",
        default="auto",
        metavar="D",
        help="auto (cuda, then mps, then cpu), cuda, cuda:1, mps or cpu",
    )
    d.add_argument(
        "--dtype",
        default="auto",
        choices=["auto", "float32", "bfloat16", "float16"],
        help="auto: float16 on GPUs, bfloat16 on CPUs that support it, else float32",
    )
    d.add_argument(
        "--no-color-match",
        dest="color_match",
        action="store_false",
        help="do not match the fill's colour to the pixels around the loss",
    )
    d.add_argument(
        "--vae-tiling", action="store_true", help="decode in tiles: less memory for large contexts"
    )
    d.add_argument(
        "--cpu-offload",
        action="store_true",
        help="keep the model in CPU memory and move each part to the GPU only while it runs",
    )


def _add_preview_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--previews", type=Path, metavar="DIR", help="write every step as a numbered PNG (the layers of time)"
    )
    p.add_argument(
        "--previews-gif",
        type=Path,
        metavar="F",
        help="write the steps as an animated GIF (or WebP, from the extension)",
    )


def _add_rerun(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "rerun",
        help="reproduce a result from its conservation record",
        description="Run again the restoration described by RECORD (OUT.record.json) on the same "
        "master and mask, and write the result to OUT2. It matches the original bit for bit.",
    )
    p.add_argument("record", type=Path, metavar="RECORD", help="a NAME.record.json file")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT2",
        help="where to write the reproduced photo",
    )
    _add_preview_options(p)


def request_from_args(args: argparse.Namespace) -> RestorationRequest:
    return RestorationRequest(
        engine=args.engine,
        padding=args.padding,
        blend=args.blend,
        seed=args.seed,
        model=args.model,
        model_config=args.model_config,
        allow_pickle=args.allow_pickle,
        prompt=args.prompt,
        negative_prompt=args.negative_prompt,
        steps=args.steps,
        guidance=args.guidance,
        strength=args.strength,
        scheduler=args.scheduler,
        device=args.device,
        dtype=args.dtype,
        color_match=args.color_match,
        vae_tiling=args.vae_tiling,
        cpu_offload=args.cpu_offload,
    )


def cmd_restore(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    check_output(args.output, args.photo)
    photo = load_photo(args.photo)
    mask = load_mask(args.mask, photo.shape2d)
    return _run_and_write(photo, args.photo, mask, request, args.output, args)


def cmd_rerun(args: argparse.Namespace) -> int:
    from tratteggio.core.rerun import inputs_from_record

    photo, master, mask, request = inputs_from_record(args.record)
    check_output(args.output, master)
    return _run_and_write(photo, master, mask, request, args.output, args)


def _run_and_write(
    photo: Photo,
    master: Path,
    mask: Mask,
    request: RestorationRequest,
    output: Path,
    args: argparse.Namespace,
) -> int:
    bar = ProgressBar(f"restoring ({request.engine})")

    def on_step(step: StepPreview) -> None:
        bar.update(step.step + 1, step.total)

    try:
        result = restore(photo, mask, request, on_step=on_step)
    finally:
        bar.close()
    files = write_result(result, photo, mask, output, master)
    if args.previews:
        count = write_png_sequence(args.previews, photo.pixels, result.previews)
        print(f"wrote {count} layers to {args.previews}")
    if args.previews_gif:
        write_animation(args.previews_gif, photo.pixels, result.previews)
        print(f"wrote {args.previews_gif}")
    print(
        f"wrote {files['output']} ({result.seconds:.2f} s, "
        f"{result.effective_mask.pixel_count} pixels restored); record: {files['record'].name}"
    )
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    import os

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise TratteggioError(
            "no display to open the studio on (DISPLAY is not set); on a server, the commands work "
            "without one: see `tratteggio --help`"
        )
    from tratteggio.gui.app import run_studio  # Qt loads only for the studio

    return run_studio(
        getattr(args, "photo", None), getattr(args, "mask", None), getattr(args, "snapshot", None)
    )


def studio_main() -> int:
    """The `tratteggio-studio` gui-script (no console window on Windows)."""
    return main(["open", *sys.argv[1:2]])


COMMANDS = {
    "open": cmd_open,
    "restore": cmd_restore,
    "rerun": cmd_rerun,
    "models": cmd_models,
    **LAB_COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        args.command = "open"
    try:
        return COMMANDS[args.command](args)
    except TratteggioError as exc:
        print(f"tratteggio: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("tratteggio: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the last line of defence: log it, never dump a traceback on a user
        log = _write_crash_log()
        print(
            f"tratteggio: internal error: {type(exc).__name__}: {exc} (details in {log})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _write_crash_log() -> Path:
    import tempfile

    log = Path(tempfile.gettempdir()) / "tratteggio-crash.log"
    log.write_text(traceback.format_exc(), encoding="utf-8")
    return log
