"""The learned erasers in the studio: the Models dialog lists them with their terms and downloads
them only when asked; the Restore panel offers them with one-line tips."""

from __future__ import annotations

import pytest

from tratteggio.gui.main_window import MainWindow


def test_the_models_dialog_lists_the_erasers_with_places2_terms(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tratteggio.gui import model_manager

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(model_manager, "cached_models", list)
    window.open_model_manager()
    manager = window.manager
    rows = {manager.table.item(r, 0).text(): r for r in range(manager.table.rowCount())}
    row = rows["migan (andraniksargsyan/migan)"]
    assert manager.table.item(row, 1).text() == "learned eraser"
    assert "MIT" in manager.table.item(row, 3).text() and "research-only" in manager.table.item(row, 3).text()
    assert manager.table.item(row, 4).text() == "no"
    assert "lama (Carve/LaMa-ONNX)" in rows
    manager.table.selectRow(row)
    manager.download_selected()
    assert "offline" in manager.status.text()
    manager.buttons["Use"].click()
    assert "Restore panel" in manager.status.text()
    manager.close()


def test_the_restore_panel_offers_the_erasers_with_tips(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    engine = window.panel.engine
    found = {engine.itemData(i)[1]: i for i in range(engine.count())}
    for name in ("migan", "lama"):
        tip = engine.itemData(found[name], Qt.ItemDataRole.ToolTipRole)
        assert "Places2" in tip and "download" in tip
        window.panel.engine.setCurrentIndex(found[name])
        assert window.panel.request().engine == name
