"""The studio window: it assembles the session, the canvas, the panels, the timeline, the controllers
and the menus, and does nothing else. The work lives in core and in the controllers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from tratteggio.core.pipeline.restore import Result
from tratteggio.gui import settings as prefs
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.controllers.aging import AgeController
from tratteggio.gui.controllers.candidates import CandidateController
from tratteggio.gui.controllers.creation import CreationController
from tratteggio.gui.controllers.detection import DetectController
from tratteggio.gui.controllers.files import FileController
from tratteggio.gui.controllers.revive import ReviveController
from tratteggio.gui.creation_menus import add_creation_menus
from tratteggio.gui.menus import MenuParts, Menus
from tratteggio.gui.panels.age_panel import AgePanel
from tratteggio.gui.panels.detect_panel import DetectPanel
from tratteggio.gui.panels.interventions_panel import InterventionsPanel
from tratteggio.gui.panels.restore_panel import RestorePanel
from tratteggio.gui.panels.revive_dialog import ReviveDialog
from tratteggio.gui.session import StudioSession
from tratteggio.gui.status_bar import StatusBar
from tratteggio.gui.timeline import Timeline


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Tratteggio")
        self.setAcceptDrops(True)
        self.resize(1280, 860)
        self.session = session = StudioSession(self)
        self.canvas = Canvas(session)
        self.setCentralWidget(self.canvas)
        self.panel = RestorePanel()
        self.detect_panel = DetectPanel()
        self.age_panel = AgePanel()
        self.interventions = InterventionsPanel(session)
        self.tabs = self._tabs()
        self._dock("Restoration", self.tabs, Qt.DockWidgetArea.RightDockWidgetArea)
        self.timeline = Timeline()
        self._dock("Layers of time", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.status = StatusBar(session, self.canvas, self)
        self.setStatusBar(self.status)
        self.files = FileController(session, self)
        self.runs = CandidateController(session, self.canvas, self.panel, self.timeline)
        self.detection = DetectController(session, self.canvas, self.detect_panel)
        self.aging = AgeController(session, self.canvas, self.timeline, self.age_panel, self._chosen_result)
        self.timeline.exportRequested.connect(self.export_layers)
        self.panel.modelsRequested.connect(self.open_model_manager)
        session.problem.connect(self.warn)
        session.documentChanged.connect(self._retitle)
        parts = MenuParts(
            session,
            self.files,
            self.runs,
            self.canvas,
            self,
            self.open_model_manager,
            self.export_layers,
            self.close,
        )
        self.menus = Menus(self.menuBar(), parts)
        self.revive_dialog = ReviveDialog(self)
        self.revive = ReviveController(session, self.canvas, self.revive_dialog)
        self.creation = CreationController(session, self.canvas, self.timeline, self.panel, self)
        add_creation_menus(self.menus, self.creation, self.revive)
        self._restore_settings()

    def _tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.addTab(self.panel, "Restore")
        tabs.addTab(self.detect_panel, "Detect")
        tabs.addTab(self.interventions, "Interventions")
        tabs.addTab(self.age_panel, "Age")
        return tabs

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)

    def _chosen_result(self) -> Result | None:
        chosen = self.runs.chosen()
        return chosen.result if chosen is not None else None

    def _retitle(self, doc: object) -> None:
        path = getattr(doc, "path", None)
        name = path.name if path else ("pasted image" if doc is not None else "")
        self.setWindowTitle(f"{name} — Tratteggio" if name else "Tratteggio")

    @property
    def doc(self) -> object:
        return self.session.doc

    # -- dialogs -------------------------------------------------------------------------------
    def open_model_manager(self) -> None:
        from tratteggio.gui.model_manager import ModelManager

        self.manager = ModelManager(self.session, self)
        self.manager.modelChosen.connect(self.panel.add_model)
        self.manager.show()

    def export_layers(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the numbered layers", prefs.last_folder())
        if folder:
            self.runs.export_layers(Path(folder))

    def warn(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Tratteggio", text, parent=self)
        box.setModal(False)
        box.show()
        self.last_warning = text

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.drop(paths)

    # -- settings ------------------------------------------------------------------------------
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

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.session.shutdown()
        super().closeEvent(event)
