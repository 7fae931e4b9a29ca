"""Teaching the line detector from the command line: `detect --examples / --detector / --save-detector`
and `tratteggio evaluate-detector` (proposals against human labels, before and after simulated marks)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.errors import RequestError

if TYPE_CHECKING:
    import numpy as np

    from tratteggio.core.lab.detect import DetectRequest
    from tratteggio.core.lab.detector import LineDetector
    from tratteggio.core.photo import Photo

EXAMPLES_HELP = (
    "teach by example (cracks, scratches): an image the photo's size, white = damage, mid-grey (128) = "
    "not damage, black = no opinion"
)
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")


def add_teach_options(d: argparse.ArgumentParser) -> None:
    d.add_argument(
        "--straight-lines",
        action="store_true",
        help="cracks: also propose straight dark lines (dropped by default as board joints, ruled lines)",
    )
    d.add_argument("--examples", type=Path, metavar="MARKS.png", help=EXAMPLES_HELP)
    d.add_argument(
        "--detector", type=Path, metavar="D.npz", help="score with a detector taught before (--save-detector)"
    )
    d.add_argument(
        "--save-detector",
        type=Path,
        metavar="D.npz",
        help="write the detector as taught by --examples (on top of --detector), to reuse on other photos",
    )


def teach_targets(args: argparse.Namespace) -> list[Path]:
    """Check the teaching options before any work; the files `detect` will write besides the mask."""
    from tratteggio.core.lab.kinds import LINE_KINDS

    teaching = args.examples or args.detector or args.save_detector
    if teaching and args.kind not in LINE_KINDS:
        raise RequestError(
            f"--examples, --detector and --save-detector teach cracks and scratches, not {args.kind}"
        )
    if args.save_detector and not args.examples:
        raise RequestError("--save-detector needs --examples: nothing was taught")
    if args.save_detector and args.save_detector.suffix.lower() != ".npz":
        raise RequestError(f"{args.save_detector}: a detector file ends in .npz")
    return [args.save_detector] if args.save_detector else []


def read_examples(path: Path, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(damage, not damage) from a marks image: white = damage, mid-grey = not damage, black = none."""
    import numpy as np

    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.photo import color_view, dtype_max

    marks = load_photo(path)
    if marks.shape2d != shape:
        height, width = shape
        raise RequestError(
            f"{path.name}: the examples are {marks.width}x{marks.height}, the photo {width}x{height}"
        )
    color = color_view(marks.pixels).astype(np.float32) / dtype_max(marks.pixels.dtype)
    grey = color if color.ndim == 2 else color.mean(axis=2)
    damage, clean = grey >= 0.75, (grey >= 0.25) & (grey < 0.75)
    if not damage.any() and not clean.any():
        raise RequestError(f"{path.name}: no examples in it (white = damage, mid-grey 128 = not damage)")
    return damage, clean


def propose(
    photo: Photo, request: DetectRequest, args: argparse.Namespace, on_progress: Callable[..., None]
) -> tuple[np.ndarray, LineDetector | None]:
    """The proposal for `detect` with teaching options, and the detector to save (if asked)."""
    import numpy as np

    from tratteggio.core.lab.detect import line_scale, propose_taught, search_lines
    from tratteggio.core.lab.detector import load_detector

    detector = load_detector(args.detector) if args.detector else None
    if detector is not None and detector.kind != request.kind:
        raise RequestError(f"{args.detector.name} was taught {detector.kind}; use --kind {detector.kind}")
    examples = read_examples(args.examples, photo.shape2d) if args.examples else None
    box = request.roi
    pixels = photo.pixels if box is None else photo.pixels[box.slices]
    search = search_lines(pixels, request.kind, on_progress, line_scale(request.max_width), detector)
    head, damage, clean = None, None, None
    if examples is not None:
        damage, clean = (m if box is None else m[box.slices] for m in examples)
        head = search.teach(damage, clean)
    found = propose_taught(search, request, head, damage, clean)
    out = np.zeros(photo.shape2d, bool)
    out[box.slices if box is not None else ...] = found
    return out, search.detector.taught_with(head) if head is not None else None


