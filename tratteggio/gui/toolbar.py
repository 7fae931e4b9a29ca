"""The tool bar: the current tool, and the brush's size and hardness as numbers one can type."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

from tratteggio.gui.canvas import Canvas
from tratteggio.gui.tools import Tool

TOOLS = (
    (Tool.BRUSH, "Brush", "B; X swaps with the eraser; Shift+drag sizes it"),
    (Tool.ERASER, "Eraser", "E; X swaps with the brush; Shift+drag sizes it"),
    (Tool.RECT, "Rectangle", "R; Ctrl+drag or Alt+drag erases"),
    (Tool.LASSO, "Lasso", "L; Ctrl+drag or Alt+drag erases"),
)
COMPARE_TIP = "Hold \\ or O over the canvas to compare with the original"


class ToolBar(QToolBar):
    def __init__(self, canvas: Canvas, parent: QWidget | None = None) -> None:
        super().__init__("Tools", parent)
        self.setObjectName("Tools")
        self.canvas = canvas
        self.group = QActionGroup(self)
        self.actions_by_tool: dict[Tool, QAction] = {}
        for tool, name, key in TOOLS:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setToolTip(f"{name} ({key}). {COMPARE_TIP}")
            action.triggered.connect(lambda _=False, t=tool: canvas.set_tool(t))
            self.group.addAction(action)
            self.addAction(action)
            self.actions_by_tool[tool] = action
        self.addSeparator()
        self.radius_box = QSpinBox()
        self.radius_box.setRange(1, 500)
        self.radius_box.setSuffix(" px")
        self.radius_box.setToolTip("Brush radius ([ and ])")
        self.hardness_box = QDoubleSpinBox()
        self.hardness_box.setRange(0, 100)
        self.hardness_box.setDecimals(0)
        self.hardness_box.setSingleStep(25)
        self.hardness_box.setSuffix(" %")
        self.hardness_box.setToolTip(
            "Brush hardness: 100% a hard edge, less a soft one (Shift+[ and Shift+])"
        )
        self.mode = QLabel("")
        for label, widget in (("Size", self.radius_box), ("Hardness", self.hardness_box)):
            self.addWidget(QLabel(f" {label} "))
            self.addWidget(widget)
        self.addSeparator()
        self.addWidget(self.mode)
        self.radius_box.valueChanged.connect(lambda v: canvas.set_brush(radius=float(v)))
        self.hardness_box.valueChanged.connect(lambda v: canvas.set_brush(hardness=v / 100.0))
        canvas.toolChanged.connect(self.show_tool)
        canvas.brushChanged.connect(self.show_brush)
        self.show_tool(canvas.tool)
        self.show_brush(canvas.brush_radius, canvas.brush_hardness)

    def show_tool(self, tool: Tool) -> None:
        action = self.actions_by_tool.get(tool)
        if action is not None:
            action.setChecked(True)
        notes = {
            Tool.PICK: "Click the photo to pick a colour",
            Tool.REVIEW: "Click a proposed part to reject it",
        }
        self.mode.setText(notes.get(tool, ""))

    def show_brush(self, radius: float, hardness: float) -> None:
        for box, value in ((self.radius_box, round(radius)), (self.hardness_box, round(hardness * 100))):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
