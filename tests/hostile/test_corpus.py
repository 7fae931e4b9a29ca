"""Every CLI command over the hostile corpus: exit 0 or 2, one line on stderr when refusing, no
traceback, nothing written on failure, no input changed (tests/hostile/harness.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import corpus, projects, records
from tests.hostile.harness import fingerprint, run_corpus


def test_every_command_over_the_hostile_corpus(tmp_path: Path) -> None:
    report = run_corpus(tmp_path)
    counts = report.counts()
    assert report.problems() == [], "\n".join(report.problems())
    assert counts["crashes (exit 1 or a traceback)"] == 0 and counts["files damaged"] == 0
    assert counts["runs"] >= 580  # the corpus did not shrink unnoticed
    assert counts["clean refusals (exit 2, one line, nothing written)"] >= 450


# A sample through the real exit path: a fresh interpreter, its own stderr, its exit status.
SAMPLE = [
    ("restore", "bomb.tif", 2),
    ("restore", "strip-bomb.tif", 2),
    ("detect", "five-channel.tif", 2),
    ("age", "fifo.png", 2),
    ("evaluate", "one-row.png", 2),
    ("restore", "cut-half-png16.img", 2),
    ("detect", "not-utf8-\udcff.png", 0),  # its name printed on a strict UTF-8 stdout
    ("rerun", "json-deep.record.json", 2),
    ("rerun", "mask-swapped.record.json", 2),
    ("verify", "output-torn.record.json", 2),
    ("project", "truncated.tratteggio", 2),
    ("project", "master-fifo.tratteggio", 2),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for name, build in (("photos", corpus.build), ("records", records.build), ("projects", projects.build)):
        (root / name).mkdir()
        build(root / name)
    return root


def _argv(command: str, name: str, root: Path, out: Path) -> list[str]:
    photos, recs = root / "photos", root / "records"
    if command == "project":
        return ["project", "export", str(root / "projects" / name), "-o", str(out / "x.png")]
    if command in ("rerun", "verify"):
        target = str(recs / name)
        return [command, target] + (["-o", str(out / "r.png")] if command == "rerun" else [])
    target = str(photos / name)
    return {
        "restore": ["restore", target, "--mask", str(photos / "ok.png"), "-o", str(out / "r.png")],
        "detect": ["detect", target, "-o", str(out / f"d-{Path(name).stem}.png")],
        "age": ["age", target, "-o", str(out / "a.png"), "--mask-out", str(out / "m.png")],
        "evaluate": ["evaluate", target, "--engines", "telea", "--report", str(out / "rep")],
    }[command]


def test_a_sample_through_a_real_process_exits_as_promised(built: Path, tmp_path: Path) -> None:
    before = {name: fingerprint(built / name) for name in ("photos", "records", "projects")}
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": os.getcwd()}
    running = []
    for index, (command, name, _) in enumerate(SAMPLE):
        out = tmp_path / f"out-{index}"
        out.mkdir()
        argv = [sys.executable, "-m", "tratteggio", *_argv(command, name, built, out)]
        running.append(
            (argv, out, subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
        )
    for (argv, out, process), (_, _, code) in zip(running, SAMPLE, strict=True):
        stdout, stderr = process.communicate(timeout=300)
        text = stderr.decode("utf-8", "replace")
        assert process.returncode == code, (argv, text)
        if code == 0:
            assert text == "" and b"not-utf8-\\udcff.png" in stdout, (argv, stdout)
            continue
        assert len(text.strip().splitlines()) == 1 and text.startswith("tratteggio: error: "), (argv, text)
        assert list(out.iterdir()) == [], argv
    assert {name: fingerprint(built / name) for name in ("photos", "records", "projects")} == before
