"""`tratteggio sample`: a photo, an aged copy and its mask that load, and restore toward the photo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core.io.loading import load_mask, load_photo
from tratteggio.core.support.sample import sample_files


def psnr_in(mask: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    diff = a[mask].astype(float) - b[mask].astype(float)
    return float(10 * np.log10(255.0**2 / max(np.mean(diff**2), 1e-9)))


def test_sample_writes_files_that_load_and_restore(tmp_path: Path) -> None:
    assert main(["sample", "-o", str(tmp_path / "s")]) == 0
    files = sample_files(tmp_path / "s")
    photo, aged = load_photo(files.photo), load_photo(files.aged)
    mask = load_mask(files.mask, aged.shape2d)
    assert photo.pixels.shape == aged.pixels.shape == (400, 600, 3)
    assert 0.005 < mask.bits.mean() < 0.2  # damage to find, not a ruined photo
    outside = np.abs(photo.pixels[~mask.bits].astype(int) - aged.pixels[~mask.bits].astype(int))
    assert outside.max() <= 2  # the mask covers every pixel the damage changed (past aging's tolerance)
    out = tmp_path / "restored.png"
    assert main(["restore", str(files.aged), "--mask", str(files.mask), "-o", str(out)]) == 0
    restored = load_photo(out).pixels
    assert psnr_in(mask.bits, restored, photo.pixels) > psnr_in(mask.bits, aged.pixels, photo.pixels) + 8


def test_sample_is_the_same_everywhere(tmp_path: Path) -> None:
    assert main(["sample", "-o", str(tmp_path / "a")]) == 0
    assert main(["sample", "-o", str(tmp_path / "b")]) == 0
    for name in ("sample.png", "sample-aged.png", "sample-aged.mask.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_sample_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("x")
    assert main(["sample", "-o", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is a file" in err
