"""`tratteggio restore | rerun | verify`: fill damage with its documentation, reproduce it, check it."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.cli.credentials import add_sign_option, add_trust_option, identity_from_args, verify_photo
from tratteggio.cli.messages import warn
from tratteggio.cli.options import add_preview_options, add_request_options, progress_bar, request_from_args
from tratteggio.cli.serve import add_remote_options, remote_from_args
from tratteggio.core.errors import TratteggioError

if TYPE_CHECKING:
    import numpy as np

    from tratteggio.core.photo import Photo
    from tratteggio.core.pipeline.layers import Writer
    from tratteggio.core.pipeline.restore import StepPreview
    from tratteggio.core.record.writer import Plan

Command = Callable[[argparse.Namespace], int]
EXIT_DIFFERS = 3  # `rerun` wrote its result, and it is not the one the record names


def created_like() -> Photo:
    """What a picture created from noise is stored as."""
    import numpy as np

    from tratteggio.core.photo import Photo

    return Photo(np.zeros((1, 1, 3), np.uint8))


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "restore",
        help="fill the damage marked by a mask",
        description="Fill the damage marked by MASK in PHOTO and write OUT with its conservation "
        "record (OUT.record.json), loss map (OUT.lossmap.png) and mask (OUT.mask.png).",
    )
    p.add_argument("photo", type=Path, metavar="PHOTO", help="the photo to restore (never modified)")
    p.add_argument(
        "--mask", type=Path, required=True, help="damage mask, the photo's size; any non-zero pixel is damage"
    )
    _add_output(p, "OUT", "restored photo; format from the extension (.png .tif .jpg .webp .bmp)")
    add_request_options(p)
    add_preview_options(p)
    add_remote_options(p)
    r = sub.add_parser(
        "rerun",
        help="reproduce a result from its conservation record",
        description="Run again every intervention described by RECORD (OUT.record.json) on the same "
        "master and masks (checked against their hashes), and write the result to OUT2. It matches "
        f"the original bit for bit: exit 0; when it does not, it says DIFFERS and exits {EXIT_DIFFERS}.",
    )
    r.add_argument("record", type=Path, metavar="RECORD", help="a NAME.record.json file")
    _add_output(r, "OUT2", "where to write the reproduced photo")
    r.add_argument(
        "--allow-pickle",
        action="store_true",
        help="allow pickle checkpoints the record names (a record never grants this by itself)",
    )
    add_preview_options(r)
    add_remote_options(r)
    v = sub.add_parser(
        "verify",
        help="check that the files beside a record are the ones it names, or a photo's credentials",
        description="Compare the output, loss map and masks beside RECORD with the hashes it names; "
        "given a photo instead, read its Content Credentials: valid or not, who signed, what was done, "
        "whether its pixels still match the record inside. Exit 0 when all agree, 2 when a file is "
        "missing or differs (a torn or edited set) or the credentials are missing or invalid.",
    )
    v.add_argument("record", type=Path, metavar="RECORD|PHOTO")
    add_trust_option(v)
    return {"restore": cmd_restore, "rerun": cmd_rerun, "verify": cmd_verify}


def _add_output(p: argparse.ArgumentParser, metavar: str, text: str) -> None:
    p.add_argument("-o", "--output", type=Path, required=True, metavar=metavar, help=text)
    p.add_argument(
        "--lossy",
        action="store_true",
        help="accept an output format that cannot hold the master exactly (JPEG, or fewer bits); "
        "the record then says pixels outside the restored area may differ",
    )
    add_sign_option(p)


def cmd_restore(args: argparse.Namespace) -> int:
    from tratteggio.core.io.loading import load_mask, load_photo
    from tratteggio.core.pipeline.restore import restore
    from tratteggio.core.record.writer import Fill, check_output, write_documented

    request = request_from_args(args)
    inputs = [args.photo, args.mask]
    extras = check_previews(args, inputs)
    signer = identity_from_args(args)
    photo = load_photo(args.photo)
    planned = check_output(args.output, photo, [*inputs, *extras], lossy=args.lossy, signer=signer)
    check_sequence(args, planned, inputs)
    mask = load_mask(args.mask, photo.shape2d, on_warning=warn)
    with remote_from_args(args) as engines, progress_bar(f"restoring ({request.engine})") as update:
        result = restore(photo, mask, request, on_step=_stepper(update), engines=engines)
    with previews_folder(args):
        files = write_documented(
            args.output,
            result.pixels,
            photo,
            args.photo,
            [Fill(1, result, mask)],
            inputs=inputs,
            lossy=args.lossy,
            extras=preview_files(args, photo.pixels, result.previews),
            signer=signer,
        )
    say_previews(args, len(result.previews))
    print(
        f"wrote {files['output']} ({result.seconds:.2f} s, "
        f"{result.effective_mask.pixel_count} pixels restored); record: {files['record'].name}"
    )
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from tratteggio.core.record.rerun import load_replay, master_photo, replay
    from tratteggio.core.record.schema import read_record
    from tratteggio.core.record.writer import Fill, check_output, write_documented

    job = load_replay(args.record, allow_pickle=args.allow_pickle)
    extras = check_previews(args, job.inputs)
    signer = identity_from_args(args)
    planned = check_output(
        args.output,
        job.photo or created_like(),
        [*job.inputs, *extras],
        fills=job.mask_files,
        has_master_file=job.master is not None or job.photo is None,
        lossy=args.lossy,
        signer=signer,
    )
    check_sequence(args, planned, job.inputs)
    with remote_from_args(args) as engines, progress_bar("rerunning") as update:
        pixels, fills = replay(job, on_step=_stepper(update), engines=engines)
    master = master_photo(job, fills)
    results = [f.result for f in fills if isinstance(f, Fill)]
    with previews_folder(args):
        files = write_documented(
            args.output,
            pixels,
            master,
            job.master,
            fills,
            inputs=job.inputs,
            lossy=args.lossy,
            extras=preview_files(args, master.pixels, [p for r in results for p in r.previews]),
            signer=signer,
        )
    say_previews(args, sum(len(r.previews) for r in results))
    same = read_record(files["record"]).output.sha256 == job.record.output.sha256  # unsigned bytes
    print(f"wrote {files['output']}: {'identical to' if same else 'DIFFERS from'} {job.record.output.file}")
    return 0 if same else EXIT_DIFFERS


def cmd_verify(args: argparse.Namespace) -> int:
    from tratteggio.core.record.rerun import verify_set

    if not args.record.name.lower().endswith(".json"):
        return verify_photo(args.record, args.trust)
    problems = verify_set(args.record)
    if problems:
        raise TratteggioError(f"{args.record.name}: " + "; ".join(problems))
    print(f"{args.record.name}: every file is the one the record names")
    return 0


def _stepper(update: Callable[..., None]) -> Callable[[StepPreview], None]:
    return lambda step: update(step.step + 1, step.total)


def check_previews(args: argparse.Namespace, inputs: Sequence[Path]) -> list[Path]:
    """Check --previews and --previews-gif before any work; return the files known now."""
    from tratteggio.core.io.fileset import check_folder_target, check_targets
    from tratteggio.core.pipeline.layers import ANIMATION_SUFFIXES

    targets = []
    if args.previews_gif:
        if args.previews_gif.suffix.lower() not in ANIMATION_SUFFIXES:
            raise TratteggioError(f"{args.previews_gif.name}: --previews-gif writes a .gif or a .webp file")
        targets.append(args.previews_gif)
    if args.previews:
        check_folder_target(args.previews, "--previews")
    check_targets(targets, inputs)
    return targets


def check_sequence(args: argparse.Namespace, files: Plan, inputs: Sequence[Path]) -> None:
    """Before any work: no input is already in --previews under a step's name, no other output
    of the set would be one."""
    from tratteggio.core.io.fileset import check_named_in_folder
    from tratteggio.core.pipeline.layers import is_sequence_name

    if args.previews:
        check_named_in_folder(args.previews, is_sequence_name, inputs, files.targets(), "--previews")


def previews_folder(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    from tratteggio.core.io.fileset import made_folder

    return made_folder(args.previews) if args.previews else contextlib.nullcontext()


def preview_files(
    args: argparse.Namespace, source: np.ndarray, previews: Sequence[StepPreview]
) -> list[tuple[Path, Writer]]:
    """The files of --previews and --previews-gif, to be written inside the documented set."""
    from tratteggio.core.pipeline.layers import animation_writer, sequence_writers

    files = sequence_writers(args.previews, source, previews) if args.previews else []
    if args.previews_gif:
        files.append((args.previews_gif, animation_writer(args.previews_gif, source, previews)))
    return files


def say_previews(args: argparse.Namespace, steps: int) -> None:
    if args.previews:
        print(f"wrote {steps + 1} layers to {args.previews}")
    if args.previews_gif:
        print(f"wrote {args.previews_gif}")
