"""What `auto` chooses from the texture around each part, and that the record says so (issue 24)."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data

from tratteggio.core import Mask, Photo, RestorationRequest, restore
from tratteggio.core.engines import patchmatch
from tratteggio.core.lab.metrics import texture_ratios

pytest.importorskip("patchmatch")


def _brick_with_loss_and_scratch() -> tuple[np.ndarray, np.ndarray]:
    pixels = np.dstack([skimage.data.brick()[:300, :300]] * 3)
    bits = np.zeros(pixels.shape[:2], bool)
    bits[120:190, 110:180] = True  # a loss 70 px wide in brick
    bits[40, 20:280] = True  # and a scratch
    return pixels, bits


def test_a_wide_loss_in_texture_gets_patchmatch_and_keeps_the_texture() -> None:
    pixels, bits = _brick_with_loss_and_scratch()
    result = restore(Photo(pixels), Mask(bits), RestorationRequest())
    parts = result.engine_info["parts"]
    (loss,) = [p for p in parts if p["kind"] == "loss"]
    assert loss["engine"] == "patchmatch" and "texture" in loss["reason"]
    assert {p["engine"] for p in parts if p["kind"] == "thin"} <= {"fsr+biharmonic", "hybrid"}
    (ratio,) = texture_ratios(result.pixels, bits)
    assert ratio > 0.5
    assert np.array_equal(result.pixels[~result.effective_mask.bits], pixels[~result.effective_mask.bits])


def test_thin_damage_in_a_flat_area_gets_biharmonic() -> None:
    ramp = np.linspace(40, 200, 600, dtype=np.float32)[None, :] + np.linspace(0, 30, 400)[:, None]
    pixels = np.dstack([ramp, ramp * 0.9, ramp * 0.7]).astype(np.uint8)  # a smooth backdrop
    pixels[:, 300:] = np.dstack([skimage.data.brick()[:400, :300]] * 3)  # beside brick
    bits = np.zeros((400, 600), bool)
    bits[200, 20:580] = True
    result = restore(Photo(pixels), Mask(bits), RestorationRequest())
    engines = {p["engine"] for p in result.engine_info["parts"]}
    parts = result.engine_info["parts"]
    assert "biharmonic" in engines and "fsr+biharmonic" in engines
    for part in parts:
        flat = part["box"][2] <= 300
        assert (part["engine"] == "biharmonic") == flat, part
        assert ("flat" in part["reason"]) == flat


def test_without_pypatchmatch_auto_says_so_and_fills_anyway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patchmatch, "available", lambda: False)
    pixels, bits = _brick_with_loss_and_scratch()
    result = restore(Photo(pixels), Mask(bits), RestorationRequest())
    (loss,) = [p for p in result.engine_info["parts"] if p["kind"] == "loss"]
    assert loss["engine"] == "hybrid" and "PyPatchMatch is not installed" in loss["reason"]


def test_the_seed_is_recorded_and_reruns_give_the_same_bytes() -> None:
    pixels, bits = _brick_with_loss_and_scratch()
    first = restore(Photo(pixels), Mask(bits), RestorationRequest(seed=4))
    again = restore(Photo(pixels), Mask(bits), RestorationRequest(seed=4))
    assert first.engine_info["seed"] == 4
    assert np.array_equal(first.pixels, again.pixels)
