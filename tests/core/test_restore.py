"""The restore pipeline: exact paste-back, determinism, progress, cancel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tratteggio.core import (
    Cancelled,
    Mask,
    MaskError,
    Photo,
    RequestError,
    RestorationRequest,
    StepPreview,
    restore,
)

from .helpers import coffee, crack_mask, square_mask

ENGINES = ["hybrid", "biharmonic", "telea", "navier-stokes"]
NEW_ENGINES = ["auto", "fsr"]


@st.composite
def photos_and_masks(draw: st.DrawFn, largest: int = 48) -> tuple[Photo, Mask]:
    height = draw(st.integers(8, largest))
    width = draw(st.integers(8, largest))
    channels = draw(st.sampled_from([None, 2, 3, 4]))
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.float32]))
    shape = (height, width) if channels is None else (height, width, channels)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if dtype == np.float32:
        pixels = rng.random(shape, dtype=np.float32)
    else:
        pixels = rng.integers(0, np.iinfo(dtype).max + 1, size=shape, dtype=dtype)
    bits = draw(hnp.arrays(bool, (height, width), elements=st.booleans()))
    if not bits.any():
        bits[height // 2, width // 2] = True
    if bits.all():
        bits[0, 0] = False
    return Photo(pixels), Mask(bits)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(photos_and_masks(), st.sampled_from(ENGINES), st.integers(0, 6), st.integers(0, 20))
def test_pixels_outside_the_effective_mask_are_bit_identical(
    case: tuple[Photo, Mask], engine: str, blend: int, padding: int
) -> None:
    photo, mask = case
    request = RestorationRequest(engine=engine, blend=blend, padding=padding)
    result = restore(photo, mask, request)
    assert result.pixels.dtype == photo.pixels.dtype
    assert result.pixels.shape == photo.pixels.shape
    outside = ~result.effective_mask.bits
    assert np.array_equal(result.pixels[outside], photo.pixels[outside])
    assert (result.effective_mask.bits == mask.grow(blend).bits).all()
    if photo.has_alpha:  # alpha is carried through untouched, even under the mask
        np.testing.assert_array_equal(result.pixels[..., -1], photo.pixels[..., -1])


# Frequency-selective reconstruction on noise under a random mask is its costliest case (about 6 s
# at 48x48), so the new engines get smaller photos; fsr-best has its own test in test_fill_engines.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(photos_and_masks(largest=24), st.sampled_from(NEW_ENGINES), st.integers(0, 6), st.integers(0, 20))
def test_fsr_and_auto_are_bit_identical_outside_the_effective_mask(
    case: tuple[Photo, Mask], engine: str, blend: int, padding: int
) -> None:
    test_pixels_outside_the_effective_mask_are_bit_identical.hypothesis.inner_test(  # type: ignore[attr-defined]
        case, engine, blend, padding
    )


@pytest.mark.parametrize("engine", ENGINES + NEW_ENGINES)
def test_fill_resembles_the_truth_and_is_deterministic(engine: str) -> None:
    truth = coffee()[100:300, 100:400]
    mask = crack_mask(200, 300, seed=3)
    damaged = truth.copy()
    damaged[mask.bits] = 0
    request = RestorationRequest(engine=engine)
    first = restore(Photo(damaged), mask, request)
    second = restore(Photo(damaged), mask, request)
    assert first.pixels.tobytes() == second.pixels.tobytes()
    error = np.abs(first.pixels.astype(int) - truth.astype(int))[mask.bits].mean()
    damaged_error = np.abs(damaged.astype(int) - truth.astype(int))[mask.bits].mean()
    assert error < damaged_error / 4, (error, damaged_error)


def test_default_and_biharmonic_beat_telea_on_thin_cracks() -> None:
    truth = coffee()
    mask = crack_mask(*truth.shape[:2], seed=11, count=6)
    damaged = truth.copy()
    damaged[mask.bits] = 0

    def in_mask_mse(engine: str) -> float:
        out = restore(Photo(damaged), mask, RestorationRequest(engine=engine)).pixels
        return float(((out.astype(float) - truth) ** 2)[mask.bits].mean())

    assert in_mask_mse("biharmonic") < in_mask_mse("telea")
    assert in_mask_mse(RestorationRequest().engine) < in_mask_mse("telea")


def test_sixteen_bit_fill_uses_the_full_range() -> None:
    truth = (coffee()[:80, :80].astype(np.uint16) * 257 + 3).astype(np.uint16)
    mask = square_mask(80, 80, 30, 30, 6)
    out = restore(Photo(truth), mask, RestorationRequest(engine="telea")).pixels
    assert out.dtype == np.uint16
    assert (out[mask.bits] % 257 != 0).any()  # not an 8-bit fill scaled up


def test_one_step_event_per_region_for_classical_engines() -> None:
    mask = Mask(square_mask(200, 300, 10, 10, 5).bits | square_mask(200, 300, 250, 150, 5).bits)
    seen: list[StepPreview] = []
    result = restore(Photo(coffee()[:200, :300]), mask, RestorationRequest(), on_step=seen.append)
    assert [s.step for s in seen] == [0, 1]
    assert all(s.total == 2 and s.final for s in seen)
    assert seen[0].pixels.shape == (seen[0].box.height, seen[0].box.width, 3)
    assert len(result.regions) == 2 and len(result.previews) == 2


def test_cancel_between_regions_raises_and_returns_nothing() -> None:
    mask = Mask(square_mask(200, 300, 10, 10, 5).bits | square_mask(200, 300, 250, 150, 5).bits)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        restore(Photo(coffee()[:200, :300]), mask, RestorationRequest(), cancel=cancel)


def test_bad_masks_and_requests_are_clear_errors() -> None:
    photo = Photo(coffee()[:50, :50])
    with pytest.raises(MaskError, match="empty"):
        restore(photo, Mask.empty(50, 50), RestorationRequest())
    with pytest.raises(MaskError, match="whole photo"):
        restore(photo, Mask.empty(50, 50).invert(), RestorationRequest())
    with pytest.raises(MaskError, match="60x50"):
        restore(photo, Mask.empty(50, 60), RestorationRequest())
    with pytest.raises(RequestError, match="unknown engine 'magic'"):
        RestorationRequest(engine="magic")
    with pytest.raises(RequestError, match="blend"):
        RestorationRequest(blend=-1)


def test_request_round_trips_through_json() -> None:
    request = RestorationRequest(engine="telea", seed=42, blend=7, prompt="fresco, «ocra»")
    assert RestorationRequest.from_json(request.to_json()) == request
    with pytest.raises(RequestError, match="unknown request fields: colour"):
        RestorationRequest.from_dict({"colour": 1})


@pytest.mark.parametrize("engine", [*ENGINES, *NEW_ENGINES, "fsr-best"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_engines_change_only_masked_pixels_of_their_crop(engine: str, dtype: type) -> None:
    from tratteggio.core.engines import FillContext, get_engine

    crop = coffee()[:60, :80].astype(dtype)
    if dtype == np.uint16:
        crop = crop * 257
    elif dtype == np.float32:
        crop = crop / 255.0
    mask = square_mask(60, 80, 30, 20, 9).bits
    ctx = FillContext(report=lambda *a: None, check=lambda: None)
    out = get_engine(engine).fill(crop, mask, RestorationRequest(engine=engine), ctx)
    assert out.dtype == crop.dtype
    assert np.array_equal(out[~mask], crop[~mask])
    assert not np.array_equal(out[mask], crop[mask])


def test_hybrid_handles_losses_at_the_photo_border() -> None:
    truth = coffee()[:120, :160, 0]
    bits = np.zeros((120, 160), bool)
    bits[0:30, 0:40] = True  # a loss in the corner: windows see only the mask and the border
    damaged = truth.copy()
    damaged[bits] = 255
    out = restore(Photo(damaged), Mask(bits), RestorationRequest(engine="hybrid")).pixels
    telea = restore(Photo(damaged), Mask(bits), RestorationRequest(engine="telea")).pixels
    error = np.abs(out.astype(int) - truth)[bits].mean()
    assert error < np.abs(telea.astype(int) - truth)[bits].mean() + 10
    assert out[bits].min() > 0  # no pixel dragged to the dtype's floor by the border padding
