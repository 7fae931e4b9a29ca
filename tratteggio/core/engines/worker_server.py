"""The studio's diffusion worker: a child process that runs the model calls of the studio and speaks
the protocol of `tratteggio serve` (wire.py), on a Unix socket in a folder only its user can open.

    python -m tratteggio.core.engines.worker_server SOCKET --idle SECONDS --parent PID [--tcp]

Where there are no Unix sockets (Windows), or with `--tcp`, it listens on 127.0.0.1 only, on a port
the system picks, and refuses every connection that does not bring the random token it wrote, with
the port, in the file SOCKET (mode 0600, in the same private folder); browsers (an Origin header)
are refused too.

It needs only `websockets` (a core dependency), not the server's FastAPI. torch loads with the first
model. While a call runs it says {"type": "alive"} twice a second, so the studio tells a worker that
hangs from one that computes; a cancel stops the model at its next layer. It ends itself when its
parent has gone or after `--idle` seconds without a call (freeing the model's memory).
"""

from __future__ import annotations

import argparse
import faulthandler
import hmac
import json
import os
import secrets
import shutil
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import numpy as np

from tratteggio import __version__
from tratteggio.core.engines.model_call import DiffusionModel, ModelJob
from tratteggio.core.engines.wire import PROTOCOL, Limits, decode_png, encode_png
from tratteggio.core.errors import Cancelled, ModelError, RequestError, TratteggioError
from tratteggio.core.request import RestorationRequest

T = TypeVar("T")
HEARTBEAT_S = 0.5
RECEIVE_TIMEOUT_S = 60.0
ERROR_PREFIX = "tratteggio worker: "  # how the worker's own error lines start in its log


class WorkerState:
    """The model, the one thread it runs on, and when the last call ended (for the idle exit)."""

    def __init__(self, model: DiffusionModel, idle_s: float) -> None:
        self.model, self.idle_s = model, idle_s
        self.device = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tratteggio-device")
        self.lock = threading.Lock()
        self.active = 0
        self.last = time.monotonic()

    @contextmanager
    def busy(self) -> Iterator[None]:
        self.active += 1
        try:
            with self.lock:
                yield
        finally:
            self.active -= 1
            self.last = time.monotonic()

    def idle(self) -> bool:
        return self.active == 0 and time.monotonic() - self.last > self.idle_s


