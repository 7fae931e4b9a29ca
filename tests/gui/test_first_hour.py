"""What trips a newcomer in the first hour (issue 27's minors): stale advice and layers, the order of
the questions before opening, the recovery prompt's path and time."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QFileDialog, QPlainTextEdit

from tratteggio.gui.layers_owner import LayersOwner
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.create_dialogs import PromptDialog

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
    assert window.timeline.owner is LayersOwner.AGE and window.timeline.strip.count() > 1
    window.files.open_path(photo_file)  # a drop: the aged photo's layers mean nothing here
    assert window.timeline.owner is LayersOwner.NONE and window.timeline.strip.count() == 0
    assert window.panel.advice.text() == ""


def test_extend_and_new_from_prompt_ask_for_a_model_before_the_dialog(
    window: MainWindow, photo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.files.open_path(photo_file)
    warned: list[str] = []
    window.session.problem.connect(warned.append)
    from tratteggio.gui.panels import restore_panel

    monkeypatch.setattr(restore_panel, "cached_model_ids", set)  # an empty hub cache, wherever it is
    opened: list[object] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(self) or 0)
    window.menus.actions["extend_canvas"].trigger()
    window.menus.actions["new_from_prompt"].trigger()
    assert not opened  # no dialog filled in vain: the model is checked first
    assert len(warned) == 2 and all("No diffusion model is downloaded" in w for w in warned)
    assert "press Download" in warned[0]


def test_the_dialogs_choose_among_the_downloaded_models(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    window.panel.add_model(str(folder))
    window.panel.select_engine("auto", None)  # the panel on a classical engine: the dialog still offers it
    seen: list[PromptDialog] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: seen.append(self) or 0)
    window.menus.actions["new_from_prompt"].trigger()
    (dialog,) = seen
    assert [dialog.model.itemText(i) for i in range(dialog.model.count())] == [str(folder)]
    assert dialog.values().model == str(folder)


def test_models_dialog_use_download_and_added_folders(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tratteggio.gui import model_manager
    from tratteggio.gui.panels import restore_panel

    monkeypatch.setattr(restore_panel, "cached_model_ids", set)  # an empty hub cache, wherever it is
    monkeypatch.setattr(model_manager, "cached_models", list)
    window.panel.mark_downloads()
    labels = [window.panel.engine.itemText(i) for i in range(window.panel.engine.count())]
    catalog = [label for label in labels if label.startswith("Diffusion")]
    assert catalog and all(label.endswith("(not downloaded)") for label in catalog)  # an empty cache
    window.open_model_manager()
    manager = window.manager
    before = window.panel.engine.currentData()
    manager.table.selectRow(0)
    manager.buttons["Use"].click()
    assert window.panel.engine.currentData() == before  # not switched to a model not there
    assert "not downloaded" in manager.status.text() and "press Download" in manager.status.text()
    folder = tmp_path / "local-model"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    manager.buttons["Add folder…"].click()
    last = manager.table.rowCount() - 1
    assert manager.table.item(last, 0).text() == str(folder)  # listed
    assert window.panel.engine.currentData() == ("diffusion", str(folder))
    assert not window.panel.engine.currentText().endswith("(not downloaded)")
    manager.close()


def test_a_missing_model_points_to_the_models_dialog_in_the_studio() -> None:
    from tratteggio.core.engines.models import resolve_model
    from tratteggio.core.errors import TratteggioError
    from tratteggio.gui.session import studio_words

    with pytest.raises(TratteggioError) as error:
        resolve_model("someone/not-cached")
    text = studio_words(str(error.value))
    assert "Models…" in text and "press Download" in text and "tratteggio models" not in text


def test_a_run_past_half_a_second_shows_a_busy_bar_and_messages_are_kept(
    qtbot: object, window: MainWindow
) -> None:
    import time

    bar = window.status.progress
    with qtbot.waitSignal(window.session.runner.ended, timeout=5_000):  # type: ignore[attr-defined]
        window.session.runner.run(lambda ctx: time.sleep(0.1), label="quick")
    qtbot.wait(600)  # type: ignore[attr-defined]
    assert not bar.isVisible()  # a quick run: no bar flashes
    window.session.runner.run(lambda ctx: time.sleep(1.5), label="slow fill")
    qtbot.waitUntil(bar.isVisible, timeout=1_400)  # type: ignore[attr-defined]
    assert bar.maximum() == 0 and bar.format() == "slow fill"  # busy: it reports no progress
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5_000)  # type: ignore[attr-defined]
    window.session.say("first message")
    window.session.warn("a problem")
    window.status._clear.timeout.emit()  # the bar forgets after 8 s ...
    assert window.status.current_message() == ""
    window.menus.actions["messages"].trigger()  # ... View ▸ Messages keeps them
    shown = window.status.messages_dialog.findChild(QPlainTextEdit).toPlainText()  # type: ignore[attr-defined]
    assert "first message" in shown and "a problem" in shown
    window.status.messages_dialog.close()  # type: ignore[attr-defined]


def test_f1_opens_the_guide_at_the_page_for_what_the_user_is_doing(window: MainWindow) -> None:
    from tratteggio.gui.help import guide_page

    folder = guide_page("index").parent
    pages = sorted(p.stem for p in folder.glob("*.md"))
    assert {"index", "restore", "detect", "revive", "age", "create", "models", "projects"} <= set(pages)
    for page in folder.glob("*.md"):  # every link between pages leads to a page
        for target in re.findall(r"\]\(([\w-]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (folder / target).is_file(), (page.name, target)
    window.tabs.setCurrentIndex(1)  # Detect
    window.menus.help.actions["guide"].trigger()  # F1
    dialog = window.menus.help.dialog
    assert dialog.page() == "detect" and "hatched" in dialog.browser.toPlainText()  # type: ignore[union-attr]
    dialog.browser.setSource(QUrl("index.md"))  # type: ignore[union-attr]
    assert dialog.page() == "index"  # type: ignore[union-attr]
    dialog.close()  # type: ignore[union-attr]
    window.tabs.setCurrentIndex(0)
    window.revive_dialog.show()
    window.menus.help.actions["guide"].trigger()
    assert window.menus.help.dialog.page() == "revive"  # type: ignore[union-attr]
    window.revive_dialog.hide()


def test_detect_losses_finding_nothing_says_pick_from_a_loss(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    from tratteggio.core import Photo, save_photo

    photo = tmp_path / "plain.png"
    save_photo(Photo(np.full((80, 100, 3), 120, np.uint8)), photo)
    window.files.open_path(photo)
    window.detect_panel.kind.setCurrentText("losses")
    with qtbot.waitSignal(window.session.runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    assert "Pick from a loss" in window.status.current_message()


def test_opening_a_photo_asks_about_the_unsaved_work_before_its_project(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tratteggio.core import Photo, save_photo

    other = tmp_path / "other.png"
    save_photo(Photo(np.full((60, 80, 3), 90, np.uint8)), other)
    window.files.open_path(other)
    window.projects.save_as(other.with_suffix(".tratteggio"), wait=True)  # a project beside it
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.set_mask(np.ones(doc.mask.shape, bool), "rect")  # unsaved work
    order: list[str] = []
    window.projects.ask_save = lambda name: order.append(f"save {name}") or "discard"  # type: ignore[func-returns-value]
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: order.append("project") or QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(window.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
        window.files.open_path(other)
    assert order == ["save coffee.png", "project"]  # once each, the unsaved work first


def test_export_with_visible_restorations_has_its_own_title_and_a_visible_copy(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.mask[100:120, 100:140] = True
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()
    titles: list[str] = []
    target = tmp_path / "out.png"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda _p, title, *a, **k: (titles.append(title), (str(target), ""))[1],
    )
    window.menus.actions["export_doc"].trigger()
    qtbot.waitUntil(lambda: (tmp_path / "out.visible.png").exists(), timeout=30_000)  # type: ignore[attr-defined]
    window.menus.actions["export"].trigger()
    assert titles[0].startswith("Export with visible restorations") and titles[1] == "Export restored photo"
    assert not (tmp_path / "out.tratteggio.png").exists()  # no name that reads as a project
