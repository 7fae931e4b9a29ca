"""What a new user tripped over, each fixed and checked (issue #10's list)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF

from tratteggio.core import Photo, save_photo
from tratteggio.gui.canvas import Tool
from tratteggio.gui.controllers.files import suggested_export
from tratteggio.gui.main_window import SIDE_PANEL_WIDTH, MainWindow
from tratteggio.gui.timeline import layer_labels

from .test_projects import restore_and_accept


def run(qtbot: object, window: MainWindow) -> None:
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()


def test_layers_of_a_classical_run_are_labelled_for_what_they_are(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.session.doc
    assert doc is not None
    doc.mask[20:40, 20:40] = True
    doc.mask[300:330, 500:540] = True  # two regions
    run(qtbot, window)
    qtbot.waitUntil(lambda: window.timeline.strip.count() == 3, timeout=10_000)  # type: ignore[attr-defined]
    labels = [window.timeline.strip.item(i).text() for i in range(3)]
    assert labels == ["before", "region 1/2 filled", "final"]
    previews = window.runs.candidates[0].previews
    assert layer_labels(previews) == labels[1:]


def test_opening_another_photo_resets_every_per_photo_view(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    window.canvas.hovered.emit(12, 34)
    window.detect_panel.summary.setText("3 parts, 1.00% of the photo proposed")
    window.detect_panel.set_support((0.5, 0.5, 0.5))
    window.age_panel.figures.setText("PSNR 30 dB")
    window.session.say("a long message about the previous photo " * 8)
    assert window.status.position_label.text() == "x 12  y 34"
    other = tmp_path / "other.png"
    save_photo(Photo(np.full((50, 80, 3), 120, np.uint8)), other)
    window.files.open_path(other)
    assert window.status.position_label.text() == ""
    assert window.status.current_message() == "Opened other.png"
    assert "3 parts" not in window.detect_panel.summary.text() and window.detect_panel.support is None
    assert "PSNR" not in window.age_panel.figures.text()
    assert window.status.size_label.text() == "80x50 RGB 8-bit"


def test_a_long_message_never_runs_into_the_coordinates(window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    window.canvas.hovered.emit(100, 200)
    window.session.say("Restoration failed: " + "a very long explanation " * 30)
    label = window.status.message_label
    assert label.text().endswith("…") and label.toolTip().startswith("Restoration failed")
    assert label.geometry().right() < window.status.position_label.geometry().left()


def test_split_view_labels_sit_on_a_dark_backing(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    white = tmp_path / "white.png"
    save_photo(Photo(np.full((400, 600, 3), 255, np.uint8)), white)
    window.files.open_path(white)
    window.menus.actions["split"].trigger()
    shot = window.canvas.grab().toImage()
    x = int(window.canvas.width() * 0.5)
    behind_after = shot.pixelColor(QPoint(x + 12, 14))
    assert max(behind_after.red(), behind_after.green(), behind_after.blue()) < 120  # dark backing, not white


def test_the_result_shows_after_a_run_and_show_mask_says_its_state(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path
) -> None:
    window.files.open_path(photo_file, mask_file)
    toggle = window.menus.actions["toggle_mask"]
    assert toggle.isCheckable() and toggle.isChecked() and window.canvas.mask_visible
    run(qtbot, window)
    assert not window.canvas.mask_visible and not toggle.isChecked()
    toggle.trigger()
    assert window.canvas.mask_visible and toggle.isChecked()


def test_the_mask_colour_stands_out_from_the_photo(window: MainWindow, tmp_path: Path) -> None:
    red = tmp_path / "red.png"
    save_photo(Photo(np.tile(np.array([200, 40, 50], np.uint8), (100, 100, 1))), red)
    window.files.open_path(red)
    r, g, b, _ = window.canvas.mask_rgba
    assert np.linalg.norm(np.array([r, g, b]) - (200, 40, 50)) > 150


def test_export_suggests_name_restored_beside_the_master(window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    assert window.session.doc is not None
    assert suggested_export(window.session.doc) == str(photo_file.with_name("coffee-restored.png"))


def test_the_canvas_gets_the_room(window: MainWindow) -> None:
    assert abs(window.side.width() - SIDE_PANEL_WIDTH) < 60
    assert window.canvas.width() > 0.6 * window.width()


def test_the_tool_bar_shows_the_tool_and_the_brush_in_numbers(window: MainWindow) -> None:
    bar = window.toolbar
    window.menus.actions["eraser"].trigger()
    assert bar.actions_by_tool[Tool.ERASER].isChecked()
    window.menus.actions["bigger"].trigger()
    assert bar.radius_box.value() == round(window.canvas.brush_radius)
    bar.hardness_box.setValue(50)
    assert window.canvas.brush_hardness == 0.5
    bar.radius_box.setValue(40)
    assert window.canvas.brush_radius == 40
    bar.actions_by_tool[Tool.LASSO].trigger()
    assert window.canvas.tool == Tool.LASSO


def test_the_inspector_shows_the_record_and_highlights_the_area(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    panel = window.interventions
    panel.list.setCurrentRow(0)
    text = panel.inspector.toPlainText()
    for expected in (
        "Engine",
        "auto",
        "Accepted",
        "Damage mask",
        "1,600 px",
        "SHA-256",
        "algorithmicallyEnhanced",
    ):
        assert expected in text, expected
    (intervention,) = window.session.doc.interventions  # type: ignore[union-attr]
    outline = window.canvas.highlight  # the mask's own outline, not the patches' box
    assert outline is not None and outline.path.contains(QPointF(320, 220))
    (patch,) = intervention.result.patches
    assert patch.box.x0 < 280 < patch.box.x1 and patch.box.y0 < 180 < patch.box.y1
    assert not outline.path.contains(QPointF(280, 180))
    panel.list.setCurrentRow(-1)
    assert window.canvas.highlight is None
