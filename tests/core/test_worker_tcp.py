"""The worker where there are no Unix sockets (Windows): 127.0.0.1 only, a random token in a file only
the user can read, browsers refused, and the worker ends when the studio's pipe closes. Forced on
here with `tcp=True`; the calls are the same as over the Unix socket."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.model_call import ModelJob
from tratteggio.core.engines.worker import ChildWorker, WorkerError, WorkerModel, worker_target
from tratteggio.core.errors import Cancelled
from tratteggio.core.request import RestorationRequest


def job_for(model: str, steps: int = 4) -> ModelJob:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (64, 64, 3), np.uint8)
    mask = np.zeros((64, 64), np.uint8)
    mask[16:48, 16:48] = 255
    return ModelJob(
        image, mask, RestorationRequest(engine="diffusion", model=model, steps=steps, device="cpu")
    )


@pytest.fixture
def tcp_worker() -> Iterator[WorkerModel]:
    model = WorkerModel(launch=lambda idle_s: ChildWorker(idle_s, tcp=True))
    yield model
    model.close()


def address_of(model: WorkerModel) -> tuple[str, dict[str, Any]]:
    path = model._worker.socket  # type: ignore[union-attr]
    return path, json.loads(Path(path).read_text())


def test_a_fill_over_127_0_0_1_gives_the_same_bytes_and_its_token_is_private(
    tcp_worker: WorkerModel, sd_model: str
) -> None:
    job, steps = job_for(sd_model), []
    out = tcp_worker.run(job, lambda step, picture, t: steps.append(step), lambda: None)
    assert np.array_equal(out, LocalModel().run(job, lambda *_: None, lambda: None)) and steps == [0, 1, 2, 3]
    path, address = address_of(tcp_worker)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(Path(path).parent).st_mode) == 0o700
    assert len(address["token"]) >= 32 and worker_target(path).loopback


def test_without_the_token_or_from_a_browser_the_worker_refuses_the_handshake(
    tcp_worker: WorkerModel,
) -> None:
    tcp_worker.start()
    _, address = address_of(tcp_worker)
    url = f"ws://127.0.0.1:{address['port']}/run"
    refused = []
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {address['token']}", "Origin": "http://evil.example"},
    ):
        with pytest.raises(InvalidStatus) as caught:
            connect(url, additional_headers=headers, open_timeout=5).close()
        refused.append(caught.value.response.status_code)
    assert refused == [401, 401, 403]
    assert tcp_worker.pid is not None  # still serving the studio


def test_a_cancel_inside_a_step_stops_in_time_over_127_0_0_1(tcp_worker: WorkerModel, sd_model: str) -> None:
    job = job_for(sd_model, steps=20)
    tcp_worker.prepare(job.request)
    asked: list[float] = []

    def report(step: int, *_: Any) -> None:
        if step == 1 and not asked:
            asked.append(time.perf_counter())

    def check() -> None:
        if asked:
            raise Cancelled()

    with pytest.raises(Cancelled):
        tcp_worker.run(job, report, check)
    assert time.perf_counter() - asked[0] < 0.3 and tcp_worker.started == 1


def test_the_worker_ends_when_the_studios_pipe_closes(tmp_path: Path) -> None:
    worker = ChildWorker(600.0, tcp=True)
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(worker.socket) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.alive() and worker.process.stdin is not None
        worker.process.stdin.close()  # what the system does when the studio dies
        worker.process.wait(30)
        assert not worker.folder.exists() or not os.path.exists(worker.socket)
    finally:
        worker.end()


def test_an_unreadable_address_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "worker.addr"
    for text in ("", "{}", '{"port": 0, "token": "x"}', "[1]"):
        path.write_text(text)
        with pytest.raises(WorkerError, match="address file is unreadable"):
            worker_target(str(path))
