"""`tratteggio batch --revive` (issue 25): every photo revived with the estimate `tratteggio revive
--auto` uses, the same files it writes, resumable, and no masks needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.collection import aged_collection, comparable_record, names, outcomes, stamps
from tratteggio.cli import main


def test_batch_revive_writes_what_revive_auto_writes_and_resumes(tmp_path: Path) -> None:
    photos, _ = aged_collection(tmp_path, 3)
    out, one = tmp_path / "out", tmp_path / "one"
    assert main(["batch", str(photos), "-o", str(out), "--revive"]) == 0
    for name in names(photos):
        stem = Path(name).with_suffix("")
        (one / stem).parent.mkdir(parents=True, exist_ok=True)
        assert main(["revive", str(photos / name), "-o", str(one / name), "--auto"]) == 0
        for suffix in ("", ".lossmap", ".mask"):
            file = f"{stem}{suffix}.png"
            assert (out / file).read_bytes() == (one / file).read_bytes(), file
        record = f"{stem}.record.json"
        assert comparable_record(out / record) == comparable_record(one / record)
        details = json.loads((out / record).read_text())["interventions"][0]["details"]
        assert 0.0 <= details["confidence"] <= 1.0
    assert set(outcomes(out).values()) == {"done"}
    before = stamps(out)
    assert main(["batch", str(photos), "-o", str(out), "--revive"]) == 0
    assert set(outcomes(out).values()) == {"skipped"} and stamps(out) == before


def test_batch_revive_is_a_mode_of_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photos, masks = aged_collection(tmp_path, 1)
    with pytest.raises(SystemExit) as stop:
        main(["batch", str(photos), "-o", str(tmp_path / "out"), "--revive", "--masks", str(masks)])
    assert stop.value.code == 2 and "not allowed with" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
