"""What trips a newcomer in the first hour (issue 27's minors): stale advice and layers, the order of
the questions before opening, the recovery prompt's path and time."""

from __future__ import annotations

from pathlib import Path

from tratteggio.gui.main_window import MainWindow

from .test_made_documents import age


def test_advice_goes_after_accept_and_layers_go_with_their_document(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.mask[100:140, 200:250] = True  # a loss 40 px wide under a thin-damage engine: advice
    window.panel.select_engine("hybrid", None)
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    assert "1 loss" in window.panel.advice.text()
    window.runs.accept()
    assert window.panel.advice.text() == ""  # it spoke of a mask now restored
    age(qtbot, window)  # the aged photo's forward layers fill the strip
    assert window.timeline.owner == "age" and window.timeline.strip.count() > 1
    window.files.open_path(photo_file)  # a drop: the aged photo's layers mean nothing here
    assert window.timeline.owner == "" and window.timeline.strip.count() == 0
    assert window.panel.advice.text() == ""
