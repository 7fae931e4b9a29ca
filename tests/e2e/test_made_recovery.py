"""A picture made in the studio (New from Prompt) is work from the moment it opens: kill -9 the
studio before any edit and the next start offers it back, pixel for pixel (issue 27, major 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tratteggio.core.project.journal import orphans

DRIVER = r"""
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.create_dialogs import PromptValues

def settle(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

w = MainWindow(); w.show()
w.panel.add_model(sys.argv[1])
made = []
w.creation.made.connect(made.append)
w.creation.imagine(PromptValues("a city in the sky", "", (64, 48), steps=2, seed=5))
while not made:
    settle(0.05)
settle(2.5)                          # journaled within 2 s, with no edit at all
doc = w.session.doc
sys.stdout.write("READY %s %d\n" % (w.windowTitle(), int(doc.photo.pixels.astype("int64").sum())))
sys.stdout.flush()
settle(3600)
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HF_HUB_OFFLINE": "1",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    monkeypatch.setenv("XDG_STATE_HOME", values["XDG_STATE_HOME"])
    return values


def test_kill_9_after_new_from_prompt_offers_the_picture_back(
    env: dict[str, str], sd_model: str, qtbot: object
) -> None:
    studio = subprocess.Popen(
        [sys.executable, "-c", DRIVER, sd_model],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = studio.stdout.readline() if studio.stdout else ""  # type: ignore[union-attr]
    finally:
        os.kill(studio.pid, signal.SIGKILL)
        studio.wait(10)
    assert line.startswith("READY"), line + (studio.stderr.read() if studio.stderr else "")
    title, checksum = line.split()[1], int(line.split()[-1])
    assert title == "untitled*"  # unsaved from the start
    (orphan,) = orphans()
    assert "created from noise" in orphan.name

    from tratteggio.gui.main_window import MainWindow  # the studio of the next start

    window = MainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.projects.ask_save = lambda name: "discard"
    try:
        with qtbot.waitSignal(window.session.documentChanged, timeout=30_000):  # type: ignore[attr-defined]
            window.projects.recover(orphan)
        doc = window.session.doc
        assert doc is not None and doc.photo.shape2d == (48, 64)
        assert int(doc.photo.pixels.astype(np.int64).sum()) == checksum
        assert window.projects.modified() and window.windowTitle().startswith("untitled*")
    finally:
        window.close()
