"""A real uvicorn serving Tratteggio on 127.0.0.1 at a free port, in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tratteggio.core.engines.local_model import LocalModel
from tratteggio.server.app import create_app
from tratteggio.server.calls import ServerState
from tratteggio.server.config import ServerConfig
from tratteggio.server.run import uvicorn_options


@dataclass
class Running:
    url: str
    server: Any  # uvicorn.Server
    state: ServerState
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@contextmanager
def running_server(config: ServerConfig) -> Iterator[Running]:
    """Listen on a socket bound to port 0 (no race for a port); stopped when the block ends. The
    server has its own model runner: nothing is shared with the test's local runs."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(config, LocalModel())
    options = {**uvicorn_options(config), "port": port, "log_level": "warning"}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    scheme = "https" if config.tls else "http"
    running = Running(f"{scheme}://127.0.0.1:{port}", server, app.state.tratteggio, thread)
    try:
        yield running
    finally:
        running.stop()
        sock.close()
