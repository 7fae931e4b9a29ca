"""One WebSocket call: admit the request (or refuse it with a message), wait for the device, run the
model call there, stream one preview per step, hand back the fill. See core/engines/wire.py for the
messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from tratteggio import __version__
from tratteggio.core.engines.model_call import DiffusionModel, ModelInfo, ModelJob, info_key
from tratteggio.core.engines.wire import PROTOCOL, decode_png, encode_png, parse_message
from tratteggio.core.errors import Cancelled, ModelError, RequestError, TratteggioError
from tratteggio.core.request import DIFFUSION_ENGINE, RestorationRequest
from tratteggio.server.config import ServerConfig
from tratteggio.server.device import Busy, DeviceQueue, DeviceThread

log = logging.getLogger("tratteggio.server")
RECEIVE_TIMEOUT_S = 60.0
INLINE_PIXELS = 64 * 64  # SD 1.5's latent previews; SDXL's and TAESD's go to the encoder thread


@dataclass(frozen=True)
class CallLog:
    """What became of one call: op, outcome (done, cancelled, refused, failed), steps streamed."""

    op: str
    outcome: str
    steps: int = 0
    seconds: float = 0.0
    message: str = ""


@dataclass
class ServerState:
    config: ServerConfig
    model: DiffusionModel
    device: str
    served: tuple[str, ...]
    software: dict[str, str]
    queue: DeviceQueue
    thread: DeviceThread
    calls: deque[CallLog] = field(default_factory=lambda: deque(maxlen=100))
    infos: dict[str, ModelInfo] = field(default_factory=dict)  # what each prepare found, by info_key

    def info(self) -> dict[str, Any]:
        return {
            "type": "info",
            "server": "tratteggio",
            "version": __version__,
            "protocol": PROTOCOL,
            "device": self.device,
            "software": self.software,
            "models": list(self.served),
            "limits": self.config.limits.to_dict(),
            "queue": {"running": self.queue.busy, "waiting": self.queue.waiting},
        }


class Call:
    """Serves one WebSocket; every refusal is one message of type "error" before the close."""

    def __init__(self, ws: WebSocket, state: ServerState) -> None:
        self.ws, self.state = ws, state
        self.cancel = asyncio.Event()
        self.stop = threading.Event()  # what the device thread sees
        self.steps = 0
        self.gone = False  # the client left (closed, or its connection dropped)

    async def serve(self) -> None:
        started, op, outcome, message = time.perf_counter(), "?", "done", ""
        try:
            first = await self._first_message()
            op = str(first.get("op"))
            await self._dispatch(op, first)
        except Cancelled:
            outcome = "disconnected" if self.gone else "cancelled"
            await self._send({"type": "cancelled", "step": self.steps})
        except (RequestError, ModelError, Busy) as exc:
            outcome, message = "refused", str(exc)
            await self._send({"type": "error", "kind": _kind(exc), "message": message})
        except TratteggioError as exc:
            outcome, message = "failed", str(exc)
            await self._send({"type": "error", "kind": "server", "message": message})
        except WebSocketDisconnect:
            outcome = "disconnected"  # one log line below: a client leaving is no server error
        except Exception as exc:  # a bug on the server: logged here, one line to the client
            outcome, message = "failed", f"internal error on the server: {type(exc).__name__}: {exc}"
            log.exception("call failed")
            await self._send({"type": "error", "kind": "server", "message": message})
        finally:  # however the call ends (a server shutting down cancels it): its model call stops
            self.stop.set()
            self.cancel.set()
        seconds = time.perf_counter() - started
        self.state.calls.append(CallLog(op, outcome, self.steps, seconds, message))
        log.info("%s: %s (%d steps, %.2f s) %s", op, outcome, self.steps, seconds, message)
        if self.ws.application_state != WebSocketState.DISCONNECTED:
            await self.ws.close()

    async def _first_message(self) -> dict[str, Any]:
        text = await self._receive("text", "the first message must be a JSON object with an op")
        return parse_message(text, "the first message")

    async def _receive(self, kind: str, refusal: str) -> Any:
        """The client's next message of `kind` ("text" or "bytes"); a client that sends nothing for
        a minute, or something else, is refused."""
        try:
            message = await asyncio.wait_for(self.ws.receive(), RECEIVE_TIMEOUT_S)
        except TimeoutError:
            raise RequestError(f"nothing arrived for {RECEIVE_TIMEOUT_S:.0f} s") from None
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        if message.get(kind) is None:
            raise RequestError(refusal)
        return message[kind]

    async def _dispatch(self, op: str, first: dict[str, Any]) -> None:
        if op == "info":
            await self._put(self.state.info())
        elif op == "prepare":
            request = admit(first.get("request"), self.state)
            info = await self._prepare(request)
            server = {"version": __version__, "device": self.state.device, "software": self.state.software}
            await self._put({"type": "prepared", "info": info.to_dict(), "server": server})
        elif op == "fill":
            await self._fill(first)
        else:
            raise RequestError(f"unknown op {op!r} (info, prepare, fill)")

    async def _prepare(self, request: RestorationRequest) -> ModelInfo:
        """A model described before is answered at once (no wait for the device, which may be busy
        with someone's run); a new one is loaded on the device thread, in the queue's order."""
        key = info_key(request)
        if key not in self.state.infos:
            self.state.infos[key] = await self._on_device(lambda: self.state.model.prepare(request))
        return self.state.infos[key]

    async def _fill(self, first: dict[str, Any]) -> None:
        request = admit(first.get("request"), self.state)
        size = crop_size(first, self.state.config.limits.max_side)
        image = decode_png(await self._receive("bytes", "expected the crop as PNG"), 3, np.uint8, size)
        mask = decode_png(await self._receive("bytes", "expected the mask as PNG"), 1, np.uint8, size)
        job = ModelJob(image, np.where(mask > 0, 255, 0).astype(np.uint8), request)
        loop, steps = asyncio.get_running_loop(), asyncio.Queue[tuple[int, Any, Any]]()

        def report(step: int, rgb16: np.ndarray, timestep: float | None) -> None:
            # A latent-sized preview encodes in well under a millisecond: cheaper here than a
            # hand-off to the encoder thread. Full-size ones (TAESD) go there, off the model's path.
            small = rgb16.shape[0] * rgb16.shape[1] <= INLINE_PIXELS
            loop.call_soon_threadsafe(
                steps.put_nowait, (step, encode_png(rgb16) if small else rgb16, timestep)
            )

        def work() -> np.ndarray:
            multiple = self.state.model.prepare(request).multiple
            if size[0] % multiple or size[1] % multiple:
                raise RequestError(f"crop sides must be multiples of {multiple} for this model, got {size}")
            return self.state.model.run(job, report, self._check)

        task = asyncio.ensure_future(self._on_device(work))
        task.add_done_callback(_retrieved)  # the client may be gone before the model call ends
        await self._stream(task, steps)
        fill = task.result()
        await self._put({"type": "done"})
        await self._put(await self.state.thread.encode(encode_png, fill))

    async def _stream(self, task: asyncio.Future[Any], steps: asyncio.Queue[tuple[int, Any, Any]]) -> None:
        """Send each step's preview as it comes, until the model call has ended and all are sent
        (none once the call is cancelled)."""
        while not (task.done() and steps.empty()):
            getter = asyncio.ensure_future(steps.get())
            await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                continue
            step, picture, timestep = getter.result()
            if self.stop.is_set():
                continue
            if not isinstance(picture, bytes):
                picture = await self.state.thread.encode(encode_png, picture)
            await self._put({"type": "step", "step": step, "timestep": timestep})
            await self._put(picture)
            self.steps = step + 1

    def _check(self) -> None:
        if self.stop.is_set():
            raise Cancelled()

    async def _on_device(self, fn: Any) -> Any:
        """Wait for the device (reporting the queue position), run `fn` on its thread, hand it on
        when `fn` has really ended. The client may cancel, or go away, at any time."""
        listener = asyncio.ensure_future(self._listen())
        try:
            await self.state.queue.acquire(self._position, self.cancel)
            await self._send({"type": "started"})
            self.state.thread.stops.add(self.stop)
            future = self.state.thread.submit(fn)
            future.add_done_callback(lambda _: self._release())
            return await asyncio.shield(future)
        finally:
            listener.cancel()

    def _release(self) -> None:
        self.state.thread.stops.discard(self.stop)
        self.state.queue.release()

    async def _position(self, ahead: int) -> None:
        await self._send({"type": "queued", "position": ahead})

    async def _listen(self) -> None:
        """Read what the client sends while its call runs: a cancel, or the end of the connection.
        Anything else is ignored with a log line; nothing a client sends ends this loop but those."""
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    self.gone = True
                    break
                if _op(message) == "cancel":
                    break
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.gone = True
        self.stop.set()
        self.cancel.set()

    async def _put(self, message: dict[str, Any] | bytes) -> None:
        """Send a reply the call needs; a client gone meanwhile ends the call as disconnected."""
        try:
            if isinstance(message, bytes):
                await self.ws.send_bytes(message)
            else:
                await self.ws.send_json(message)
        except (RuntimeError, OSError) as exc:  # starlette after a close, uvicorn's ClientDisconnected
            raise WebSocketDisconnect(1006, type(exc).__name__) from None

    async def _send(self, message: dict[str, Any]) -> None:
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self.ws.send_json(message)  # unless the client is gone: its call is stopped


def admit(data: Any, state: ServerState) -> RestorationRequest:
    """The request as this server will run it, or RequestError saying why not. A client never
    grants `allow_pickle` (from_dict drops it) nor names a file on the server outside `--models`."""
    if not isinstance(data, dict):
        raise RequestError("the call needs a request object")
    request = RestorationRequest.from_dict(data)
    limits = state.config.limits
    if request.engine != DIFFUSION_ENGINE:
        raise RequestError(f"this server runs the diffusion engine only, not {request.engine}")
    if request.steps > limits.max_steps:
        raise RequestError(f"steps: {request.steps} is more than this server allows ({limits.max_steps})")
    for name in ("prompt", "negative_prompt"):
        if len(getattr(request, name)) > limits.max_prompt:
            raise RequestError(f"{name} is longer than this server allows ({limits.max_prompt} characters)")
    if request.model not in state.served:
        raise RequestError(f"model {request.model} is not served here (it serves: {', '.join(state.served)})")
    if request.model_config is not None:
        raise RequestError("a client cannot name a config folder on the server (model_config)")
    if request.device not in ("auto", state.device):
        raise RequestError(f"this server runs on {state.device}; the request asks for {request.device}")
    return request.replace(device=state.device)


def crop_size(header: dict[str, Any], max_side: int) -> tuple[int, int]:
    width, height = header.get("width"), header.get("height")
    if not (isinstance(width, int) and isinstance(height, int)) or min(width, height) < 8:
        raise RequestError("a fill needs the crop's width and height (at least 8 px)")
    if max(width, height) > max_side:
        raise RequestError(f"the crop is {width}x{height}: this server takes at most {max_side} px on a side")
    return width, height


def _op(message: Mapping[str, Any]) -> str | None:
    """The op of a message a client sent mid-run, or None (logged) if it is not a JSON object."""
    try:
        return str(parse_message(message.get("text") or message.get("bytes"), "a message mid-run").get("op"))
    except RequestError as exc:
        log.info("ignored %s", exc)
        return None


def _retrieved(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _kind(exc: TratteggioError) -> str:
    kinds: dict[type[TratteggioError], str] = {RequestError: "request", ModelError: "model", Busy: "busy"}
    return kinds.get(type(exc), "request")
