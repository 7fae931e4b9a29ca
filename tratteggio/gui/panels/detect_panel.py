"""The Detect tab: propose damage with a detector, review it, teach the detector by example, merge the
proposal into the mask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.studio.review import Review

if TYPE_CHECKING:
    from tratteggio.core.lab.detect import DetectRequest

IDLE_SUMMARY = "The proposal appears hatched yellow and dark. Click a part of it to reject it."
TEACH_TOOLS = (
    ("review", "Click away", "Click a proposed part to reject it (it also teaches: not damage)"),
    ("teach damage", "Damage", "Brush over damage the proposal misses: the detector learns it"),
    ("teach not damage", "Not damage", "Brush over what is not damage (joints, hair, drawn lines)"),
)


class DetectPanel(QWidget):
    detectRequested = Signal()
    mergeRequested = Signal()
    discardRequested = Signal()
    pickSupportRequested = Signal()
    teachToolChosen = Signal(str)  # a Tool value: review, teach damage, teach not damage
    forgetRequested = Signal()
    saveDetectorRequested = Signal(str)  # a path
    loadDetectorRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        from tratteggio.core.lab.kinds import DETECT_KINDS

        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItems(DETECT_KINDS)
        self.sensitivity = QSlider(Qt.Orientation.Horizontal)
        self.sensitivity.setRange(0, 100)
        self.sensitivity.setValue(50)
        self.sensitivity.setToolTip("Higher finds more; released, it detects again")
        self.max_width = QSpinBox()
        self.max_width.setRange(1, 30)
        self.max_width.setValue(4)
        self.min_length = QSpinBox()
        self.min_length.setRange(1, 5000)
        self.min_length.setValue(60)
        self.support: tuple[float, float, float] | None = None  # 0..1 RGB; None: estimated
        self.pick_support = QPushButton("Pick from a loss…")
        self.pick_support.setToolTip(
            "Losses show the support (plaster, paper) through: click one to take its colour"
        )
        self.support_label = QLabel("estimated")
        self.detect_button = QPushButton("Detect damage")
        self.merge_button = QPushButton("Merge into mask")
        self.discard_button = QPushButton("Discard proposal")
        self.summary = QLabel(IDLE_SUMMARY)
        self.summary.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Damage", self.kind)
        form.addRow("Sensitivity", self.sensitivity)
        form.addRow("Max width (px)", self.max_width)
        form.addRow("Min length (px)", self.min_length)
        self.straight = QCheckBox("Keep straight lines")
        self.straight.setToolTip("Cracks: straight dark lines are taken as joints or ruled lines and dropped")
        form.addRow("", self.straight)
        support = QHBoxLayout()
        support.addWidget(self.support_label, 1)
        support.addWidget(self.pick_support)
        form.addRow("Support colour", support)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.detect_button)
        layout.addWidget(self._teach_box())
        for widget in (self.merge_button, self.discard_button, self.summary):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.detect_button.clicked.connect(self.detectRequested)
        self.sensitivity.sliderReleased.connect(self.detectRequested)
        self.merge_button.clicked.connect(self.mergeRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        self.pick_support.clicked.connect(self.pickSupportRequested)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.set_has_proposal(False)
        self._kind_changed(self.kind.currentText())

    def _teach_box(self) -> QGroupBox:
        box = QGroupBox("Teach the detector (cracks, scratches)")
        self.tools = QButtonGroup(self)
        row = QHBoxLayout()
        for value, text, tip in TEACH_TOOLS:
            button = QPushButton(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setProperty("tool", value)
            self.tools.addButton(button)
            row.addWidget(button)
        self.tools.buttons()[0].setChecked(True)
        self.tools.buttonClicked.connect(lambda b: self.teachToolChosen.emit(str(b.property("tool"))))
        self.use_mask = QCheckBox("Count the painted mask as damage examples")
        self.carry = QCheckBox("Use what I taught on other photos")
        self.taught_label = QLabel("Default detector")
        files = QHBoxLayout()
        self.save_detector = QPushButton("Save detector…")
        self.load_detector = QPushButton("Load detector…")
        self.forget = QPushButton("Forget teaching")
        for button in (self.save_detector, self.load_detector, self.forget):
            files.addWidget(button)
        self.save_detector.clicked.connect(self._ask_save)
        self.load_detector.clicked.connect(self._ask_load)
        self.forget.clicked.connect(self.forgetRequested)
        column = QVBoxLayout(box)
        column.addLayout(row)
        for widget in (self.use_mask, self.carry, self.taught_label):
            column.addWidget(widget)
        column.addLayout(files)
        return box

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the taught detector", "", "Detector (*.npz)")
        if path:
            self.saveDetectorRequested.emit(path)

    def _ask_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Use a taught detector", "", "Detector (*.npz)")
        if path:
            self.loadDetectorRequested.emit(path)

    def check_tool(self, value: str) -> None:
        """Show which review tool the canvas has (any other tool: none checked)."""
        for button in self.tools.buttons():
            button.setChecked(button.property("tool") == value)

    def show_taught(self, taught: bool) -> None:
        self.taught_label.setText("Taught detector" if taught else "Default detector")

    def _kind_changed(self, kind: str) -> None:
        from tratteggio.core.lab.kinds import LINE_KINDS

        self.pick_support.setEnabled(kind == "losses")
        self.support_label.setEnabled(kind == "losses")
        for button in self.tools.buttons()[1:]:
            button.setEnabled(kind in LINE_KINDS)

    def set_support(self, rgb: tuple[float, float, float]) -> None:
        self.support = rgb
        r, g, b = (round(v * 255) for v in rgb)
        self.support_label.setText(f"RGB {r}, {g}, {b}")
        self.support_label.setStyleSheet(
            f"background: rgb({r}, {g}, {b}); color: {'black' if r + g + b > 380 else 'white'};"
        )

    def request(self) -> DetectRequest:
        from tratteggio.core.lab.detect import DetectRequest

        return DetectRequest(
            kind=self.kind.currentText(),
            sensitivity=self.sensitivity.value() / 100.0,
            max_width=self.max_width.value(),
            min_length=self.min_length.value(),
            support=self.support,
            straight=self.straight.isChecked(),
        )

    def set_has_proposal(self, has: bool) -> None:
        self.merge_button.setEnabled(has)
        self.discard_button.setEnabled(has)

    def show_summary(self, review: Review, taught: bool) -> None:
        self.set_has_proposal(True)
        self.show_taught(taught)
        self.summary.setText(review.summary())

    def reset(self) -> None:
        """A new photo: no proposal, the support colour estimated again."""
        self.set_has_proposal(False)
        self.check_tool("review")
        self.summary.setText(IDLE_SUMMARY)
        self.support = None
        self.support_label.setText("estimated")
        self.support_label.setStyleSheet("")
