"""Which tratteggio modules one command runs through: `python scripts/trace_command.py restore P -o O
--mask M` prints the modules whose functions ran (import-time code not counted), how often control
climbed back up from core into the command line's module (calls from core into tratteggio.cli.*),
how many calls the command line's modules made into core, and how often the output targets were
checked (calls of tratteggio.core.io.fileset.check_targets)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).parents[1]))


def _importing(frame: FrameType | None) -> bool:
    """Whether this call runs as part of importing a module (not the command's own work)."""
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") != "__main__":
            return True
        frame = frame.f_back
    return False


def main(argv: list[str]) -> None:
    from tratteggio.cli import build_parser

    parser, commands = build_parser()
    args = parser.parse_args(argv)
    visited: set[str] = set()
    counts = {"climbs": 0, "top_calls": 0, "target_checks": 0}
    edges: set[str] = set()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event != "call" or frame.f_code.co_name == "<module>":
            return
        name = str(frame.f_globals.get("__name__", ""))
        if not name.startswith("tratteggio"):
            return
        if _importing(frame):
            return
        visited.add(name)
        back = frame.f_back
        caller = str(back.f_globals.get("__name__", "")) if back is not None else ""
        if name.startswith("tratteggio.cli") and caller.startswith("tratteggio.core"):
            counts["climbs"] += 1
        if caller.startswith("tratteggio.cli") and not name.startswith("tratteggio.cli"):
            counts["top_calls"] += 1
            edges.add(f"{caller}.{back.f_code.co_name if back else ''} -> {name}.{frame.f_code.co_name}")
        if name == "tratteggio.core.io.fileset" and frame.f_code.co_name == "check_targets":
            counts["target_checks"] += 1

    sys.setprofile(profile)
    try:
        code = commands[args.command](args)
    finally:
        sys.setprofile(None)
    print(f"exit {code}; {len(visited)} tratteggio modules ran code:")
    for name in sorted(visited):
        print(f"  {name}")
    print("calls from the command line into core:")
    for edge in sorted(edges):
        print(f"  {edge}")
    print(
        f"climbs from core back into the CLI: {counts['climbs']}; core calls made by the CLI: "
        f"{counts['top_calls']}; output target checks: {counts['target_checks']}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
