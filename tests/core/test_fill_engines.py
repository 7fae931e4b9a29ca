"""Frequency-selective reconstruction (`fsr`, `fsr-best`) and the automatic engine: exact outside the
effective mask, deterministic, cancellable within a region, and recorded part by part."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, restore, write_result
from tratteggio.core.engines import FillContext, get_engine
from tratteggio.core.engines.autoplan import HYBRID_PER_PIXEL, allocate, plan_parts, split_losses
from tratteggio.core.engines.fsr import FOUR, FsrEngine, Placement, to_levels, xphoto_fill
from tratteggio.core.engines.tiles import fill_in_tiles

from .helpers import coffee, crack_mask, square_mask


@st.composite
def small_damage(draw: st.DrawFn, largest: int) -> tuple[Photo, Mask]:
    """Noise photos (the costliest texture for FSR) with a few small holes: any dtype, any channels."""
    height, width = draw(st.integers(6, largest)), draw(st.integers(6, largest))
    channels = draw(st.sampled_from([None, 2, 3, 4]))
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.float32]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (height, width) if channels is None else (height, width, channels)
    if dtype == np.float32:
        pixels = rng.random(shape, dtype=np.float32)
    else:
        pixels = rng.integers(0, np.iinfo(dtype).max + 1, size=shape, dtype=dtype)
    bits = np.zeros((height, width), bool)
    for _ in range(draw(st.integers(1, 3))):
        y, x = draw(st.integers(0, height - 1)), draw(st.integers(0, width - 1))
        bits[y : y + draw(st.integers(1, 5)), x : x + draw(st.integers(1, 5))] = True
    if bits.all():
        bits[0, 0] = False
    return Photo(pixels), Mask(bits)


def _exact(photo: Photo, mask: Mask, request: RestorationRequest) -> None:
    result = restore(photo, mask, request)
    assert result.pixels.dtype == photo.pixels.dtype and result.pixels.shape == photo.pixels.shape
    outside = ~result.effective_mask.bits
    assert np.array_equal(result.pixels[outside], photo.pixels[outside])
    assert (result.effective_mask.bits == mask.grow(request.blend).bits).all()
    if photo.has_alpha:
        np.testing.assert_array_equal(result.pixels[..., -1], photo.pixels[..., -1])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_damage(40), st.sampled_from(["auto", "fsr"]), st.integers(0, 5), st.integers(0, 20))
def test_fsr_and_auto_leave_everything_outside_the_effective_mask_bit_identical(
    case: tuple[Photo, Mask], engine: str, blend: int, padding: int
) -> None:
    _exact(*case, RestorationRequest(engine=engine, blend=blend, padding=padding))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_damage(12), st.integers(0, 3))
def test_fsr_best_leaves_everything_outside_the_effective_mask_bit_identical(
    case: tuple[Photo, Mask], blend: int
) -> None:
    _exact(*case, RestorationRequest(engine="fsr-best", blend=blend, padding=4))


def _loss_photo() -> tuple[np.ndarray, np.ndarray, Mask]:
    truth = coffee()[60:260, 120:420]
    bits = square_mask(200, 300, 200, 60, 24).bits | crack_mask(200, 300, seed=4, count=2).bits
    bits[130:150, 40:75] = True
    damaged = truth.copy()
    damaged[bits] = (220, 205, 175)
    return truth, damaged, Mask(bits)


@pytest.mark.parametrize("engine", ["auto", "fsr"])
def test_fills_are_deterministic_and_resemble_the_truth(engine: str) -> None:
    truth, damaged, mask = _loss_photo()
    first = restore(Photo(damaged), mask, RestorationRequest(engine=engine))
    second = restore(Photo(damaged), mask, RestorationRequest(engine=engine))
    assert first.pixels.tobytes() == second.pixels.tobytes()
    assert first.engine_info == second.engine_info
    error = np.abs(first.pixels.astype(int) - truth)[mask.bits].mean()
    assert error < np.abs(damaged.astype(int) - truth)[mask.bits].mean() / 4


def test_fsr_fills_a_loss_at_the_edge_of_a_crop_that_is_no_multiple_of_16() -> None:
    # the library leaves a last partial column of blocks unfilled: black in YCrCb, green in RGB
    crop = coffee()[100:176, 200:276]
    bits = np.zeros((76, 76), bool)
    bits[30:50, 60:76] = True
    out = FsrEngine("fsr", "FAST").fill(crop, bits, RestorationRequest(), _context())
    green = out[bits].astype(int)
    assert (green[:, 1] - green[:, [0, 2]].max(axis=1)).max() < 40, "unfilled blocks came back green"
    assert np.abs(out.astype(int) - crop)[bits].mean() < 30


def test_sixteen_bit_fills_keep_precision_finer_than_8_bit_steps() -> None:
    flat = np.full((64, 64, 3), 30000, np.uint16) + np.arange(64, dtype=np.uint16)[None, :, None]
    bits = square_mask(64, 64, 20, 20, 12).bits
    out = FsrEngine("fsr", "FAST").fill(flat, bits, RestorationRequest(), _context())
    assert np.array_equal(out[~bits], flat[~bits])
    assert np.abs(out[bits].astype(int) - flat[bits]).max() <= 2  # a 1/255 step of 8 bits is 257
    levels, back = to_levels(flat, bits)
    assert levels[~bits].min() == 0 and levels[~bits].max() == 255
    assert np.array_equal(back(levels)[~bits], flat[~bits])


def test_the_four_placements_are_the_mean_of_single_calls() -> None:
    crop = coffee()[150:198, 200:264]
    bits = square_mask(48, 64, 20, 16, 10).bits
    singles = [xphoto_fill(crop, bits, "FAST", p) for p in FOUR]
    four = FsrEngine("fsr4", "FAST", FOUR).fill_levels(crop.astype(np.float32), bits)
    np.testing.assert_allclose(four[bits], np.mean(singles, axis=0)[bits], rtol=1e-6)
    mirrored = xphoto_fill(crop, bits, "FAST", Placement(mirror=True))
    assert not np.array_equal(mirrored[bits], singles[0][bits])


def test_large_crops_fill_tile_by_tile_checking_cancel_between_tiles() -> None:
    levels = np.zeros((400, 300), np.float32)
    bits = np.zeros((400, 300), bool)
    bits[::7] = True
    calls: list[tuple[int, int]] = []
    checks = []

    def fill(crop: np.ndarray, crop_bits: np.ndarray) -> np.ndarray:
        calls.append(crop.shape)
        return np.where(crop_bits, 1.0, crop).astype(np.float32)

    out = fill_in_tiles(levels, bits, fill, lambda: checks.append(1), margin=16)
    assert (out[bits] == 1).all() and (out[~bits] == 0).all()
    assert len(calls) == 12 and all(max(shape) <= 112 + 32 for shape in calls)
    assert len(checks) == len(calls) + 1


def test_losses_and_thin_damage_are_told_apart() -> None:
    bits = crack_mask(200, 300, seed=1, count=3).bits.copy()
    bits[50:90, 100:150] = True
    losses = split_losses(bits)
    assert losses[55:85, 105:145].all()
    assert not (losses & ~bits).any()
    assert not split_losses(crack_mask(200, 300, seed=1, count=3).bits).any()


def test_the_budget_upgrades_losses_first_and_gives_every_part_a_reason() -> None:
    _, damaged, mask = _loss_photo()
    parts = plan_parts(damaged.astype(np.float32), mask.bits)
    kinds = sorted({p.kind for p in parts})
    assert kinds == ["loss", "thin"]
    cheapest_loss = min(p.cost for p in parts if p.kind == "loss")
    base = HYBRID_PER_PIXEL * sum(p.pixels for p in parts)  # the hybrid fills everything first
    some = allocate(parts, budget=base + cheapest_loss + 1e-9)
    assert [p.method for p in some if p.kind == "thin"] == ["hybrid"] * sum(p.kind == "thin" for p in parts)
    assert any(p.method == "fsr+biharmonic" for p in some if p.kind == "loss")
    assert all(p.reason for p in some)
    none = allocate(parts, budget=0.0)
    assert {p.method for p in none} == {"hybrid"} and all("over the" in p.reason for p in none)
    wide = [replace(p, width=61.0) if p.kind == "loss" else p for p in parts]
    assert all(
        p.method == "hybrid" and "61 px wide" in p.reason for p in allocate(wide, 1e9) if p.kind == "loss"
    )


def test_the_record_names_the_engine_of_every_part_in_photo_coordinates(tmp_path: Path) -> None:
    _, damaged, mask = _loss_photo()
    photo = Photo(np.pad(damaged, ((40, 0), (30, 0), (0, 0))))
    mask = Mask(np.pad(mask.bits, ((40, 0), (30, 0))))
    result = restore(photo, mask, RestorationRequest(engine="auto"))
    parts = result.engine_info["parts"]
    assert {p["kind"] for p in parts} == {"loss", "thin"}
    assert {p["engine"] for p in parts} <= {"hybrid", "fsr+biharmonic", "fsr×4+biharmonic"}
    assert sum(p["pixels"] for p in parts) == mask.pixel_count
    for part in parts:
        x0, y0, x1, y1 = part["box"]
        assert mask.bits[y0:y1, x0:x1].sum() >= part["pixels"] and part["reason"]
    files = write_result(result, photo, mask, tmp_path / "out.png", None)
    record = json.loads(files["record"].read_text())
    (intervention,) = record["interventions"]
    assert intervention["engine"]["name"] == "auto" and intervention["engine"]["parts"] == parts


def test_hybrid_parts_of_auto_are_the_hybrid_s_own_bytes_on_small_crops() -> None:
    truth = coffee()[:120, :160]
    mask = crack_mask(120, 160, seed=2, count=2)
    damaged = truth.copy()
    damaged[mask.bits] = 0
    request = RestorationRequest(engine="auto")
    ctx = _context()
    auto = get_engine("auto").fill(damaged, mask.bits, request, ctx)
    hybrid = get_engine("hybrid").fill(damaged, mask.bits, request, ctx)
    kept = np.zeros_like(mask.bits)
    for note in ctx.notes:
        if note["engine"] == "hybrid":
            x0, y0, x1, y1 = note["box"]
            kept[y0:y1, x0:x1] = True
    assert np.array_equal(auto[kept & mask.bits], hybrid[kept & mask.bits])


@pytest.mark.parametrize("engine", ["fsr", "hybrid"])
def test_cancel_within_one_large_region_returns_quickly(engine: str) -> None:
    photo = np.tile(coffee(), (2, 2, 1))
    bits = np.zeros(photo.shape[:2], bool)
    bits[100:700, 100:900] = crack_mask(600, 800, seed=5, count=40).bits
    cancel = threading.Event()
    outcome: list[object] = []

    def run() -> None:
        try:
            restore(Photo(photo), Mask(bits), RestorationRequest(engine=engine), cancel=cancel.is_set)
        except Cancelled as exc:
            outcome.append(exc)
        outcome.append(time.perf_counter())

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.5)
    asked = time.perf_counter()
    cancel.set()
    worker.join(30)
    assert isinstance(outcome[0], Cancelled)
    assert isinstance(outcome[1], float) and outcome[1] - asked < 1.0  # 0.3 s on an idle machine


def _context() -> FillContext:
    return FillContext(report=lambda *a: None, check=lambda: None)
