"""Calibration from a ColorChecker Classic 24 rendered into public-domain photos: found through
perspective, blur, noise, casts and 16 bits; never found where there is none; the fitted transform
brings the patches close to their published colours; the CLI documents it and reruns bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skimage.data

from tratteggio.cli import main
from tratteggio.core import Photo, load_photo, save_photo
from tratteggio.core.color.chart import NoChartError, _measure, find_chart, fit_to_chart, score_chart
from tratteggio.core.color.colorchecker import LAB_D50, lab_d50_to_srgb, reference_srgb, srgb_to_lab_d50
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.lab.chartscene import Cast, captured, place_chart


def scene(
    seed: int, width: int, cast: Cast, bits: int, name: str = "coffee"
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    photo = getattr(skimage.data, name)().astype(np.float32) / 255.0
    rgb, corners = place_chart(photo, width, rng)
    return captured(rgb, cast, rng, blur=1.0, noise=0.01, bits=bits), corners


WARM = Cast((1.0, 0.82, 0.6), 1.15)


def test_published_colours_round_trip_through_srgb() -> None:
    inside = [i for i in range(24) if i != 17]  # cyan lies outside sRGB
    back = srgb_to_lab_d50(lab_d50_to_srgb(LAB_D50))
    assert np.abs(back[inside] - LAB_D50[inside]).max() < 0.05
    assert reference_srgb().shape == (24, 3)


@pytest.mark.parametrize(("bits", "name"), [(8, "coffee"), (16, "astronaut")])
def test_a_cast_chart_in_perspective_is_found_and_calibrated(bits: int, name: str) -> None:
    pixels, corners = scene(3, 240, WARM, bits, name)
    chart = find_chart(pixels)
    assert np.abs(np.sort(chart.outline, axis=0) - np.sort(corners, axis=0)).max() < 25
    transform = fit_to_chart(chart.measured)
    score = score_chart(chart.measured, transform)
    assert score.before.mean() > 10 and score.after.mean() < 2.0
    corrected = transform.apply(pixels)
    assert corrected.dtype == pixels.dtype
    remeasured, _ = _measure(corrected.astype(np.float32) / np.iinfo(pixels.dtype).max, chart.patches)
    from skimage.color import deltaE_ciede2000

    assert deltaE_ciede2000(srgb_to_lab_d50(remeasured), LAB_D50).mean() < 2.5


@pytest.mark.parametrize("name", ["coffee", "astronaut", "camera", "brick", "rocket", "chelsea"])
def test_photos_without_a_chart_find_none(name: str) -> None:
    with pytest.raises(NoChartError, match="no colour chart"):
        find_chart(getattr(skimage.data, name)())


def test_cli_chart_documents_the_patches_and_reruns_bit_for_bit(tmp_path: Path) -> None:
    pixels, _ = scene(5, 260, Cast((0.8, 1.0, 0.7), 0.9), 16, "astronaut")
    alpha = np.full(pixels.shape[:2] + (1,), 50000, np.uint16)
    save_photo(Photo(np.dstack([pixels, alpha])), tmp_path / "shot.tif")
    out = tmp_path / "calibrated.tif"
    assert main(["revive", str(tmp_path / "shot.tif"), "-o", str(out), "--chart"]) == 0
    (entry,) = json.loads((tmp_path / "calibrated.record.json").read_text())["interventions"]
    assert entry["request"]["reference"] == "chart"
    chart = entry["details"]["chart"]
    assert chart["after"]["mean"] < chart["before"]["mean"] and len(chart["after_per_patch"]) == 24
    assert chart["after"]["fadgi"] in ("4 stars", "3 stars")
    written = load_photo(out).pixels
    assert written.dtype == np.uint16 and np.array_equal(written[..., 3], alpha[..., 0])
    transform = ReviveTransform.from_dict(entry["engine"]["transform"])
    assert np.array_equal(written, transform.apply(load_photo(tmp_path / "shot.tif").pixels))
    assert main(["rerun", str(tmp_path / "calibrated.record.json"), "-o", str(tmp_path / "again.tif")]) == 0
    assert (tmp_path / "again.tif").read_bytes() == out.read_bytes()


def test_cli_chart_without_a_chart_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_photo(Photo(skimage.data.coffee()), tmp_path / "plain.png")
    assert main(["revive", str(tmp_path / "plain.png"), "-o", str(tmp_path / "out.png"), "--chart"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.png"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no colour chart" in err[0]
