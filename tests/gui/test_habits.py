"""The habits of Photoshop, Krita and GIMP users (issue 27): zoom keys and the wheel, X, Shift+drag,
Ctrl+drag to erase a shape, Ctrl+Y, Enter to accept, File ▸ Close and Copy Result, fit at 100%."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication

from tratteggio.core import Photo, save_photo
from tratteggio.core.request import RestorationRequest
from tratteggio.gui import settings as prefs
from tratteggio.gui.controllers.candidates import seed_note
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.tools import Tool

from .test_studio import widget_point

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def wheel(
    window: MainWindow, notches: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    canvas = window.canvas
    at = QPointF(200, 150)
    event = QWheelEvent(
        at,
        canvas.mapToGlobal(at),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)


def test_zoom_keys_of_photoshop_and_krita(qtbot: object, window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    canvas, zoom_in = window.canvas, window.menus.actions["zoom_in"]
    for keys in ("Ctrl+=", "Ctrl++", "Ctrl+Shift+=", "Num++"):
        assert QKeySequence(keys) in zoom_in.shortcuts(), keys
    assert QKeySequence("Num+-") in window.menus.actions["zoom_out"].shortcuts()
    before = canvas.zoom
    qtbot.keyClick(canvas, Qt.Key.Key_Plus, Qt.KeyboardModifier.KeypadModifier)  # type: ignore[attr-defined]
    assert canvas.zoom == before * 1.25
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.KeypadModifier)  # type: ignore[attr-defined]
    assert canvas.zoom == before


def test_the_wheel_scrolls_ctrl_wheel_zooms_and_a_preference_keeps_wheel_zoom(
    window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    canvas = window.canvas
    canvas.set_zoom(2.0)
    zoom, origin = canvas.zoom, canvas.origin
    wheel(window, -1)  # one notch down: the view moves down, the zoom stays
    assert canvas.zoom == zoom and canvas.origin.y() > origin.y() and canvas.origin.x() == origin.x()
    wheel(window, -1, SHIFT)  # sideways
    assert canvas.origin.x() > origin.x()
    wheel(window, 1, CTRL)
    assert canvas.zoom == zoom * 1.25
    prefs.set_wheel_zooms(True)
    wheel(window, 1)
    assert canvas.zoom == zoom * 1.25**2


def test_fit_never_enlarges_a_small_photo(window: MainWindow, tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    save_photo(Photo(np.full((60, 80, 3), 128, np.uint8)), small)
    window.files.open_path(small)
    assert window.canvas.zoom == 1.0
    window.menus.actions["fit"].trigger()
    assert window.canvas.zoom == 1.0


def test_x_swaps_brush_and_eraser_and_shift_drag_sizes_the_brush(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    canvas, swap = window.canvas, window.menus.actions["swap"]
    assert swap.shortcut() == QKeySequence("X")
    swap.trigger()
    assert canvas.tool == Tool.ERASER
    swap.trigger()
    assert canvas.tool == Tool.BRUSH
    canvas.set_brush(radius=10)
    for modifiers in (SHIFT, CTRL | Qt.KeyboardModifier.AltModifier):
        start = canvas.brush_radius
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, modifiers, QPoint(100, 100))  # type: ignore[attr-defined]
        qtbot.mouseMove(canvas, QPoint(130, 104))  # type: ignore[attr-defined]
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, modifiers, QPoint(130, 104))  # type: ignore[attr-defined]
        assert abs(canvas.brush_radius - (start + 30 / canvas.zoom)) < 1e-6  # the edge follows
        assert window.toolbar.radius_box.value() == round(canvas.brush_radius)
    assert window.doc.mask.sum() == 0  # type: ignore[union-attr]  # sized, nothing painted


def test_ctrl_or_alt_drag_erases_with_the_rectangle(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    window.canvas.set_tool(Tool.RECT)
    doc = window.doc
    assert doc is not None

    def rect(a: tuple[int, int], b: tuple[int, int], modifiers: Qt.KeyboardModifier) -> None:
        qtbot.mousePress(window.canvas, Qt.MouseButton.LeftButton, modifiers, widget_point(window, *a))  # type: ignore[attr-defined]
        qtbot.mouseMove(window.canvas, widget_point(window, *b))  # type: ignore[attr-defined]
        qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, modifiers, widget_point(window, *b))  # type: ignore[attr-defined]

    rect((100, 100), (300, 250), Qt.KeyboardModifier.NoModifier)
    assert doc.mask[175, 200]
    rect((150, 150), (180, 180), CTRL)
    assert not doc.mask[165, 165] and doc.mask[120, 120]
    rect((200, 150), (230, 180), Qt.KeyboardModifier.AltModifier)
    assert not doc.mask[165, 215]


def test_ctrl_y_redoes(qtbot: object, window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.set_mask(np.ones_like(doc.mask), "all")
    window.menus.actions["undo"].trigger()
    assert doc.mask.sum() == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, CTRL)  # type: ignore[attr-defined]
    assert doc.mask.all()


def test_enter_accepts_a_run_but_not_in_a_text_field(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    assert (
        QKeySequence("Ctrl+Shift+A") not in window.menus.actions["accept"].shortcuts()
    )  # Deselect elsewhere
    bits = doc.mask.copy()
    bits[100:130, 100:130] = True
    doc.set_mask(bits, "rect")
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.activateWindow()
    qtbot.waitActive(window)  # type: ignore[attr-defined]
    prompt = window.panel.prompt
    prompt.setEnabled(True)
    prompt.setFocus()
    qtbot.keyClick(prompt, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert doc.interventions == []  # Enter was the text field's
    window.toolbar.radius_box.setFocus()
    qtbot.keyClick(window.toolbar.radius_box, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
    assert doc.interventions == []  # and a number field's
    title = window.timeline.title
    qtbot.waitUntil(lambda: "layer" in title.text())  # type: ignore[attr-defined]
    assert "deterministic" in title.text() and "seed" not in title.text()  # a classical engine
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert len(doc.interventions) == 1


def test_file_close_and_copy_result(window: MainWindow, photo_file: Path) -> None:
    actions = window.menus.actions
    assert "new" not in actions  # "New from Photo…" was "Open…" again
    assert actions["close"].shortcut() == QKeySequence("Ctrl+W")
    assert actions["copy"].shortcut() == QKeySequence("Ctrl+C")
    window.files.open_path(photo_file)
    actions["copy"].trigger()
    image = QGuiApplication.clipboard().image()
    assert (image.width(), image.height()) == (600, 400)
    assert image.pixelColor(10, 10).red() == int(window.doc.photo.pixels[10, 10, 0])  # type: ignore[union-attr]
    actions["close"].trigger()
    assert window.session.doc is None and window.windowTitle() == "Tratteggio"


def test_the_wheel_preference_is_kept(window: MainWindow) -> None:
    window.menus.actions["preferences"].trigger()
    dialog = window.preferences
    assert not dialog.wheel_zooms.isChecked()  # the wheel scrolls by default
    dialog.wheel_zooms.setChecked(True)
    dialog.accept()
    assert prefs.wheel_zooms()
    window.menus.actions["preferences"].trigger()
    assert window.preferences.wheel_zooms.isChecked()


def test_about_credits_dependencies_licences_and_the_sample_and_wraps(window: MainWindow) -> None:
    dialog = window.menus.help.show_about()
    credits = dialog.credits.text()
    for expected in ("MIT", "PySide6", "LGPL-3.0", "diffusers", "Apache-2.0", "Rachel Michetti (CC0"):
        assert expected in credits, expected
    assert dialog.credits.wordWrap()
    assert dialog.text.lineWrapMode() == dialog.text.LineWrapMode.WidgetWidth
    dialog.close()


def test_only_a_run_that_draws_noise_names_its_seed() -> None:
    assert seed_note(RestorationRequest(engine="diffusion", model="some/model", seed=7)) == " (seed 7)"
    assert seed_note(RestorationRequest(seed=0)) == ""  # the default engine is deterministic


def test_the_shortcut_list_and_the_readme_name_the_new_keys(window: MainWindow) -> None:
    rows = dict(window.menus.help.show_shortcuts().visible_rows())
    assert rows["Redo"] == "Ctrl+Shift+Z, Ctrl+Y" and rows["Accept"] == "Enter"
    assert rows["Swap Brush and Eraser"] == "X" and rows["Close"] == "Ctrl+W"
    assert "Ctrl++" in rows["Zoom In"] and "Num+-" in rows["Zoom Out"]
    assert any(keys == "\\ or O" for keys in rows.values())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for expected in (
        "Enter to accept",
        "Ctrl+Y",
        "(or O",
        "X swaps",
        "Ctrl+wheel",
        "Navigator",
        "Undo History",
    ):
        assert expected in readme, expected
    assert "Ctrl+Shift+A to accept" not in readme


def test_the_tool_tips_name_the_keys(window: MainWindow) -> None:
    tips = {tool: action.toolTip() for tool, action in window.toolbar.actions_by_tool.items()}
    assert "X swaps" in tips[Tool.BRUSH] and "Shift+drag" in tips[Tool.ERASER]
    assert "Ctrl+drag or Alt+drag erases" in tips[Tool.LASSO]
    assert all("\\ or O" in tip for tip in tips.values())
