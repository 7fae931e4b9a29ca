"""The job runner: every task carries its own callbacks, which run in the GUI thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tratteggio.core.errors import ImageLoadError
from tratteggio.gui.runner import JobRunner, JobState, TaskContext


@pytest.fixture
def runner(qtbot: object) -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.shutdown()
    assert not runner.is_running()


def wait_ended(qtbot: object, runner: JobRunner, **kwargs: object) -> object:
    return qtbot.waitSignal(runner.ended, timeout=10_000, **kwargs)  # type: ignore[attr-defined]


def test_done_steps_and_progress_arrive_in_the_gui_thread_in_order(qtbot: object, runner: JobRunner) -> None:
    seen: dict[str, list[object]] = {"steps": [], "progress": [], "threads": []}
    main = threading.current_thread()

    def work(ctx: TaskContext) -> str:
        for i in range(40):
            ctx.step(i)
            ctx.progress(i + 1, 40, f"{i}")
            time.sleep(0.002)
        return "value"

    def on_step(steps: list[object]) -> None:
        seen["steps"].append(list(steps))
        seen["threads"].append(threading.current_thread())

    done: list[object] = []
    with wait_ended(qtbot, runner):
        handle = runner.run(
            work,
            on_step=on_step,
            on_progress=lambda d, t, text: seen["progress"].append(d),
            on_done=done.append,
        )
    flat = [s for batch in seen["steps"] for s in batch]  # type: ignore[attr-defined]
    assert flat == list(range(40)) and handle.steps == list(range(40))  # every step, in order
    assert len(seen["steps"]) < 40  # throttled: several steps per delivery
    assert seen["progress"] == sorted(seen["progress"]) and seen["progress"][-1] == 40
    assert done == ["value"] and handle.state == JobState.FINISHED
    assert all(t is main for t in seen["threads"])


def test_failures_are_one_message_and_bugs_are_logged(qtbot: object, runner: JobRunner) -> None:
    failed: list[str] = []

    def bad_input(ctx: TaskContext) -> None:
        raise ImageLoadError("photo.png: corrupt")

    def bug(ctx: TaskContext) -> None:
        raise ZeroDivisionError("oops")

    with wait_ended(qtbot, runner):
        runner.run(bad_input, on_failed=failed.append)
    with wait_ended(qtbot, runner):
        runner.run(bug, on_failed=failed.append)
    assert failed[0] == "photo.png: corrupt"
    assert failed[1].startswith("unexpected error: ZeroDivisionError")
    from tratteggio.core.io.userdirs import crash_log_path

    assert "ZeroDivisionError" in crash_log_path().read_text()
    assert runner.run(lambda ctx: 1).id  # the worker thread survived both


def test_a_cancelled_task_never_delivers_its_result(qtbot: object, runner: JobRunner) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow(ctx: TaskContext) -> str:
        started.set()
        release.wait(5)
        return "stale"  # returns although cancelled: the result must be dropped

    outcome: list[str] = []
    handle = runner.run(slow, on_done=outcome.append, on_cancelled=lambda: outcome.append("cancelled"))
    assert started.wait(5)
    assert runner.cancel_all() == 1
    with wait_ended(qtbot, runner):
        release.set()
    assert outcome == ["cancelled"] and handle.state == JobState.CANCELLED and not runner.busy()


def test_cancel_stops_a_task_at_its_next_check(qtbot: object, runner: JobRunner) -> None:
    checks: list[int] = []

    def loop(ctx: TaskContext) -> None:
        for i in range(10_000):
            checks.append(i)
            ctx.check()
            time.sleep(0.001)

    handle = runner.run(loop, on_done=lambda _: pytest.fail("finished despite cancel"))
    qtbot.waitUntil(lambda: len(checks) > 5, timeout=5_000)  # type: ignore[attr-defined]
    with wait_ended(qtbot, runner):
        handle.cancel()
    assert handle.state == JobState.CANCELLED and len(checks) < 10_000


def test_tasks_run_one_at_a_time_in_order(qtbot: object, runner: JobRunner) -> None:
    order: list[int] = []
    running = threading.Lock()

    def task(n: int) -> object:
        def run(ctx: TaskContext) -> int:
            assert running.acquire(blocking=False), "two tasks ran at once"
            time.sleep(0.01)
            running.release()
            return n

        return run

    handles = [runner.run(task(n), on_done=order.append) for n in range(5)]
    qtbot.waitUntil(lambda: len(order) == 5, timeout=10_000)  # type: ignore[attr-defined]
    assert order == [0, 1, 2, 3, 4] and all(h.state == JobState.FINISHED for h in handles)


def test_uncancellable_tasks_are_left_alone_by_cancel_all(qtbot: object, runner: JobRunner) -> None:
    done: list[int] = []
    runner.run(lambda ctx: time.sleep(0.05) or 7, cancellable=False, on_done=done.append)
    assert runner.cancel_all() == 0
    qtbot.waitUntil(lambda: done == [7], timeout=5_000)  # type: ignore[attr-defined]
