"""The automatic engine's self-check (autocheck.py) and the tiles it fills apart: it picks biharmonic
where the photo is smooth and keeps the plan where it is not, leaves every pixel outside the
effective mask as it was at any depth, gives the same bytes on a rerun, and can be cancelled."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, restore
from tratteggio.core.engines import autocheck
from tratteggio.core.engines.tiles import TILE, fill_tiles_apart

from .helpers import coffee, crack_mask

SIDE = 448  # 16 thin-damage tiles


def _smooth_photo() -> np.ndarray:
    """coffee enlarged 8x: oversampled, as a scan is; biharmonic beats FSR on it."""
    return cv2.resize(coffee()[100:156, 200:256], (SIDE, SIDE), interpolation=cv2.INTER_CUBIC)


def _striped_photo() -> np.ndarray:
    """Fine stripes 5 px apart: FSR continues them, biharmonic blurs them."""
    x = np.arange(SIDE)[None, :] + 0.5 * np.arange(SIDE)[:, None]
    gray = 128 + 90 * np.sin(2 * np.pi * x / 5.0)
    return np.dstack([gray, gray * 0.8 + 20, gray * 0.6 + 40]).astype(np.uint8)


def _run(pixels: np.ndarray, seed: int = 1) -> tuple[np.ndarray, Mask, object]:
    mask = crack_mask(SIDE, SIDE, seed=seed, count=14)
    damaged = pixels.copy()
    damaged[mask.bits] = 0
    return damaged, mask, restore(Photo(damaged), mask, RestorationRequest(engine="auto"))


def test_a_smooth_photo_goes_biharmonic_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    damaged, mask, result = _run(_smooth_photo())
    parts = result.engine_info["parts"]  # type: ignore[attr-defined]
    smooth = [p for p in parts if p["engine"] == "biharmonic"]
    planned = [p for p in parts if p["engine"] != "hybrid"]  # what the time budget upgrades
    assert len(planned) >= 8 and len(smooth) >= 0.75 * len(planned)
    assert all("self-check" in p["reason"] for p in smooth)
    outside = ~result.effective_mask.bits  # type: ignore[attr-defined]
    assert np.array_equal(result.pixels[outside], damaged[outside])  # type: ignore[attr-defined]
    monkeypatch.setattr(autocheck, "FLOOR", -1.0)  # no part passes: the plan as it was
    planned_fill = restore(Photo(damaged), mask, RestorationRequest(engine="auto")).pixels
    truth = _smooth_photo()
    fills = (result.pixels, planned_fill)  # type: ignore[attr-defined]
    error = [np.abs(f[mask.bits].astype(float) - truth[mask.bits]).mean() for f in fills]
    assert error[0] < error[1]


def test_fine_texture_keeps_the_planned_fill() -> None:
    _, _, result = _run(_striped_photo())
    engines = {p["engine"] for p in result.engine_info["parts"]}  # type: ignore[attr-defined]
    assert "biharmonic" not in engines and engines & {"fsr+biharmonic", "fsr×4+biharmonic"}


def test_reruns_give_the_same_bytes_and_16_bit_stays_exact_outside() -> None:
    first, second = _run(_smooth_photo())[2], _run(_smooth_photo())[2]
    assert np.array_equal(first.pixels, second.pixels)  # type: ignore[attr-defined]
    deep = _smooth_photo().astype(np.uint16) * 257 + 3
    damaged, mask, result = _run(deep)
    assert result.pixels.dtype == np.uint16  # type: ignore[attr-defined]
    outside = ~result.effective_mask.bits  # type: ignore[attr-defined]
    assert np.array_equal(result.pixels[outside], damaged[outside])  # type: ignore[attr-defined]
    assert "biharmonic" in {p["engine"] for p in result.engine_info["parts"]}  # type: ignore[attr-defined]


def test_cancel_stops_the_check_and_the_tiles() -> None:
    damaged = _smooth_photo()
    mask = crack_mask(SIDE, SIDE, seed=1, count=14)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        restore(Photo(damaged), mask, RestorationRequest(engine="auto"), cancel=cancel)


def test_tiles_apart_fill_each_tile_on_its_own_window_on_any_number_of_threads() -> None:
    rng = np.random.default_rng(0)
    levels = rng.random((3 * TILE + 7, 2 * TILE + 5)).astype(np.float32)
    mask = crack_mask(*levels.shape, seed=3, count=10).bits
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def fill(crop: np.ndarray, bits: np.ndarray) -> np.ndarray:
        with lock:
            seen.append(crop.shape)
        out = crop.copy()
        out[bits] = crop[~bits].mean()  # depends on the whole window, so a wrong window shows
        return out

    out = fill_tiles_apart(levels, mask, fill, lambda: None, margin=16)
    assert np.array_equal(out[~mask], levels[~mask])
    for y in range(0, levels.shape[0], TILE):
        for x in range(0, levels.shape[1], TILE):
            tile = mask[y : y + TILE, x : x + TILE]
            if tile.any():
                window = levels[max(0, y - 16) : y + TILE + 16, max(0, x - 16) : x + TILE + 16]
                bits = mask[max(0, y - 16) : y + TILE + 16, max(0, x - 16) : x + TILE + 16]
                assert np.allclose(out[y : y + TILE, x : x + TILE][tile], window[~bits].mean())
    rows, cols = range(0, levels.shape[0], TILE), range(0, levels.shape[1], TILE)
    assert len(seen) == sum(bool(mask[y : y + TILE, x : x + TILE].any()) for y in rows for x in cols)
