"""The command line: restore, rerun bit for bit, and clean failures on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, load_photo, save_photo

from .helpers import coffee, crack_mask


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    photo, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    save_photo(Photo(coffee()[:150, :200]), photo)
    save_photo(Photo(crack_mask(150, 200, seed=2).to_image()), mask)
    return photo, mask


def test_restore_then_rerun_reproduces_bit_for_bit(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    photo, mask = inputs
    out = tmp_path / "out.png"
    args = [
        "restore",
        str(photo),
        "--mask",
        str(mask),
        "-o",
        str(out),
        "--engine",
        "navier-stokes",
        "--blend",
        "2",
        "--padding",
        "10",
        "--seed",
        "5",
    ]
    assert main(args) == 0
    for name in ("out.record.json", "out.lossmap.png", "out.mask.png"):
        assert (tmp_path / name).exists()
    record = json.loads((tmp_path / "out.record.json").read_text())
    request = record["interventions"][0]["request"]
    assert request["engine"] == "navier-stokes" and request["seed"] == 5
    assert main(["rerun", str(tmp_path / "out.record.json"), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == out.read_bytes()
    restored = load_photo(out).pixels
    assert not np.array_equal(restored, load_photo(photo).pixels)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tratteggio", *args], capture_output=True, text=True)


def test_python_dash_m_runs_the_same_program_with_help_everywhere() -> None:
    for command in ([], ["restore"], ["rerun"]):
        done = run_cli(*command, "--help")
        assert done.returncode == 0 and "usage: tratteggio" in done.stdout
    assert "--blend PX" in run_cli("restore", "--help").stdout


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file"),
        ("corrupt", "corrupt or truncated"),
        ("wrong-size", "the mask is 20x10 but the photo is 200x150"),
        ("empty-mask", "the mask is empty"),
        ("engine", "unknown engine 'magic'"),
        ("unwritable", "does not exist"),
        ("format", "unknown output format"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line_and_no_output(
    inputs: tuple[Path, Path], tmp_path: Path, case: str, message: str
) -> None:
    photo, mask = inputs
    out = tmp_path / "out.png"
    args = [str(photo), "--mask", str(mask), "-o", str(out)]
    if case == "missing":
        args[0] = str(tmp_path / "nope.png")
    elif case == "corrupt":
        (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
        args[0] = str(tmp_path / "bad.png")
    elif case == "wrong-size":
        save_photo(Photo(np.ones((10, 20), np.uint8)), mask)
    elif case == "empty-mask":
        save_photo(Photo(np.zeros((150, 200), np.uint8)), mask)
    elif case == "engine":
        args += ["--engine", "magic"]
    elif case == "unwritable":
        args[-1] = str(tmp_path / "no" / "such" / "dir" / "out.png")
    elif case == "format":
        args[-1] = str(tmp_path / "out.xyz")
    done = run_cli("restore", *args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["mask.png", "photo.png"] + (["bad.png"] if case == "corrupt" else [])
    )


def test_rerun_refuses_a_changed_master(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    photo, mask = inputs
    assert main(["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "o.png")]) == 0
    save_photo(Photo(coffee()[1:151, :200]), photo)
    done = run_cli("rerun", str(tmp_path / "o.record.json"), "-o", str(tmp_path / "o2.png"))
    assert done.returncode == 2 and "has changed" in done.stderr


def test_progress_bar_draws_on_stderr(
    inputs: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRATTEGGIO_PROGRESS", "1")
    photo, mask = inputs
    assert main(["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "o.png")]) == 0
    err = capsys.readouterr().err
    assert "restoring (auto) [" in err and "#" in err


def test_the_studio_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "tratteggio"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "no display" in done.stderr and "Traceback" not in done.stderr
