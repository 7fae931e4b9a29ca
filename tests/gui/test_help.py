"""The Help menu: a searchable shortcut list that agrees with the menus and the README, the user
guide, About with the doctor's report and Copy, and Open Sample."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget

from tratteggio.gui.help import key_name
from tratteggio.gui.main_window import MainWindow

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_help_menu_lists_its_entries(window: MainWindow) -> None:
    assert window.menuBar().actions()[-1] is window.menus.help.menu.menuAction()
    assert set(window.menus.help.actions) == {"shortcuts", "guide", "sample", "about"}


def test_shortcut_list_is_searchable(window: MainWindow) -> None:
    dialog = window.menus.help.show_shortcuts()
    every = dialog.visible_rows()
    assert ("Restore", "Ctrl+Enter") in every and ("Undo", "Ctrl+Z") in every
    assert ("Keyboard Shortcuts…", "Ctrl+/") in every
    dialog.search.setText("mask")
    shown = dialog.visible_rows()
    assert ("Invert Mask", "Ctrl+I") in shown and ("Show Mask", "M") in shown
    assert all("mask" in f"{what} {keys}".lower() for what, keys in shown) and len(shown) < len(every)
    dialog.search.setText("ctrl+z")
    assert [what for what, _ in dialog.visible_rows()] == ["Undo"]
    dialog.search.setText("")
    assert dialog.visible_rows() == every


def test_restore_shortcut_is_ctrl_enter_everywhere(window: MainWindow) -> None:
    action = window.menus.actions["restore"]
    keys = [seq.toString() for seq in action.shortcuts()]
    assert keys == ["Ctrl+Enter", "Ctrl+Return"]  # the keypad Enter and the main one both restore
    assert key_name(QKeySequence("Ctrl+Return")) == "Ctrl+Enter"
    assert "Ctrl+Enter" in window.panel.restore_button.text()
    assert "Ctrl+Enter" in README and "Ctrl+Return" not in README


def test_about_shows_the_doctor_report_and_copies_it(window: MainWindow, qtbot: object) -> None:
    dialog = window.menus.help.show_about()
    assert not dialog.copy_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)  # type: ignore[attr-defined]
    text = dialog.text.toPlainText()
    for part in ("Tratteggio", "Qt ", "torch", "diffusers", "Models", "Logs"):
        assert part in text
    assert dialog.report is not None and dialog.report.qt.starts is True
    assert dialog.report.qt.qt.startswith("6.") and dialog.report.qt.platform == "offscreen"
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text


def test_user_guide_opens_its_own_pages(window: MainWindow) -> None:
    dialog = window.menus.help.show_guide()
    text = dialog.browser.toPlainText()
    assert dialog.page() == "restore" and "pip install" not in text  # the open tab's page, no developer notes


def test_open_sample_opens_the_aged_photo_and_its_mask(window: MainWindow, qtbot: object) -> None:
    window.menus.help.actions["sample"].trigger()
    qtbot.waitUntil(lambda: window.session.doc is not None, timeout=60000)  # type: ignore[attr-defined]
    doc = window.session.doc
    assert doc is not None and doc.path is not None and doc.path.name == "sample-aged.png"
    assert 0.005 < doc.mask.mean() < 0.2


def test_the_menus_are_kept_by_key_and_view_shows_or_hides_the_navigator_and_history(
    window: MainWindow,
) -> None:
    bar = [a.menu() for a in window.menuBar().actions()]
    assert bar == [
        window.menus.menus[k] for k in ("file", "edit", "view", "tools", "image", "restore", "help")
    ]
    view = window.menus.menus["view"].actions()
    for key, title in (("show_navigator", "Navigator"), ("show_history", "Undo History")):
        action = window.menus.actions[key]
        dock = window.findChild(QDockWidget, title)
        assert action in view and action.isCheckable() and action.isChecked() and not dock.isHidden()
        action.trigger()
        assert dock.isHidden() and not action.isChecked()
        action.trigger()
        assert not dock.isHidden() and action.isChecked()
