"""The studio runs diffusion in its worker process: torch never comes into the studio, a worker
killed mid-run costs one line and the next run works, Esc while a model loads stops it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tratteggio.core.engines.worker import WorkerModel
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.runner import JobState

HERE = Path(__file__).parent


def worker_of(window: MainWindow) -> WorkerModel:
    model = window.session.engines.model
    assert isinstance(model, WorkerModel)
    return model


def test_after_a_run_in_the_studio_torch_is_neither_imported_nor_mapped(
    photo_file: Path, mask_file: Path, sd_model: str, tmp_path: Path
) -> None:
    script = HERE / "studio_no_torch.py"
    args = [sys.executable, str(script), str(photo_file), str(mask_file), sd_model, str(tmp_path / "s")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["done"] and report["layers"] == 5
    assert not report["torch"] and not report["libtorch"]
    assert report["rss_after_mb"] - report["rss_before_mb"] < 50


def test_a_worker_killed_mid_run_leaves_the_studio_up_with_one_line_and_the_next_run_works(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, sd_model: str
) -> None:
    window.files.open_path(photo_file, mask_file)
    window.panel.add_model(sd_model)
    window.panel.steps.setValue(50)
    problems: list[str] = []
    window.session.problem.connect(problems.append)
    with qtbot.waitSignal(window.runs.stepsArrived, timeout=300_000):  # type: ignore[attr-defined]
        window.runs.start()
    pid = worker_of(window).pid
    assert pid is not None
    with qtbot.waitSignal(window.runs.stopped, timeout=20_000):  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
    assert len(problems) == 1 and "SIGKILL" in problems[0] and "\n" not in problems[0]
    assert window.doc is not None and window.doc.interventions == [] and window.canvas.preview == []
    window.panel.steps.setValue(2)
    with qtbot.waitSignal(window.runs.finished, timeout=300_000):  # type: ignore[attr-defined]
        window.runs.start()
    assert window.runs.candidates[0].handle.state == JobState.FINISHED  # type: ignore[union-attr]
    assert worker_of(window).pid not in (None, pid)


def test_open_takes_the_restore_options_of_the_command_line(
    qtbot: object, photo_file: Path, tmp_path: Path
) -> None:
    from tratteggio.cli import build_parser
    from tratteggio.cli.studio import chosen_options
    from tratteggio.gui.app import make_window

    model = str(tmp_path / "my-model")
    Path(model).mkdir()
    parser, _ = build_parser()
    args = parser.parse_args(
        ["open", str(photo_file), "--engine", "diffusion", "--model", model, "--steps", "7", "--seed", "42"]
    )
    choices = chosen_options(args)
    assert choices == {"engine": "diffusion", "model": model, "steps": 7, "seed": 42}
    window = make_window(None, None, choices)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.projects.ask_save = lambda name: "discard"
    request = window.panel.request()
    assert (request.engine, request.model, request.steps, request.seed) == ("diffusion", model, 7, 42)
    window.close()
