"""Menus and shortcuts of the studio window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMenu

from tratteggio.core.mask import grow_bits
from tratteggio.gui import settings as prefs
from tratteggio.gui.canvas import Tool

if TYPE_CHECKING:
    from tratteggio.gui.main_window import MainWindow


class Menus:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.actions: dict[str, QAction] = {}
        bar = window.menuBar()
        w = window
        file = bar.addMenu("&File")
        self._add(file, "open", "&Open…", "Ctrl+O", w.open_dialog)
        self.recent = file.addMenu("Open &Recent")
        self._add(file, "load_mask", "Load &Mask…", "Ctrl+Shift+M", w.load_mask_dialog)
        self._add(file, "paste", "&Paste Image", "Ctrl+V", w.paste)
        file.addSeparator()
        self._add(file, "export", "&Export Restored Photo…", "Ctrl+E", lambda: w.export_dialog(False))
        self._add(
            file,
            "export_doc",
            "Export with &Visible Restorations…",
            "Ctrl+Shift+E",
            lambda: w.export_dialog(True),
        )
        file.addSeparator()
        self._add(file, "quit", "&Quit", "Ctrl+Q", w.close)
        edit = bar.addMenu("&Edit")
        self._add(edit, "undo", "&Undo", "Ctrl+Z", lambda: w.doc and w.doc.undo())
        self._add(edit, "redo", "&Redo", "Ctrl+Shift+Z", lambda: w.doc and w.doc.redo())
        edit.addSeparator()
        self._add(edit, "invert", "&Invert Mask", "Ctrl+I", lambda: self._mask_op("invert", lambda m: ~m))
        self._add(edit, "clear", "&Clear Mask", "Delete", lambda: self._mask_op("clear", lambda m: m & False))
        self._add(edit, "grow", "&Grow Mask…", "Ctrl+Alt+G", lambda: self._resize_mask(grow=True))
        self._add(edit, "shrink", "&Shrink Mask…", "Ctrl+Alt+S", lambda: self._resize_mask(grow=False))
        view = bar.addMenu("&View")
        c = w.canvas
        self._add(view, "zoom_in", "Zoom &In", "Ctrl+=", lambda: c.set_zoom(c.zoom * 1.25))
        self._add(view, "zoom_out", "Zoom &Out", "Ctrl+-", lambda: c.set_zoom(c.zoom / 1.25))
        self._add(view, "fit", "&Fit", "Ctrl+0", c.fit)
        self._add(view, "actual", "&100%", "Ctrl+1", lambda: c.set_zoom(1.0))
        self._add(view, "toggle_mask", "Show &Mask", "M", self._toggle_mask)
        self._add(view, "mask_color", "Mask &Colour…", None, self._mask_color)
        self._add(view, "split", "Before/After &Split (Shift+move: divider)", "Ctrl+Shift+S", self._split)
        tools = bar.addMenu("&Tools")
        for key, tool, shortcut in (
            ("brush", Tool.BRUSH, "B"),
            ("eraser", Tool.ERASER, "E"),
            ("rect", Tool.RECT, "R"),
            ("lasso", Tool.LASSO, "L"),
        ):
            self._add(tools, key, f"&{tool.value.title()}", shortcut, _tool_setter(w, tool))
        self._add(tools, "bigger", "Bigger Brush", "]", lambda: self._brush(1.25))
        self._add(tools, "smaller", "Smaller Brush", "[", lambda: self._brush(0.8))
        self._add(tools, "harder", "Harder Brush", "Shift+]", lambda: self._hardness(0.25))
        self._add(tools, "softer", "Softer Brush", "Shift+[", lambda: self._hardness(-0.25))
        run = bar.addMenu("&Restore")
        self._add(run, "models", "&Models…", None, w.panel.open_model_manager)
        self._add(run, "restore", "&Restore", "Ctrl+Return", w.controller.start)
        self._add(run, "cancel", "&Cancel", "Esc", w.controller.cancel)
        self._add(run, "accept", "&Accept", "Ctrl+Shift+A", w.controller.accept)
        self._add(run, "discard", "&Discard", None, w.controller.discard)
        self.refresh_recent()

    def _add(
        self, menu: QMenu, key: str, text: str, shortcut: str | None, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.actions[key] = action
        return action

    def refresh_recent(self) -> None:
        self.recent.clear()
        for path in prefs.recent_files():
            self.recent.addAction(path, _opener(self.window, path))
        self.recent.setEnabled(not self.recent.isEmpty())

    def _mask_op(self, label: str, op: Callable[..., object]) -> None:
        doc = self.window.doc
        if doc is not None:
            doc.set_mask(op(doc.mask.copy()), label)  # type: ignore[arg-type]

    def _resize_mask(self, grow: bool) -> None:
        if self.window.doc is None:
            return
        pixels, ok = QInputDialog.getInt(
            self.window, "Grow mask" if grow else "Shrink mask", "Pixels:", 4, 1, 256
        )
        if ok:
            self.resize_mask(pixels if grow else -pixels)

    def resize_mask(self, pixels: int) -> None:
        doc = self.window.doc
        if doc is None or pixels == 0:
            return
        if pixels > 0:
            doc.set_mask(grow_bits(doc.mask, pixels), f"grow {pixels}")
        else:
            doc.set_mask(~grow_bits(~doc.mask, -pixels), f"shrink {-pixels}")

    def _toggle_mask(self) -> None:
        self.window.canvas.mask_visible = not self.window.canvas.mask_visible
        self.window.canvas.update()

    def _split(self) -> None:
        canvas = self.window.canvas
        canvas.split = None if canvas.split is not None else 0.5
        canvas.update()

    def _mask_color(self) -> None:
        r, g, b, a = self.window.canvas.mask_rgba
        color = QColorDialog.getColor(
            QColor(r, g, b, a), self.window, "Mask colour", QColorDialog.ColorDialogOption.ShowAlphaChannel
        )
        if color.isValid():
            self.window.canvas.set_mask_color((color.red(), color.green(), color.blue(), color.alpha()))

    def _hardness(self, step: float) -> None:
        canvas = self.window.canvas
        canvas.brush_hardness = float(min(1.0, max(0.0, canvas.brush_hardness + step)))
        canvas.update()
        self.window.statusBar().showMessage(f"Brush hardness {canvas.brush_hardness * 100:.0f}%", 2000)

    def _brush(self, factor: float) -> None:
        canvas = self.window.canvas
        canvas.brush_radius = float(min(500.0, max(1.0, canvas.brush_radius * factor)))
        canvas.update()
        self.window.statusBar().showMessage(f"Brush radius {canvas.brush_radius:.0f} px", 2000)


def _tool_setter(window: MainWindow, tool: Tool) -> Callable[[], None]:
    return lambda: window.set_tool(tool)


def _opener(window: MainWindow, path: str) -> Callable[[], object]:
    return lambda: window.open_path(path)


def build_menus(window: MainWindow) -> Menus:
    return Menus(window)
