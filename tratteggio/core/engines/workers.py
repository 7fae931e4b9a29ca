"""Run independent tasks on worker threads while the calling thread waits, polls for cancel and
takes the results in order.

Used for regions of engines whose library calls release the GIL (OpenCV, scikit-image's sparse
solve): several regions fill at once on the available cores, and a long library call that cannot be
interrupted no longer delays a cancel. The workers are daemon threads: a cancelled run returns at
once and a call already in flight is abandoned (it finishes in the background and its result is
dropped; engines that check cancel between their own steps stop at the next one).
"""

from __future__ import annotations

import _thread
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.02


def worker_count() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Board(Generic[T]):
    """What the workers and the waiting thread share, under one condition variable."""

    def __init__(self, tasks: Sequence[Callable[[], T]]) -> None:
        self.tasks = tasks
        self.next = 0
        self.done: dict[int, tuple[bool, T | BaseException]] = {}
        self.stopped = False
        self.changed = threading.Condition()

    def work(self) -> None:
        while True:
            with self.changed:
                if self.stopped or self.next >= len(self.tasks):
                    return
                index, self.next = self.next, self.next + 1
            try:
                outcome: tuple[bool, T | BaseException] = (True, self.tasks[index]())
            except BaseException as exc:  # handed to the waiting thread, which raises it
                outcome = (False, exc)
            with self.changed:
                self.done[index] = outcome
                self.changed.notify_all()


def in_order(
    tasks: Sequence[Callable[[], T]],
    check: Callable[[], None],
    workers: int | None = None,
    poll: float = POLL_SECONDS,
) -> Iterator[T]:
    """Yield each task's result in task order while up to `workers` threads run them.

    `check()` runs on the calling thread at least every `poll` seconds while it waits; whatever it
    raises (Cancelled) stops the run: no further task starts and tasks in flight are abandoned. A
    task's exception is raised when its turn comes. Results are yielded on the calling thread.
    """
    board = _Board(tasks)
    count = min(len(tasks), workers or worker_count())
    for _ in range(count):
        # a bare thread: threading.Thread.start waits until the thread runs (a round trip through
        # the scheduler, milliseconds on a loaded machine); these report only through the board
        _thread.start_new_thread(board.work, ())
    try:
        for index in range(len(tasks)):
            ok, value = _wait(board, index, check, poll)
            board.done.pop(index, None)
            if not ok:
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        with board.changed:
            board.stopped = True


def _wait(board: _Board[T], index: int, check: Callable[[], None], poll: float) -> tuple[bool, object]:
    while True:
        with board.changed:
            if index not in board.done:
                board.changed.wait(poll)
            outcome = board.done.get(index)
        if outcome is not None:
            return outcome
        check()


ASIDE_PIXELS = 1 << 18  # from a 512x512 crop on, one numpy/OpenCV call can outlast a cancel's 0.3 s


def aside(fn: Callable[[], T], check: Callable[[], None], pixels: int) -> T:
    """`fn()`, on a daemon thread while this thread polls `check()`, when it works on `pixels` of at
    least ASIDE_PIXELS; inline below that. One call on a 16 MP crop (a colour conversion, a resize,
    a blend) takes seconds under load, and a cancel must not wait for it: the call is abandoned as in
    `in_order` (it finishes in the background, its result dropped). Same bytes either way."""
    if pixels < ASIDE_PIXELS:
        return fn()
    (value,) = in_order([fn], check, workers=1)
    return value
