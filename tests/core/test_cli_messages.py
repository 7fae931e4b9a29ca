"""The command line says what is wrong, in one line (issue #10's list, items 14 and 16)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, save_photo
from tratteggio.core.engines.hub import download_error

from .helpers import coffee


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    photo, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    save_photo(Photo(coffee()[:150, :200]), photo)
    bits = np.zeros((150, 200), np.uint8)
    bits[60:80, 90:120] = 255
    save_photo(Photo(bits), mask)
    return photo, mask


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_an_output_naming_a_folder_says_so(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo, mask = inputs
    (tmp_path / "out").mkdir()
    assert main(["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "out")]) == 2
    assert "is a folder" in one_line(capsys) or "unknown output format" not in capsys.readouterr().err
    folder_png = tmp_path / "dir.png"
    folder_png.mkdir()
    assert main(["restore", str(photo), "--mask", str(mask), "-o", str(folder_png)]) == 2
    assert "is a folder" in one_line(capsys)


def test_an_output_inside_a_file_says_the_parent_is_not_a_folder(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo, mask = inputs
    (tmp_path / "file").write_text("not a folder")
    assert main(["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "file" / "x.png")]) == 2
    assert "is not a folder" in one_line(capsys)


def test_evaluate_lists_every_valid_engine(
    inputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    photo, _ = inputs
    assert main(["evaluate", str(photo), "--engines", "magic"]) == 2
    line = one_line(capsys)
    for engine in ("hybrid", "biharmonic", "telea", "navier-stokes", "diffusion:MODEL"):
        assert engine in line, engine


@pytest.mark.parametrize("roi", ["150,100,100,100", "-5,0,10,10", "0,0,0,10", "1,2,3"])
def test_detect_refuses_a_region_outside_the_photo(
    inputs: tuple[Path, Path], tmp_path: Path, roi: str, capsys: pytest.CaptureFixture[str]
) -> None:
    photo, _ = inputs
    assert main(["detect", str(photo), "-o", str(tmp_path / "m.png"), f"--roi={roi}"]) == 2
    assert "--roi" in one_line(capsys) and not (tmp_path / "m.png").exists()


def test_download_errors_say_what_failed_and_what_to_do() -> None:
    class ConnectError(Exception):
        pass

    class GatedRepoError(Exception):
        pass

    class RepositoryNotFoundError(Exception):
        pass

    offline = download_error("a/b", ConnectError("[Errno -2] Name or service not known"))
    assert "could not reach the model hub" in offline and "Errno" not in offline and "resumes" in offline
    assert "accept its licence" in download_error("a/b", GatedRepoError("401"))
    assert "no such model" in download_error("a/b", RepositoryNotFoundError("404"))
    full = download_error("a/b", OSError(28, "No space left on device"))
    assert "disk space" in full
