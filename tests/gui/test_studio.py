"""The studio driven as a user would: drop a photo, paint, undo, restore, scrub, accept, export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from tratteggio.core import load_photo
from tratteggio.gui.canvas import Tool
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.runner import JobState


def drop(window: MainWindow, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def widget_point(window: MainWindow, x: float, y: float) -> QPoint:
    canvas = window.canvas
    return QPoint(round((x - canvas.origin.x()) * canvas.zoom), round((y - canvas.origin.y()) * canvas.zoom))


def stroke(qtbot: object, window: MainWindow, points: list[tuple[float, float]]) -> None:
    canvas = window.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=widget_point(window, *points[0]))  # type: ignore[attr-defined]
    for x, y in points[1:]:
        qtbot.mouseMove(canvas, widget_point(window, x, y))  # type: ignore[attr-defined]
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=widget_point(window, *points[-1]))  # type: ignore[attr-defined]


def test_drop_a_photo_then_its_mask(window: MainWindow, photo_file: Path, mask_file: Path) -> None:
    drop(window, photo_file)
    assert window.doc is not None and window.doc.photo.shape2d == (400, 600)
    assert "600x400 RGB 8-bit" in window.status.size_label.text()
    drop(window, mask_file)  # same size, two values: taken as the mask
    assert window.doc.mask.sum() == 40 * 80


def test_a_corrupt_file_leaves_the_document_untouched(
    window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 broken")
    assert not window.files.open_path(bad)
    assert window.doc is doc and "bad.jpg" in window.last_warning


def test_brush_stroke_is_one_undo_step(qtbot: object, window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    window.canvas.set_brush(6)
    stroke(qtbot, window, [(100, 100), (150, 100), (200, 120)])
    doc = window.doc
    assert doc is not None and doc.mask[100, 125] and doc.mask[110, 175] and not doc.mask[300, 300]
    painted = doc.mask.sum()
    window.canvas.set_tool(Tool.ERASER)
    stroke(qtbot, window, [(125, 90), (125, 110)])
    assert not doc.mask[100, 125] and doc.mask.sum() < painted
    window.menus.actions["undo"].trigger()
    assert doc.mask.sum() == painted
    window.menus.actions["undo"].trigger()
    assert doc.mask.sum() == 0
    window.menus.actions["redo"].trigger()
    assert doc.mask.sum() == painted


def test_rectangle_tool_and_mask_operations(qtbot: object, window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    window.canvas.set_tool(Tool.RECT)
    stroke(qtbot, window, [(300, 200), (330, 220), (340, 240)])
    doc = window.doc
    assert doc is not None and doc.mask[220, 320] and doc.mask.sum() > 30 * 30
    count = doc.mask.sum()
    window.menus.resize_mask(3)
    assert doc.mask.sum() > count
    window.menus.actions["invert"].trigger()
    assert doc.mask[0, 0]
    window.menus.actions["clear"].trigger()
    assert doc.mask.sum() == 0


def test_classical_run_scrub_accept_and_export(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file, mask_file)
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.menus.actions["restore"].trigger()
    qtbot.waitUntil(lambda: window.timeline.strip.count() == 2, timeout=10_000)  # type: ignore[attr-defined]
    window.timeline.slider.setValue(0)
    assert window.canvas.preview == []
    window.timeline.slider.setValue(1)
    assert len(window.canvas.preview) == 1
    original = window.doc.photo.pixels.copy()  # type: ignore[union-attr]
    window.menus.actions["accept"].trigger()
    doc = window.doc
    assert doc is not None and len(doc.interventions) == 1 and not doc.mask.any()
    assert window.interventions.list.count() == 1
    assert not np.array_equal(doc.composite()[160, 280], original[160, 280])
    assert np.array_equal(doc.photo.pixels, original)  # the master is never modified
    window.files.export_in_background(tmp_path / "restored.tif", documentation=True)
    qtbot.waitUntil(lambda: "Exported restored.tif" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    record = json.loads((tmp_path / "restored.record.json").read_text())
    assert record["interventions"][0]["request"]["engine"] == "auto"
    assert np.array_equal(load_photo(tmp_path / "restored.tif").pixels, doc.composite())
    assert (tmp_path / "restored.visible.png").exists() and (tmp_path / "restored.lossmap.png").exists()
    window.menus.actions["undo"].trigger()  # accepting is undoable
    assert doc.interventions == [] and doc.mask.any()


def test_settings_persist_brush_and_recent_files(window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    window.canvas.set_brush(33)
    window.menus.actions["softer"].trigger()
    assert window.canvas.brush_hardness == 0.75
    window.save_settings()
    again = MainWindow()
    try:
        assert again.canvas.brush_radius == 33 and again.canvas.brush_hardness == 0.75
        assert str(photo_file.resolve()) in [a.text() for a in again.menus.recent.actions()]
    finally:
        again.close()


def test_torch_is_not_imported_when_the_window_first_shows(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from tratteggio.gui.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print('torch' in sys.modules, 'diffusers' in sys.modules)\n"
        "w.close()\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == "False False", done.stdout + done.stderr


def test_an_unexpected_error_becomes_a_dialog_and_a_log(
    window: MainWindow, photo_file: Path, tmp_path: Path, monkeypatch: object
) -> None:
    from tratteggio.gui import crash

    window.files.open_path(photo_file)
    window.doc.mask[10:20, 10:20] = True  # type: ignore[union-attr]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # type: ignore[attr-defined]
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        crash.handle(RuntimeError, exc, exc.__traceback__)
    assert "boom" in (tmp_path / "state" / "tratteggio" / "log" / "crash.log").read_text()
    assert crash.handle.last_box.isVisible()  # type: ignore[attr-defined]
    assert window.doc is not None and window.doc.mask.sum() == 100  # the document survives
    QApplication.processEvents()


def test_before_after_split_shows_the_original_on_the_left(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.mask[:, :] = False
    doc.mask[100:300, 50:550] = True  # a wide loss, crossing the divider
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()
    window.canvas.set_mask_visible(False)
    window.menus.actions["split"].trigger()
    assert window.canvas.split == 0.5
    shot = window.canvas.grab().toImage()
    canvas = window.canvas

    def pixel_at(x: float, y: float) -> tuple[int, int, int]:
        color = shot.pixelColor(widget_point(window, x, y))
        return color.red(), color.green(), color.blue()

    left_x = canvas.to_photo(QPointF(canvas.width() * 0.25, 0)).x()
    right_x = canvas.to_photo(QPointF(canvas.width() * 0.75, 0)).x()
    original, restored = doc.photo.pixels, doc.composite()
    for x, pixels in ((left_x, original), (right_x, restored)):
        expected = pixels[200, int(x)]
        assert np.abs(np.array(pixel_at(x, 200)) - expected).max() < 40, (x, pixel_at(x, 200), expected)


def test_model_manager_offline_download_and_adding_a_folder(
    window: MainWindow, sd_model: str, monkeypatch: object
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # type: ignore[attr-defined]
    window.open_model_manager()
    manager = window.manager
    assert manager.table.rowCount() == 6 and manager.table.item(0, 4).text() == "no"  # 4 models, 2 erasers
    manager.table.selectRow(0)
    manager.download_selected()
    assert "offline" in manager.status.text() and "HF_HUB_OFFLINE" in manager.status.text()
    manager.modelChosen.emit(sd_model)
    assert window.panel.request().model == sd_model and window.panel.request().engine == "diffusion"
    manager.close()


def test_random_seed_is_drawn_anew_for_each_run(window: MainWindow) -> None:
    window.panel.random_seed.setChecked(True)
    seeds = set()
    for _ in range(5):
        window.panel.prepare_run()
        seeds.add(window.panel.request().seed)
    assert len(seeds) > 1


def test_paste_an_image_from_the_clipboard(window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB888)
    image.fill(0x336699)
    QGuiApplication.clipboard().setImage(image)
    window.menus.actions["paste"].trigger()
    doc = window.doc
    assert doc is not None and doc.photo.shape2d == (48, 64)
    assert tuple(doc.photo.pixels[10, 10]) == (0x33, 0x66, 0x99)


def test_a_result_from_a_replaced_run_is_dropped(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path
) -> None:
    window.files.open_path(photo_file, mask_file)
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    (stale,) = window.runs.candidates
    window.files.open_path(photo_file, mask_file)  # a new document: the old run is no longer current
    window.runs._on_done(stale, stale.result)
    assert window.runs.candidates == [] and window.timeline.candidates.count() == 0


def test_export_in_the_background_from_a_snapshot(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file, mask_file)
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()
    doc = window.doc
    assert doc is not None
    expected = doc.composite().copy()
    window.files.export_in_background(tmp_path / "bg.png")
    window.menus.actions["undo"].trigger()  # the user goes on working meanwhile
    qtbot.waitUntil(lambda: "Exported bg.png" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    assert np.array_equal(load_photo(tmp_path / "bg.png").pixels, expected)


def test_export_layers_writes_pngs_gif_and_webp(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file, mask_file)
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    folder = tmp_path / "layers"
    window.runs.export_layers(folder)
    qtbot.waitUntil(lambda: "layers.webp" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    assert sorted(p.name for p in folder.iterdir()) == [
        "layers.gif",
        "layers.webp",
        "step-000.png",
        "step-001.png",
    ]


def test_a_run_streams_every_region_to_the_canvas(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.mask[20:40, 20:40] = True
    doc.mask[300:330, 500:540] = True  # far apart: two regions
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    boxes = sorted(box for box, _ in window.canvas.preview)
    assert len(boxes) == 2 and boxes[0].x1 < boxes[1].x0


def test_big_files_open_on_the_worker_and_a_corrupt_one_changes_nothing(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    first = window.doc
    runner = window.session.runner
    bad = tmp_path / "bad.tif"
    bad.write_bytes(b"II*\x00 broken")
    with qtbot.waitSignal(runner.ended, timeout=20_000) as ended:  # type: ignore[attr-defined]
        assert window.files.open_path(bad, background=True)  # returns at once: loading goes on
    assert ended.args[0].state == JobState.FAILED
    assert window.doc is first and "bad.tif" in window.last_warning
    with qtbot.waitSignal(runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        assert window.files.open_path(photo_file, background=True)
    assert window.doc is not first and window.doc is not None and window.doc.path == photo_file.resolve()
