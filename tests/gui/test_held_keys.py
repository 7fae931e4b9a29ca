"""Hold `\\` (or O) to compare and Space to pan, wherever the keyboard focus is, while the pointer is
over the canvas; a text field being typed in keeps its keys (issue 27, major 3)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from tratteggio.gui.main_window import MainWindow


def focus(qtbot: object, widget: QWidget) -> None:
    widget.setEnabled(True)
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)  # type: ignore[attr-defined]


def hold(qtbot: object, key: Qt.Key) -> tuple[bool, bool]:
    """Press and release `key` where the focus is: was the canvas comparing while held, and after?"""
    canvas = QApplication.activeWindow().canvas  # type: ignore[union-attr]
    target = QApplication.focusWidget()
    qtbot.keyPress(target, key)  # type: ignore[attr-defined]
    held = canvas.comparing
    qtbot.keyRelease(target, key)  # type: ignore[attr-defined]
    return held, canvas.comparing


def test_compare_while_a_thumbnail_or_a_spin_box_has_the_focus(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    window.activateWindow()
    qtbot.waitActive(window)  # type: ignore[attr-defined]
    qtbot.mouseMove(window.canvas, QPoint(200, 200))  # type: ignore[attr-defined]
    for widget in (window.timeline.strip, window.toolbar.radius_box):
        focus(qtbot, widget)
        assert hold(qtbot, Qt.Key.Key_Backslash) == (True, False), type(widget).__name__
        assert hold(qtbot, Qt.Key.Key_O) == (True, False)  # where `\` needs AltGr
    assert window.toolbar.radius_box.hasFocus()  # the focus stayed where it was


def test_a_text_field_keeps_its_keys_and_the_pointer_must_be_over_the_canvas(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    window.activateWindow()
    qtbot.waitActive(window)  # type: ignore[attr-defined]
    qtbot.mouseMove(window.canvas, QPoint(200, 200))  # type: ignore[attr-defined]
    prompt = window.panel.prompt
    focus(qtbot, prompt)
    assert hold(qtbot, Qt.Key.Key_O) == (False, False)
    qtbot.keyClick(prompt, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert prompt.text() == "o "  # typed, not taken
    focus(qtbot, window.toolbar.radius_box)
    window.canvas.leaveEvent(None)  # type: ignore[arg-type]  # the pointer went to the panel
    assert hold(qtbot, Qt.Key.Key_Backslash) == (False, False)
    focus(qtbot, window.canvas)  # a keyboard user: the canvas has the focus, the pointer is away
    assert hold(qtbot, Qt.Key.Key_Backslash) == (True, False)


def test_space_pans_with_the_focus_elsewhere(qtbot: object, window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    canvas = window.canvas
    canvas.set_zoom(4.0)
    window.activateWindow()
    qtbot.waitActive(window)  # type: ignore[attr-defined]
    qtbot.mouseMove(canvas, QPoint(200, 200))  # type: ignore[attr-defined]
    focus(qtbot, window.timeline.strip)
    before, painted = canvas.origin, window.doc.mask.sum()  # type: ignore[union-attr]
    qtbot.keyPress(window.timeline.strip, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))  # type: ignore[attr-defined]
    qtbot.mouseMove(canvas, QPoint(120, 150))  # type: ignore[attr-defined]
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(120, 150))  # type: ignore[attr-defined]
    qtbot.keyRelease(window.timeline.strip, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    moved = canvas.origin - before
    assert (moved.x(), moved.y()) == (80 / 4.0, 50 / 4.0)  # dragged left and up: the view moved right
    assert window.doc.mask.sum() == painted  # type: ignore[union-attr]  # panned, nothing painted
