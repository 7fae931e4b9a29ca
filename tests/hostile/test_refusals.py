"""Issue 16, cases 6, 7 and 8: every output path is checked before any work and nothing is written
on failure; what used to end in "internal error" (exit 1) is one line and exit 2; FIFOs and other
special files are refused at once instead of blocking."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import tifffile

from tests.hostile import corpus
from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask
from tests.hostile.harness import HUNG, run


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path


RESTORE = ["restore", "photo.png", "--mask", "mask.png", "-o", "out.png", "--engine", "telea"]
AGE = ["age", "photo.png", "-o", "aged.png"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([*RESTORE, "--previews", "a-file"], ["--previews names a folder"]),
        ([*RESTORE, "--previews", "a-file/deeper"], ["cannot make this folder"]),
        ([*RESTORE, "--previews-gif", "nodir/a.gif"], ["does not exist"]),
        ([*RESTORE, "--previews-gif", "anim.txt"], [".gif or a .webp"]),
        ([*RESTORE, "--previews-gif", "a-file/a.gif"], ["not a folder"]),
        ([*AGE, "--mask-out", "m.gif"], ["unknown output format"]),
        ([*AGE, "--mask-out", "m.jpg"], ["losslessly"]),
        ([*AGE, "--mask-out", "nodir/m.png"], ["does not exist"]),
        ([*AGE, "--mask-out", "m.png", "--layers", "a-file"], ["--layers names a folder"]),
        (["evaluate", "photo.png", "--engines", "telea", "--report", "a-file"], ["--report names a folder"]),
        (["detect", "photo.png", "-o", "proposal.jpg"], ["losslessly"]),
        (["detect", "photo.png", "-o", "."], ["is a folder"]),
    ],
)
def test_bad_output_paths_are_refused_before_any_work(
    folder: Path, argv: list[str], words: list[str]
) -> None:
    before = fingerprint(folder)
    one_refusal(cli(*argv), *words)
    assert fingerprint(folder) == before


def test_layers_and_previews_are_part_of_the_set(folder: Path) -> None:
    """A layer that cannot be written (its name is taken by a folder) fails the whole command
    before anything is committed: no aged photo, no mask, no other layer, no folder made."""
    os.makedirs("layers/layer-02-cracks.png")
    before = fingerprint(folder)
    one_refusal(
        cli(*AGE, "--mask-out", "m.png", "--layers", "layers", "--kinds", "cracks,stains"), "is a folder"
    )
    assert fingerprint(folder) == before
    said = cli(*RESTORE, "--previews", "new/steps", "--previews-gif", "a.gif")
    assert said.code == 0, said.err
    assert (folder / "new" / "steps" / "step-000.png").exists() and (folder / "a.gif").exists()


def _five_channel(path: Path) -> None:
    tifffile.imwrite(path, np.zeros((24, 32, 5), np.uint8), photometric="minisblack", planarconfig="contig")


def _volume(path: Path) -> None:
    tifffile.imwrite(path, np.zeros((3, 24, 32), np.uint8), photometric="minisblack")


@pytest.mark.parametrize(
    ("make", "argv", "words"),
    [
        (_five_channel, ["restore", "x.tif", "--mask", "mask.png", "-o", "o.tif"], ["5 samples per pixel"]),
        (_volume, ["restore", "x.tif", "--mask", "mask.png", "-o", "o.tif"], ["3 images"]),
        (None, ["evaluate", "row.png", "--engines", "telea"], ["too small to evaluate"]),
        (None, ["evaluate", "column.png", "--engines", "telea"], ["too small to evaluate"]),
        (None, ["restore", "loop.png", "--mask", "mask.png", "-o", "o.png"], ["symbolic link loop"]),
        (None, ["restore", "photo.png", "--mask", "mask.png", "-o", "loop.png"], ["loop.png"]),
        (None, ["restore", "photo.png", "--mask", "mask.png", "-o", "new\nline"], ["new\\nline"]),
        (None, ["restore", "no\nsuch.png", "--mask", "mask.png", "-o", "o.png"], ["no such file"]),
        (None, ["evaluate", "photo.png", "--engines", "telea", "--report", "photo.png"], ["--report"]),
    ],
)
def test_what_was_an_internal_error_is_one_line_and_exit_2(
    folder: Path, make: object, argv: list[str], words: list[str]
) -> None:
    if callable(make):
        make(folder / "x.tif")
    (folder / "row.png").write_bytes(corpus.encode(corpus.photo(1, 40), "png"))
    (folder / "column.png").write_bytes(corpus.encode(corpus.photo(40, 1), "png"))
    os.symlink("loop.png", folder / "loop.png")
    before = fingerprint(folder)
    one_refusal(cli(*argv), *words)
    assert fingerprint(folder) == before


def test_a_report_folder_we_may_not_write_is_refused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "ro").mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p).name == "ro" else real(p, mode))
    one_refusal(cli("evaluate", "photo.png", "--engines", "telea", "--report", "ro"), "permission denied")
    assert list((folder / "ro").iterdir()) == []


def test_names_that_are_not_utf8_are_printed_and_reported_escaped(folder: Path) -> None:
    odd = os.fsdecode(b"ph\xffoto.png")
    shutil.copy("photo.png", odd)
    said = cli("evaluate", odd, "--engines", "telea", "--report", "rep")
    assert said.code == 0, said.err
    assert "ph\\xffoto" in (folder / "rep" / "report.md").read_text(encoding="utf-8")
    assert "ph\\xffoto" in said.out


@pytest.mark.parametrize("role", ["photo", "mask", "record", "master"])
def test_a_fifo_anywhere_is_refused_at_once(folder: Path, role: str) -> None:
    os.mkfifo(folder / "fifo.png")
    argv = ["restore", "fifo.png" if role == "photo" else "photo.png", "--mask"]
    argv += ["fifo.png" if role == "mask" else "mask.png", "-o", str(folder / "out" / "o.png")]
    if role in ("record", "master"):
        assert cli(*RESTORE).code == 0
        record = folder / "out.record.json"
        if role == "record":
            record = folder / "fifo.png"
        else:
            text = record.read_text().replace(str(folder / "photo.png"), str(folder / "fifo.png"))
            record.write_text(text.replace('"file": "photo.png"', '"file": "fifo.png"'))
        argv = ["rerun", str(record), "-o", str(folder / "out" / "o.png")]
    said = run(argv, folder / "out", seconds=20)
    assert said.code != HUNG
    assert said.code == 2 and len(said.stderr.strip().splitlines()) == 1, said.stderr
    assert said.left == ()
