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
