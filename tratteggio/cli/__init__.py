"""The `tratteggio` command line: a thin layer over tratteggio.core.

Every command raises `TratteggioError` for anything the user can fix: `main` prints it as one line
and exits 2. Anything else is a bug: one line naming the crash log, exit 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tratteggio import __version__
from tratteggio.cli import (
    batch,
    credentials,
    detection,
    extend,
    fetch,
    imagine,
    lab,
    models,
    project,
    restore,
    revive,
    serve,
    studio,
    support,
)
from tratteggio.cli.messages import OneLineParser, one_line, say_warnings, settle_streams
from tratteggio.core.errors import TratteggioError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
__all__ = ["build_parser", "main", "one_line", "studio_main"]

Command = Callable[[argparse.Namespace], int]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = OneLineParser(
        prog="tratteggio",
        description="Restore photographs of cultural artifacts and document every intervention.",
    )
    parser.add_argument("--version", action="version", version=f"tratteggio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Command] = {}
    modules = (studio, restore, project, models, lab, detection, revive, extend, imagine, batch, serve)
    for module in (*modules, credentials, fetch, support):
        commands.update(module.add_parsers(sub))
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    settle_streams()
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["open"])
    code = EXIT_INTERNAL
    try:
        code = commands[args.command](args)
        return code
    except TratteggioError as exc:
        print(f"tratteggio: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("tratteggio: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the last line of defence: log it, never dump a traceback on a user
        what = one_line(f"{type(exc).__name__}: {exc}")
        print(f"tratteggio: internal error: {what} ({_log()})", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        say_warnings(code == EXIT_OK)


def _log() -> str:
    from tratteggio.core.io.userdirs import write_crash_log

    try:
        return f"details in {write_crash_log()}"
    except OSError:
        return "no crash log could be written"


def studio_main() -> int:
    """The `tratteggio-studio` gui-script (no console window on Windows)."""
    studio.log_missing_streams()
    # the file a desktop entry or "Open with" passes (%f), and options; macOS adds a -psn_ process id
    return main(["open", *[arg for arg in sys.argv[1:] if not arg.startswith("-psn_")]])
