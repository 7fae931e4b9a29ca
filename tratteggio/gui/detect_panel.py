"""The Detect tab: propose damage with a classical detector, review it, merge it into the mask."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.detect import DETECT_KINDS, DetectRequest


class DetectPanel(QWidget):
    detectRequested = Signal()
    mergeRequested = Signal()
    discardRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
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
        self.detect_button = QPushButton("Detect damage")
        self.merge_button = QPushButton("Merge into mask")
        self.discard_button = QPushButton("Discard proposal")
        self.summary = QLabel("The proposal appears in cyan. Click a part of it to reject it.")
        self.summary.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Damage", self.kind)
        form.addRow("Sensitivity", self.sensitivity)
        form.addRow("Max width (px)", self.max_width)
        form.addRow("Min length (px)", self.min_length)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.detect_button, self.merge_button, self.discard_button, self.summary):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.detect_button.clicked.connect(self.detectRequested)
        self.sensitivity.sliderReleased.connect(self.detectRequested)
        self.merge_button.clicked.connect(self.mergeRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        self.set_has_proposal(False)

    def request(self) -> DetectRequest:
        return DetectRequest(
            kind=self.kind.currentText(),
            sensitivity=self.sensitivity.value() / 100.0,
            max_width=self.max_width.value(),
            min_length=self.min_length.value(),
        )

    def set_has_proposal(self, has: bool) -> None:
        self.merge_button.setEnabled(has)
        self.discard_button.setEnabled(has)
