"""Aging (the forward process), fidelity metrics, evaluation and damage proposals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, RequestError, load_photo, save_photo
from tratteggio.core.geometry import Box
from tratteggio.core.lab.aging import TOLERANCE, AgingRequest, age
from tratteggio.core.lab.detect import DetectRequest, detect, precision_recall
from tratteggio.core.lab.evaluate import evaluate, parse_engines
from tratteggio.core.lab.metrics import mae_in, psnr

from .helpers import coffee


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_aging_is_deterministic_layered_and_its_mask_covers_its_changes(dtype: type) -> None:
    pixels = coffee()[:200, :300].astype(dtype) * (257 if dtype == np.uint16 else 1)
    request = AgingRequest(kinds=("fading", "stains", "cracks", "scratches", "losses", "dust"), seed=7)
    first, again = age(Photo(pixels), request), age(Photo(pixels), request)
    assert first.pixels.tobytes() == again.pixels.tobytes() and first.pixels.dtype == pixels.dtype
    assert [kind for kind, _ in first.layers] == ["fading", "stains", "cracks", "scratches", "losses", "dust"]
    assert 0.005 < first.mask.mean() < 0.6
    top = 65535 if dtype == np.uint16 else 255
    change = np.abs(first.pixels.astype(float) - first.reference.astype(float)).max(axis=2) / top
    assert change[~first.mask].max() <= TOLERANCE + 1e-6  # every change beyond tolerance is masked
    assert not np.array_equal(first.reference, pixels)  # fading is part of the reference
    other = age(Photo(pixels), AgingRequest(kinds=request.kinds, seed=8))
    assert not np.array_equal(other.pixels, first.pixels)


def test_aging_rejects_unknown_kinds_and_bad_severity() -> None:
    with pytest.raises(RequestError, match="unknown damage kinds"):
        AgingRequest(kinds=("mould",))
    with pytest.raises(RequestError, match="severity"):
        AgingRequest(severity=2.0)


def test_metrics_match_an_independent_computation() -> None:
    a = np.zeros((4, 4, 3), np.uint8)
    b = a.copy()
    b[0, 0] = 10
    mask = np.zeros((4, 4), bool)
    mask[0, :2] = True
    # in the mask: two pixels x 3 channels, errors 10,10,10,0,0,0 -> mse = 50 (in 8-bit levels)
    assert psnr(a, b, mask) == pytest.approx(10 * np.log10(255**2 / 50.0))
    assert mae_in(a, b, mask) == pytest.approx(5.0)


def test_evaluate_reports_zero_changes_outside_and_plausible_scores(tmp_path: Path) -> None:
    photos = [("coffee", Photo(coffee()[:200, :300]))]
    rows, strips = evaluate(photos, parse_engines("hybrid,telea"), AgingRequest(kinds=("cracks",), seed=1))
    assert [r.engine for r in rows] == ["hybrid", "telea"]
    assert all(r.changed_outside == 0 and 15 < r.psnr_mask < 60 and 0 < r.ssim_mask <= 1 for r in rows)
    assert strips[0].shape[0] == 192
    with pytest.raises(RequestError, match="unknown engine 'magic'"):
        parse_engines("hybrid,magic")


def test_detectors_find_a_crack_on_flat_ground_and_ignore_a_gradient() -> None:
    import cv2

    flat = np.full((200, 300, 3), 180, np.uint8)
    cv2.polylines(
        flat, [np.array([[20, 30], [120, 80], [200, 60], [280, 150]], np.int32)], False, (60, 55, 50), 2
    )
    truth = np.all(flat == (60, 55, 50), axis=2)
    found = detect(flat, DetectRequest(kind="cracks"))
    precision, recall = precision_recall(found, truth)
    assert recall > 0.95 and precision > 0.3
    gradient = np.dstack([np.tile(np.linspace(0, 255, 300, dtype=np.float32), (200, 1)).astype(np.uint8)] * 3)
    for kind in ("cracks", "scratches", "dust"):
        assert detect(gradient, DetectRequest(kind=kind)).sum() == 0
    bright = np.full((200, 300, 3), 90, np.uint8)
    cv2.line(bright, (10, 190), (290, 20), (240, 240, 240), 1)
    assert detect(bright, DetectRequest(kind="scratches")).sum() > 200


def test_dust_losses_and_roi() -> None:
    import cv2

    ground = np.full((120, 160, 3), 100, np.uint8)
    cv2.circle(ground, (40, 40), 2, (250, 250, 250), -1)
    cv2.rectangle(ground, (90, 60), (130, 100), (219, 204, 176), -1)
    dust = detect(ground, DetectRequest(kind="dust"))
    assert dust[40, 40] and not dust[80, 110]
    losses = detect(ground, DetectRequest(kind="losses", support=(219 / 255, 204 / 255, 176 / 255)))
    assert losses[80, 110] and not losses[40, 40]
    from tratteggio.core.geometry import Box

    only_left = detect(ground, DetectRequest(kind="dust", roi=Box(0, 0, 60, 60)))
    assert only_left[40, 40] and not only_left[:, 60:].any()


def test_cli_age_detect_evaluate(tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    save_photo(Photo(coffee()[:200, :300]), photo)
    age_args = ["age", str(photo), "-o", str(tmp_path / "a.png"), "--mask-out", str(tmp_path / "m.png")]
    age_args += ["--kinds", "cracks,dust", "--seed", "3"]
    assert main([*age_args, "--layers", str(tmp_path / "layers")]) == 0
    assert sorted(p.name for p in (tmp_path / "layers").iterdir()) == [
        "layer-01-cracks.png",
        "layer-02-dust.png",
    ]
    first = (tmp_path / "a.png").read_bytes()
    assert main(age_args) == 0
    assert (tmp_path / "a.png").read_bytes() == first
    assert (
        main(["detect", str(tmp_path / "a.png"), "-o", str(tmp_path / "d.png"), "--sensitivity", "0.6"]) == 0
    )
    assert load_photo(tmp_path / "d.png").pixels.any()
    assert (
        main(
            [
                "evaluate",
                str(photo),
                "--engines",
                "hybrid,telea",
                "--kinds",
                "cracks",
                "--report",
                str(tmp_path / "rep"),
            ]
        )
        == 0
    )
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert len(report["rows"]) == 2 and (tmp_path / "rep" / "contact-sheet.png").exists()
    assert "| p | hybrid |" in (tmp_path / "rep" / "report.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["age", "{p}", "-o", "{t}/a.png", "--mask-out", "{t}/m.png", "--kinds", "mould"],
            "unknown damage kinds",
        ),
        (["age", "{t}/none.png", "-o", "{t}/a.png", "--mask-out", "{t}/m.png"], "no such file"),
        (["detect", "{p}", "-o", "{t}/d.png", "--roi", "1,2"], "--roi must be 4"),
        (["detect", "{p}", "-o", "{t}/d.png", "--sensitivity", "3"], "sensitivity"),
        (["evaluate", "{p}", "--engines", "magic"], "unknown engine"),
    ],
)
def test_cli_lab_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    photo = tmp_path / "p.png"
    save_photo(Photo(coffee()[:60, :80]), photo)
    argv = [a.format(p=photo, t=tmp_path) for a in args]
    done = subprocess.run([sys.executable, "-m", "tratteggio", *argv], capture_output=True, text=True)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and message in done.stderr


def test_wide_dark_cracks_on_a_real_photo_are_found() -> None:
    import cv2

    pixels = coffee().copy()
    bits = np.zeros(pixels.shape[:2], np.uint8)
    cv2.polylines(bits, [np.array([[40, 60], [200, 140], [330, 120], [560, 300]], np.int32)], False, 1, 3)
    damaged = pixels.copy()
    damaged[bits > 0] = (damaged[bits > 0] * 0.25).astype(np.uint8)
    found = detect(damaged, DetectRequest(kind="cracks"))
    assert (found & (bits > 0)).sum() / bits.sum() > 0.9


def test_crack_detector_on_a_held_out_seed_of_a_real_photo() -> None:
    """A regression guard for the shipped weights: chelsea (not a training photo), seed 100 (held out),
    scored with the real sets' 2 px tolerance: precision 0.94, recall 0.81 (the target over all held-out
    photos is recall 0.8 at precision 0.6; RESULTS.md); 0.56% of the clean photo proposed."""
    import skimage.data

    from tratteggio.core.lab.marksim import tally

    photo = Photo(skimage.data.chelsea())
    aged = age(photo, AgingRequest(kinds=("cracks",), seed=100))
    scored = tally(detect(aged.pixels, DetectRequest()), aged.mask, np.zeros_like(aged.mask))
    assert scored.precision > 0.9 and scored.recall > 0.78
    assert detect(photo.pixels, DetectRequest()).mean() < 0.008


def test_crack_score_tiles_match_one_pass_and_a_kept_score_gives_the_same_proposal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cv2

    from tratteggio.core.lab import crackscore
    from tratteggio.core.lab.detect import line_probability

    pixels = coffee()[:300, :420].copy()
    cv2.polylines(pixels, [np.array([[20, 60], [200, 140], [400, 100]], np.int32)], False, (40, 30, 25), 2)
    scorer = crackscore.load_scorer()
    whole = scorer.score_tile(pixels).score
    monkeypatch.setattr(crackscore, "TILE", 128)
    tiled = scorer.score(pixels)
    assert tiled.shape == pixels.shape[:2] and np.abs(tiled - whole).max() < 1e-4
    monkeypatch.undo()
    request = DetectRequest(sensitivity=0.7)
    kept = line_probability(pixels)
    assert np.array_equal(detect(pixels, request, line_score=kept), detect(pixels, request))
    inside = np.zeros(pixels.shape[:2], bool)
    inside[40:190, 50:250] = True
    in_roi = detect(pixels, DetectRequest(sensitivity=0.7, roi=Box(50, 40, 200, 150)), line_score=kept)
    assert in_roi.any() and not (in_roi & ~inside).any()


def test_crack_detector_reads_16_bit_and_gray_like_8_bit() -> None:
    import cv2

    flat = np.full((160, 240, 3), 170, np.uint8)
    line = np.array([[10, 30], [40, 41], [70, 47], [95, 63], [120, 70], [150, 58], [190, 51], [230, 40]])
    cv2.polylines(flat, [line.astype(np.int32)], False, (66, 66, 66), 2)  # neutral: gray reads the same
    eight = detect(flat, DetectRequest())
    assert eight.sum() > 300
    sixteen = detect(flat.astype(np.uint16) * 257, DetectRequest())
    gray = detect(cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY), DetectRequest())
    assert (sixteen ^ eight).sum() <= 0.02 * eight.sum() and (gray & eight).sum() >= 0.9 * eight.sum()


def test_wide_cracks_are_scored_smaller_when_max_width_says_so() -> None:
    import cv2

    pixels = cv2.resize(coffee(), (1200, 800))
    bits = np.zeros(pixels.shape[:2], np.uint8)
    cv2.polylines(bits, [np.array([[60, 700], [500, 560], [1150, 640]], np.int32)], False, 1, 10)
    damaged = pixels.copy()
    damaged[bits > 0] = (damaged[bits > 0] * 0.4).astype(np.uint8)
    crack = bits > 0
    at_full_size = detect(damaged, DetectRequest(max_width=4))
    scaled = detect(damaged, DetectRequest(max_width=10))
    assert (at_full_size & crack).sum() < 0.05 * crack.sum() < 0.5 * (scaled & crack).sum()
