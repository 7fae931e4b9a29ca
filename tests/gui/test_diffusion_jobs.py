"""Diffusion jobs through the job runner: live layers, cancel within a step, several candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.runner import JobState


def setup(window: MainWindow, photo: Path, mask: Path, model: str, steps: int, candidates: int = 1) -> None:
    window.files.open_path(photo, mask)
    window.panel.add_model(model)
    window.panel.steps.setValue(steps)
    window.panel.candidates.setValue(candidates)


def test_choosing_a_model_loads_it_in_the_background(
    qtbot: object, window: MainWindow, photo_file: Path, sd_model: str, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    runner = window.session.runner
    with qtbot.waitSignal(runner.ended, timeout=60_000) as ended:  # type: ignore[attr-defined]
        window.panel.add_model(sd_model)
    assert ended.args[0].state == JobState.FINISHED and "is loaded" in window.status.current_message()
    with qtbot.waitSignal(runner.ended, timeout=10_000) as ended:  # type: ignore[attr-defined]
        window.panel.add_model(str(tmp_path / "no-such-model"))
    assert ended.args[0].state == JobState.FAILED and "no-such-model" in window.status.current_message()


def test_tiny_diffusion_run_streams_layers_to_the_timeline(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    setup(window, photo_file, mask_file, sd_model, steps=4)
    seen = []
    window.runs.stepsArrived.connect(lambda steps: seen.extend(p.step for p in steps))
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    job = window.runs.candidates[0]
    assert job.handle is not None and job.handle.state == JobState.FINISHED
    assert len(job.previews) == 5  # 4 steps + the final fill
    assert seen and seen == sorted(seen)  # throttled, but in order
    qtbot.waitUntil(lambda: window.timeline.strip.count() == 6, timeout=10_000)  # type: ignore[attr-defined]
    window.timeline.slider.setValue(2)
    ((box, shown),) = window.canvas.preview
    assert box == job.previews[1].box


def test_cancel_returns_the_studio_to_its_state_before_the_run(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    setup(window, photo_file, mask_file, sd_model, steps=200)
    doc = window.doc
    assert doc is not None
    mask_before = doc.mask.copy()
    with qtbot.waitSignal(window.runs.stepsArrived, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    with qtbot.waitSignal(window.runs.stopped, timeout=20_000):  # type: ignore[attr-defined]
        window.menus.actions["cancel"].trigger()
    job = window.runs.candidates[0] if window.runs.candidates else None
    assert job is None or len(job.previews) < 200
    assert window.canvas.preview == [] and doc.interventions == []
    assert np.array_equal(doc.mask, mask_before)
    assert window.panel.restore_button.isEnabled()


def test_several_candidates_show_as_choices(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    setup(window, photo_file, mask_file, sd_model, steps=2, candidates=2)
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    qtbot.waitUntil(lambda: window.timeline.candidates.count() == 2, timeout=5_000)  # type: ignore[attr-defined]
    seeds = [job.request.seed for job in window.runs.candidates]
    assert seeds == [0, 1]
    window.timeline.candidates.setCurrentIndex(1)
    window.menus.actions["accept"].trigger()
    assert window.doc is not None and window.doc.interventions[0].result.request.seed == 1
