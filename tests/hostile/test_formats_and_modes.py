"""Issue 16, cases 11 and 13, and issue 10's item 15 (outputs, records and projects).

- An output format that cannot hold the master's pixels exactly is refused unless `--lossy`, and
  then the record says so.
- Files are created with the permissions the user's umask gives; a replaced file keeps its mode.
- A mask with pixels that are neither black nor white (a JPEG) is used with a warning saying how many.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from tests.hostile import corpus
from tests.hostile.common import cli, fingerprint, one_refusal

MASTERS = {
    "rgb8.png": corpus.photo(),
    "rgb16.png": corpus.photo(dtype=np.uint16),
    "rgba8.png": corpus.photo(channels=4),
    "float.tif": corpus.photo(dtype=np.float32),
}


@pytest.mark.parametrize(
    ("master", "output", "why"),
    [
        ("rgb8.png", "o.jpg", "JPEG is lossy"),
        ("rgba8.png", "o.jpg", "drops the alpha"),
        ("rgb16.png", "o.jpg", "JPEG is lossy"),
        ("rgb16.png", "o.webp", "8 bits per sample"),
        ("rgb16.png", "o.bmp", "8 bits per sample"),
        ("float.tif", "o.png", "32-bit float"),
    ],
)
def test_inexact_formats_are_refused_unless_accepted(
    tmp_path: Path, master: str, output: str, why: str
) -> None:
    source = tmp_path / master
    pixels = MASTERS[master]
    if master.endswith(".tif"):
        import tifffile

        tifffile.imwrite(source, pixels, photometric="rgb")
    else:
        source.write_bytes(corpus.encode(pixels, "png"))
    (tmp_path / "mask.png").write_bytes(corpus.encode(corpus.mask(), "png"))
    before = fingerprint(tmp_path)
    args = ["restore", source, "--mask", tmp_path / "mask.png", "-o", tmp_path / output, "--engine", "telea"]
    one_refusal(cli(*args), why, "--lossy")
    assert fingerprint(tmp_path) == before
    assert cli(*args, "--lossy").code == 0
    record = json.loads((tmp_path / output).with_suffix(".record.json").read_text())
    assert record["output"]["exact"] is False


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077])
def test_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        (tmp_path / "p.png").write_bytes(corpus.encode(corpus.photo(), "png"))
        (tmp_path / "m.png").write_bytes(corpus.encode(corpus.mask(), "png"))
        out = tmp_path / "out"
        out.mkdir()
        assert cli("restore", tmp_path / "p.png", "--mask", tmp_path / "m.png", "-o", out / "r.png").code == 0
        assert cli("detect", tmp_path / "p.png", "-o", out / "d.png").code == 0
        aged = ["age", tmp_path / "p.png", "-o", out / "a.png", "--mask-out", out / "am.png"]
        assert cli(*aged, "--layers", out / "layers").code == 0
        assert cli("evaluate", tmp_path / "p.png", "--engines", "telea", "--report", out / "rep").code == 0
        assert cli("project", "new", tmp_path / "p.png", "-o", out / "p.tratteggio").code == 0
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 14 and (out / "p.tratteggio").exists()
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert set(modes.values()) == {oct(0o666 & ~umask)}, modes


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    (tmp_path / "p.png").write_bytes(corpus.encode(corpus.photo(), "png"))
    (tmp_path / "m.png").write_bytes(corpus.encode(corpus.mask(), "png"))
    args = ["restore", tmp_path / "p.png", "--mask", tmp_path / "m.png", "-o", tmp_path / "r.png"]
    assert cli(*args).code == 0
    os.chmod(tmp_path / "r.png", 0o640)
    os.chmod(tmp_path / "r.record.json", 0o444)
    assert cli(*args, "--engine", "telea").code == 0
    assert stat.S_IMODE((tmp_path / "r.png").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "r.record.json").stat().st_mode) == 0o444


def test_a_lossy_mask_is_used_with_a_warning_counting_its_grey_pixels(tmp_path: Path) -> None:
    from PIL import Image

    bits = corpus.mask(96, 128)
    Image.fromarray(bits).save(tmp_path / "mask.jpg", quality=60)
    grey = int(np.count_nonzero((np.asarray(Image.open(tmp_path / "mask.jpg")) % 255) != 0))
    (tmp_path / "p.png").write_bytes(corpus.encode(corpus.photo(96, 128), "png"))
    said = cli("restore", tmp_path / "p.png", "--mask", tmp_path / "mask.jpg", "-o", tmp_path / "r.png")
    assert said.code == 0 and len(said.lines) == 1, said.err
    assert (
        said.lines[0].startswith("tratteggio: warning: mask.jpg:")
        and f" {grey:,} mask pixels" in said.lines[0]
    )
    clean = cli("restore", tmp_path / "p.png", "--mask", tmp_path / "r.mask.png", "-o", tmp_path / "r2.png")
    assert clean.code == 0 and clean.err == ""
