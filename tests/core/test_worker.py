"""The studio's diffusion worker (a child process speaking the server protocol on a Unix socket):
the same bytes as this process's model, cancel at each phase, a killed worker, a silent worker and
one that answers garbage."""

from __future__ import annotations

import os
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.model_call import ModelJob, cancelled_by
from tratteggio.core.engines.worker import WorkerError, WorkerModel, last_error
from tratteggio.core.errors import Cancelled
from tratteggio.core.request import RestorationRequest


def job_for(model: str, steps: int = 4) -> ModelJob:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (64, 64, 3), np.uint8)
    mask = np.zeros((64, 64), np.uint8)
    mask[16:48, 16:48] = 255
    request = RestorationRequest(engine="diffusion", model=model, steps=steps, device="cpu")
    return ModelJob(image, mask, request)


def never() -> None:
    return None


@pytest.fixture
def worker() -> Iterator[WorkerModel]:
    model = WorkerModel()
    yield model
    model.close()


def test_a_fill_in_the_worker_gives_the_bytes_of_this_process_and_its_socket_is_private(
    worker: WorkerModel, sd_model: str
) -> None:
    job, steps = job_for(sd_model), []
    out = worker.run(job, lambda step, picture, t: steps.append(step), never)
    local = LocalModel().run(job, lambda *_: None, never)
    assert np.array_equal(out, local) and steps == [0, 1, 2, 3]
    sock = worker._worker.socket  # type: ignore[union-attr]
    assert stat.S_IMODE(os.stat(Path(sock).parent).st_mode) == 0o700
    assert stat.S_ISSOCK(os.stat(sock).st_mode)
    assert "remote" not in worker.prepare(job.request).engine  # the record says what ran, not how


def test_cancel_before_a_run_starts_stops_at_once_and_keeps_the_worker(
    worker: WorkerModel, sd_model: str
) -> None:
    job = job_for(sd_model)
    worker.prepare(job.request)

    def cancelled() -> None:
        raise Cancelled()

    started = time.perf_counter()
    with pytest.raises(Cancelled):
        worker.run(job, lambda *_: None, cancelled)
    assert time.perf_counter() - started < 0.3
    worker.run(job, lambda *_: None, never)
    assert worker.started == 1


def cancel_inside_a_step(worker: WorkerModel, sd_model: str) -> float:
    """Cancel a run at its second layer: seconds from the cancel until the run has ended."""
    job = job_for(sd_model, steps=20)
    worker.prepare(job.request)
    asked: list[float] = []

    def report(step: int, *_: Any) -> None:
        if step == 1 and not asked:
            asked.append(time.perf_counter())

    def check() -> None:
        if asked:
            raise Cancelled()

    with pytest.raises(Cancelled):
        worker.run(job, report, check)
    return time.perf_counter() - asked[0]


def test_cancel_inside_a_step_stops_within_the_limit_and_the_worker_stays(
    worker: WorkerModel, sd_model: str
) -> None:
    assert cancel_inside_a_step(worker, sd_model) < 0.3
    assert worker.pid is not None and worker.started == 1  # it stopped by itself: not ended


def test_cancel_while_the_model_loads_ends_the_worker_in_time_and_the_next_run_works(
    worker: WorkerModel, sd_model: str
) -> None:
    notices: list[str] = []
    worker.on_notice = notices.append
    worker.start()
    asked: list[float] = []
    threading.Timer(0.3, lambda: asked.append(time.perf_counter())).start()
    with cancelled_by(lambda: bool(asked)), pytest.raises(Cancelled):
        worker.prepare(job_for(sd_model).request)  # the first load imports torch: seconds
    assert time.perf_counter() - asked[0] < 0.3
    worker.settle()  # the verdict is given on a thread of its own, within 0.15 s and the kill
    assert worker.ended_on_cancel == 1
    out = worker.run(job_for(sd_model), lambda *_: None, never)
    assert any("did not stop" in n for n in notices)
    assert out.shape == (64, 64, 3) and worker.started == 2


