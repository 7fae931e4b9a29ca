"""Diffusion in a child process of the studio: the worker (worker_server.py), a client of which is
the studio's diffusion model.

The worker speaks the protocol of `tratteggio serve`, so the engine talks to a worker either way:
`RemoteModel` over a Unix socket in a folder only this user can open (where there are no Unix
sockets, Windows, on 127.0.0.1 with a random token kept in that folder). The worker starts on first
use, stays warm, ends itself after an idle time, and is started again on demand. This process never
imports torch.

- Cancel: the worker is asked to stop at its next layer; if it has not said so within
  `CANCEL_WAIT_S` (a model loading, a native call), it is ended, and a new one starts in the
  background. The run is cancelled either way.
- Faults: a worker that dies (killed, out of memory, a native crash), falls silent or answers garbage
  gives one `WorkerError` line, with what the worker last wrote in its log; the next call starts a
  new worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from tratteggio.core.engines.model_call import ModelInfo, ModelJob, PreviewReport, current_cancel
from tratteggio.core.engines.remote import RemoteError, RemoteModel, RemoteTarget
from tratteggio.core.errors import Cancelled, TratteggioError
from tratteggio.core.request import RestorationRequest

T = TypeVar("T")
DEFAULT_IDLE_S = 600.0
START_TIMEOUT_S = 60.0
SILENCE_S = 20.0  # a working worker says it is alive twice a second
CANCEL_WAIT_S = 0.15  # then ended: the photo is back within 0.3 s either way
ERROR_PREFIX = "tratteggio worker: "
FROZEN_WORKER_ARG = "--diffusion-worker"


class WorkerError(TratteggioError):
    """The studio's diffusion worker died, fell silent or answered garbage."""


class Worker(Protocol):
    """A started worker: where it listens, and how it is watched and ended."""

    socket: str

    def alive(self) -> bool: ...

    def end(self, wait: bool = True) -> None: ...

    def how_it_ended(self) -> str: ...

    def log_size(self) -> int: ...

    def last_words(self, since: int) -> str: ...


class ChildWorker:
    """`python -m tratteggio.core.engines.worker_server` in a private folder (mode 0700) holding its
    socket and its log. With `tcp` (the default where there are no Unix sockets) it listens on
    127.0.0.1 and `socket` is the file (mode 0600) holding its port and token; it ends when its stdin,
    a pipe from this process, closes."""

    def __init__(self, idle_s: float, tcp: bool | None = None) -> None:
        self.tcp = not hasattr(socket, "AF_UNIX") if tcp is None else tcp
        self.folder = Path(tempfile.mkdtemp(prefix="tratteggio-worker-"))
        self.socket = str(self.folder / ("worker.addr" if self.tcp else "worker.sock"))
        self.log = self.folder / "worker.log"
        if getattr(sys, "frozen", False):  # the packaged program: packaging/launch.py starts the worker
            command = [sys.executable, FROZEN_WORKER_ARG, self.socket]
        else:
            command = [sys.executable, "-m", "tratteggio.core.engines.worker_server", self.socket]
        command += ["--idle", str(idle_s), "--parent", str(os.getpid())] + (["--tcp"] if self.tcp else [])
        stdin = subprocess.PIPE if self.tcp else subprocess.DEVNULL
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, stdin=stdin, stdout=log, stderr=subprocess.STDOUT, close_fds=True
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def end(self, wait: bool = True) -> None:
        """Kill it (if it runs); then, at once or on a background thread, reap it and its folder."""
        if self.alive():
            self.process.kill()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if not wait:
            threading.Thread(target=self.end, name="tratteggio-worker-reap", daemon=True).start()
            return
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            return
        shutil.rmtree(self.folder, ignore_errors=True)

    def how_it_ended(self) -> str:
        code = self.process.poll()
        if code is None:
            return "it is still running"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            why = ": out of memory, or stopped by another program" if code == -9 else ""
            return f"ended by {name}{why}"
        return f"exited with code {code}"

    def log_size(self) -> int:
        try:
            return self.log.stat().st_size
        except OSError:
            return 0

    def last_words(self, since: int) -> str:
        try:
            with open(self.log, "rb") as log:
                log.seek(since)
                text = log.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return last_error(text)


