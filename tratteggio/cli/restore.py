"""`tratteggio restore | rerun | verify`: fill damage with its documentation, reproduce it, check it."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.cli.credentials import add_sign_option, add_trust_option, signer_path, verify_photo
from tratteggio.cli.messages import warn
from tratteggio.cli.options import add_preview_options, add_request_options, progress_bar, request_from_args
from tratteggio.cli.serve import add_remote_options, remote_from_args
from tratteggio.core.errors import TratteggioError

if TYPE_CHECKING:
    from tratteggio.core.tasks.common import Previews, Running

Command = Callable[[argparse.Namespace], int]
EXIT_DIFFERS = 3  # `rerun` wrote its result, and it is not the one the record names


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
    from tratteggio.core.tasks.restore import RestoreOptions, restore_file

    request = request_from_args(args)
    options = RestoreOptions(
        lossy=args.lossy, signer=signer_path(args), previews=previews_from_args(args), on_warning=warn
    )
    label = f"restoring ({request.engine})"
    done = restore_file(args.photo, args.mask, args.output, request, options, running=running(args, label))
    assert done is not None  # only a batch's proposed mask may be clean
    say_previews(args, done.previews)
    files, result = done.files, done.result
    print(
        f"wrote {files['output']} ({result.seconds:.2f} s, "
        f"{result.effective_mask.pixel_count} pixels restored); record: {files['record'].name}"
    )
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from tratteggio.core.tasks.restore import rerun_record

    done = rerun_record(
        args.record,
        args.output,
        allow_pickle=args.allow_pickle,
        lossy=args.lossy,
        signer=signer_path(args),
        previews=previews_from_args(args),
        running=running(args, "rerunning"),
    )
    say_previews(args, done.previews)
    verdict = "identical to" if done.identical else "DIFFERS from"
    print(f"wrote {done.files['output']}: {verdict} {done.job.record.output.file}")
    return 0 if done.identical else EXIT_DIFFERS


def cmd_verify(args: argparse.Namespace) -> int:
    from tratteggio.core.record.rerun import verify_set

    if not args.record.name.lower().endswith(".json"):
        return verify_photo(args.record, args.trust)
    problems = verify_set(args.record)
    if problems:
        raise TratteggioError(f"{args.record.name}: " + "; ".join(problems))
    print(f"{args.record.name}: every file is the one the record names")
    return 0


def running(args: argparse.Namespace, label: str) -> Running:
    """The run's setting: its engines (diffusion on --remote, where the command has the option) and
    a progress bar."""
    from tratteggio.core.tasks.common import Run

    @contextlib.contextmanager
    def context() -> Iterator[Run]:
        if not hasattr(args, "remote"):
            with progress_bar(label) as update:
                yield Run(update)
            return
        with remote_from_args(args) as engines, progress_bar(label) as update:
            yield Run(update, engines)

    return context


def previews_from_args(args: argparse.Namespace) -> Previews:
    from tratteggio.core.tasks.common import Previews

    return Previews(args.previews, args.previews_gif)


def say_previews(args: argparse.Namespace, steps: int) -> None:
    if args.previews:
        print(f"wrote {steps + 1} layers to {args.previews}")
    if args.previews_gif:
        print(f"wrote {args.previews_gif}")
