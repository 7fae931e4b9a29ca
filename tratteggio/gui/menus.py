"""The studio's menus and shortcuts. They call the session and the controllers they are handed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QColorDialog, QDockWidget, QInputDialog, QMenu, QMenuBar, QWidget

from tratteggio.core.mask import grow_bits
from tratteggio.gui import settings as prefs
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.controllers.candidates import CandidateController
from tratteggio.gui.controllers.files import FileController
from tratteggio.gui.controllers.project import ProjectController
from tratteggio.gui.help import HelpMenu, HelpParts
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool

# Ctrl+= and Ctrl++ (Ctrl+Shift+= on most layouts) as in Photoshop; the keypad's + and - as in Krita
ZOOM_IN_KEYS = ("Ctrl+=", "Ctrl++", "Ctrl+Shift+=", "Num++", "Ctrl+Num++")
ZOOM_OUT_KEYS = ("Ctrl+-", "Num+-", "Ctrl+Num+-")


@dataclass(frozen=True)
class MenuParts:
    """What the menus drive: never the window itself."""

    session: StudioSession
    files: FileController
    projects: ProjectController
    runs: CandidateController
    canvas: Canvas
    dialogs: QWidget  # the parent of the little dialogs the menus open
    open_models: Callable[[], None]
    export_layers: Callable[[], None]
    quit: Callable[[], object]
    open_preferences: Callable[[], None] | None = None


class Menus:
    def __init__(self, bar: QMenuBar, parts: MenuParts) -> None:
        self.bar, self.parts = bar, parts
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}  # by key: "file", "edit", "view", "tools", "restore", ...
        self._file_menu()
        self._edit_menu()
        self._view_menu()
        self._tools_menu()
        self._restore_menu()
        self.help = HelpMenu(bar, HelpParts(self.actions, parts.files, parts.session, parts.dialogs))
        self.menus["help"] = self.help.menu
        parts.files.recentChanged.connect(self.refresh_recent)
        self.refresh_recent()

    def _file_menu(self) -> None:
        files, projects, menu = self.parts.files, self.parts.projects, self._menu("file", "&File")
        self._add(menu, "open", "&Open…", "Ctrl+O", files.open_dialog)
        self._add(menu, "open_iiif", "Open from &IIIF…", None, files.open_iiif_dialog)
        self.recent = menu.addMenu("Open &Recent")
        self._add(menu, "save", "&Save", "Ctrl+S", projects.save)
        self._add(menu, "save_as", "Save &As…", "Ctrl+Shift+S", projects.save_as)
        self._add(menu, "embed", "Embed &Master in Project", None, projects.embed_master)
        self._add(menu, "close", "&Close", "Ctrl+W", files.close)
        menu.addSeparator()
        self._add(menu, "load_mask", "Load &Mask…", "Ctrl+Shift+M", files.load_mask_dialog)
        self._add(menu, "save_mask", "Save Mask…", None, files.save_mask_dialog)
        self._add(menu, "copy", "&Copy Result", "Ctrl+C", files.copy_result)
        self._add(menu, "paste", "&Paste Image", "Ctrl+V", files.paste)
        menu.addSeparator()
        self._add(menu, "export", "&Export Restored Photo…", "Ctrl+E", lambda: files.export_dialog(False))
        self._add(
            menu,
            "export_doc",
            "Export with &Visible Restorations…",
            "Ctrl+Shift+E",
            lambda: files.export_dialog(True),
        )
        menu.addSeparator()
        self._add(menu, "quit", "&Quit", "Ctrl+Q", self.parts.quit)

    def _edit_menu(self) -> None:
        session, menu = self.parts.session, self._menu("edit", "&Edit")
        self._add(menu, "undo", "&Undo", "Ctrl+Z", session.undo)
        redo = self._add(menu, "redo", "&Redo", "Ctrl+Shift+Z", session.redo)
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        menu.addSeparator()
        self._add(menu, "invert", "&Invert Mask", "Ctrl+I", lambda: self._mask_op("invert", lambda m: ~m))
        self._add(menu, "clear", "&Clear Mask", "Delete", lambda: self._mask_op("clear", lambda m: m & False))
        self._add(menu, "grow", "&Grow Mask…", "Ctrl+Alt+G", lambda: self._ask_resize(grow=True))
        self._add(menu, "shrink", "&Shrink Mask…", "Ctrl+Alt+S", lambda: self._ask_resize(grow=False))
        if self.parts.open_preferences is not None:
            menu.addSeparator()
            self._add(menu, "preferences", "&Preferences…", "Ctrl+,", self.parts.open_preferences)

    def _view_menu(self) -> None:
        c, menu = self.parts.canvas, self._menu("view", "&View")
        zoom_in = self._add(menu, "zoom_in", "Zoom &In", "Ctrl+=", c.zoom_in)
        zoom_out = self._add(menu, "zoom_out", "Zoom &Out", "Ctrl+-", c.zoom_out)
        zoom_in.setShortcuts([QKeySequence(k) for k in ZOOM_IN_KEYS])
        zoom_out.setShortcuts([QKeySequence(k) for k in ZOOM_OUT_KEYS])
        self._add(menu, "fit", "&Fit", "Ctrl+0", c.fit)
        self._add(menu, "actual", "&100%", "Ctrl+1", lambda: c.set_zoom(1.0))
        show = self._add(menu, "toggle_mask", "Show &Mask", "M", self._toggle_mask)
        show.setCheckable(True)
        show.setChecked(c.mask_visible)
        c.maskVisibilityChanged.connect(show.setChecked)
        self._add(menu, "mask_color", "Mask &Colour…", None, self._mask_color)
        self._add(menu, "split", "Before/After &Split (Shift+move: divider)", "Ctrl+Shift+B", self._split)

    def _tools_menu(self) -> None:
        menu = self._menu("tools", "&Tools")
        for key, tool, shortcut in (
            ("brush", Tool.BRUSH, "B"),
            ("eraser", Tool.ERASER, "E"),
            ("rect", Tool.RECT, "R"),
            ("lasso", Tool.LASSO, "L"),
        ):
            self._add(menu, key, f"&{tool.value.title()}", shortcut, _tool_setter(self.parts.canvas, tool))
        self._add(menu, "swap", "Swap Brush and Eraser", "X", self.parts.canvas.swap_brush_and_eraser)
        self._add(menu, "bigger", "Bigger Brush", "]", lambda: self._brush(1.25))
        self._add(menu, "smaller", "Smaller Brush", "[", lambda: self._brush(0.8))
        self._add(menu, "harder", "Harder Brush", "Shift+]", lambda: self._hardness(0.25))
        self._add(menu, "softer", "Softer Brush", "Shift+[", lambda: self._hardness(-0.25))

    def _restore_menu(self) -> None:
        runs, menu = self.parts.runs, self._menu("restore", "&Restore")
        self._add(menu, "models", "&Models…", None, self.parts.open_models)
        restore = self._add(menu, "restore", "&Restore", "Ctrl+Enter", runs.start)
        # both keys labelled Enter (main and keypad); the menu, the README and the panel say Ctrl+Enter
        restore.setShortcuts([QKeySequence("Ctrl+Enter"), QKeySequence("Ctrl+Return")])
        self._add(menu, "cancel", "&Cancel", "Esc", runs.cancel)
        accept = self._add(menu, "accept", "&Accept", "Enter", runs.accept)
        # Enter, not Ctrl+Shift+A (Deselect in Krita and GIMP); a focused text field keeps Enter
        accept.setShortcuts([QKeySequence("Enter"), QKeySequence("Return")])
        self._add(menu, "discard", "&Discard", None, runs.discard)
        self._add(menu, "export_layers", "Export &Layers…", None, self.parts.export_layers)

    def _menu(self, key: str, title: str) -> QMenu:
        menu = self.bar.addMenu(title)
        self.menus[key] = menu
        return menu

    def insert_menu(self, key: str, title: str, before: str) -> QMenu:
        """A new menu `key` placed before menu `before` in the bar."""
        menu = QMenu(title, self.bar)
        self.bar.insertMenu(self.menus[before].menuAction(), menu)
        self.menus[key] = menu
        return menu

    def add_docks(self, docks: dict[str, QDockWidget]) -> None:
        """View ▸ one checkable entry per dock (shown or hidden), under the action key given."""
        view = self.menus["view"]
        view.addSeparator()
        for key, dock in docks.items():
            action = dock.toggleViewAction()
            view.addAction(action)
            self.actions[key] = action

    def _add(
        self, menu: QMenu, key: str, text: str, shortcut: str | None, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self.bar)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.actions[key] = action
        return action

    def refresh_recent(self) -> None:
        self.recent.clear()
        for path in prefs.recent_files():
            self.recent.addAction(path, _opener(self.parts.files, path))
        self.recent.setEnabled(not self.recent.isEmpty())

    def _mask_op(self, label: str, op: Callable[..., object]) -> None:
        doc = self.parts.session.doc
        if doc is not None:
            doc.set_mask(op(doc.mask.copy()), label)  # type: ignore[arg-type]

    def _ask_resize(self, grow: bool) -> None:
        if self.parts.session.doc is None:
            return
        pixels, ok = QInputDialog.getInt(
            self.parts.dialogs, "Grow mask" if grow else "Shrink mask", "Pixels:", 4, 1, 256
        )
        if ok:
            self.resize_mask(pixels if grow else -pixels)

    def resize_mask(self, pixels: int) -> None:
        doc = self.parts.session.doc
        if doc is None or pixels == 0:
            return
        if pixels > 0:
            doc.set_mask(grow_bits(doc.mask, pixels), f"grow {pixels}")
        else:
            doc.set_mask(~grow_bits(~doc.mask, -pixels), f"shrink {-pixels}")

    def _toggle_mask(self) -> None:
        canvas = self.parts.canvas
        canvas.set_mask_visible(not canvas.mask_visible)

    def _split(self) -> None:
        canvas = self.parts.canvas
        canvas.set_split(None if canvas.split is not None else 0.5)

    def _mask_color(self) -> None:
        r, g, b, a = self.parts.canvas.mask_rgba
        color = QColorDialog.getColor(
            QColor(r, g, b, a),
            self.parts.dialogs,
            "Mask colour",
            QColorDialog.ColorDialogOption.ShowAlphaChannel,
        )
        if color.isValid():
            rgba = (color.red(), color.green(), color.blue(), color.alpha())
            self.parts.canvas.choose_mask_color(rgba)
            prefs.MASK_COLOR.set(rgba)

    def _hardness(self, step: float) -> None:
        canvas = self.parts.canvas
        canvas.set_brush(hardness=canvas.brush_hardness + step)

    def _brush(self, factor: float) -> None:
        canvas = self.parts.canvas
        canvas.set_brush(radius=canvas.brush_radius * factor)


def _tool_setter(canvas: Canvas, tool: Tool) -> Callable[[], None]:
    return lambda: canvas.set_tool(tool)


def _opener(files: FileController, path: str) -> Callable[[], object]:
    return lambda: files.open_path(path)
