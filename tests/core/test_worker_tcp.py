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

from tests.core.test_worker import cancel_inside_a_step, job_for
from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.worker import ChildWorker, WorkerError, WorkerModel, worker_target


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
    assert cancel_inside_a_step(tcp_worker, sd_model) < 0.3 and tcp_worker.started == 1


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
