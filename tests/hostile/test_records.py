"""Issue 16, cases 9 and 13 (records): rerun trusts nothing it reads. Every input's hash is checked
against the record, sidecar names resolve beside the record only, and a record's numbers must be
of their type (a float seed is refused, not rounded)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.hostile import corpus
from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask


@pytest.fixture
def restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "out.png", "--engine", "telea").code == 0
    return tmp_path / "out.record.json"


def _edit(record: Path, change: object) -> Path:
    data = json.loads(record.read_text())
    change(data)  # type: ignore[operator]
    doctored = record.with_name("doctored.record.json")
    doctored.write_text(json.dumps(data))
    return doctored


def test_a_swapped_mask_is_refused_not_rerun(restored: Path) -> None:
    other = corpus.mask()
    other[:3, :3] = 255
    (restored.parent / "out.mask.png").write_bytes(corpus.encode(other, "png"))
    before = fingerprint(restored.parent)
    one_refusal(cli("rerun", restored, "-o", "again.png"), "out.mask.png", "hash mismatch")
    one_refusal(cli("verify", restored), "out.mask.png", "differs")
    assert fingerprint(restored.parent) == before


@pytest.mark.parametrize("name", ["/etc/passwd", "../out.mask.png", "sub/out.mask.png", "..", ""])
def test_sidecars_resolve_beside_the_record_only(restored: Path, name: str) -> None:
    (restored.parent / "sub").mkdir()
    shutil.copy(restored.parent / "out.mask.png", restored.parent / "sub" / "out.mask.png")
    doctored = _edit(restored, lambda r: r["interventions"][0]["mask"].update(file=name))
    one_refusal(cli("rerun", doctored, "-o", "again.png"), "not a plain file name")
    assert not (restored.parent / "again.png").exists()


def test_a_master_that_changed_is_refused_before_it_is_decoded(restored: Path) -> None:
    (restored.parent / "photo.png").write_bytes(corpus.png_bomb())  # would cost 4.8 GB to decode
    one_refusal(cli("rerun", restored, "-o", "again.png"), "has changed")
    one_refusal(cli("verify", restored), "photo.png", "differs")


@pytest.mark.parametrize(
    ("field", "value"),
    [("seed", 1.0), ("seed", 2.5), ("padding", 32.0), ("blend", 3.0), ("steps", 2.5), ("seed", True)],
)
def test_numbers_of_the_wrong_type_are_refused(restored: Path, field: str, value: object) -> None:
    doctored = _edit(restored, lambda r: r["interventions"][0]["request"].update({field: value}))
    one_refusal(cli("rerun", doctored, "-o", "again.png"), field)
    one_refusal(cli("verify", doctored), field)


def test_a_torn_set_is_reported_by_verify(restored: Path) -> None:
    assert cli("verify", restored).code == 0
    (restored.parent / "out.png").write_bytes(
        corpus.encode(corpus.photo(), "png")
    )  # a new output, old record
    one_refusal(cli("verify", restored), "out.png", "torn")
