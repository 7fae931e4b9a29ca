"""Scroll bars and the navigator when zoomed in, and the Undo History panel (issue 27's habits)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, Qt

from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.history_panel import START


def test_scroll_bars_show_when_zoomed_in_and_move_the_view(window: MainWindow, photo_file: Path) -> None:
    window.files.open_path(photo_file)
    canvas = window.canvas
    frame = canvas.parentWidget()
    bars = frame.horizontal, frame.vertical  # type: ignore[union-attr]
    assert not any(bar.isVisible() for bar in bars)  # the whole photo is in view
    canvas.set_zoom(4.0)
    assert all(bar.isVisible() for bar in bars)
    horizontal, vertical = bars
    x, y = canvas.origin.x(), canvas.origin.y()
    horizontal.setValue(horizontal.value() + 200)
    assert abs(canvas.origin.x() - (x + 200 / 4.0)) < 0.5 and canvas.origin.y() == y
    canvas.scroll_by(0, -120)  # the canvas moves: the bar follows
    assert vertical.value() == round(canvas.origin.y() * 4.0)
    window.menus.actions["fit"].trigger()
    assert not any(bar.isVisible() for bar in bars)
    canvas.set_zoom(4.0)
    window.menus.actions["close"].trigger()  # no photo: no bars
    assert not any(bar.isVisible() for bar in bars)


def test_the_navigator_frames_the_view_and_a_click_moves_it(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    canvas, navigator = window.canvas, window.navigator
    assert navigator.isVisible()
    canvas.set_zoom(4.0)
    photo, frame = navigator.photo_rect(), navigator.view_frame()
    assert photo.contains(frame) and frame.width() < photo.width() / 3
    target = QPointF(photo.left() + photo.width() * 0.75, photo.top() + photo.height() * 0.25)
    qtbot.mouseClick(navigator, Qt.MouseButton.LeftButton, pos=target.toPoint())  # type: ignore[attr-defined]
    center = canvas.view_rect().center()
    assert abs(center.x() - 450) < 6 and abs(center.y() - 100) < 6  # 3/4 across, 1/4 down a 600x400 photo


def test_undo_history_lists_the_steps_and_a_click_goes_back(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc, panel = window.doc, window.history
    assert doc is not None
    for i, label in enumerate(("rectangle", "grow 4", "invert")):
        bits = doc.mask.copy()
        bits[i * 10 : i * 10 + 10] = True
        doc.set_mask(bits, label)
    rows = [panel.list.item(r).text() for r in range(panel.list.count())]
    assert rows == [START, "rectangle", "grow 4", "invert"] and panel.list.currentRow() == 3
    item = panel.list.item(1)
    qtbot.mouseClick(  # type: ignore[attr-defined]
        panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualItemRect(item).center()
    )
    assert doc.mask[:10].all() and not doc.mask[10:].any()
    assert panel.list.currentRow() == 1 and panel.list.count() == 4  # the undone steps stay, greyed
    assert panel.list.item(3).foreground().color() != panel.list.item(1).foreground().color()
    window.menus.actions["undo"].trigger()
    assert panel.list.currentRow() == 0 and not doc.mask.any()
    window.menus.actions["redo"].trigger()
    assert panel.list.currentRow() == 1
    window.menus.actions["close"].trigger()
    assert panel.list.count() == 0
    assert np.array_equal(doc.mask[:10], np.ones_like(doc.mask[:10]))
