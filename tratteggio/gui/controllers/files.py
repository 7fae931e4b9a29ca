"""Files in the studio: open (dialog, drop, recent, paste), load a mask, export. Big photos and every
export are read and written on the worker, so the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from tratteggio.core.credentials.identity import load_identity
from tratteggio.core.errors import TratteggioError
from tratteggio.core.io.loading import load_mask, load_photo
from tratteggio.core.io.saving import write_mask_png
from tratteggio.core.photo import Photo
from tratteggio.core.project.store import SUFFIX
from tratteggio.core.studio.document import Document
from tratteggio.gui import settings as prefs
from tratteggio.gui.controllers.project import ProjectController
from tratteggio.gui.file_dialogs import open_image_path
from tratteggio.gui.imageconv import to_qimage
from tratteggio.gui.session import StudioSession

LARGE_FILE = 64 << 20  # bytes: bigger photos are decoded on the worker thread
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.tif *.tiff *.webp *.bmp)"
OPEN_FILTER = f"Photos and projects (*.png *.jpg *.jpeg *.tif *.tiff *.webp *.bmp *{SUFFIX});;{IMAGE_FILTER}"


class FileController(QObject):
    recentChanged = Signal()

    def __init__(self, session: StudioSession, dialogs: QWidget, projects: ProjectController) -> None:
        super().__init__(session)
        self.session, self.dialogs, self.projects = session, dialogs, projects

    # -- opening -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path = open_image_path(self.dialogs, "Open a photo or a project", prefs.last_folder(), OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_iiif_dialog(self) -> None:
        """File ▸ Open from IIIF…: fetch a master from a museum's server, then open it."""
        from tratteggio.gui.iiif_dialog import IIIFDialog

        self.iiif = IIIFDialog(self.session, self.open_path, self.dialogs)
        self.iiif.show()

    def open_path(
        self, path: str | Path, mask: str | Path | None = None, background: bool | None = None
    ) -> bool:
        """Open a photo; on failure say why and leave the current document untouched.

        Files over LARGE_FILE bytes (or any, with `background=True`) are decoded on the worker: the
        call returns at once and the photo replaces the open one when it has loaded.
        """
        path = Path(path)
        if path.suffix.lower() == SUFFIX:
            self.projects.open_project(path)
            return True
        if not self.session.may_replace():  # the unsaved work first, then the next file's project
            return False
        beside = path.with_suffix(SUFFIX)
        if mask is None and beside.is_file() and self._prefer_project(path, beside):
            self.projects.open_project(beside, asked=True)
            return True
        if background is None:
            background = path.is_file() and path.stat().st_size > LARGE_FILE
        if background:
            self.session.runner.cancel_all()
            self.session.runner.run(
                lambda ctx: load_photo(path),
                label="open",
                cancellable=False,
                on_done=lambda photo: self._opened(path, photo, mask),
                on_failed=self.session.warn,
            )
            self.session.say(f"Opening {path.name}…")
            return True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            photo = load_photo(path)
        except TratteggioError as exc:
            self.session.warn(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._opened(path, photo, mask)
        return True

    def _opened(self, path: Path, photo: Photo, mask: str | Path | None) -> None:
        self.session.set_document(Document(photo, path.resolve()))
        prefs.add_recent(str(path.resolve()))
        prefs.set_last_folder(str(path.resolve().parent))
        self.recentChanged.emit()
        self.session.say(f"Opened {path.name}")
        if mask is not None and self.load_mask_path(mask):
            self.projects.mark_baseline()  # the mask is a file already: nothing to lose yet

    def _prefer_project(self, photo: Path, project: Path) -> bool:
        answer = QMessageBox.question(
            self.dialogs,
            "Tratteggio",
            f"{photo.name} has a project beside it ({project.name}). Open the project, with its mask "
            "and interventions?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def paste(self) -> None:
        if not self.session.may_replace():
            return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.session.warn("The clipboard holds no image.")
            return
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        width, height = rgb.width(), rgb.height()
        data = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, rgb.bytesPerLine())
        self.session.set_document(Document(Photo(data[:, : width * 3].reshape(height, width, 3).copy())))

    def copy_result(self) -> None:
        """The restored photo as shown (visible interventions), 8-bit, to the clipboard."""
        doc = self.session.doc
        if doc is None:
            return
        QGuiApplication.clipboard().setImage(to_qimage(doc.composite()))
        self.session.say("Copied the restored photo")

    def close(self) -> None:
        """Close the document (unsaved work asks first): the window stays, empty."""
        if self.session.doc is not None and self.session.may_replace():
            self.session.set_document(None)

    def drop(self, paths: list[str]) -> None:
        """A dropped file: the open photo's mask when it looks like one, else a photo to open."""
        if not paths:
            return
        if self.session.doc is not None and self._looks_like_mask(paths[0]):
            self.load_mask_path(paths[0])
        else:
            self.open_path(paths[0])

    def _looks_like_mask(self, path: str) -> bool:
        """A same-sized image with at most two distinct values is taken as the open photo's mask.

        The size is read from the header first, so dropping another big photo is not decoded twice.
        """
        doc = self.session.doc
        assert doc is not None
        from PIL import Image

        try:
            with Image.open(path) as image:
                if (image.height, image.width) != doc.photo.shape2d:
                    return False
            values = load_photo(path).pixels
        except (OSError, ValueError, TratteggioError):
            return False
        return np.unique(values).size <= 2

    # -- masks ---------------------------------------------------------------------------------
    def load_mask_dialog(self) -> None:
        path = open_image_path(self.dialogs, "Load mask", prefs.last_folder(), IMAGE_FILTER)
        if path:
            self.load_mask_path(path)

    def load_mask_path(self, path: str | Path) -> bool:
        doc = self.session.doc
        if doc is None:
            self.session.warn("Open a photo before loading its mask.")
            return False
        try:
            mask = load_mask(path, doc.photo.shape2d, on_warning=self.session.say)
        except TratteggioError as exc:
            self.session.warn(str(exc))
            return False
        doc.set_mask(mask.bits, "load mask")
        return True

    def save_mask_dialog(self) -> None:
        doc = self.session.doc
        if doc is None:
            return
        stem = doc.path.stem if doc.path else "untitled"
        folder = doc.path.parent if doc.path else Path(prefs.last_folder() or ".")
        path, _ = QFileDialog.getSaveFileName(
            self.dialogs, "Save mask", str(folder / f"{stem}-mask.png"), "1-bit PNG (*.png)"
        )
        if path:
            self.save_mask(Path(path))

    def save_mask(self, path: Path) -> bool:
        """The mask as a 1-bit PNG (white = damage); never over the master."""
        doc = self.session.doc
        if doc is None:
            return False
        try:
            write_mask_png(doc.mask, path, [doc.path] if doc.path else [])
        except TratteggioError as exc:
            self.session.warn(str(exc))
            return False
        self.session.say(f"Saved the mask to {path.name} ({int(doc.mask.sum())} pixels)")
        return True

    # -- export --------------------------------------------------------------------------------
    def export_dialog(self, documentation: bool = False) -> None:
        doc = self.session.doc
        if doc is None:
            return
        title = (
            "Export with visible restorations (also writes NAME.visible.png)"
            if documentation
            else "Export restored photo"
        )
        path, _ = QFileDialog.getSaveFileName(self.dialogs, title, suggested_export(doc), IMAGE_FILTER)
        if path:
            prefs.set_last_folder(str(Path(path).parent))
            self.export_in_background(path, documentation)

    def export_in_background(
        self, path: str | Path, documentation: bool = False, on_done: Callable[[dict], None] | None = None
    ) -> None:
        """Write the export on the worker thread from a snapshot of the document."""
        doc = self.session.doc
        if doc is None:
            return
        snapshot, identity = doc.snapshot(), prefs.signing_identity()

        def done(files: dict) -> None:
            names = ", ".join(p.name for p in files.values())
            self.session.say(f"Exported {names}" + (" (signed)" if identity else ""))
            if on_done is not None:
                on_done(files)

        self.session.runner.run(
            lambda ctx: _export(snapshot, Path(path), documentation, identity),
            label="export",
            cancellable=False,
            on_done=done,
            on_failed=self.session.warn,
        )
        self.session.say(f"Exporting {Path(path).name}…")


def _export(doc: Document, path: Path, documentation: bool, identity: str) -> dict[str, Path]:
    """Export, signed with the identity Preferences name (checked again here: it may have expired)."""
    from tratteggio.core.tasks.project import export_document

    signer = load_identity(identity) if identity else None
    return export_document(doc, path, visible_copy=documentation, signer=signer)


def suggested_export(doc: Document) -> str:
    """`NAME-restored.EXT` in the master's folder (or the last folder used)."""
    if doc.path is None:
        return str(Path(prefs.last_folder() or ".") / "restored.png")
    suffix = doc.path.suffix if doc.path.suffix.lower() in (".png", ".tif", ".tiff") else ".tif"
    return str(doc.path.with_name(f"{doc.path.stem}-restored{suffix}"))
