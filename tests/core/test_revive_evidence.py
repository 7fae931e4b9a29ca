"""First, do no harm: the estimate from the photo alone says how sure it is, backs off towards no
change where the photo gives little evidence (a flat gray wall, a low-key scene), keeps a
cyanotype's blue, and says why in the record and on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skimage.data

from tratteggio.cli import main
from tratteggio.core import Photo, save_photo
from tratteggio.core.color.estimate import EstimateSettings, ReviveRequest, backed_off, estimate_with_evidence
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.lab.anchors import delta_e
from tratteggio.core.lab.fading_families import FAMILIES, fade_family


def eight_bit(rgb: np.ndarray) -> np.ndarray:
    return np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def test_a_flat_gray_wall_is_left_nearly_alone() -> None:
    rng = np.random.default_rng(0)
    wall = np.clip(0.55 + rng.normal(0, 0.02, (120, 160, 1)) * np.ones(3), 0, 1) * [1.0, 0.96, 0.85]
    found = estimate_with_evidence(eight_bit(wall), ReviveRequest())
    assert found.confidence < 0.2 and any("flat" in r for r in found.reasons)
    revived = found.transform.apply(eight_bit(wall))
    assert delta_e(revived, eight_bit(wall)).median < 2.0


def test_a_low_key_scene_backs_off_and_says_so() -> None:
    night = (skimage.data.hubble_deep_field()[::4, ::4].astype(np.float32) / 255.0) * 0.35
    found = estimate_with_evidence(eight_bit(night), ReviveRequest())
    assert found.confidence < 0.5 and any("low-key" in r for r in found.reasons)


def test_a_cyanotype_keeps_its_blue_and_a_colour_photo_is_trusted() -> None:
    rgb = skimage.data.camera()[::4, ::4, None].repeat(3, axis=2).astype(np.float32) / 255.0
    original, faded = fade_family(rgb, "cyanotype", 7)
    found = estimate_with_evidence(eight_bit(faded), ReviveRequest())
    assert any("cyanotype" in r for r in found.reasons)
    revived = found.transform.apply(eight_bit(faded)).astype(np.float32) / 255.0
    blue = faded[..., 2].mean() - faded[..., 0].mean()
    assert blue > 0.03 and revived[..., 2].mean() - revived[..., 0].mean() > 0.8 * blue  # still blue
    colour = skimage.data.astronaut()[::4, ::4]
    _, faded = fade_family(colour.astype(np.float32) / 255.0, "dye_dark", 3)
    unguarded = EstimateSettings(guard=None)  # the evidence alone (the guard may still leave it)
    assert estimate_with_evidence(eight_bit(faded), ReviveRequest(), unguarded).confidence == 1.0


def test_backing_off_moves_every_parameter_towards_identity() -> None:
    full = ReviveTransform((0.2, 0.1, 0.05), (0.9, 0.8, 0.95), (1.3, 0.8, 1.0), saturation=1.4)
    assert backed_off(full, 0.0) == ReviveTransform()
    assert backed_off(full, 1.0) == full
    half = backed_off(full, 0.5)
    assert half.black[0] == pytest.approx(0.1) and half.saturation == pytest.approx(1.2)


def test_on_every_family_revive_lowers_the_median_error_of_colour_photos() -> None:
    before, after = [], []
    for name in ("coffee", "rocket"):
        rgb = getattr(skimage.data, name)()[::3, ::3].astype(np.float32) / 255.0
        for family in FAMILIES:
            original, faded = fade_family(rgb, family, 200)
            revived = estimate_with_evidence(eight_bit(faded), ReviveRequest()).transform.apply(
                eight_bit(faded)
            )
            before.append(delta_e(faded, original).median)
            after.append(delta_e(revived, original).median)
    assert np.median(after) < 0.8 * np.median(before), (before, after)


def test_cli_says_how_sure_it_is_and_records_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(1)
    wall = np.clip(0.5 + rng.normal(0, 0.02, (60, 80, 1)) * np.ones(3), 0, 1) * [1.0, 0.95, 0.8]
    save_photo(Photo(eight_bit(wall)), tmp_path / "wall.png")
    assert main(["revive", str(tmp_path / "wall.png"), "-o", str(tmp_path / "out.png")]) == 0
    said = capsys.readouterr().out
    assert "estimate: confidence 0.00" in said and "flat" in said
    (entry,) = json.loads((tmp_path / "out.record.json").read_text())["interventions"]
    assert entry["details"]["confidence"] == 0.0 and entry["details"]["reasons"]


def test_the_self_checks_are_off_by_default_and_back_off_when_asked() -> None:
    """Issue 25's self-checks (none won leave-one-family-out, so the default keeps none): a
    mean-luma check and a clip limit set very tight back off and say why; the default's transform
    is the same as with every check off."""
    coffee = skimage.data.coffee()[::4, ::4]
    _, faded = fade_family(coffee.astype(np.float64) / 255.0, "old_dye", 3)
    pixels = eight_bit(faded)
    default = estimate_with_evidence(pixels, ReviveRequest(), EstimateSettings(guard=None))
    off = EstimateSettings(
        agree=0.0, clip_limit=0.0, luma_check=0.0, white_tint=1.0, dim_share=1.0, guard=None
    )
    assert estimate_with_evidence(pixels, ReviveRequest(), off).transform == default.transform
    tight = estimate_with_evidence(pixels, ReviveRequest(), EstimateSettings(luma_check=0.01, guard=None))
    assert tight.confidence < default.confidence and any("mean luma" in r for r in tight.reasons)
    strict = EstimateSettings(stretch=1.0, clip_limit=1e-4, guard=None)
    clipped = estimate_with_evidence(pixels, ReviveRequest(), strict)
    assert any("clip" in r for r in clipped.reasons), clipped.reasons
