"""The `tratteggio` command line: a thin layer over tratteggio.core.

Every command raises `TratteggioError` for anything the user can fix: `main` prints it as one line
and exits 2. Anything else is a bug: one line naming the crash log, exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from tratteggio import __version__
from tratteggio.cli import studio
from tratteggio.cli.messages import OneLineParser, one_line, say_warnings, settle_streams
from tratteggio.core.errors import TratteggioError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
__all__ = ["build_parser", "main", "one_line", "studio_main"]

Command = Callable[[argparse.Namespace], int]

# The module (tratteggio.cli.NAME) that adds each command, in the order `--help` lists them: a
# command line naming one imports that module alone (`tratteggio open` starts the studio sooner).
# tests/cli/test_lazy_parser.py checks this table against what the modules add.
COMMANDS = {
    "open": "studio",
    "restore": "restore",
    "rerun": "restore",
    "verify": "restore",
    "project": "project",
    "models": "models",
    "age": "lab",
    "evaluate": "lab",
    "detect": "lab",
    "evaluate-detector": "detection",
    "revive": "revive",
    "extend": "extend",
    "imagine": "imagine",
    "batch": "batch",
    "serve": "serve",
    "credentials": "credentials",
    "fetch": "fetch",
    "doctor": "support",
    "sample": "support",
}


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    """The parser of every command, or (`only`, a name in COMMANDS) of that command's module alone."""
    parser = OneLineParser(
        prog="tratteggio",
        description="Restore photographs of cultural artifacts and document every intervention.",
    )
    parser.add_argument("--version", action="version", version=f"tratteggio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Command] = {}
    names = [COMMANDS[only]] if only in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in names:
        commands.update(importlib.import_module(f"tratteggio.cli.{name}").add_parsers(sub))
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    settle_streams()
    words = list(sys.argv[1:] if argv is None else argv)
    if words == ["--version"]:  # argparse's answer, without building a parser of every command
        print(f"tratteggio {__version__}")
        return EXIT_OK
    parser, commands = build_parser((words or ["open"])[0])
    args = parser.parse_args(words)
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
