"""One run at a time on the device: a first-come queue whose waiters learn their place, and the one
thread the model runs on.

The queue lives in the event loop's thread (no locks); the model runs on `DeviceThread`'s single
worker, so torch sees one caller. The device is handed on only when the model call has really
ended, not when its client went away.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tratteggio.core.errors import Cancelled, TratteggioError

T = TypeVar("T")


class Busy(TratteggioError):
    """Too many runs are waiting already."""


class DeviceQueue:
    """Grants the device to one holder at a time, in the order they asked."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self.busy = False
        self._waiting: list[asyncio.Future[None]] = []
        self._moved = asyncio.Event()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def acquire(self, on_position: Callable[[int], Awaitable[None]], cancelled: asyncio.Event) -> None:
        """Return when the caller holds the device; `on_position(n)` hears how many runs are ahead
        each time that changes. Raises Cancelled if `cancelled` is set first, Busy if the queue is full."""
        if not self.busy and not self._waiting:
            self.busy = True
            return
        if len(self._waiting) >= self.max_waiting:
            raise Busy(f"the server is busy: {len(self._waiting)} runs are waiting already; try again later")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await self._wait_turn(turn, on_position, cancelled)
        except BaseException:
            if turn in self._waiting:
                self._waiting.remove(turn)
                self._notify()
            elif turn.done():
                self.release()  # granted as we gave up: pass it on
            raise

    async def _wait_turn(
        self,
        turn: asyncio.Future[None],
        on_position: Callable[[int], Awaitable[None]],
        cancelled: asyncio.Event,
    ) -> None:
        told = -1
        while not turn.done():
            if cancelled.is_set():
                raise Cancelled()
            ahead = self._waiting.index(turn) + 1  # the run on the device, and those queued before
            if ahead != told:
                await on_position(ahead)
                told = ahead
            change = asyncio.ensure_future(self._moved.wait())
            stop = asyncio.ensure_future(cancelled.wait())
            waits: set[asyncio.Future[Any]] = {turn, change, stop}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            change.cancel()
            stop.cancel()

    def release(self) -> None:
        """The holder is done: the first waiter gets the device."""
        if self._waiting:
            self._waiting.pop(0).set_result(None)
            self._notify()
        else:
            self.busy = False

    def _notify(self) -> None:
        self._moved.set()
        self._moved = asyncio.Event()


class DeviceThread:
    """The one thread the model runs on. `call(fn)` awaits `fn()` run there; `cancel_all` asks
    every running call to stop at its next check (at shutdown)."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tratteggio-device")
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tratteggio-encode")
        self.stops: set[threading.Event] = set()

    async def call(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        return asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def encode(self, fn: Callable[..., bytes], *args: Any) -> bytes:
        """PNG encoding off the device thread, so the model's next step never waits for it."""
        return await asyncio.get_running_loop().run_in_executor(self._encoder, fn, *args)

    def cancel_all(self) -> None:
        for stop in list(self.stops):
            stop.set()

    def shutdown(self) -> None:
        self.cancel_all()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._encoder.shutdown(wait=True, cancel_futures=True)
