"""The `tratteggio` command line: a thin layer over tratteggio.core."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from tratteggio import __version__
from tratteggio.core import (
    RestorationRequest,
    TratteggioError,
    load_mask,
    load_photo,
    restore,
    write_result,
)
from tratteggio.core.export import check_output
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_restore(commands)
    _add_rerun(commands)
    return parser


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
        default="biharmonic",
        metavar="NAME",
        help=f"fill method: {', '.join(ENGINE_NAMES)} (default: biharmonic, the best "
        "classical fill for thin cracks)",
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


def request_from_args(args: argparse.Namespace) -> RestorationRequest:
    return RestorationRequest(engine=args.engine, padding=args.padding, blend=args.blend, seed=args.seed)


def cmd_restore(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    check_output(args.output, args.photo)
    photo = load_photo(args.photo)
    mask = load_mask(args.mask, photo.shape2d)
    return _run_and_write(photo, args.photo, mask, request, args.output)


def cmd_rerun(args: argparse.Namespace) -> int:
    from tratteggio.core.rerun import inputs_from_record

    photo, master, mask, request = inputs_from_record(args.record)
    check_output(args.output, master)
    return _run_and_write(photo, master, mask, request, args.output)


def _run_and_write(photo, master: Path, mask, request: RestorationRequest, output: Path) -> int:  # type: ignore[no-untyped-def]
    bar = ProgressBar(f"restoring ({request.engine})")

    def on_step(step: StepPreview) -> None:
        bar.update(step.step + 1, step.total)

    try:
        result = restore(photo, mask, request, on_step=on_step)
    finally:
        bar.close()
    files = write_result(result, photo, mask, output, master)
    print(
        f"wrote {files['output']} ({result.seconds:.2f} s, "
        f"{result.effective_mask.pixel_count} pixels restored); record: {files['record'].name}"
    )
    return EXIT_OK


COMMANDS = {"restore": cmd_restore, "rerun": cmd_rerun}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
