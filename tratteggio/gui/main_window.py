"""The studio window: it assembles the session, the canvas, the panels, the timeline, the controllers
and the menus, and does nothing else. The work lives in core and in the controllers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from tratteggio.gui import settings as prefs
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.canvas_frame import CanvasFrame
from tratteggio.gui.controllers.aging import AgeController
from tratteggio.gui.controllers.candidates import CandidateController
from tratteggio.gui.controllers.creation import CreationController
from tratteggio.gui.controllers.detection import DetectController
from tratteggio.gui.controllers.files import FileController
from tratteggio.gui.controllers.project import ProjectController
from tratteggio.gui.controllers.revive import ReviveController
from tratteggio.gui.creation_menus import add_creation_menus
from tratteggio.gui.menus import MenuParts, Menus
from tratteggio.gui.navigator import Navigator
from tratteggio.gui.panels.age_panel import AgePanel
from tratteggio.gui.panels.detect_panel import DetectPanel
from tratteggio.gui.panels.history_panel import HistoryPanel
from tratteggio.gui.panels.interventions_panel import InterventionsPanel
from tratteggio.gui.panels.restore_panel import RestorePanel
from tratteggio.gui.panels.revive_dialog import ReviveDialog
from tratteggio.gui.preferences import PreferencesDialog, apply_diffusion_preference
from tratteggio.gui.session import StudioSession
from tratteggio.gui.status_bar import StatusBar, add_messages_action
from tratteggio.gui.timeline import Timeline
from tratteggio.gui.toolbar import ToolBar

if TYPE_CHECKING:
    from tratteggio.core.pipeline.restore import Result

SIDE_PANEL_WIDTH = 360


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Tratteggio")
        self.setAcceptDrops(True)
        self.resize(1280, 860)
        self._narrow_side_panel = False
        self.session = session = StudioSession(self)
        self.canvas = Canvas(session)
        self.setCentralWidget(CanvasFrame(self.canvas))  # with scroll bars
        self.panel = RestorePanel()
        self.detect_panel = DetectPanel()
        self.age_panel = AgePanel()
        self.interventions = InterventionsPanel(session, self.canvas.set_highlight)
        self.tabs = self._tabs()
        self.side = self._dock("Restoration", self.tabs, Qt.DockWidgetArea.RightDockWidgetArea)
        self.timeline = Timeline()
        self._dock("Layers of time", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.navigator, self.history = Navigator(self.canvas, session), HistoryPanel(session)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        navigator, history = (
            self._dock("Navigator", self.navigator, right),
            self._dock("Undo History", self.history, right),
        )
        self.tabifyDockWidget(navigator, history)
        navigator.raise_()
        self.toolbar = ToolBar(self.canvas, self)
        self.addToolBar(self.toolbar)
        self.status = StatusBar(session, self.canvas, self)
        self.setStatusBar(self.status)
        self.projects = ProjectController(session, self, self._view_state)
        self.files = FileController(session, self, self.projects)
        self.runs = CandidateController(session, self.canvas, self.panel, self.timeline)
        self.detection = DetectController(session, self.canvas, self.detect_panel)
        self.aging = AgeController(session, self.canvas, self.timeline, self.age_panel, self._chosen_result)
        self.timeline.exportRequested.connect(self.export_layers)
        self.panel.modelsRequested.connect(self.open_model_manager)
        session.problem.connect(self.warn)
        self.projects.stateChanged.connect(self._retitle)
        self.projects.opened.connect(lambda _path: self._apply_view())
        parts = MenuParts(
            session,
            self.files,
            self.projects,
            self.runs,
            self.canvas,
            self,
            self.open_model_manager,
            self.export_layers,
            self.close,
            open_preferences=self.open_preferences,
        )
        self.menus = Menus(self.menuBar(), parts)
        self.revive_dialog = ReviveDialog(self)
        self.revive = ReviveController(session, self.canvas, self.revive_dialog)
        self.creation = CreationController(session, self.canvas, self.timeline, self.panel, self)
        add_creation_menus(self.menus, self.creation, self.revive)
        add_messages_action(self.menus, self.status)
        self.menus.add_docks({"show_navigator": navigator, "show_history": history})
        self.menus.help.topic = self._help_topic
        self._restore_settings()

    def _tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.addTab(self.panel, "Restore")
        tabs.addTab(self.detect_panel, "Detect")
        tabs.addTab(self.interventions, "Interventions")
        tabs.addTab(self.age_panel, "Age")
        return tabs

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _chosen_result(self) -> Result | None:
        chosen = self.runs.chosen()
        return chosen.result if chosen is not None else None

    def _retitle(self) -> None:
        """`NAME — Tratteggio`, the project's name (or the photo's), with `*` when changed."""
        doc = self.session.doc
        path = self.projects.path or (doc.path if doc is not None else None)
        name = path.name if path else ("untitled" if doc is not None else "")
        star = "*" if self.projects.modified() else ""
        self.setWindowTitle(f"{name}{star} — Tratteggio" if name else "Tratteggio")

    def _view_state(self) -> dict[str, object]:
        canvas = self.canvas
        return {
            "zoom": canvas.zoom,
            "origin": [canvas.origin.x(), canvas.origin.y()],
            "mask_visible": canvas.mask_visible,
            "tab": self.tabs.currentIndex(),
        }

    def _apply_view(self) -> None:
        """Put back the view a project was saved with (zoom, position, mask shown, tab)."""
        view = self.projects.view
        if not view:
            return
        x, y = view.get("origin", [0.0, 0.0])
        self.canvas.set_view(float(view.get("zoom", self.canvas.zoom)), QPointF(float(x), float(y)))
        self.canvas.set_mask_visible(bool(view.get("mask_visible", True)))
        self.tabs.setCurrentIndex(int(view.get("tab", 0)))

    @property
    def doc(self) -> object:
        return self.session.doc

    def _help_topic(self) -> str:
        """The guide's page for what the user is doing: an open tool dialog, else the side tab."""
        for name in ("revive_dialog", "manager"):
            dialog = getattr(self, name, None)
            if isinstance(dialog, QWidget) and dialog.isVisible():
                return {"revive_dialog": "revive", "manager": "models"}[name]
        tab = self.tabs.tabText(self.tabs.currentIndex()).lower()
        return {"interventions": "projects"}.get(tab, tab)

    # -- dialogs -------------------------------------------------------------------------------
    def open_model_manager(self) -> None:
        from tratteggio.gui.model_manager import ModelManager

        self.manager = ModelManager(self.session, self, local=self.panel.diffusion_models())
        self.manager.modelChosen.connect(self.panel.add_model)
        self.manager.downloadsChanged.connect(self.panel.mark_downloads)
        self.manager.show()

    def open_preferences(self) -> None:
        self.preferences = PreferencesDialog(self.session, self)
        self.preferences.modelChosen.connect(self.panel.add_model)
        self.preferences.show()

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
        geometry, state = prefs.GEOMETRY.get(), prefs.WINDOW_STATE.get()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        else:  # first start: the canvas gets the room (see showEvent)
            self._narrow_side_panel = True
        self.canvas.set_brush(prefs.BRUSH.get(), prefs.HARDNESS.get())
        color = prefs.MASK_COLOR.get()
        if color is not None:
            self.canvas.choose_mask_color(color)
        problem = apply_diffusion_preference(self.session)  # this computer, or a server
        if problem:
            self.session.say(problem)
        engine = prefs.ENGINE.get()
        if engine:
            self.panel.select_engine(engine, prefs.MODEL.get() or None)

    def save_settings(self) -> None:
        prefs.GEOMETRY.set(self.saveGeometry())
        prefs.WINDOW_STATE.set(self.saveState())
        prefs.BRUSH.set(self.canvas.brush_radius)
        prefs.HARDNESS.set(self.canvas.brush_hardness)
        request = self.panel.request()
        prefs.ENGINE.set(request.engine)
        prefs.MODEL.set(request.model or "")
        prefs.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._narrow_side_panel:  # a side panel of about 360 px, as Krita and Photoshop give
            self._narrow_side_panel = False
            self.resizeDocks([self.side], [SIDE_PANEL_WIDTH], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.session.may_replace():  # Save / Discard / Cancel: Cancel keeps the window
            event.ignore()
            return
        self.save_settings()
        self.projects.shutdown()
        self.session.shutdown()
        super().closeEvent(event)
