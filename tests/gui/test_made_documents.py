"""Pictures made in the studio are unsaved work from the moment they open: the title's `*`, the
question before Quit and before another photo replaces them (issue 27, major 2)."""

from __future__ import annotations

from pathlib import Path

from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.create_dialogs import PromptValues


def age(qtbot: object, window: MainWindow) -> None:
    for kind, box in window.age_panel.kinds.items():
        box.setChecked(kind == "cracks")
    with qtbot.waitSignal(window.session.documentChanged, timeout=20_000):  # type: ignore[attr-defined]
        window.age_panel.age_button.click()


def test_new_from_prompt_is_unsaved_and_quit_asks(qtbot: object, window: MainWindow, sd_model: str) -> None:
    window.panel.add_model(sd_model)
    with qtbot.waitSignal(window.creation.made, timeout=120_000):  # type: ignore[attr-defined]
        window.creation.imagine(PromptValues("a city in the sky", "", (64, 48), steps=2, seed=5))
    assert window.windowTitle() == "untitled* — Tratteggio" and window.projects.modified()
    asked: list[str] = []
    window.projects.ask_save = lambda name: asked.append(name) or "cancel"  # type: ignore[func-returns-value]
    window.menus.actions["quit"].trigger()  # Ctrl+Q
    assert asked and window.isVisible() and window.session.doc is not None  # Cancel keeps it
    journal = window.projects.journal.path
    assert journal is not None
    qtbot.waitUntil(lambda: journal.is_file() and journal.stat().st_size > 0, timeout=5_000)  # type: ignore[attr-defined]
    window.projects.ask_save = lambda name: "discard"


def test_an_aged_photo_asks_before_a_dropped_photo_replaces_it(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    assert not window.projects.modified()  # a photo just opened: nothing to lose
    age(qtbot, window)
    aged = window.session.doc
    assert aged is not None and aged.made_here and window.windowTitle().startswith("untitled*")
    asked: list[str] = []
    window.projects.ask_save = lambda name: asked.append(name) or "cancel"  # type: ignore[func-returns-value]
    assert not window.files.open_path(photo_file)  # what a drop does
    assert asked and window.session.doc is aged
    window.projects.ask_save = lambda name: "discard"
    assert window.files.open_path(photo_file) and window.session.doc is not aged
    assert not window.projects.modified()


def test_a_saved_made_picture_is_clean_until_edited(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path, monkeypatch: object
) -> None:
    window.files.open_path(photo_file)
    age(qtbot, window)
    assert window.projects.save_as(tmp_path / "aged.tratteggio", wait=True)
    assert not window.projects.modified() and window.windowTitle() == "aged.tratteggio — Tratteggio"
