"""The Revive Colours dialog: which reference (the photo alone, a gray point, a white region), how
strong, before/after; Apply or Cancel. It shows state and says what the user asks; the controller
does the work."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

HINTS = {
    "auto": "Estimated from the photo alone.",
    "neutral": "Click a point you know was gray (a shadow of a white wall, a gray card).",
    "white": "Click two corners of a region you know was white (a margin, a label, a chart patch).",
    "chart": "An X-Rite ColorChecker Classic 24 in the frame: the colours are fitted to its published "
    "patches (outlined on the photo when found).",
}
MIN_WIDTH = 480  # wide enough for the title and a parameter line of two rows


class ReviveDialog(QDialog):
    referenceChanged = Signal(str)
    pickRequested = Signal()
    strengthChanged = Signal(float)
    splitToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        from tratteggio.core.color.estimate import REFERENCES

        super().__init__(parent)
        self.setWindowTitle("Revive colours")
        self.setModal(False)
        self.setMinimumWidth(max(MIN_WIDTH, self.fontMetrics().horizontalAdvance("Revive colours") + 160))
        self.choices = QButtonGroup(self)
        labels = {
            "auto": "From the photo",
            "neutral": "A point that was gray",
            "white": "A region that was white",
            "chart": "Calibrate from the colour chart",
        }
        layout = QVBoxLayout(self)
        for index, name in enumerate(REFERENCES):
            button = QRadioButton(labels[name])
            button.setChecked(name == "auto")
            self.choices.addButton(button, index)
            layout.addWidget(button)
        self.pick_button = QPushButton("Pick on the photo")
        self.pick_button.setEnabled(False)
        self.hint = QLabel(HINTS["auto"])
        self.hint.setWordWrap(True)
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(0, 100)
        self.strength.setValue(100)
        self.split = QCheckBox("Before / after split")
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Strength", self.strength)
        layout.addWidget(self.pick_button)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.split)
        layout.addWidget(self.figures)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        layout.addWidget(self.buttons)
        self.choices.idClicked.connect(lambda index: self._chosen(REFERENCES[index]))
        self.pick_button.clicked.connect(self.pickRequested)
        self.strength.valueChanged.connect(lambda value: self.strengthChanged.emit(value / 100.0))
        self.split.toggled.connect(self.splitToggled)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def reference(self) -> str:
        from tratteggio.core.color.estimate import REFERENCES

        return REFERENCES[max(0, self.choices.checkedId())]

    def _chosen(self, name: str) -> None:
        self.pick_button.setEnabled(name in ("neutral", "white"))
        self.hint.setText(HINTS[name])
        self.referenceChanged.emit(name)

    def reset(self) -> None:
        self.choices.button(0).setChecked(True)
        self._chosen("auto")
        self.strength.blockSignals(True)
        self.strength.setValue(100)
        self.strength.blockSignals(False)
        self.split.setChecked(False)
        self.figures.setText("")
        self.apply_button.setEnabled(False)
