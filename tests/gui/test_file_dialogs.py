"""Open dialogs preview images where the platform's own dialog does not (issue 27's habits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from tratteggio.gui import file_dialogs
from tratteggio.gui.file_dialogs import PREVIEW_SIDE, ImagePreview, image_dialog, native_has_previews
from tratteggio.gui.main_window import MainWindow


def test_which_platforms_preview_on_their_own() -> None:
    assert native_has_previews("win32", "") and native_has_previews("darwin", "")
    assert native_has_previews("linux", "KDE")
    assert not native_has_previews("linux", "GNOME") and not native_has_previews("linux", "")
    assert not native_has_previews("linux", "ubuntu:GNOME")


def test_the_preview_shows_a_photo_small_and_says_what_it_cannot_show(
    qtbot: object, photo_file: Path, tmp_path: Path
) -> None:
    dialog = image_dialog(None, "Open", str(photo_file.parent), "Images (*.png)")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    (preview,) = dialog.findChildren(ImagePreview)
    dialog.currentChanged.emit(str(photo_file))  # what hovering over a file in the list sends
    pixmap = preview.pixmap()
    assert pixmap.width() == PREVIEW_SIDE and abs(pixmap.height() - PREVIEW_SIDE * 400 / 600) < 1
    assert preview.toolTip().startswith("600 × 400")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    preview.show_file(str(notes))
    assert preview.pixmap().isNull() and "no image preview" in preview.text()
    preview.show_file(str(tmp_path))
    assert preview.text() == "No preview"


def test_open_uses_the_previewing_dialog_where_the_platform_has_none(
    window: MainWindow, photo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_dialogs, "native_has_previews", lambda: False)
    shown: list[QFileDialog] = []

    def choose(dialog: QFileDialog) -> int:
        shown.append(dialog)
        dialog.selectFile(str(photo_file))
        return int(QFileDialog.DialogCode.Accepted)

    monkeypatch.setattr(QFileDialog, "exec", choose)
    window.files.open_dialog()
    assert shown and shown[0].findChildren(ImagePreview)
    assert shown[0].testOption(QFileDialog.Option.DontUseNativeDialog)
    assert window.doc is not None and window.doc.path == photo_file.resolve()
