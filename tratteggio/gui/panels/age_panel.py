"""The Age tab (for teaching and testing): damage the open photo synthetically, restore it, and
compare the restoration with the original it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from tratteggio.core.lab.aging import AgingRequest


IDLE_TEXT = "Age a photo, restore it with its true mask, then compare."


class AgePanel(QWidget):
    ageRequested = Signal()
    compareRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from tratteggio.core.lab.kinds import AGING_KINDS, DEFAULT_AGING_KINDS

        super().__init__(parent)
        self.kinds = {kind: QCheckBox(kind) for kind in AGING_KINDS}
        for kind, box in self.kinds.items():
            box.setChecked(kind in DEFAULT_AGING_KINDS)
        self.severity = QSlider(Qt.Orientation.Horizontal)
        self.severity.setRange(0, 100)
        self.severity.setValue(50)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.age_button = QPushButton("Age this photo")
        self.compare_button = QPushButton("Compare with original")
        self.compare_button.setEnabled(False)
        self.figures = QLabel(IDLE_TEXT)
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        for box in self.kinds.values():
            layout.addWidget(box)
        form = QFormLayout()
        form.addRow("Severity", self.severity)
        form.addRow("Seed", self.seed)
        layout.addLayout(form)
        layout.addWidget(self.age_button)
        layout.addWidget(self.compare_button)
        layout.addWidget(self.figures)
        layout.addStretch(1)
        self.age_button.clicked.connect(self.ageRequested)
        self.compare_button.clicked.connect(self.compareRequested)

    def request(self) -> AgingRequest:
        from tratteggio.core.lab.aging import DEFAULT_KINDS, AgingRequest

        kinds = tuple(kind for kind, box in self.kinds.items() if box.isChecked())
        return AgingRequest(
            kinds=kinds or DEFAULT_KINDS, severity=self.severity.value() / 100.0, seed=self.seed.value()
        )

    def reset(self, aged: bool) -> None:
        """A new document: Compare works only on a photo aged here (it knows the original)."""
        self.figures.setText(IDLE_TEXT)
        self.compare_button.setEnabled(aged)
