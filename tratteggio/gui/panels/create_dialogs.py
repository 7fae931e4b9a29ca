"""Dialogs for pictures made in the studio: Extend Canvas (pixels on each side, a prompt) and New
from Prompt (prompt, size, steps, seed), each with the diffusion model to use (the downloaded ones;
the Restore panel's model first). The other settings come from the Restore panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

if TYPE_CHECKING:
    from tratteggio.core.pipeline.extend import Margins


def _spin(low: int, high: int, value: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _models(models: list[str], current: str | None) -> QComboBox:
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    for model in models:
        box.addItem(model, model)
    if current in models:
        box.setCurrentIndex(models.index(current))
    return box


def _buttons(dialog: QDialog, form: QFormLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)


class ExtendDialog(QDialog):
    def __init__(
        self, parent: QWidget | None = None, models: list[str] | None = None, current: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Extend canvas")
        self.model = _models(models or [], current)
        self.sides = {side: _spin(0, 8192, 0, 16) for side in ("left", "top", "right", "bottom")}
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("what the new area shows (optional)")
        form = QFormLayout(self)
        for side, box in self.sides.items():
            form.addRow(f"{side.title()} (px)", box)
        form.addRow("Prompt", self.prompt)
        form.addRow("Model", self.model)
        _buttons(self, form)

    def margins(self) -> Margins:
        from tratteggio.core.pipeline.extend import Margins

        return Margins(**{side: box.value() for side, box in self.sides.items()})


@dataclass(frozen=True)
class PromptValues:
    prompt: str
    negative: str
    size: tuple[int, int]
    steps: int
    seed: int
    model: str | None = None  # None: the Restore panel's


class PromptDialog(QDialog):
    def __init__(
        self, parent: QWidget | None = None, models: list[str] | None = None, current: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New from prompt")
        self.model = _models(models or [], current)
        self.prompt = QLineEdit("a city in the sky")
        self.negative = QLineEdit()
        self.width_box, self.height_box = _spin(64, 4096, 512, 16), _spin(64, 4096, 512, 16)
        self.steps, self.seed = _spin(1, 1000, 30), _spin(0, 2**31 - 1, 0)
        form = QFormLayout(self)
        form.addRow("Prompt", self.prompt)
        form.addRow("Negative prompt", self.negative)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow("Steps", self.steps)
        form.addRow("Seed", self.seed)
        form.addRow("Model", self.model)
        _buttons(self, form)

    def values(self) -> PromptValues:
        return PromptValues(
            self.prompt.text(),
            self.negative.text(),
            (self.width_box.value(), self.height_box.value()),
            self.steps.value(),
            self.seed.value(),
            self.model.currentData(),
        )
