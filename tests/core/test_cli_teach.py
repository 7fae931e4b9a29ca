"""`tratteggio detect --examples / --save-detector / --detector` and `tratteggio evaluate-detector`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, load_photo, save_photo
from tratteggio.core.lab.detect import DetectRequest, propose_lines, search_lines
from tratteggio.core.lab.detector import load_detector
from tratteggio.core.lab.marksim import near

from .test_teach import crack_and_joint


@pytest.fixture
def wall(tmp_path: Path) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    """The wall photo and a marks image: mid-grey over the right quarter of the look-alike."""
    pixels, crack, joint = crack_and_joint()
    photo, marks = tmp_path / "wall.png", tmp_path / "marks.png"
    save_photo(Photo(pixels), photo)
    grey = np.zeros(crack.shape, np.uint8)
    grey[195:206, 260:340] = 128
    save_photo(Photo(grey), marks)
    return photo, marks, crack, joint


DETECT_80 = DetectRequest(sensitivity=0.8, min_length=40)


def detect(*args: str | Path) -> int:
    return main(["detect", *(str(a) for a in args), "--sensitivity", "0.8", "--min-length", "40"])


def test_examples_teach_the_proposal_and_the_saved_detector_reuses_it(
    wall: tuple[Path, Path, np.ndarray, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo, marks, crack, joint = wall
    assert detect(photo, "-o", tmp_path / "default.png") == 0
    default = load_photo(tmp_path / "default.png").pixels > 0
    clean = load_photo(marks).pixels == 128
    assert (default & clean).any() and (default & near(crack, 2)).sum() > 100
    saved = tmp_path / "wall-detector.npz"
    assert detect(photo, "-o", tmp_path / "taught.png", "--examples", marks, "--save-detector", saved) == 0
    assert "taught detector" in capsys.readouterr().out
    taught = load_photo(tmp_path / "taught.png").pixels > 0
    assert (
        not (taught & clean).any()
        and (taught & near(crack, 2)).sum() >= 0.95 * (default & near(crack, 2)).sum()
    )
    assert detect(photo, "-o", tmp_path / "reused.png", "--detector", saved) == 0
    reused = load_photo(tmp_path / "reused.png").pixels > 0
    detector = load_detector(saved)
    expected = propose_lines(search_lines(load_photo(photo).pixels, detector=detector).score(), DETECT_80)
    assert detector.head is not None and np.array_equal(reused, expected)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--kind", "dust", "--examples", "{marks}"], "teach cracks and scratches, not dust"),
        (["--save-detector", "{tmp}/d.npz"], "--save-detector needs --examples"),
        (["--detector", "{tmp}/corrupt.npz"], "not a readable detector file"),
        (["--detector", "{tmp}/missing.npz"], "no such detector file"),
        (["--examples", "{tmp}/small.png"], "the examples are 10x10, the photo 360x260"),
        (["--examples", "{tmp}/blank.png"], "no examples in it"),
        (["--examples", "{marks}", "--save-detector", "{tmp}/d.txt"], "a detector file ends in .npz"),
    ],
)
def test_bad_teaching_input_is_one_line_and_writes_nothing(
    wall: tuple[Path, Path, np.ndarray, np.ndarray],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    photo, marks, _, _ = wall
    (tmp_path / "corrupt.npz").write_bytes(b"PK\x03\x04 this is no zip")
    save_photo(Photo(np.zeros((10, 10), np.uint8)), tmp_path / "small.png")
    save_photo(Photo(np.zeros((260, 360), np.uint8)), tmp_path / "blank.png")
    args = [a.format(tmp=tmp_path, marks=marks) for a in extra]
    assert detect(photo, "-o", tmp_path / "out.png", *args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.png").exists() and not (tmp_path / "d.npz").exists()


def test_evaluate_detector_reports_figures_before_and_after_simulated_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pixels, crack, joint = crack_and_joint()
    (tmp_path / "img").mkdir()
    (tmp_path / "lab").mkdir()
    save_photo(Photo(pixels), tmp_path / "img" / "wall.jpg")
    labels = np.zeros(crack.shape, np.uint8)
    labels[joint] = 204
    labels[crack] = 255
    save_photo(Photo(labels), tmp_path / "lab" / "wall.png")
    report = tmp_path / "report.json"
    args = ["evaluate-detector", str(tmp_path / "img"), str(tmp_path / "lab"), "--marks", "0,2"]
    assert main([*args, "--sensitivity", "0.8", "--min-length", "40", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "| marks per photo | precision | recall | F1 | look-alike pixels flagged |" in out
    rounds = json.loads(report.read_text())["rounds"]
    assert [r["marks"] for r in rounds] == [0, 2]
    assert (
        rounds[1]["lookalike_flagged"] < rounds[0]["lookalike_flagged"] and rounds[1]["f1"] >= rounds[0]["f1"]
    )
    (tmp_path / "none").mkdir()
    assert main(["evaluate-detector", str(tmp_path / "img"), str(tmp_path / "none")]) == 2
    assert "has a label image of the same name" in capsys.readouterr().err
    assert main([*args, "--marks", "0,x"]) == 2
