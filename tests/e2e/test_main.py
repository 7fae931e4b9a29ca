"""The real program, `tratteggio open`, started as a user starts it (offscreen), with pixel
snapshots of the canvas compared with a tolerance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data

from tratteggio.core import Photo, load_photo, save_photo

SNAPSHOTS = Path(__file__).parent / "snapshots"


def inputs(folder: Path) -> tuple[Path, Path]:
    photo, mask = folder / "coffee.png", folder / "mask.png"
    save_photo(Photo(skimage.data.coffee()), photo)
    bits = np.zeros((400, 600), np.uint8)
    bits[120:200, 380:470] = 255
    save_photo(Photo(bits), mask)
    return photo, mask


def run_studio(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
    return subprocess.run(
        [sys.executable, "-m", "tratteggio", "open", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def photo_area(shot: np.ndarray) -> np.ndarray:
    """The part of the canvas showing the photo (the canvas size follows the window's layout),
    resampled to 300x200 so snapshots compare across layouts."""
    import cv2

    background = np.all(np.abs(shot.astype(int) - (38, 38, 42)) <= 2, axis=2)
    rows, cols = np.flatnonzero(~background.all(axis=1)), np.flatnonzero(~background.all(axis=0))
    crop = shot[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return cv2.resize(np.ascontiguousarray(crop), (300, 200), interpolation=cv2.INTER_AREA)


def assert_close(actual: np.ndarray, name: str) -> None:
    expected = load_photo(SNAPSHOTS / name).pixels
    assert actual.shape == expected.shape
    diff = np.abs(actual.astype(int) - expected.astype(int))
    assert diff.mean() < 2.0 and np.percentile(diff, 99) < 40, (diff.mean(), np.percentile(diff, 99))


@pytest.mark.parametrize(("with_mask", "name"), [(True, "coffee-mask.png"), (False, "coffee.png")])
def test_main_opens_photo_and_mask(tmp_path: Path, with_mask: bool, name: str) -> None:
    photo, mask = inputs(tmp_path)
    shot = tmp_path / "shot.png"
    args = [str(photo), "--snapshot", str(shot)] + (["--mask", str(mask)] if with_mask else [])
    done = run_studio(args, tmp_path)
    assert done.returncode == 0, done.stderr
    pixels = photo_area(load_photo(shot).pixels[..., :3])
    if os.environ.get("TRATTEGGIO_UPDATE_SNAPSHOTS") == "1":
        save_photo(Photo(pixels), SNAPSHOTS / name)
    assert_close(pixels, name)


def test_main_with_a_corrupt_photo_still_opens_and_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n nonsense")
    done = run_studio([str(bad), "--snapshot", str(tmp_path / "shot.png")], tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert (tmp_path / "shot.png").exists()  # the empty studio, with the warning shown
