"""The studio window: it assembles the canvas, the restore panel, the interventions panel and the
timeline, and handles files. The work itself lives in core and in the restoration controller."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
)

from tratteggio.core import Photo, TratteggioError, load_mask, load_photo
from tratteggio.core.docexport import export_document
from tratteggio.core.document import Document
from tratteggio.gui import settings as prefs
from tratteggio.gui.actions import build_menus
from tratteggio.gui.age_panel import AgePanel
from tratteggio.gui.canvas import Canvas, Tool
from tratteggio.gui.controller import RestorationController
from tratteggio.gui.detect_panel import DetectPanel
from tratteggio.gui.history_panel import HistoryPanel
from tratteggio.gui.lab_controller import LabController
from tratteggio.gui.restore_panel import RestorePanel
from tratteggio.gui.timeline import Timeline

LARGE_FILE = 64 << 20  # bytes: bigger photos are decoded on the worker thread

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.tif *.tiff *.webp *.bmp)"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Tratteggio")
        self.setAcceptDrops(True)
        self.resize(1280, 860)
        self.doc: Document | None = None
        self.canvas = Canvas()
        self.setCentralWidget(self.canvas)
        self.panel = RestorePanel()
        self.history = HistoryPanel()
        self.history.removeRequested.connect(lambda i: self.doc.remove(i) if self.doc else None)
        self.detect_panel = DetectPanel()
        self.age_panel = AgePanel()
        tabs = QTabWidget()
        tabs.addTab(self.panel, "Restore")
        tabs.addTab(self.detect_panel, "Detect")
        tabs.addTab(self.history, "Interventions")
        tabs.addTab(self.age_panel, "Age")
        self.tabs = tabs
        self._dock("Restoration", tabs, Qt.DockWidgetArea.RightDockWidgetArea)
        self.timeline = Timeline()
        self._dock("Layers of time", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.controller = RestorationController(self.canvas, self.panel, self.timeline, self)
        self.controller.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.controller.problem.connect(self.warn)
        self.controller.progressChanged.connect(self._progress)
        self.timeline.exportRequested.connect(self.export_layers)
        self._exports: dict[int, str] = {}
        self._opening: dict[int, tuple[Path, str | Path | None]] = {}
        for finished, failed in (
            (self._export_done, self._export_failed),
            (self._open_done, self._open_failed),
        ):
            self.controller.runner.taskFinished.connect(finished)
            self.controller.runner.taskFailed.connect(failed)
        self.lab = LabController(self, self.detect_panel, self.age_panel)
        self.lab.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._build_status_bar()
        self.menus = build_menus(self)
        self._restore_settings()

    def _dock(self, title: str, widget: object, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)  # type: ignore[arg-type]
        self.addDockWidget(area, dock)

    def _build_status_bar(self) -> None:
        self.position_label = QLabel("")
        self.zoom_label = QLabel("")
        self.size_label = QLabel("No photo")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        bar = self.statusBar()
        for widget in (self.position_label, self.zoom_label, self.size_label, self.progress):
            bar.addPermanentWidget(widget)
        self.canvas.hovered.connect(lambda x, y: self.position_label.setText(f"x {x}  y {y}"))
        self.canvas.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))

    def _progress(self, done: int, total: int, left: float) -> None:
        eta = f" — {left:.0f} s left" if left >= 0 else ""
        self.show_progress(done, total, f"step {done}/{total}{eta}")

    def show_progress(self, done: int, total: int, text: str) -> None:
        """The status bar's progress bar; hidden when nothing is under way (total 0, or done)."""
        self.progress.setVisible(total > 0 and done < total)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(text)

    # -- files ---------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open photo", "", IMAGE_FILTER)
        if path:
            self.open_path(path)

    def open_path(
        self, path: str | Path, mask: str | Path | None = None, background: bool | None = None
    ) -> bool:
        """Open a photo; on failure say why and leave the current document untouched.

        Files over LARGE_FILE bytes (or any, with `background=True`) are decoded on the worker so
        the window stays responsive: the call returns at once and the photo replaces the open one
        when it has loaded (the open photo's runs are cancelled first: they end with it).
        """
        path = Path(path)
        if background is None:
            background = path.is_file() and path.stat().st_size > LARGE_FILE
        if background:
            self.controller.cancel()
            task = self.controller.runner.run_task("open", lambda: load_photo(path))
            self._opening[task.id] = (path, mask)
            self.statusBar().showMessage(f"Opening {path.name}…")
            return True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            photo = load_photo(path)
        except TratteggioError as exc:
            self.warn(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._show_opened(path, photo, mask)
        return True

    def _show_opened(self, path: Path, photo: Photo, mask: str | Path | None) -> None:
        self.set_document(Document(photo, path.resolve()))
        self.recent = prefs.add_recent(str(path.resolve()))
        self.menus.refresh_recent()
        if mask is not None:
            self.load_mask_path(mask)

    def _open_done(self, task: object, photo: object) -> None:
        opening = self._opening.pop(getattr(task, "id", -1), None)
        if opening is not None and isinstance(photo, Photo):
            self._show_opened(opening[0], photo, opening[1])
            self.statusBar().showMessage(f"Opened {opening[0].name}", 4000)

    def _open_failed(self, task: object, text: str) -> None:
        if self._opening.pop(getattr(task, "id", -1), None) is not None:
            self.warn(text)

    def set_document(self, doc: Document) -> None:
        self.doc = doc
        self.canvas.set_document(doc)
        self.history.set_document(doc)
        self.controller.set_document(doc)
        self.canvas.set_proposal(None)
        self.canvas.reviewing = False
        name = doc.path.name if doc.path else "pasted image"
        self.setWindowTitle(f"{name} — Tratteggio")
        self.size_label.setText(doc.photo.describe())

    def load_mask_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load mask", "", IMAGE_FILTER)
        if path:
            self.load_mask_path(path)

    def load_mask_path(self, path: str | Path) -> bool:
        if self.doc is None:
            self.warn("Open a photo before loading its mask.")
            return False
        try:
            mask = load_mask(path, self.doc.photo.shape2d)
        except TratteggioError as exc:
            self.warn(str(exc))
            return False
        self.doc.set_mask(mask.bits, "load mask")
        return True

    def paste(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.warn("The clipboard holds no image.")
            return
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        width, height = rgb.width(), rgb.height()
        data = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, rgb.bytesPerLine())
        self.set_document(Document(Photo(data[:, : width * 3].reshape(height, width, 3).copy())))

    def export_dialog(self, documentation: bool = False) -> None:
        if self.doc is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export restored photo", "", IMAGE_FILTER)
        if path:
            self.export_in_background(path, documentation)

    def export_in_background(self, path: str | Path, documentation: bool = False) -> None:
        """Write the export on the worker thread from a snapshot of the document."""
        if self.doc is None:
            return
        snapshot = self.doc.snapshot()
        task = self.controller.runner.run_task(
            "export", lambda: export_document(snapshot, path, visible_copy=documentation)
        )
        self._exports[task.id] = str(path)
        self.statusBar().showMessage(f"Exporting {Path(path).name}…")

    def _export_done(self, task: object, files: object) -> None:
        if self._exports.pop(getattr(task, "id", -1), None) is not None:
            written = files if isinstance(files, dict) else {}
            names = ", ".join(p.name for p in written.values())
            self.statusBar().showMessage(f"Exported {names}", 8000)

    def _export_failed(self, task: object, text: str) -> None:
        if self._exports.pop(getattr(task, "id", -1), None) is not None:
            self.warn(text)

    def export_to(self, path: str | Path, documentation: bool = False) -> bool:
        assert self.doc is not None
        try:
            files = export_document(self.doc, path, visible_copy=documentation)
        except TratteggioError as exc:
            self.warn(str(exc))
            return False
        self.statusBar().showMessage(f"Exported {files['output'].name} with {files['record'].name}", 8000)
        return True

    def export_layers(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the numbered layers")
        if folder:
            self.controller.export_layers(Path(folder))

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not urls:
            return
        event.acceptProposedAction()
        if self.doc is not None and self._looks_like_mask(urls[0]):
            self.load_mask_path(urls[0])
        else:
            self.open_path(urls[0])

    def _looks_like_mask(self, path: str) -> bool:
        """A same-sized image with at most two distinct values is taken as the open photo's mask.

        The size is read from the header first, so dropping another big photo is not decoded twice.
        """
        assert self.doc is not None
        from PIL import Image

        try:
            with Image.open(path) as image:
                if (image.height, image.width) != self.doc.photo.shape2d:
                    return False
            values = load_photo(path).pixels
        except (OSError, ValueError, TratteggioError):
            return False
        return np.unique(values).size <= 2

    # -- misc ----------------------------------------------------------------------------------
    def warn(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Tratteggio", text, parent=self)
        box.setModal(False)
        box.show()
        self.last_warning = text
        self.statusBar().showMessage(text, 8000)

    def set_tool(self, tool: Tool) -> None:
        self.canvas.tool = tool
        self.statusBar().showMessage(f"Tool: {tool.value}", 3000)

    def _restore_settings(self) -> None:
        store = prefs.settings()
        geometry = store.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = store.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.canvas.brush_radius = float(str(store.value("brush", 12.0)))
        self.canvas.brush_hardness = float(str(store.value("hardness", 1.0)))
        engine = store.value("engine")
        if engine:
            self.panel.select_engine(str(engine), store.value("model") or None)

    def save_settings(self) -> None:
        store = prefs.settings()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("state", self.saveState())
        store.setValue("brush", self.canvas.brush_radius)
        store.setValue("hardness", self.canvas.brush_hardness)
        request = self.panel.request()
        store.setValue("engine", request.engine)
        store.setValue("model", request.model or "")
        store.sync()

    def closeEvent(self, event: object) -> None:
        self.save_settings()
        self.controller.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
