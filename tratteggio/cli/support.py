"""`tratteggio doctor` and `tratteggio sample`: a set-up's report, and a first photo to try."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tratteggio.core.support.doctor import QtRuntime


PROBE_FLAG = "--qt-probe"


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    d = sub.add_parser(
        "doctor",
        help="what a bug report needs, and what is wrong with this set-up",
        description="Versions (Tratteggio, Python, Qt, torch), the Qt platform and display, missing "
        "system libraries, the device diffusion would run on, the model cache, the state and log "
        "folders, the hub, known-bad releases; each problem with the one thing to do about it.",
    )
    d.add_argument("--json", action="store_true", help="the report as JSON")
    d.add_argument("--no-network", action="store_true", help="do not check whether the model hub answers")
    d.add_argument(PROBE_FLAG, action="store_true", help=argparse.SUPPRESS)  # the child that starts Qt
    s = sub.add_parser(
        "sample",
        help="write a sample photo, an aged copy and its damage mask",
        description="Write a public-domain photo (sample.png), an aged copy of it (sample-aged.png) and "
        "its damage mask (sample-aged.mask.png) to try the studio and the commands on.",
    )
    s.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help="folder (default: .)")
    s.add_argument(
        "--force", action="store_true", help="replace the sample's files if they are already there"
    )
    return {"doctor": cmd_doctor, "sample": cmd_sample}


def cmd_doctor(args: argparse.Namespace) -> int:
    if args.qt_probe:
        return qt_probe()
    from tratteggio.core.support.checks import examine
    from tratteggio.core.support.render import render

    report = examine(probe_qt(), network=not args.no_network)
    print(json.dumps(report.to_json(), indent=2) if args.json else render(report))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from tratteggio.core.support.sample import CREDIT, write_sample

    files = write_sample(args.output, replace=args.force)
    print(f"wrote {files.photo} ({CREDIT}), {files.aged} and its damage mask {files.mask}")
    print(f"try: tratteggio open {files.aged} --mask {files.mask}")
    return 0


def self_command() -> list[str]:
    """How to start this program again: the frozen executable, or this Python with -m."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "tratteggio"]


def probe_qt(timeout: float = 60.0) -> QtRuntime:
    """Start Qt's platform in a child process: a platform that cannot load aborts the child, not us."""
    from tratteggio.core.support.doctor import QtRuntime

    try:
        done = subprocess.run(
            [*self_command(), "doctor", PROBE_FLAG],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_no_core_dump if os.name == "posix" else None,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return QtRuntime(starts=False, error=f"{type(exc).__name__}: {exc}")
    if done.returncode == 0 and done.stdout.strip():
        facts = json.loads(done.stdout.strip().splitlines()[-1])
        return QtRuntime(facts["qt"], facts["platform"], True)
    qt_lines = [line for line in done.stderr.splitlines() if line.strip()]
    why = qt_lines[0] if qt_lines else f"exit status {done.returncode}"
    return QtRuntime(starts=False, error=why[:300])


def _no_core_dump() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def qt_probe() -> int:
    """The child: start a QGuiApplication on the platform the studio would use, print what it got."""
    from tratteggio.gui.qtprobe import qt_runtime

    qt, platform = qt_runtime()
    print(json.dumps({"qt": qt, "platform": platform}))
    return 0
