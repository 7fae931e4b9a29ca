"""GUI test fixtures: an isolated studio window per test, and a check that no thread outlives it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PySide6.QtCore import QSettings

from tratteggio.core import Photo, save_photo
from tratteggio.gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot: object) -> Iterator[MainWindow]:
    before = {t.ident for t in threading.enumerate()}
    win = MainWindow()
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.resize(1100, 760)
    win.show()
    win.projects.ask_save = lambda name: "discard"  # unless a test answers otherwise, work is not kept
    yield win
    win.close()  # saves settings and stops the worker threads
    assert not win.session.threads_running(), "a worker thread outlived the window"
    # Qt's own threads show up as _DummyThread forever once they ran Python code; the QThread is
    # checked above. Any Python thread started during the test must be gone.
    leftover = [
        t
        for t in threading.enumerate()
        if t.ident not in before
        and t.is_alive()
        and t.name != "warm-up"
        and not isinstance(t, threading._DummyThread)
    ]
    assert not leftover, f"threads left running: {leftover}"


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "coffee.png"
    save_photo(Photo(skimage.data.coffee()), path)
    return path


@pytest.fixture
def mask_file(tmp_path: Path) -> Path:
    bits = np.zeros((400, 600), np.uint8)
    bits[150:190, 250:330] = 255
    path = tmp_path / "mask.png"
    save_photo(Photo(bits), path)
    return path
