"""The restore panel: engine and model, prompts, steps, guidance, strength, seed, context, blend,
candidates; Restore and Cancel. It builds the RestorationRequest; it runs nothing itself."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.models import CATALOG
from tratteggio.core.request import CLASSICAL_ENGINES, RestorationRequest

CLASSICAL_LABELS = {
    "hybrid": "Hybrid — thin cracks, the default (classical)",
    "biharmonic": "Biharmonic — smooth (classical)",
    "telea": "Telea — fast (classical)",
    "navier-stokes": "Navier-Stokes (classical)",
}


class RestorePanel(QWidget):
    restoreRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = QComboBox()
        for name in CLASSICAL_ENGINES:
            self.engine.addItem(CLASSICAL_LABELS[name], ("classical", name))
        for entry in CATALOG:
            self.engine.addItem(f"Diffusion — {entry.id}", ("diffusion", entry.id))
        add_model = QPushButton("Models…")
        add_model.setToolTip("The catalog, downloads, and local diffusers folders or .safetensors files")
        add_model.clicked.connect(self.open_model_manager)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("what the restored area shows, e.g. plaster, sky, fresco")
        self.negative = QLineEdit()
        self.steps = _spin(1, 200, 20)
        self.guidance = _dspin(0.0, 30.0, 7.5, 0.5)
        self.strength = _dspin(0.05, 1.0, 1.0, 0.05)
        self.seed = _spin(0, 2**31 - 1, 0)
        self.random_seed = QCheckBox("random")
        reroll = QPushButton("Re-roll")
        reroll.clicked.connect(self.reroll)
        self.padding = _spin(0, 2048, 32)
        self.blend = _spin(0, 256, 4)
        self.candidates = _spin(1, 8, 1)
        self.restore_button = QPushButton("Restore  (Ctrl+Enter)")
        self.restore_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel  (Esc)")
        self.cancel_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restoreRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        form = QFormLayout()
        form.addRow("Engine", _row(self.engine, add_model))
        form.addRow("Prompt", self.prompt)
        form.addRow("Negative", self.negative)
        form.addRow("Steps", self.steps)
        form.addRow("Guidance", self.guidance)
        form.addRow("Strength", self.strength)
        form.addRow("Seed", _row(self.seed, self.random_seed, reroll))
        form.addRow("Context (px)", self.padding)
        form.addRow("Blend (px)", self.blend)
        form.addRow("Candidates", self.candidates)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self._diffusion_widgets = [self.prompt, self.negative, self.steps, self.guidance, self.strength]
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self._engine_changed()

    def _engine_changed(self) -> None:
        diffusion = self.engine.currentData()[0] == "diffusion"
        for widget in self._diffusion_widgets:
            widget.setEnabled(diffusion)

    def open_model_manager(self) -> None:
        from tratteggio.gui.model_manager import ModelManager

        self.manager = ModelManager(self)
        self.manager.modelChosen.connect(self.add_model)
        self.manager.show()

    def add_model(self, location: str) -> None:
        index = self.engine.findData(("diffusion", location))
        if index < 0:
            self.engine.addItem(f"Diffusion — {location}", ("diffusion", location))
            index = self.engine.count() - 1
        self.engine.setCurrentIndex(index)

    def prepare_run(self) -> None:
        """Called as a run starts: a random seed is drawn anew each time."""
        if self.random_seed.isChecked():
            self.reroll()

    def reroll(self) -> None:
        self.seed.setValue(random.randrange(0, 2**31 - 1))

    def set_running(self, running: bool) -> None:
        self.restore_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def request(self, candidate: int = 0) -> RestorationRequest:
        """The request the panel describes; candidate k uses seed + k."""
        kind, name = self.engine.currentData()
        base = RestorationRequest(
            engine=name if kind == "classical" else "biharmonic",
            seed=self.seed.value() + candidate,
            padding=self.padding.value(),
            blend=self.blend.value(),
        )
        if kind == "classical":
            return base
        return base.replace(
            engine="diffusion",
            model=name,
            prompt=self.prompt.text(),
            negative_prompt=self.negative.text(),
            steps=self.steps.value(),
            guidance=self.guidance.value(),
            strength=self.strength.value(),
        )

    def select_engine(self, engine: str, model: str | None) -> None:
        key = ("classical", engine) if engine != "diffusion" else ("diffusion", model)
        index = self.engine.findData(key)
        if index < 0 and model and Path(model).expanduser().exists():  # a local model still there
            self.add_model(model)
        elif index >= 0:
            self.engine.setCurrentIndex(index)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _dspin(low: float, high: float, value: float, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