def last_error(text: str) -> str:
    """The worker's last error line in `text` (its own, else a crash's last line), shortened."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    own = [line[len(ERROR_PREFIX) :] for line in lines if line.startswith(ERROR_PREFIX)]
    crash = [line for line in lines if line.startswith(("Fatal Python error", "MemoryError", "RuntimeError"))]
    found = (own or crash or [""])[-1]
    return found if len(found) <= 200 else found[:197] + "..."


class WorkerModel:
    """`DiffusionModel` in the studio's worker process. `on_notice(text)` hears what happened to the
    worker (ended on a cancel, started again); it runs on the calling or a background thread."""

    def __init__(
        self,
        idle_s: float = DEFAULT_IDLE_S,
        launch: Callable[[float], Worker] = ChildWorker,
        silence_s: float = SILENCE_S,
    ) -> None:
        self.idle_s, self.launch, self.silence_s = idle_s, launch, silence_s
        self.on_notice: Callable[[str], None] | None = None
        self._worker: Worker | None = None
        self._client: RemoteModel | None = None
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self.started = 0  # how many workers this model has started (for tests and benchmarks)
        self.ended_on_cancel = 0  # how many it ended because a cancel was not confirmed in time
        self._verdicts: list[threading.Thread] = []  # waiting for a cancel's confirmation

    # -- DiffusionModel ------------------------------------------------------------------------
    def prepare(self, request: RestorationRequest) -> ModelInfo:
        cancel = current_cancel()

        def check() -> None:
            if cancel is not None and cancel():
                raise Cancelled()

        info = self._use(lambda client: client.prepare(request, check), check)
        engine = {k: v for k, v in info.engine.items() if k != "remote"}
        return dataclasses.replace(info, engine=engine)

    def run(self, job: ModelJob, report: PreviewReport, check: Callable[[], None]) -> np.ndarray:
        return self._use(lambda client: client.run(job, report, check), check)

    # -- the worker ----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The running worker's process id (None if none runs)."""
        worker = self._worker
        process = getattr(worker, "process", None)
        if process is None or worker is None or not worker.alive():
            return None
        return int(process.pid)

    def start(self, check: Callable[[], None] | None = None) -> None:
        """Start a worker now if none runs (the first run then starts without the wait)."""
        self._ready(check or (lambda: None))

    def close(self) -> None:
        """End the worker (the studio quits)."""
        self.settle()
        with self._lock:
            worker, self._worker, self._client = self._worker, None, None
        if worker is not None:
            worker.end()

    def _use(self, fn: Callable[[RemoteModel], T], check: Callable[[], None]) -> T:
        worker, client = self._ready(check)
        mark = worker.log_size()
        try:
            return fn(client)
        except RemoteError as exc:
            raise WorkerError(self._explain(worker, mark, str(exc))) from None

    def settle(self, check: Callable[[], None] = lambda: None) -> None:
        """Wait until every cancel's verdict is in (the worker confirmed it, or it was ended): at
        most CANCEL_WAIT_S and the kill. The studio's window does so when it closes."""
        while True:
            with self._lock:
                self._verdicts = [t for t in self._verdicts if t.is_alive()]
                pending = self._verdicts[:1]
            if not pending:
                return
            pending[0].join(0.02)
            check()

    def _judge(self, verdict: Callable[[], None]) -> None:
        """Wait for a cancel's confirmation (and end the worker if none comes) on a thread of its
        own, so the cancel itself returns at once; the next call waits for the verdict first."""
        thread = threading.Thread(target=verdict, name="tratteggio-worker-verdict", daemon=True)
        with self._lock:
            self._verdicts = [t for t in self._verdicts if t.is_alive()] + [thread]
        thread.start()

    def _ready(self, check: Callable[[], None]) -> tuple[Worker, RemoteModel]:
        """The running worker and its client; a new worker if none runs. One start at a time: a
        caller arriving while another starts one waits for it, checking for a cancel."""
        self.settle(check)  # a worker a cancel is about to end is not used again
        while not self._starting.acquire(timeout=0.02):
            check()
        try:
            with self._lock:
                worker, client = self._worker, self._client
            if worker is None or not worker.alive():
                if worker is not None:
                    self._retire(worker)  # ended itself when idle, or died between runs
                worker, client = self.launch(self.idle_s), None
                self.started += 1
                with self._lock:
                    self._worker, self._client = worker, None
            if client is None:
                client = self._connect(worker, check)
            return worker, client
        finally:
            self._starting.release()

    def _connect(self, worker: Worker, check: Callable[[], None]) -> RemoteModel:
        try:
            wait_for_socket(worker, check)  # a cancel leaves it starting, for the next call
        except WorkerError:
            self._retire(worker)
            raise
        try:
            target = worker_target(worker.socket)
        except WorkerError:
            self._retire(worker)
            raise
        client = RemoteModel(target)
        client.silence_s, client.cancel_wait_s, client.trusted = self.silence_s, CANCEL_WAIT_S, True
        client.on_stuck = lambda: self._stuck(worker)
        client.judge = self._judge
        with self._lock:
            if self._worker is worker:
                self._client = client
        return client

    def _stuck(self, worker: Worker) -> None:
        """A cancel the worker did not confirm in time: end it, start a new one in the background."""
        self._retire(worker, wait=False)
        self.ended_on_cancel += 1
        threading.Thread(target=self._restart_quietly, name="tratteggio-worker-start", daemon=True).start()

    def _restart_quietly(self) -> None:
        """Said once the new worker listens, so it follows the run's own "Cancelled" line."""
        try:
            self._ready(lambda: None)
        except TratteggioError as exc:
            self._notice(str(exc))
            return
        self._notice(
            f"The diffusion worker did not stop within {CANCEL_WAIT_S:.2f} s of the cancel, so it was "
            "ended; a new one is ready."
        )

    def _retire(self, worker: Worker, wait: bool = True) -> None:
        worker.end(wait)
        with self._lock:
            if self._worker is worker:
                self._worker, self._client = None, None

    def _explain(self, worker: Worker, mark: int, what: str) -> str:
        """One line: what became of the worker and its last error; it is ended either way."""
        deadline = time.monotonic() + 1.0
        while worker.alive() and time.monotonic() < deadline:  # a dying worker's socket closes first
            time.sleep(0.01)
        died = not worker.alive()
        how = worker.how_it_ended() if died else what
        words = worker.last_words(mark)
        self._retire(worker)
        line = f"The diffusion worker {'stopped' if died else 'failed'} ({how})"
        line += f"; its last error: {words}" if words else ""
        return line + ". The next run starts a new one."

    def _notice(self, text: str) -> None:
        if self.on_notice is not None:
            self.on_notice(text)


def worker_target(path: str) -> RemoteTarget:
    """How to reach a worker: its Unix socket, or the 127.0.0.1 port and token in its address file."""
    if not path.endswith(".addr"):
        return RemoteTarget("http://diffusion-worker", unix=path)
    try:
        with open(path, encoding="utf-8") as found:
            address = json.load(found)
        port, token = int(address["port"]), str(address["token"])
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise WorkerError(f"the diffusion worker's address file is unreadable ({exc})") from None
    if not 0 < port < 65536 or not token:
        raise WorkerError("the diffusion worker's address file is unreadable (no port or token)")
    return RemoteTarget(f"http://127.0.0.1:{port}", token)


def wait_for_socket(worker: Worker, check: Callable[[], None]) -> None:
    """Until the worker listens; WorkerError if it dies or takes too long, Cancelled on a cancel."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not os.path.exists(worker.socket):
        check()
        if not worker.alive():
            raise WorkerError(
                f"the diffusion worker did not start ({worker.how_it_ended()})"
                + (f": {words}" if (words := worker.last_words(0)) else "")
            )
        if time.monotonic() > deadline:
            raise WorkerError(f"the diffusion worker did not start within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.01)
