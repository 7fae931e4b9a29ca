"""The command line as a newcomer meets it (issue 27's minors): what to try when nothing is found,
help that says what each command takes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, save_photo


def test_detect_losses_finding_nothing_suggests_the_support_colour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "plain.png"
    save_photo(Photo(np.full((80, 100, 3), 120, np.uint8)), photo)
    assert main(["detect", str(photo), "--kind", "losses", "-o", str(tmp_path / "m.png")]) == 0
    out = capsys.readouterr().out
    assert "0.00% of pixels" in out and "--support R,G,B" in out and "Pick from a loss" in out
    assert main(["detect", str(photo), "--kind", "cracks", "-o", str(tmp_path / "c.png")]) == 0
    assert "--support" not in capsys.readouterr().out  # only losses are found by a colour


def test_the_recovery_prompt_names_the_full_path_and_the_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from tratteggio.core.project.journal import Orphan

    monkeypatch.setenv("TZ", "Europe/Rome")
    time.tzset()
    try:
        saved = "2026-12-08T01:02:03.456+00:00"
        orphan = Orphan(Path("/state/j.tratteggio"), "/home/u/work/fresco.tratteggio", None, saved, 10, 1)
        assert orphan.where == "/home/u/work/fresco.tratteggio" and orphan.name == "fresco.tratteggio"
        assert orphan.describe().endswith("journaled 2026-12-08 02:02:03 CET")  # not UTC
        made = Orphan(Path("/state/k.tratteggio"), None, None, saved, 0, 0, origin={"created_from": "noise"})
        assert made.where == "" and made.name == "a picture created from noise"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_help_names_what_each_command_takes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("imagine", "extend"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "--engine diffusion" not in text  # neither has an --engine
        usage = text.split("\n\n")[0]
        assert " --model M" in usage and "[--model M]" not in usage  # required, and shown so
    with pytest.raises(SystemExit):
        main(["open", "--help"])
    assert "project" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["restore", "--help"])
    assert "diffusion (--engine diffusion)" in capsys.readouterr().out  # restore has --engine


def test_the_progress_bar_waits_for_its_total(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from tratteggio.cli.options import progress_bar

    monkeypatch.setenv("TRATTEGGIO_PROGRESS", "1")
    with progress_bar("restoring 3 photos") as update:
        print("2 worker(s) ready in 0.4 s: a, b", file=sys.stderr)
        update(0, 0)  # nothing known yet
        assert capsys.readouterr().err == "2 worker(s) ready in 0.4 s: a, b\n"  # the line alone
        update(1, 3)
    err = capsys.readouterr().err
    assert "1/3" in err and "0/0" not in err
