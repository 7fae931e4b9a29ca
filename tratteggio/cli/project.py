"""`tratteggio project new | show | export`: projects from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from tratteggio.cli.credentials import add_sign_option, signer_path
from tratteggio.cli.messages import warn


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    p = sub.add_parser(
        "project",
        help="create, inspect or export a project (NAME.tratteggio)",
        description="A project keeps the work on one master: its mask, every intervention, the view. "
        "The master is referenced by path and SHA-256 (or embedded) and never modified.",
    )
    actions = p.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new", help="start a project for a photo", description="Start a project for PHOTO."
    )
    new.add_argument("photo", type=Path, metavar="PHOTO")
    new.add_argument("-o", "--output", type=Path, required=True, metavar="P.tratteggio")
    new.add_argument(
        "--mask", type=Path, metavar="MASK", help="a damage mask to start from (the photo's size)"
    )
    new.add_argument("--embed", action="store_true", help="copy the master into the project so it can travel")
    show = actions.add_parser(
        "show",
        help="a JSON summary of a project",
        description="Print a JSON summary: master path and hash, size, mask pixels, interventions, last "
        "saved, and whether unsaved journaled work (recovery) is pending for it.",
    )
    show.add_argument("project", type=Path, metavar="P.tratteggio")
    export = actions.add_parser(
        "export",
        help="write the restored photo with its record, loss map and masks",
        description="Write what File ▸ Export writes in the studio: the restored photo at the master's "
        "bit depth, its conservation record (reproducible with `tratteggio rerun`), loss map and masks.",
    )
    export.add_argument("project", type=Path, metavar="P.tratteggio")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    export.add_argument(
        "--visible", action="store_true", help="also write the documentation copy, NAME.visible.png (hatched)"
    )
    export.add_argument(
        "--lossy", action="store_true", help="accept a format that cannot hold the master exactly"
    )
    add_sign_option(export)
    return {"project": cmd_project}


def cmd_project(args: argparse.Namespace) -> int:
    from tratteggio.core.project.api import summarize_project
    from tratteggio.core.tasks.project import create_project, export_project

    if args.project_command == "new":
        path = create_project(args.photo, args.output, args.mask, args.embed)
        print(f"wrote {path}")
    elif args.project_command == "show":
        print(json.dumps(summarize_project(args.project), indent=2))
    else:
        files = export_project(
            args.project,
            args.output,
            visible_copy=args.visible,
            lossy=args.lossy,
            on_warning=warn,
            signer=signer_path(args),
        )
        print(f"wrote {files['output']} with {files['record'].name}")
    return 0
