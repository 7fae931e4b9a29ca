"""The Detect tab: propose damage with a detector, review it, merge it into the mask."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.lab.detect import DETECT_KINDS, DetectRequest

IDLE_SUMMARY = "The proposal appears in cyan. Click a part of it to reject it."


class DetectPanel(QWidget):
    detectRequested = Signal()
    mergeRequested = Signal()
    discardRequested = Signal()
    pickSupportRequested = Signal()

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
        support = QHBoxLayout()
        support.addWidget(self.support_label, 1)
        support.addWidget(self.pick_support)
        form.addRow("Support colour", support)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.detect_button, self.merge_button, self.discard_button, self.summary):
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

    def _kind_changed(self, kind: str) -> None:
        self.pick_support.setEnabled(kind == "losses")
        self.support_label.setEnabled(kind == "losses")

    def set_support(self, rgb: tuple[float, float, float]) -> None:
        self.support = rgb
        r, g, b = (round(v * 255) for v in rgb)
        self.support_label.setText(f"RGB {r}, {g}, {b}")
        self.support_label.setStyleSheet(
            f"background: rgb({r}, {g}, {b}); color: {'black' if r + g + b > 380 else 'white'};"
        )

    def request(self) -> DetectRequest:
        return DetectRequest(
            kind=self.kind.currentText(),
            sensitivity=self.sensitivity.value() / 100.0,
            max_width=self.max_width.value(),
            min_length=self.min_length.value(),
            support=self.support,
        )

    def set_has_proposal(self, has: bool) -> None:
        self.merge_button.setEnabled(has)
        self.discard_button.setEnabled(has)

    def show_summary(self, parts: int, fraction: float) -> None:
        self.set_has_proposal(True)
        self.summary.setText(
            f"{parts} part{'' if parts == 1 else 's'}, {fraction * 100:.2f}% of the photo. Click a part "
            "to reject it; then merge the rest into the mask."
        )

    def reset(self) -> None:
        """A new photo: no proposal, the support colour estimated again."""
        self.set_has_proposal(False)
        self.summary.setText(IDLE_SUMMARY)
        self.support = None
        self.support_label.setText("estimated")
        self.support_label.setStyleSheet("")
