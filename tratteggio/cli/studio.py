"""`tratteggio open [PHOTO] [--mask MASK] [--engine E --model M --steps N --seed S ...]`: the studio,
with the restore options the panel shows chosen (as a file-manager action or a script would)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Any

from tratteggio.cli.options import add_request_options, request_from_args
from tratteggio.core.errors import TratteggioError
from tratteggio.core.request import RestorationRequest

# what the studio's Restore panel does not show: set in Preferences, or only on the command line
NOT_IN_THE_PANEL = (
    "device",
    "scheduler",
    "color_match",
    "dtype",
    "model_config",
    "allow_pickle",
    "vae_tiling",
    "cpu_offload",
)


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    p = sub.add_parser(
        "open",
        help="open the studio (also: tratteggio with no command)",
        description="Open the studio window, optionally with a photo and its damage mask, or a "
        "project (NAME.tratteggio: the master, its mask, every intervention and the view).",
    )
    p.add_argument("photo", nargs="?", metavar="PHOTO", help="photo or project (.tratteggio) to open")
    p.add_argument("--mask", metavar="MASK", help="damage mask to load with it (the photo's size)")
    p.add_argument(
        "--snapshot",
        metavar="PNG",
        help="save a picture of the canvas once it has painted, then quit (for documentation and tests)",
    )
    add_request_options(p, skip=NOT_IN_THE_PANEL)
    return {"open": cmd_open}


def chosen_options(args: argparse.Namespace) -> dict[str, Any]:
    """The restore options given on the command line (those differing from the defaults), checked."""
    request = request_from_args(args)
    request.validate()
    defaults = RestorationRequest()
    return {
        f.name: getattr(request, f.name)
        for f in dataclasses.fields(RestorationRequest)
        if f.name not in NOT_IN_THE_PANEL and getattr(request, f.name) != getattr(defaults, f.name)
    }


def cmd_open(args: argparse.Namespace) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise TratteggioError(
            "no display to open the studio on (DISPLAY is not set); on a server, the commands work "
            "without one: see `tratteggio --help`"
        )
    choices = chosen_options(args)  # a bad option is one line and exit 2, before any window
    from tratteggio.core.support.libcheck import display_problem, platform_problem

    # before Qt aborts (exit 134) with a hint that may name the wrong library
    problem = platform_problem() or display_problem()
    if problem:
        raise TratteggioError(problem)
    from tratteggio.gui.app import run_studio  # Qt loads only for the studio

    return run_studio(args.photo, args.mask, args.snapshot, choices)


def log_missing_streams() -> None:
    """A windowed program (Windows, macOS) has no stdout/stderr: send them to the user's log folder."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    from tratteggio.core.io.userdirs import log_dir

    try:
        stream = open(log_dir() / "studio.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream
