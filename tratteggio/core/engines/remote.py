"""The diffusion model on another computer: a client of `tratteggio serve`.

Only the model call travels: the 8-bit sRGB crop at model size, its mask and the request go out as
PNG and JSON on one WebSocket per call; one preview per step and the fill come back. The crop
planning, colour match, blend band, paste-back and the record stay here (diffusion.py), so a remote
run gives the bytes a local run gives on the server's device.

The client needs only `websockets` (pure Python, no dependencies of its own); the server's
FastAPI and uvicorn are an optional extra.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from tratteggio.core.engines.model_call import ModelInfo, ModelJob, PreviewReport, info_key
from tratteggio.core.engines.wire import RUN_PATH, decode_png, encode_png, parse_message, png_size, read_token
from tratteggio.core.errors import Cancelled, ModelError, RequestError, TratteggioError
from tratteggio.core.request import RestorationRequest

DEFAULT_PORT = 8765
POLL_S = 0.05  # how often a waiting client looks at the user's cancel
OPEN_TIMEOUT_S = 10.0
MAX_REPLY_BYTES = 64 << 20
_ERRORS: dict[str, type[TratteggioError]] = {"request": RequestError, "model": ModelError}


class RemoteError(TratteggioError):
    """The diffusion server cannot be reached, refused us, or went away during a run."""


@dataclass(frozen=True)
class RemoteTarget:
    """A Tratteggio server: `url` is http(s)://host:port; the token never shows in a repr or record."""

    url: str
    token: str | None = field(default=None, repr=False)
    unix: str | None = None  # a Unix socket to connect through instead (the studio's own worker)

    @classmethod
    def parse(cls, url: str, token_file: str | Path | None = None) -> RemoteTarget:
        """`host:port`, `http://host:port` or `https://host:port` (ws/wss too); RequestError if not."""
        text = url.strip()
        parts = urlsplit(text if "://" in text else f"http://{text}")
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            port = -1
        if scheme not in ("http", "https") or not parts.hostname or port < 1 or parts.path not in ("", "/"):
            raise RequestError(f"{url!r} is not a server address (http://HOST:PORT or https://HOST:PORT)")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        token = read_token(token_file) if token_file else None
        return cls(f"{scheme}://{host}:{port}", token)

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http", "ws", 1) + RUN_PATH

    @property
    def insecure(self) -> str | None:
        """A warning when the token would cross the network unencrypted (http:// to another host)."""
        if self.token is None or self.url.startswith("https://") or self.loopback:
            return None
        return (
            f"the token goes to {self.host} unencrypted (http://): anyone on the network path can read "
            "it; serve with --ssl-certfile/--ssl-keyfile and use https://, or an SSH tunnel to 127.0.0.1"
        )

    @property
    def loopback(self) -> bool:
        name = (urlsplit(self.url).hostname or "").strip("[]")
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return name == "localhost"


class RemoteModel:
    """`DiffusionModel` on a Tratteggio server. `on_notice(text)` hears the queue position while a
    call waits for the server's device (it runs on the calling thread)."""

    def __init__(self, target: RemoteTarget) -> None:
        self.target = target
        self.on_notice: Callable[[str], None] | None = None
        # The studio's worker (worker.py) sets these: it hears from its worker at least every
        # `silence_s`, waits `cancel_wait_s` for a cancel to be confirmed, else `on_stuck()` ends it.
        self.silence_s: float | None = None
        self.cancel_wait_s = 0.0
        self.on_stuck: Callable[[], None] | None = None
        # and `judge(verdict)`, which runs that wait off the cancel's path (a cancel returns at once)
        self.judge: Callable[[Callable[[], None]], None] | None = None
        self.trusted = False  # the same user's own process: the request goes whole (allow_pickle too)
        self._infos: dict[str, ModelInfo] = {}
        self._lock = threading.Lock()

    def info(self) -> dict[str, Any]:
        """What the server says about itself: device, software versions, models, limits, queue."""
        with self._call() as call:
            call.send({"op": "info"})
            info = call.expect("info")
        kinds = {"software": dict, "queue": dict, "models": list, "limits": dict}
        if not all(isinstance(info.get(key, kind()), kind) for key, kind in kinds.items()):
            raise RemoteError(f"{self.target.host} sent an info reply this client cannot read")
        return info

    def prepare(self, request: RestorationRequest, check: Callable[[], None] | None = None) -> ModelInfo:
        key = info_key(request)
        with self._lock:
            if key in self._infos:
                return self._infos[key]
        with self._call(check) as call:
            call.send({"op": "prepare", "request": self._request(request)})
            reply = call.expect("prepared")
        try:
            info = ModelInfo.from_dict(reply["info"])
            server = dict(reply.get("server") or {})
        except (KeyError, TypeError, ValueError, AttributeError):
            raise RemoteError(
                f"{self.target.host} sent a model description this client cannot read"
            ) from None
        remote = {
            "host": self.target.host,
            "url": self.target.url,
            "server": server.get("version"),
            "software": server.get("software", {}),
        }
        info = dataclasses.replace(info, engine={**info.engine, "remote": remote})
        with self._lock:
            self._infos[key] = info
        return info

    def run(self, job: ModelJob, report: PreviewReport, check: Callable[[], None]) -> np.ndarray:
        height, width = job.image.shape[:2]
        with self._call(check) as call:
            header = {"op": "fill", "request": self._request(job.request), "width": width, "height": height}
            if job.noise:
                header["noise"] = True  # the worker also sends the starting noise (a server may not)
            call.send(header)
            call.send_bytes(encode_png(job.image))
            call.send_bytes(encode_png(job.mask))
            while True:
                message = call.expect("step", "done")
                picture = call.receive_picture((width, height), exact=message["type"] == "done")
                if message["type"] == "done":
                    return picture
                step, timestep = message.get("step"), message.get("timestep")
                if not isinstance(step, int) or not isinstance(timestep, int | float | None):
                    raise RemoteError(f"{self.target.host} sent a step this client cannot read")
                report(step, picture, timestep)

    def _request(self, request: RestorationRequest) -> dict[str, Any]:
        data = request.to_dict()
        if not self.trusted:
            data.pop("allow_pickle", None)
        return data

    @contextmanager
    def _call(self, check: Callable[[], None] | None = None) -> Iterator[_Call]:
        if check is not None:
            check()  # cancelled already: nothing to ask the server
        connection = _connect(self.target)
        call = _Call(connection, self.target, check, self.on_notice, self.silence_s)
        judged = False
        try:
            yield call
        except Cancelled:
            if self.judge is not None:
                self.judge(lambda: self._verdict(call))
                judged = True
            else:
                self._verdict(call)
            raise
        finally:
            if not judged:
                connection.close()

    def _verdict(self, call: _Call) -> None:
        """Ask the server to stop; if it has not confirmed within `cancel_wait_s`, `on_stuck()`."""
        try:
            if not call.cancel(self.cancel_wait_s) and self.on_stuck is not None:
                self.on_stuck()
        finally:
            call.ws.close()


def _entered(connection: Any) -> Any:
    """The connection, entered as a context (websockets 17.1 warns about any other; `_call` closes
    it, which is all its exit does)."""
    return connection.__enter__()


def _connect(target: RemoteTarget) -> Any:
    from websockets.exceptions import InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect, unix_connect

    headers = {"Authorization": f"Bearer {target.token}"} if target.token else {}
    try:
        if target.unix is not None:
            return _entered(
                unix_connect(
                    target.unix,
                    "ws://localhost" + RUN_PATH,
                    open_timeout=OPEN_TIMEOUT_S,
                    max_size=MAX_REPLY_BYTES,
                    compression=None,
                    close_timeout=0.05,  # a worker that does not close at once is ended anyway
                )
            )
        return _entered(
            connect(
                target.ws_url,
                additional_headers=headers,
                open_timeout=OPEN_TIMEOUT_S,
                max_size=MAX_REPLY_BYTES,
                compression=None,  # PNG is compressed already; deflating it again only costs time
                close_timeout=2,
                proxy=None if target.loopback else True,
            )
        )
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status == 401:
            raise RemoteError(
                f"the diffusion server at {target.host} refused the token (401): check the token file"
            ) from None
        raise RemoteError(f"the diffusion server at {target.host} answered HTTP {status}") from None
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise RemoteError(f"cannot reach the diffusion server at {target.url} ({reason})") from None


class _Call:
    """One WebSocket exchange; every failure becomes one line naming the server."""

    def __init__(
        self,
        ws: Any,
        target: RemoteTarget,
        check: Callable[[], None] | None,
        on_notice: Callable[[str], None] | None,
        silence_s: float | None = None,
    ) -> None:
        self.ws, self.target, self.check, self.on_notice = ws, target, check, on_notice
        self.silence_s = silence_s

    def send(self, message: dict[str, Any]) -> None:
        self._transmit(json.dumps(message))

    def send_bytes(self, data: bytes) -> None:
        self._transmit(data)

    def _transmit(self, data: bytes | str) -> None:
        try:
            self._guard(lambda: self.ws.send(data))
        except RemoteError:
            self.expect()  # a refusal the server sent before it closed says more than "lost"
            raise

    def cancel(self, wait_s: float = 0.0) -> bool:
        """Tell the server to stop; it does so within a step. Closing afterwards would do it too.
        With `wait_s`, wait that long for the server to say the call ended: False if it did not."""
        try:
            self.ws.send(json.dumps({"op": "cancel"}))
        except Exception:  # gone already: nothing runs for us there
            return True
        deadline = time.monotonic() + wait_s
        while wait_s > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                raw = self.ws.recv(timeout=left)
            except TimeoutError:
                return False
            except Exception:  # the connection ended: so did the call
                return True
            if _message_type(raw) in ("cancelled", "error", "done"):
                return True
        return True

    def expect(self, *types: str) -> dict[str, Any]:
        """The next message of one of `types`; queue notices are passed on, refusals raised."""
        while True:
            raw = self._receive()
            if isinstance(raw, bytes):
                raise RemoteError(f"{self.target.host} sent an image where a message was due")
            try:
                message = parse_message(raw, "a reply")
            except RequestError as exc:
                raise RemoteError(f"{self.target.host} sent {exc}") from None
            kind = message.get("type")
            if kind in types:
                return message
            if kind == "queued" and self.on_notice is not None:
                ahead = message.get("position", 0)
                if not isinstance(ahead, int):
                    raise RemoteError(f"{self.target.host} sent a queue notice this client cannot read")
                self.on_notice(f"waiting for the diffusion server: {ahead} run{'s' * (ahead != 1)} ahead")
            elif kind == "error":
                error = _ERRORS.get(str(message.get("kind")), RemoteError)
                raise error(f"diffusion server {self.target.host}: {message.get('message')}")
            elif kind == "cancelled":
                raise RemoteError(f"the diffusion server at {self.target.host} stopped the run")

    def receive_bytes(self) -> bytes:
        raw = self._receive()
        if not isinstance(raw, bytes):
            raise RemoteError(f"{self.target.host} sent a message where an image was due")
        return raw

    def receive_picture(self, size: tuple[int, int], exact: bool) -> np.ndarray:
        """A 16-bit RGB picture no larger than the crop sent (`exact`: the crop's size), its size
        read from the PNG header before anything is decoded."""
        data = self.receive_bytes()
        try:
            width, height = png_size(data)
            if (exact and (width, height) != size) or width > size[0] or height > size[1]:
                raise RequestError(f"a {width}x{height} image for a {size[0]}x{size[1]} crop")
            return decode_png(data, 3, np.uint16)
        except RequestError as exc:
            raise RemoteError(f"{self.target.host} sent an image this client cannot use ({exc})") from None

    def _receive(self) -> str | bytes:
        heard = time.monotonic()
        while True:
            if self.check is not None:
                self.check()
            try:
                return self._guard(lambda: self.ws.recv(timeout=POLL_S))  # type: ignore[no-any-return]
            except TimeoutError:
                if self.silence_s is not None and time.monotonic() - heard > self.silence_s:
                    raise RemoteError(
                        f"{self.target.host} has not answered for {self.silence_s:.0f} s"
                    ) from None
                continue

    def _guard(self, fn: Callable[[], Any]) -> Any:
        from websockets.exceptions import ConnectionClosed

        try:
            return fn()
        except TimeoutError:
            raise  # a poll that heard nothing (TimeoutError is an OSError)
        except ConnectionClosed as exc:
            why = f": {exc.rcvd.reason}" if exc.rcvd is not None and exc.rcvd.reason else ""
            raise RemoteError(
                f"lost the connection to the diffusion server at {self.target.host}{why} "
                "(was it stopped, or the network cut?)"
            ) from None
        except OSError as exc:
            raise RemoteError(
                f"lost the connection to the diffusion server at {self.target.host} "
                f"({exc.strerror or type(exc).__name__})"
            ) from None


def _message_type(raw: str | bytes) -> str | None:
    """The "type" of a server message; None for an image or anything unreadable."""
    try:
        message = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return str(message.get("type")) if isinstance(message, dict) else None
