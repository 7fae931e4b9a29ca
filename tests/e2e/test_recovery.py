"""kill -9 a real studio mid-session; the next start offers the work back, losing at most the stroke
in progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import skimage.data

from tratteggio.core import Photo, save_photo
from tratteggio.core.project.journal import orphans

DRIVER = r"""
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tratteggio.gui.main_window import MainWindow
from tratteggio.core.studio.maskedit import Stroke

def settle(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

def stroke(doc, y):
    s = Stroke(doc.mask, 4, True)
    for x in range(40, 120, 4):
        s.to(x, y)
    doc.record_mask_change(s.finish("brush"))

w = MainWindow(); w.show()
w.files.open_path(sys.argv[1])
doc = w.session.doc
stroke(doc, 60)
doc.mask[150:190, 250:330] = True
doc.record_mask_change(None)
done = []
w.runs.finished.connect(lambda: done.append(1))
w.runs.start()
while not done:
    settle(0.05)
w.runs.accept()
stroke(doc, 300)                     # a finished stroke, journaled within 2 s
settle(2.5)
print("READY", int(doc.mask.sum()), len(doc.interventions), flush=True)
late = Stroke(doc.mask, 4, True)     # the stroke in progress when the studio dies
for x in range(300, 380, 4):
    late.to(x, 350)
    settle(0.02)
settle(3600)
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    monkeypatch.setenv("XDG_STATE_HOME", values["XDG_STATE_HOME"])
    return values


def test_kill_9_then_the_next_start_recovers_the_journaled_work(
    tmp_path: Path, env: dict[str, str], qtbot: object
) -> None:
    photo = tmp_path / "coffee.png"
    save_photo(Photo(skimage.data.coffee()), photo)
    studio = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(photo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = studio.stdout.readline() if studio.stdout else ""  # type: ignore[union-attr]
        assert line.startswith("READY"), line + (studio.stderr.read() if studio.stderr else "")
        _, pixels, interventions = line.split()
        time.sleep(0.3)  # mid-stroke
    finally:
        os.kill(studio.pid, signal.SIGKILL)
        studio.wait(10)
    (orphan,) = orphans()
    assert orphan.interventions == int(interventions) == 1
    assert orphan.mask_pixels >= int(pixels) > 0  # everything up to the stroke in progress

    from tratteggio.gui.main_window import MainWindow  # the studio of the next start

    window = MainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.projects.ask_save = lambda name: "discard"
    try:
        with qtbot.waitSignal(window.session.documentChanged, timeout=30_000):  # type: ignore[attr-defined]
            window.projects.recover(orphan)
        doc = window.session.doc
        assert doc is not None and len(doc.interventions) == 1 and doc.mask.sum() >= int(pixels)
        assert window.projects.modified() and window.windowTitle().startswith("coffee.png*")
        assert np.array_equal(doc.photo.pixels, skimage.data.coffee())
        qtbot.waitUntil(lambda: orphans() == [], timeout=5_000)  # type: ignore[attr-defined]
    finally:
        window.close()
