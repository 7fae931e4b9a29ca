"""Diffusion jobs through the job runner: live layers, cancel within a step, several candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tratteggio.gui.job_runner import JobState
from tratteggio.gui.main_window import MainWindow


def setup(window: MainWindow, photo: Path, mask: Path, model: str, steps: int, candidates: int = 1) -> None:
    window.open_path(photo, mask)
    window.panel.add_model(model)
    window.panel.steps.setValue(steps)
    window.panel.candidates.setValue(candidates)


def test_choosing_a_model_loads_it_in_the_background(
    qtbot: object, window: MainWindow, photo_file: Path, sd_model: str, tmp_path: Path
) -> None:
    window.open_path(photo_file)
    runner = window.controller.runner
    with qtbot.waitSignal(runner.taskFinished, timeout=60_000):  # type: ignore[attr-defined]
        window.panel.add_model(sd_model)
    assert "is loaded" in window.statusBar().currentMessage()
    with qtbot.waitSignal(runner.taskFailed, timeout=10_000):  # type: ignore[attr-defined]
        window.panel.add_model(str(tmp_path / "no-such-model"))
    assert "no-such-model" in window.statusBar().currentMessage()


def test_tiny_diffusion_run_streams_layers_to_the_timeline(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    setup(window, photo_file, mask_file, sd_model, steps=4)
    runner = window.controller.runner
    seen = []
    runner.progress.connect(lambda job, preview: seen.append(preview.step))
    with qtbot.waitSignal(runner.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.controller.start()
    job = window.controller.jobs[0]
    assert job.state == JobState.FINISHED and len(job.previews) == 5  # 4 steps + the final fill
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
    runner = window.controller.runner
    with qtbot.waitSignal(runner.progress, timeout=60_000):  # type: ignore[attr-defined]
        window.controller.start()
    with qtbot.waitSignal(runner.cancelled, timeout=20_000):  # type: ignore[attr-defined]
        window.menus.actions["cancel"].trigger()
    job = window.controller.jobs[0] if window.controller.jobs else None
    assert job is None or len(job.previews) < 200
    assert window.canvas.preview == [] and doc.interventions == []
    assert np.array_equal(doc.mask, mask_before)
    assert window.panel.restore_button.isEnabled()


def test_several_candidates_show_as_choices(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    setup(window, photo_file, mask_file, sd_model, steps=2, candidates=2)
    runner = window.controller.runner
    with qtbot.waitSignals([runner.finished, runner.finished], timeout=60_000):  # type: ignore[attr-defined]
        window.controller.start()
    qtbot.waitUntil(lambda: window.timeline.candidates.count() == 2, timeout=5_000)  # type: ignore[attr-defined]
    seeds = [job.request.seed for job in window.controller.jobs]
    assert seeds == [0, 1]
    window.timeline.candidates.setCurrentIndex(1)
    window.menus.actions["accept"].trigger()
    assert window.doc is not None and window.doc.interventions[0].result.request.seed == 1