def test_a_worker_killed_mid_run_gives_one_line_and_the_next_run_starts_a_new_one(
    worker: WorkerModel, sd_model: str
) -> None:
    job = job_for(sd_model, steps=8)
    worker.prepare(job.request)

    def report(step: int, *_: Any) -> None:
        if step == 1 and worker.pid is not None:
            os.kill(worker.pid, signal.SIGKILL)

    with pytest.raises(WorkerError) as failure:
        worker.run(job, report, never)
    line = str(failure.value)
    assert "\n" not in line and "SIGKILL" in line and "next run starts a new one" in line
    assert worker.run(job, lambda *_: None, never).shape == (64, 64, 3) and worker.started == 2


class FakeWorker:
    """A worker that is not one: a server on a Unix socket, in a thread, answering as `handler` says."""

    def __init__(self, folder: Path, handler: Callable[[Any], None]) -> None:
        from websockets.sync.server import unix_serve

        self.socket = str(folder / "fake.sock")
        self.server = unix_serve(handler, self.socket)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.ended = False

    def alive(self) -> bool:
        return not self.ended

    def end(self, wait: bool = True) -> None:
        if not self.ended:
            self.ended = True  # a handler may still sleep: do not wait for it
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    def how_it_ended(self) -> str:
        return "ended"

    def log_size(self) -> int:
        return 0

    def last_words(self, since: int) -> str:
        return ""


def silent(ws: Any) -> None:
    ws.recv()
    time.sleep(10)


def garbage(ws: Any) -> None:
    ws.recv()
    ws.send("}{ not a message")


def wrong_picture(ws: Any) -> None:
    ws.recv()
    ws.send('{"type": "prepared", "info": {"native_size": 64, "multiple": 8, "preview_steps": 2}}')


@pytest.mark.parametrize(
    ("handler", "said"),
    [(silent, "has not answered for 1 s"), (garbage, "must be a JSON object")],
)
def test_a_worker_that_never_answers_or_answers_garbage_gives_one_line_without_hanging(
    tmp_path: Path, handler: Callable[[Any], None], said: str
) -> None:
    model = WorkerModel(launch=lambda _idle: FakeWorker(tmp_path, handler), silence_s=1.0)
    started = time.perf_counter()
    with pytest.raises(WorkerError) as failure:
        model.run(job_for("any"), lambda *_: None, never)
    assert time.perf_counter() - started < 5
    assert said in str(failure.value) and "\n" not in str(failure.value)
    model.close()


def test_a_socket_that_speaks_no_websocket_gives_one_line(tmp_path: Path) -> None:
    class Raw(FakeWorker):
        def __init__(self, folder: Path) -> None:
            self.socket, self.ended = str(folder / "raw.sock"), False
            self.listener = socket.socket(socket.AF_UNIX)
            self.listener.bind(self.socket)
            self.listener.listen()
            threading.Thread(target=self._answer, daemon=True).start()

        def _answer(self) -> None:
            conn, _ = self.listener.accept()
            conn.recv(4096)
            conn.sendall(b"\x00\xffgarbage\r\n\r\n")
            conn.close()

        def end(self, wait: bool = True) -> None:
            self.ended = True
            self.listener.close()

    model = WorkerModel(launch=lambda _idle: Raw(tmp_path), silence_s=1.0)
    with pytest.raises(WorkerError) as failure:
        model.prepare(job_for("any").request)
    assert "\n" not in str(failure.value)


def test_the_last_error_is_the_workers_own_line_or_a_crash() -> None:
    log = "loading\ntratteggio worker: out of GPU memory: try a smaller Context or the CPU\nmore\n"
    assert last_error(log) == "out of GPU memory: try a smaller Context or the CPU"
    assert last_error("x\nFatal Python error: Segmentation fault\n\nThread 0x1\n") == (
        "Fatal Python error: Segmentation fault"
    )
    assert last_error("") == ""


def test_an_idle_worker_ends_itself_and_the_next_call_starts_another(tmp_path: Path) -> None:
    model = WorkerModel(idle_s=0.5)
    model.start()
    first = model.pid
    assert first is not None
    deadline = time.monotonic() + 60
    while model.pid is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert model.pid is None  # ended by itself, its memory freed
    model.start()
    assert model.pid not in (None, first) and model.started == 2
    model.close()
