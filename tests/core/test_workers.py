"""Regions on worker threads: results in order, errors raised in turn, a cancel that does not wait for
a library call in flight, and the same bytes as one thread."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, restore
from tratteggio.core.engines.workers import in_order

from .helpers import coffee, square_mask


def test_results_come_in_task_order_whatever_order_they_finish_in() -> None:
    def task(i: int) -> int:
        time.sleep(0.02 * (5 - i))
        return i

    tasks = [lambda i=i: task(i) for i in range(5)]
    assert list(in_order(tasks, lambda: None, workers=3)) == [0, 1, 2, 3, 4]


def test_a_task_error_is_raised_when_its_turn_comes() -> None:
    def fail() -> int:
        raise ValueError("boom")

    results = in_order([lambda: 1, fail, lambda: 3], lambda: None, workers=2)
    assert next(results) == 1
    with pytest.raises(ValueError, match="boom"):
        next(results)


def test_cancel_returns_at_once_and_starts_no_further_task() -> None:
    started: list[int] = []
    release = threading.Event()

    def slow(i: int) -> int:
        started.append(i)
        release.wait(5)  # a library call that cannot be interrupted
        return i

    cancel_at = time.perf_counter() + 0.1

    def check() -> None:
        if time.perf_counter() > cancel_at:
            raise Cancelled()

    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        list(in_order([lambda i=i: slow(i) for i in range(6)], check, workers=2))
    assert time.perf_counter() - t0 < 0.5
    release.set()
    time.sleep(0.1)
    assert sorted(started) == [0, 1]  # the two in flight were abandoned, the other four never ran


@pytest.mark.parametrize("engine", ["hybrid", "telea", "auto"])
def test_parallel_regions_give_the_bytes_of_one_thread(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import tratteggio.core.engines.workers as workers

    bits = np.zeros((300, 400), bool)
    for y in range(20, 280, 100):
        for x in range(20, 380, 100):
            bits |= square_mask(300, 400, x, y, 12).bits
    photo, mask = Photo(coffee()[:300, :400]), Mask(bits)
    parallel = restore(photo, mask, RestorationRequest(engine=engine))
    monkeypatch.setattr(workers, "worker_count", lambda: 1)
    serial = restore(photo, mask, RestorationRequest(engine=engine))
    assert len(parallel.regions) > 4
    assert parallel.pixels.tobytes() == serial.pixels.tobytes()
    assert parallel.engine_info == serial.engine_info


def test_aside_runs_small_work_inline_and_large_work_on_another_thread() -> None:
    from tratteggio.core.engines.workers import ASIDE_PIXELS, aside

    here = threading.get_ident()
    assert aside(threading.get_ident, lambda: None, ASIDE_PIXELS - 1) == here
    assert aside(threading.get_ident, lambda: None, ASIDE_PIXELS) != here


def test_a_cancel_does_not_wait_for_a_full_size_step_of_the_diffusion_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 16 MP crop's colour match takes seconds: the cancel returns while it still runs."""
    import tratteggio.core.engines as engines
    import tratteggio.core.engines.diffusion as diffusion
    from tratteggio.core.engines.model_call import ModelInfo, quantize16

    class Instant:
        def prepare(self, request: RestorationRequest) -> ModelInfo:
            return ModelInfo(64, 8, 1, {"name": "instant"})

        def run(self, job: object, report: object, check: object) -> np.ndarray:
            return quantize16(np.full((*job.image.shape[:2], 3), 0.5))  # type: ignore[attr-defined]

    release, entered, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_match(fill: np.ndarray, *_: object) -> np.ndarray:
        entered.set()
        release.wait(30)
        finished.set()
        return fill

    monkeypatch.setattr(diffusion, "match_to_ring", slow_match)
    bits = np.zeros((800, 800), bool)
    bits[100:700, 100:700] = True
    instant = engines.Engines()
    instant.use_model(Instant())
    request = RestorationRequest(engine="diffusion", model="instant", steps=1)
    photo = Photo(np.zeros((800, 800, 3), np.uint8))
    try:
        with pytest.raises(Cancelled):
            restore(photo, Mask(bits), request, cancel=entered.is_set, engines=instant)
        assert not finished.is_set()  # the colour match was left running, not waited for
    finally:
        release.set()
