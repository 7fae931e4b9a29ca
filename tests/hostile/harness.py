"""Run every command of the CLI over the hostile corpus and judge each run.

A run passes when it exits 0 or 2; on 2 it says exactly one line on stderr (library warnings and
C-level prints included: fd 2 itself is captured) and leaves its output folder empty; no run
prints a traceback or changes a byte of any input.

    python -m tests.hostile.harness        # builds a corpus in a temporary folder, prints the counts
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import corpus, projects, records


@dataclass(frozen=True)
class Outcome:
    argv: tuple[str, ...]
    code: int
    stderr: str
    left: tuple[str, ...]  # files left in the output folder


@dataclass
class Report:
    runs: list[tuple[str, Outcome]] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = list(self.damaged)
        for group, o in self.runs:
            lines = o.stderr.strip().splitlines()
            why = []
            differs = o.code == 3 and list(o.argv[:1]) == ["rerun"]  # its result written, not the record's
            if o.code not in (0, 2) and not differs:
                why.append(f"exit {o.code}")
            if "Traceback" in o.stderr:
                why.append("traceback")
            if o.code == 2 and len(lines) != 1:
                why.append(f"{len(lines)} lines on stderr")
            if o.code == 0 and any(not line.startswith("tratteggio: warning:") for line in lines):
                why.append("stderr on success")
            if o.code != 0 and o.left and not differs:
                why.append(f"left {list(o.left)}")
            if why:
                found.append(f"{group} {list(o.argv)!r}: {', '.join(why)}: {o.stderr.strip()[:300]!r}")
        return found

    def counts(self) -> dict[str, int]:
        codes = Counter(o.code for _, o in self.runs)
        return {
            "runs": len(self.runs),
            "exit 0": codes[0],
            "rerun DIFFERS (exit 3, its result written)": codes[3],
            "clean refusals (exit 2, one line, nothing written)": sum(
                1
                for _, o in self.runs
                if o.code == 2 and len(o.stderr.strip().splitlines()) == 1 and not o.left
            ),
            "crashes (exit 1 or a traceback)": sum(
                1 for _, o in self.runs if o.code == 1 or "Traceback" in o.stderr
            ),
            "hung (stopped after 60 s)": codes[HUNG],
            "files damaged": len(self.damaged),
            "problems": len(self.problems()),
        }


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO, list[str]]]:
    """Python's stdout and stderr, and whatever C code writes to fd 2 meanwhile."""
    out, err, raw = io.StringIO(), io.StringIO(), []
    with tempfile.TemporaryFile() as fd2:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(fd2.fileno(), 2)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                yield out, err, raw
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            fd2.seek(0)
            raw.append(fd2.read().decode("utf-8", "replace"))


HUNG = 124


class _Hung(BaseException):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hung()


def run(argv: list[str], out_dir: Path, seconds: int = 60) -> Outcome:
    """`tratteggio ARGV` in this process, with `out_dir` made empty first; a run still blocked
    after `seconds` (on a FIFO, say) is stopped and reported as exit 124."""
    from tratteggio.cli import main

    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    previous = signal.signal(signal.SIGALRM, _alarm)
    with _captured() as (_, err, raw):
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)  # again each second, should one be swallowed
            code = main(argv)
        except SystemExit as exc:  # argparse refusing the arguments
            code = int(exc.code or 0)
        except _Hung:
            code = HUNG
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    left = tuple(sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if not p.is_dir()))
    return Outcome(tuple(argv), code, err.getvalue() + raw[0], left)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every regular file's hash, never following links or opening special files."""
    prints = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            prints[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            prints[str(path)] = (
                f"mode {stat.S_IFMT(info.st_mode):o} -> {os.readlink(path) if path.is_symlink() else ''}"
            )
    return prints


def photo_commands(case: corpus.Case, folder: Path, masks: Path, out: Path) -> list[list[str]]:
    target = corpus.argument(case, folder)
    good = str(folder / "ok.png")
    return [
        [
            "restore",
            target,
            "--mask",
            _mask_for(target, masks),
            "-o",
            str(out / "r.png"),
            "--engine",
            "telea",
        ],
        ["restore", good, "--mask", target, "-o", str(out / "r.png"), "--engine", "telea"],
        ["detect", target, "-o", str(out / "d.png"), "--kind", "dust"],
        [
            "age",
            target,
            "-o",
            str(out / "a.png"),
            "--mask-out",
            str(out / "am.png"),
            "--layers",
            str(out / "l"),
        ],
        ["evaluate", target, "--engines", "telea", "--report", str(out / "report")],
        ["project", "new", target, "-o", str(out / "p.tratteggio")],
        ["project", "show", target],
        ["project", "export", target, "-o", str(out / "x.png")],
    ]


def _mask_for(target: str, masks: Path) -> str:
    """A mask the size of `target` (when it can be read), else the corpus's own size."""
    from tratteggio.core import load_photo

    try:
        if not stat.S_ISREG(os.stat(target).st_mode):  # never open a FIFO outside a timed run
            raise OSError(target)
        height, width = load_photo(target).shape2d
    except Exception:  # anything unreadable: the corpus's own size
        height, width = corpus.HEIGHT, corpus.WIDTH
    path = masks / f"mask-{height}x{width}.png"
    if not path.exists():
        bits = corpus.mask(height, width)
        bits[height // 2, width // 2] = 255
        path.write_bytes(corpus.encode(bits, "png"))
    return str(path)


def record_commands(case: corpus.Case, folder: Path, out: Path) -> list[list[str]]:
    target = str(folder / case.name)
    return [["verify", target], ["rerun", target, "-o", str(out / "rr.png")]]


def project_commands(case: corpus.Case, folder: Path, out: Path) -> list[list[str]]:
    target = str(folder / case.name)
    return [["project", "show", target], ["project", "export", target, "-o", str(out / "x.png")]]


OTHER_COMMANDS = [
    ["models", "remove", "../../etc"],
    ["models", "download", "no/such-model"],
    ["models", "remove", "no/such-model"],
    ["restore"],
    ["restore", "--no-such-option"],
    ["nonsense-command"],
]


def run_corpus(root: Path) -> Report:
    """Build the corpus under `root` and run every command over it."""
    photos, recs, projs, masks, out = (root / n for n in ("photos", "records", "projects", "masks", "out"))
    for folder in (photos, recs, projs, masks):
        folder.mkdir(parents=True)
    photo_cases = corpus.build(photos)
    record_cases = records.build(recs)
    project_cases = projects.build(projs)
    report = Report()
    before = {**fingerprint(photos), **fingerprint(recs), **fingerprint(projs)}
    for case in photo_cases:
        for argv in photo_commands(case, photos, masks, out):
            report.runs.append((case.group, run(argv, out)))
    for case in record_cases:
        for argv in record_commands(case, recs, out):
            report.runs.append((case.group, run(argv, out)))
    for case in project_cases:
        for argv in project_commands(case, projs, out):
            report.runs.append((case.group, run(argv, out)))
    for argv in OTHER_COMMANDS:
        report.runs.append(("arguments", run(argv, out)))
    after = {**fingerprint(photos), **fingerprint(recs), **fingerprint(projs)}
    report.damaged = [f"input changed: {name}" for name in before if after.get(name) != before[name]]
    report.damaged += [f"file appeared among the inputs: {name}" for name in after if name not in before]
    return report


def main() -> int:
    with tempfile.TemporaryDirectory() as root:
        report = run_corpus(Path(root))
    groups = Counter(group for group, _ in report.runs)
    print(json.dumps({"counts": report.counts(), "runs by group": groups}, indent=2))
    for problem in report.problems():
        print(problem)
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
