"""`patchmatch`: texture copied into large losses, exact outside the mask at any bit depth, the same
bytes for the same seed, cancellable, and recorded."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import skimage.data

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, restore
from tratteggio.core.engines import FillContext, get_engine
from tratteggio.core.lab.metrics import texture_ratios

pytest.importorskip("patchmatch")


def _brick_loss(size: int = 60) -> tuple[np.ndarray, np.ndarray]:
    pixels = np.dstack([skimage.data.brick()[:240, :240]] * 3)
    bits = np.zeros(pixels.shape[:2], bool)
    bits[90 : 90 + size, 80 : 80 + size] = True
    return pixels, bits


def _request(seed: int = 0) -> RestorationRequest:
    return RestorationRequest(engine="patchmatch", seed=seed)


def test_a_large_loss_keeps_the_texture_around_it_where_the_smooth_fills_blur() -> None:
    truth, bits = _brick_loss()
    damaged = truth.copy()
    damaged[bits] = 200
    ours = restore(Photo(damaged), Mask(bits), _request()).pixels
    smooth = restore(Photo(damaged), Mask(bits), RestorationRequest(engine="hybrid")).pixels
    (texture,) = texture_ratios(ours, bits)
    (blur,) = texture_ratios(smooth, bits)
    assert 0.5 < texture < 2.0 and blur < 0.2
    assert np.array_equal(ours[~bits], damaged[~bits])


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 3, 4])
def test_exact_outside_the_mask_at_every_depth(dtype: type, channels: int | None) -> None:
    truth, bits = _brick_loss(30)
    gray = truth[:, :, 0]
    base = {np.uint8: gray, np.uint16: gray.astype(np.uint16) * 257 + 5, np.float32: gray / np.float32(255)}
    plane = base[dtype]
    pixels = plane if channels is None else np.dstack([plane] * channels)
    photo = Photo(np.ascontiguousarray(pixels))
    request = RestorationRequest(engine="patchmatch", blend=0)
    out = restore(photo, Mask(bits), request).pixels
    assert out.dtype == photo.pixels.dtype and out.shape == photo.pixels.shape
    assert np.array_equal(out[~bits], photo.pixels[~bits])
    filled = out[bits].astype(np.float64)
    known = photo.pixels[~bits].astype(np.float64)
    assert known.min() - 1e-6 <= filled.min() and filled.max() <= known.max() + 1e-6
    assert filled.std() > 0  # texture, not one flat value


def test_sixteen_bit_fills_come_from_the_crop_s_own_range() -> None:
    truth, bits = _brick_loss(30)
    master = (30000 + truth[:, :, 0].astype(np.uint16) * 4)[:, :, None].repeat(3, axis=2)
    out = restore(Photo(master), Mask(bits), RestorationRequest(engine="patchmatch", blend=0)).pixels
    assert out[bits].min() >= 30000 and out[bits].max() <= 30000 + 255 * 4
    steps = np.unique(out[bits] - 30000)
    assert len(steps) > 8  # not a few 8-bit levels stretched over the range


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() -> None:
    truth, bits = _brick_loss()
    first = restore(Photo(truth), Mask(bits), _request(7)).pixels
    again = restore(Photo(truth), Mask(bits), _request(7)).pixels
    other = restore(Photo(truth), Mask(bits), _request(8)).pixels
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_regions_filled_at_once_on_threads_give_the_bytes_of_one_at_a_time() -> None:
    import tratteggio.core.engines.workers as workers

    pixels = np.dstack([skimage.data.brick()] * 3)
    bits = np.zeros(pixels.shape[:2], bool)
    for y, x in ((40, 40), (40, 300), (300, 40), (300, 300)):
        bits[y : y + 50, x : x + 50] = True
    count = workers.worker_count
    outputs = []
    try:
        for cores in (1, 2):
            workers.worker_count = lambda cores=cores: cores  # type: ignore[misc]
            outputs.append(restore(Photo(pixels), Mask(bits), _request(3)).pixels)
    finally:
        workers.worker_count = count
    assert np.array_equal(outputs[0], outputs[1])


def test_cancel_stops_between_tiles() -> None:
    pixels = np.dstack([np.tile(skimage.data.brick(), (2, 2))] * 3)
    bits = np.zeros(pixels.shape[:2], bool)
    bits[100:900:60, 50:950] = True
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 3:
            raise Cancelled()

    ctx = FillContext(report=lambda *a: None, check=check)
    with pytest.raises(Cancelled):
        get_engine("patchmatch").fill(pixels, bits, _request(), ctx)
    assert len(calls) == 4


def test_cancel_during_a_run_raises_cancelled() -> None:
    truth, bits = _brick_loss()
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        restore(Photo(truth), Mask(bits), _request(), cancel=flag.is_set)


def test_the_record_names_the_method_and_the_seed() -> None:
    truth, bits = _brick_loss(30)
    info = restore(Photo(truth), Mask(bits), _request(5)).engine_info
    assert info["method"].startswith("PatchMatch") and info["seed"] == 5
    assert info["pypatchmatch"] != "?"