def add_parsers(commands: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    from tratteggio.core.lab.kinds import LINE_KINDS

    e = commands.add_parser(
        "evaluate-detector",
        help="score line proposals against labels, before and after simulated teaching marks",
        description="Propose cracks (or scratches) on every photo of IMAGES and score them against the "
        "label image of the same name in LABELS (white = damage; any other non-zero grey = a look-alike "
        "that is not damage, whose flagged share is reported), with a pixel tolerance. Then simulate a "
        "user teaching: each round adds one damage stroke along the longest missed labelled stretch and "
        "one not-damage stroke over the largest false part, and the detector refits.",
    )
    e.add_argument("images", type=Path, metavar="IMAGES", help="a folder of photos")
    e.add_argument("labels", type=Path, metavar="LABELS", help="a folder of label images (same names)")
    e.add_argument(
        "--marks", default="0,1,3,5", metavar="LIST", help="rounds of marks per photo (default 0,1,3,5)"
    )
    e.add_argument(
        "--kind", default="cracks", choices=LINE_KINDS, help="damage to look for (default: cracks)"
    )
    e.add_argument("--tolerance", type=int, default=2, metavar="PX", help="pixel tolerance (default 2)")
    e.add_argument("--sensitivity", type=float, default=0.5, metavar="0..1", help="default 0.5")
    e.add_argument("--max-width", type=int, default=4, metavar="PX", help="widest line (default 4)")
    e.add_argument("--min-length", type=int, default=60, metavar="PX", help="shortest line (default 60)")
    e.add_argument("--detector", type=Path, metavar="D.npz", help="start from a taught detector")
    e.add_argument("--report", type=Path, metavar="FILE.json", help="also write the figures as JSON")
    return {"evaluate-detector": cmd_evaluate_detector}


def _rounds(text: str) -> tuple[int, ...]:
    try:
        rounds = tuple(sorted({int(v) for v in text.split(",") if v.strip()}))
    except ValueError:
        rounds = ()
    if not rounds or rounds[0] < 0 or rounds[-1] > 50:
        raise RequestError(f"--marks must list rounds between 0 and 50, got '{text}'")
    return rounds


def labelled_pairs(images: Path, labels: Path) -> list[tuple[Path, Path]]:
    for folder, what in ((images, "IMAGES"), (labels, "LABELS")):
        if not folder.is_dir():
            raise RequestError(f"{folder}: {what} must be a folder")
    by_stem = {p.stem: p for p in labels.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES}
    photos = sorted(p for p in images.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    pairs = [(p, by_stem[p.stem]) for p in photos if p.stem in by_stem]
    if not pairs:
        raise RequestError(f"no photo in {images} has a label image of the same name in {labels}")
    return pairs


def cmd_evaluate_detector(args: argparse.Namespace) -> int:
    from tratteggio.cli.options import progress_bar
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.lab.detect import DetectRequest, line_scale, search_lines
    from tratteggio.core.lab.detector import load_detector
    from tratteggio.core.lab.marksim import Tally, simulate, split_labels, tally
    from tratteggio.core.photo import color_view

    rounds = _rounds(args.marks)
    request = DetectRequest(
        kind=args.kind, sensitivity=args.sensitivity, max_width=args.max_width, min_length=args.min_length
    )
    if args.tolerance < 0:
        raise RequestError("--tolerance must be 0 or more")
    detector = load_detector(args.detector) if args.detector else None
    pairs = labelled_pairs(args.images, args.labels)
    totals = {k: Tally() for k in rounds}
    started = time.perf_counter()
    with progress_bar("evaluating") as update:
        for index, (photo_path, label_path) in enumerate(pairs):
            photo, labels = load_photo(photo_path), load_photo(label_path)
            if labels.shape2d != photo.shape2d:
                raise RequestError(f"{label_path.name}: the labels are not the size of {photo_path.name}")
            truth, lookalike = split_labels(color_view(labels.pixels))
            search = search_lines(photo.pixels, args.kind, None, line_scale(args.max_width), detector)
            for k, result in simulate(search, truth, request, rounds, args.tolerance).items():
                totals[k] = totals[k] + tally(result.proposal, truth, lookalike, args.tolerance)
            update(index + 1, len(pairs))
    seconds = (time.perf_counter() - started) / len(pairs)
    print(report_table(totals, len(pairs), args.tolerance, seconds), end="")
    if args.report:
        _write_report(args.report, totals, len(pairs), args.tolerance)
    return 0


def report_table(totals: dict, photos: int, tolerance: int, seconds: float) -> str:
    lines = [
        f"{photos} photos, {tolerance} px tolerance, pooled over pixels; {seconds:.2f} s per photo\n",
        "| marks per photo | precision | recall | F1 | look-alike pixels flagged |",
        "|---|---|---|---|---|",
    ]
    for k, t in totals.items():
        lines.append(
            f"| {k} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | {t.lookalike_share * 100:.2f}% |"
        )
    return "\n".join(lines) + "\n"


def _write_report(path: Path, totals: dict, photos: int, tolerance: int) -> None:
    from tratteggio.core.io.atomic import write_bytes_atomic

    rows = [
        {
            "marks": k,
            "precision": t.precision,
            "recall": t.recall,
            "f1": t.f1,
            "lookalike_flagged": t.lookalike_share,
            "counts": dict(
                zip(
                    (
                        "found_near_truth",
                        "found",
                        "truth_near_found",
                        "truth",
                        "lookalike_found",
                        "lookalike",
                    ),
                    t.counts(),
                    strict=True,
                )
            ),
        }
        for k, t in totals.items()
    ]
    text = json.dumps({"photos": photos, "tolerance": tolerance, "rounds": rows}, indent=2)
    write_bytes_atomic(path, text.encode())
    print(f"wrote {path}")