class WorkerCall:
    """One connection: messages go out under a lock (a step's header and picture stay together)."""

    def __init__(self, ws: Any, state: WorkerState) -> None:
        self.ws, self.state = ws, state
        self.stop = threading.Event()
        self.steps = 0
        self._send_lock = threading.Lock()

    def send(self, message: dict[str, Any], picture: bytes | None = None) -> None:
        from websockets.exceptions import ConnectionClosed

        with self._send_lock, suppress(ConnectionClosed, OSError):
            self.ws.send(json.dumps(message))
            if picture is not None:
                self.ws.send(picture)

    def receive(self, kind: type) -> Any:
        try:
            message = self.ws.recv(timeout=RECEIVE_TIMEOUT_S)
        except TimeoutError:
            raise RequestError(f"nothing arrived for {RECEIVE_TIMEOUT_S:.0f} s") from None
        if not isinstance(message, kind):
            raise RequestError(f"expected {'a picture' if kind is bytes else 'a message'}")
        return message

    def check(self) -> None:
        if self.stop.is_set():
            raise Cancelled()

    def watched(self, fn: Callable[[], T]) -> T:
        """`fn()` on the device thread while a listener hears a cancel (or the client going away)
        and this thread says it is alive; returns when `fn` has really ended."""
        future: Future[T] = self.state.device.submit(fn)
        threading.Thread(target=self._listen, name="tratteggio-listen", daemon=True).start()
        while True:
            try:
                return future.result(timeout=HEARTBEAT_S)
            except FutureTimeout:
                self.send({"type": "alive"})

    def _listen(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            for raw in self.ws:
                if isinstance(raw, str) and '"cancel"' in raw:
                    break
        except ConnectionClosed:
            pass
        self.stop.set()


def handle(ws: Any, state: WorkerState) -> None:
    """Serve one connection: one op (info, prepare or fill), answered as wire.py says."""
    call = WorkerCall(ws, state)
    try:
        first = json.loads(call.receive(str))
        if not isinstance(first, dict):
            raise RequestError("the first message must be a JSON object with an op")
        with state.busy():
            dispatch(call, first)
    except Cancelled:
        call.send({"type": "cancelled", "step": call.steps})
    except (RequestError, ModelError, ValueError) as exc:
        say(str(exc))
        kind = "model" if isinstance(exc, ModelError) else "request"
        call.send({"type": "error", "kind": kind, "message": str(exc)})
    except TratteggioError as exc:
        say(str(exc))
        call.send({"type": "error", "kind": "server", "message": str(exc)})
    except Exception as exc:  # a bug: its traceback goes to the log, one line to the studio
        traceback.print_exc()
        message = f"internal error in the diffusion worker: {type(exc).__name__}: {exc}"
        say(message)
        call.send({"type": "error", "kind": "server", "message": message})


def dispatch(call: WorkerCall, first: dict[str, Any]) -> None:
    op, model = first.get("op"), call.state.model
    if op == "info":
        about = {"type": "info", "server": "tratteggio-worker", "version": __version__, "protocol": PROTOCOL}
        call.send(about)
    elif op == "prepare":
        request = trusted_request(first)
        info = call.watched(lambda: model.prepare(request))
        server: dict[str, Any] = {"version": __version__, "device": info.engine.get("device"), "software": {}}
        call.send({"type": "prepared", "info": info.to_dict(), "server": server})
    elif op == "fill":
        fill(call, first)
    else:
        raise RequestError(f"unknown op {op!r} (info, prepare, fill)")


def fill(call: WorkerCall, first: dict[str, Any]) -> None:
    request = trusted_request(first)
    width, height = first.get("width"), first.get("height")
    if not (isinstance(width, int) and isinstance(height, int)) or min(width, height) < 8:
        raise RequestError("a fill needs the crop's width and height (at least 8 px)")
    side = Limits().max_side * 4
    image = decode_png(call.receive(bytes), 3, np.uint8, (width, height), side)
    mask = decode_png(call.receive(bytes), 1, np.uint8, (width, height), side)
    job = ModelJob(image, np.where(mask > 0, 255, 0).astype(np.uint8), request, bool(first.get("noise")))

    def report(step: int, rgb16: np.ndarray, timestep: float | None) -> None:
        if not call.stop.is_set():
            call.send({"type": "step", "step": step, "timestep": timestep}, encode_png(rgb16))
            call.steps = step + 1

    out = call.watched(lambda: call.state.model.run(job, report, call.check))
    call.send({"type": "done"}, encode_png(out))


def trusted_request(first: dict[str, Any]) -> RestorationRequest:
    """The request as the studio sent it: its own user's process, so `allow_pickle` is kept."""
    data = first.get("request")
    if not isinstance(data, dict):
        raise RequestError("the call needs a request object")
    request = RestorationRequest.from_dict(data)
    return request.replace(allow_pickle=bool(data.get("allow_pickle")))


def say(message: str) -> None:
    """One line in the worker's log, which the studio quotes when the worker dies."""
    print(f"{ERROR_PREFIX}{message}", file=sys.stderr, flush=True)


def watch(server: Any, state: WorkerState, parent: int) -> None:
    """End the server when the studio has gone, or after the idle time."""
    while True:
        time.sleep(0.2)
        if os.getppid() != parent or state.idle():
            server.shutdown()
            return


STUDIO_GONE = threading.Event()


def watch_stdin(server: Any) -> None:
    """End the server when the studio's end of our stdin closes: how a worker on 127.0.0.1 (Windows,
    where a parent's death changes no `getppid`) learns that the studio has gone."""
    with suppress(OSError, ValueError):
        while sys.stdin.buffer.read(4096):
            pass
    STUDIO_GONE.set()
    server.shutdown()


def warm_imports() -> None:
    """Import torch and diffusers while the studio does other things: the first model loads sooner."""
    from tratteggio.core.engines.pipelines import quiet_libraries

    with suppress(Exception):  # missing: the first prepare says so, in one line
        quiet_libraries()


def listening_socket(path: str) -> socket.socket:
    """A Unix socket that listens already when it appears at `path` (bound elsewhere, then renamed),
    so the studio, which waits for the path, is never refused."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path + ".new")
    sock.listen()
    os.rename(path + ".new", path)
    return sock


def publish_address(path: str, port: int, token: str) -> None:
    """Write the port and token to `path` (mode 0600) in one step: the studio reads it whole."""
    fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"port": port, "token": token}, out)
    os.replace(path + ".new", path)


def token_check(token: str) -> Callable[[Any, Any], Any]:
    """A handshake check: the bearer token, and no browser (an Origin header), or 401/403."""
    from http import HTTPStatus

    expected = f"Bearer {token}".encode()

    def check(connection: Any, request: Any) -> Any:
        if request.headers.get("Origin") is not None:
            return connection.respond(HTTPStatus.FORBIDDEN, "browsers are not served\n")
        given = (request.headers.get("Authorization") or "").encode()
        if not hmac.compare_digest(given, expected):
            return connection.respond(HTTPStatus.UNAUTHORIZED, "a token is needed\n")
        return None

    return check


def serving(path: str, tcp: bool, state: WorkerState) -> Any:
    """The websockets server: on the Unix socket `path`, or on 127.0.0.1 with a token in `path`."""
    options: dict[str, Any] = {"max_size": Limits().message_bytes() * 16, "compression": None}
    handler: Callable[[Any], None] = lambda ws: handle(ws, state)  # noqa: E731
    if not tcp:
        from websockets.sync.server import unix_serve

        return unix_serve(handler, sock=listening_socket(path), **options)
    from websockets.sync.server import serve

    sock = socket.create_server(("127.0.0.1", 0))
    token = secrets.token_urlsafe(32)
    server = serve(handler, sock=sock, process_request=token_check(token), **options)
    publish_address(path, sock.getsockname()[1], token)
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tratteggio-worker")
    parser.add_argument("socket")
    parser.add_argument("--idle", type=float, default=600.0)
    parser.add_argument("--parent", type=int, default=os.getppid())
    parser.add_argument("--tcp", action="store_true", help="127.0.0.1 and a token (no Unix sockets)")
    args = parser.parse_args(argv)
    faulthandler.enable()  # a native crash leaves its trace in the log the studio quotes
    from tratteggio.core.engines.local_model import local_model

    state = WorkerState(local_model(), args.idle)
    os.umask(0o077)  # the socket is the user's alone (its folder is, too)
    tcp = args.tcp or not hasattr(socket, "AF_UNIX")
    server = serving(args.socket, tcp, state)
    threading.Thread(target=watch, args=(server, state, args.parent), daemon=True).start()
    if tcp:
        threading.Thread(target=watch_stdin, args=(server,), daemon=True).start()
    threading.Thread(target=warm_imports, name="tratteggio-imports", daemon=True).start()
    with server:
        server.serve_forever()
    with suppress(OSError):
        os.unlink(args.socket)
    if os.getppid() != args.parent or STUDIO_GONE.is_set():  # the studio has gone
        shutil.rmtree(os.path.dirname(args.socket), ignore_errors=True)
    os._exit(0)  # the device thread may still be loading a model: do not wait for it


if __name__ == "__main__":
    sys.exit(main())
