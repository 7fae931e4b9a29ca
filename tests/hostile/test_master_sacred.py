"""Issue 16, case 1: no command writes over any of its inputs (photo, mask, record, the master a
record names), through any output or sidecar, by any spelling: exit 2, one line, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    photo_and_mask(tmp_path)
    (tmp_path / "sub").mkdir()
    os.symlink("photo.png", tmp_path / "link.png")
    os.link(tmp_path / "photo.png", tmp_path / "hard.png")
    return tmp_path


SPELLINGS = ["photo.png", "sub/../photo.png", "link.png", "hard.png", "PHOTO.png"]


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize(
    "command",
    [
        "detect {p} -o {x}",
        "age {p} -o {x} --mask-out m.png",
        "age {p} -o a.png --mask-out {x}",
        "restore {p} --mask mask.png -o {x}",
    ],
)
def test_no_output_replaces_the_photo_by_any_spelling(
    folder: Path, monkeypatch: pytest.MonkeyPatch, command: str, spelling: str
) -> None:
    monkeypatch.chdir(folder)
    before = fingerprint(folder)
    said = cli(*command.format(p="photo.png", x=spelling).split())
    one_refusal(said, "refusing to overwrite")
    assert fingerprint(folder) == before


@pytest.mark.parametrize("sidecar", ["mask", "lossmap"])
def test_a_sidecar_of_the_output_never_replaces_the_photo(
    folder: Path, monkeypatch: pytest.MonkeyPatch, sidecar: str
) -> None:
    """`restore a.mask.png ... -o a.png`: the mask sidecar beside a.png would be the photo itself."""
    monkeypatch.chdir(folder)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "a.png", "--engine", "telea").code == 0
    shutil.copy("a.mask.png", "m2.png")
    before = fingerprint(folder)
    said = cli("restore", f"a.{sidecar}.png", "--mask", "m2.png", "-o", "a.png", "--engine", "telea")
    one_refusal(said, "refusing to overwrite", f"a.{sidecar}.png")
    assert fingerprint(folder) == before


def test_the_mask_is_an_input_too(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    before = fingerprint(folder)
    one_refusal(cli("restore", "photo.png", "--mask", "mask.png", "-o", "mask.png"), "mask.png")
    assert fingerprint(folder) == before


def test_rerun_never_replaces_its_record_masks_or_master(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "out.png", "--engine", "telea").code == 0
    before = fingerprint(folder)
    for target in ("out.png", "photo.png", "sub/../out.mask.png", "hard.png"):
        one_refusal(cli("rerun", "out.record.json", "-o", target), "refusing to overwrite")
        assert fingerprint(folder) == before, target


def test_folders_of_many_files_never_hold_an_input(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--previews, --layers and --report write files of fixed names: none may be an input."""
    monkeypatch.chdir(folder)
    shutil.copy("photo.png", "sub/step-000.png")
    shutil.copy("photo.png", "sub/layer-01-cracks.png")
    shutil.copy("photo.png", "sub/report.md")  # a PNG under any name is a photo
    shutil.copy("photo.png", "anim.gif")
    before = fingerprint(folder)
    one_refusal(cli("restore", "sub/step-000.png", "--mask", "mask.png", "-o", "o.png", "--previews", "sub"))
    one_refusal(cli("restore", "anim.gif", "--mask", "mask.png", "-o", "o.png", "--previews-gif", "anim.gif"))
    one_refusal(
        cli(
            "age",
            "sub/layer-01-cracks.png",
            "-o",
            "a.png",
            "--mask-out",
            "m.png",
            "--layers",
            "sub",
            "--kinds",
            "cracks",
        )
    )
    one_refusal(cli("evaluate", "sub/report.md", "--engines", "telea", "--report", "sub"))
    assert fingerprint(folder) == before
