"""Open dialogs for photos and masks, with a preview where the platform's own dialog shows none.

Windows' and macOS' dialogs show thumbnails and a preview, and so does KDE's: the studio uses them.
GTK's dialog (GNOME, XFCE...) and Qt's fallback without a desktop show only names, so there the
studio uses Qt's own dialog with an `ImagePreview` beside the list: the picture, its size and depth.
Files over PREVIEW_LIMIT bytes are described from their header only, so hovering over a 300 MB TIFF
does not hold the dialog.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import QFileDialog, QGridLayout, QLabel, QWidget

PREVIEW_SIDE = 220
PREVIEW_LIMIT = 64 << 20  # bytes


def native_has_previews(platform: str | None = None, desktop: str | None = None) -> bool:
    """Whether the platform's own file dialog previews images (Windows, macOS, KDE)."""
    platform = platform if platform is not None else sys.platform
    if platform.startswith(("win", "darwin")):
        return True
    desktop = desktop if desktop is not None else os.environ.get("XDG_CURRENT_DESKTOP", "")
    return "KDE" in desktop.upper().split(":")


class ImagePreview(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.setStyleSheet("QLabel { color: palette(mid); }")
        self.show_file("")

    def show_file(self, path: str) -> None:
        """Show `path` small with its size, or say why not (a folder, a project, a big file)."""
        self.setPixmap(QPixmap())
        file = Path(path) if path else None
        if file is None or not file.is_file():
            self.setText("No preview")
            return
        reader = QImageReader(str(file))
        size = reader.size()
        if not reader.canRead() or not size.isValid():
            self.setText(f"{file.name}\n(no image preview)")
            return
        mb = file.stat().st_size / 1e6
        caption = f"{size.width()} × {size.height()}, {mb:.1f} MB"
        if file.stat().st_size > PREVIEW_LIMIT:
            self.setText(f"{caption}\n(too big to preview quickly)")
            return
        reader.setScaledSize(
            size.scaled(QSize(PREVIEW_SIDE, PREVIEW_SIDE), Qt.AspectRatioMode.KeepAspectRatio)
        )
        image = reader.read()
        if image.isNull():
            self.setText(f"{file.name}\n(unreadable)")
            return
        self.setPixmap(QPixmap.fromImage(image))
        self.setToolTip(caption)


def image_dialog(parent: QWidget | None, title: str, folder: str, filters: str) -> QFileDialog:
    """Qt's own open dialog with an image preview on its right."""
    dialog = QFileDialog(parent, title, folder, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    preview = ImagePreview(dialog)
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(preview, 1, layout.columnCount(), layout.rowCount() - 1, 1)
    dialog.currentChanged.connect(preview.show_file)
    dialog.resize(dialog.width() + PREVIEW_SIDE, dialog.height())
    return dialog


def open_image_path(parent: QWidget | None, title: str, folder: str, filters: str) -> str:
    """The chosen file ('' if cancelled): the platform's dialog where it previews, else ours."""
    if native_has_previews():
        path, _ = QFileDialog.getOpenFileName(parent, title, folder, filters)
        return path
    dialog = image_dialog(parent, title, folder, filters)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
