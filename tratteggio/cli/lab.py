"""`tratteggio age | evaluate | detect`: the forward process, fidelity measurement, damage proposals."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.cli import detection
from tratteggio.cli.colorcheck import add_color_options, cmd_color_fidelity
from tratteggio.cli.options import progress_bar
from tratteggio.core.engine_catalog import CLASSICAL_ENGINES
from tratteggio.core.errors import RequestError

if TYPE_CHECKING:
    from tratteggio.core.geometry import Box
    from tratteggio.core.lab.aging import AgingRequest
    from tratteggio.core.photo import Photo


def add_parsers(commands: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    from tratteggio.core.lab.kinds import DETECT_KINDS

    a = commands.add_parser(
        "age",
        help="damage a photo synthetically, with its ground-truth mask",
        description="Layer seeded, realistic damage onto PHOTO (the forward process) and "
        "write the damaged photo and the mask of every pixel the damage changed.",
    )
    a.add_argument("photo", type=Path, metavar="PHOTO")
    a.add_argument("-o", "--output", type=Path, required=True, metavar="DAMAGED", help="the damaged photo")
    a.add_argument("--mask-out", type=Path, required=True, metavar="MASK", help="the ground-truth mask (PNG)")
    _aging_options(a)
    a.add_argument("--layers", type=Path, metavar="DIR", help="write the photo after each layer")
    e = commands.add_parser(
        "evaluate",
        help="age photos, restore them, and measure fidelity",
        description="Age each PHOTO, restore it with each engine using the true mask, and "
        "report PSNR, SSIM and MAE in the mask, whole-photo PSNR, pixels changed outside "
        "the effective mask and time.",
    )
    e.add_argument("photos", type=Path, nargs="+", metavar="PHOTO")
    e.add_argument(
        "--engines",
        default="hybrid,biharmonic,telea,navier-stokes",
        metavar="LIST",
        help=f"comma-separated: {', '.join(CLASSICAL_ENGINES)}, diffusion:MODEL",
    )
    _aging_options(e)
    e.add_argument(
        "--report", type=Path, metavar="DIR", help="write report.md/.csv/.json and contact-sheet.png"
    )
    add_color_options(e)
    d = commands.add_parser(
        "detect",
        help="propose a damage mask for review",
        description="Propose a mask of damage of one KIND (cracks and scratches: a line score of "
        "classical features and small trained perceptrons; losses: the support colour; dust: specks). The "
        "proposal is for review in the studio, never a fill.",
    )
    d.add_argument("photo", type=Path, metavar="PHOTO")
    d.add_argument("-o", "--output", type=Path, required=True, metavar="MASK", help="the proposed mask (PNG)")
    d.add_argument(
        "--kind", default="cracks", choices=DETECT_KINDS, help="damage to look for (default: cracks)"
    )
    d.add_argument(
        "--sensitivity", type=float, default=0.5, metavar="0..1", help="higher finds more (default 0.5)"
    )
    d.add_argument(
        "--max-width", type=int, default=4, metavar="PX", help="widest crack or scratch (default 4)"
    )
    d.add_argument(
        "--min-length",
        type=int,
        default=60,
        metavar="PX",
        help="shortest crack or scratch, smallest loss area (default 60)",
    )
    d.add_argument("--roi", metavar="x,y,w,h", help="only look inside this rectangle")
    d.add_argument(
        "--support", metavar="R,G,B", help="losses: the ground colour (0-255), estimated if omitted"
    )
    detection.add_teach_options(d)
    return {"age": cmd_age, "evaluate": cmd_evaluate, "detect": cmd_detect}


def _aging_options(p: argparse.ArgumentParser) -> None:
    from tratteggio.core.lab.kinds import AGING_KINDS, DEFAULT_AGING_KINDS

    p.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same bytes (default: 0)")
    p.add_argument(
        "--kinds",
        default=",".join(DEFAULT_AGING_KINDS),
        metavar="LIST",
        help=f"comma-separated damage kinds from {', '.join(AGING_KINDS)} "
        f"(default: {','.join(DEFAULT_AGING_KINDS)})",
    )
    p.add_argument(
        "--severity", type=float, default=0.5, metavar="0..1", help="how much damage (default 0.5)"
    )


def _aging(args: argparse.Namespace) -> AgingRequest:
    from tratteggio.core.lab.aging import AgingRequest

    return AgingRequest(
        kinds=tuple(k.strip() for k in args.kinds.split(",") if k.strip()),
        severity=args.severity,
        seed=args.seed,
    )


def _write_mask_check(path: Path) -> None:
    import numpy as np

    from tratteggio.core.io.saving import inexact_reason, output_format
    from tratteggio.core.photo import Photo

    reason = inexact_reason(Photo(np.zeros((1, 1), np.uint8)), output_format(path))
    if reason:
        raise RequestError(f"{path.name}: masks must be saved losslessly ({reason}); use .png or .tif")


def cmd_age(args: argparse.Namespace) -> int:
    from tratteggio.core.io.fileset import check_folder_target, check_targets, made_folder
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.io.saving import check_exact, output_format
    from tratteggio.core.lab.aging import age
    from tratteggio.core.mask import Mask
    from tratteggio.core.photo import Photo

    request = _aging(args)
    output_format(args.output)
    _write_mask_check(args.mask_out)
    check_targets([args.output, args.mask_out], [args.photo])
    if args.layers:
        check_folder_target(args.layers, "--layers")
    photo = load_photo(args.photo)
    check_exact(photo, args.output, lossy=False)
    aged = age(photo, request)
    files = [
        (args.output, Photo(aged.pixels, photo.icc_profile)),
        (args.mask_out, Photo(Mask(aged.mask).to_image())),
    ]
    if args.layers:
        files += [
            (args.layers / f"layer-{index:02d}-{kind}.png", Photo(pixels, photo.icc_profile))
            for index, (kind, pixels) in enumerate(aged.layers, start=1)
        ]
    with made_folder(args.layers) if args.layers else contextlib.nullcontext():
        _write_set(files, [args.photo])
    print(f"wrote {args.output} and {args.mask_out} ({aged.mask.mean() * 100:.2f}% damaged)")
    return 0


def _write_set(files: list[tuple[Path, Photo]], inputs: list[Path]) -> None:
    """Every file or none, each in the format its name says."""
    from tratteggio.core.io.fileset import FileSet
    from tratteggio.core.io.saving import output_format, write_photo

    with FileSet([target for target, _ in files], inputs) as staged:
        for target, photo in files:
            staged.write_with(target, partial(write_photo, photo, kind=output_format(target)))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tratteggio.core.io.fileset import made_folder
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.lab.evaluate import evaluate, markdown, parse_engines, write_report

    if args.color:
        if args.report is not None:
            check_report_folder(args.report, args.photos)
        return cmd_color_fidelity(args)
    engines = parse_engines(args.engines)
    aging = _aging(args)
    if args.report is not None:
        check_report_folder(args.report, args.photos)
    photos = [(display_name(path.stem), load_photo(path)) for path in args.photos]
    with progress_bar("evaluating") as update:
        rows, strips = evaluate(photos, engines, aging, progress=update)
    print(markdown(rows), end="")
    if args.report:
        with made_folder(args.report):
            write_report(args.report, rows, strips, aging, inputs=args.photos)
        print(f"wrote {args.report}/report.md, report.csv, report.json and contact-sheet.png")
    return 0


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) shown escaped."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def check_report_folder(folder: Path, inputs: list[Path]) -> None:
    from tratteggio.core.io.fileset import check_folder_target, check_targets

    check_folder_target(folder, "--report")
    if folder.is_dir():
        from tratteggio.core.lab.evaluate import REPORT_FILES

        check_targets([folder / name for name in REPORT_FILES], inputs)
        if not os.access(folder, os.W_OK):
            raise RequestError(f"{folder}: cannot write there (permission denied)")


def _numbers(text: str, count: int, what: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != count:
        raise RequestError(f"{what} must be {count} comma-separated integers, got '{text}'")
    return values


def parse_roi(text: str, width: int, height: int) -> Box:
    """`x,y,w,h` inside a photo of `width` x `height`; anything reaching outside is refused."""
    from tratteggio.core.geometry import Box

    x, y, w, h = _numbers(text, 4, "--roi")
    if w <= 0 or h <= 0:
        raise RequestError(f"--roi {text}: width and height must be positive")
    if x < 0 or y < 0 or x + w > width or y + h > height:
        raise RequestError(f"--roi {text} reaches outside the {width}x{height} photo")
    return Box(x, y, x + w, y + h)


def cmd_detect(args: argparse.Namespace) -> int:
    import numpy as np

    from tratteggio.core.io.fileset import FileSet, check_targets
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.io.saving import output_format, write_photo
    from tratteggio.core.lab.detect import DetectRequest, detect
    from tratteggio.core.photo import Photo

    support: tuple[float, float, float] | None = None
    if args.support:
        r, g, b = _numbers(args.support, 3, "--support")
        if not all(0 <= v <= 255 for v in (r, g, b)):
            raise RequestError(f"--support {args.support}: each value must be 0-255")
        support = (r / 255.0, g / 255.0, b / 255.0)
    request = DetectRequest(
        kind=args.kind,
        sensitivity=args.sensitivity,
        max_width=args.max_width,
        min_length=args.min_length,
        support=support,
        straight=args.straight_lines,
    )
    _write_mask_check(args.output)
    targets = [args.output, *detection.teach_targets(args)]
    inputs = [p for p in (args.photo, args.examples, args.detector) if p is not None]
    check_targets(targets, inputs)
    photo = load_photo(args.photo)
    if args.roi:
        request = dataclasses.replace(request, roi=parse_roi(args.roi, photo.width, photo.height))
    taught = None
    with progress_bar(f"looking for {args.kind}") as update:
        if args.examples or args.detector:
            found, taught = detection.propose(photo, request, args, update)
        else:
            found = detect(photo.pixels, request, on_progress=update)
    with FileSet(targets, inputs) as files:
        mask = Photo(found.astype(np.uint8) * 255)
        files.write_with(args.output, partial(write_photo, mask, kind=output_format(args.output)))
        if taught is not None and args.save_detector:
            files.write_with(args.save_detector, taught.write)
    saved = (
        f" and the taught detector {args.save_detector}" if taught is not None and args.save_detector else ""
    )
    print(
        f"wrote {args.output}{saved}: {found.mean() * 100:.2f}% of pixels proposed as {args.kind}; "
        "review it in the studio" + nothing_found_hint(args.kind, bool(found.any()), args.support)
    )
    return 0


def nothing_found_hint(kind: str, found: bool, support: str | None) -> str:
    """What to try when a losses search found nothing: the ground colour is the whole search."""
    if found or kind != "losses":
        return ""
    if support:
        return (
            f"\nno loss has the ground colour {support}: give the colour a loss shows (sample it "
            "inside one) with --support R,G,B, or use Pick from a loss… in the studio's Detect tab"
        )
    return (
        "\nno loss matched the estimated ground colour: give the colour the losses show (plaster, "
        "paper) with --support R,G,B, or use Pick from a loss… in the studio's Detect tab"
    )
