"""The restore panel: engine and model, prompts, steps, guidance, strength, seed, context, blend,
candidates; Restore and Cancel. It builds the RestorationRequest; it runs nothing itself."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.engine_catalog import BY_NAME, CLASSICAL_ENGINES, SEEDED_ENGINES
from tratteggio.core.engines.hub import cached_model_ids
from tratteggio.core.engines.models import CATALOG
from tratteggio.core.request import RestorationRequest, spec
from tratteggio.gui.run_settings import RunSettings, bind, bind_text, bind_value

NOT_DOWNLOADED = " (not downloaded)"
DETERMINISTIC_TIP = "{engine} is deterministic: every seed and candidate gives the same pixels"


class RestorePanel(QWidget):
    restoreRequested = Signal()
    cancelRequested = Signal()
    modelsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = QComboBox()
        # long model ids must not widen the side panel: the list pops up at full width anyway
        self.engine.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.engine.setMinimumContentsLength(16)
        for name in CLASSICAL_ENGINES:
            self.engine.addItem(BY_NAME[name].label, ("classical", name))
            self.engine.setItemData(self.engine.count() - 1, BY_NAME[name].tip, Qt.ItemDataRole.ToolTipRole)
        for entry in CATALOG:
            self.engine.addItem(f"Diffusion — {entry.id}", ("diffusion", entry.id))
        self._have: set[str] = set()
        self.mark_downloads()
        add_model = QPushButton("Models…")
        add_model.setToolTip("The catalog, downloads, and local diffusers folders or .safetensors files")
        add_model.clicked.connect(self.modelsRequested)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("what the restored area shows, e.g. plaster, sky, fresco")
        self.negative = QLineEdit()
        self.steps = int_spin("steps")
        self.guidance = float_spin("guidance", step=0.5)
        self.strength = float_spin("strength", step=0.05)
        self.seed = SeedBox()
        self.random_seed = QCheckBox("random")
        self.reroll_button = reroll = QPushButton("Re-roll")
        reroll.clicked.connect(self.reroll)
        self.padding = int_spin("padding")
        self.blend = int_spin("blend")
        self.candidates = QSpinBox()
        self.candidates.setRange(1, 8)
        self.candidates.setToolTip("Runs with seeds seed, seed + 1, …: pick one afterwards")
        self.random_seed.setToolTip("Draw a new seed for every run")
        reroll.setToolTip("Draw a new random seed")
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
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setVisible(False)
        layout.addWidget(self.advice)
        layout.addStretch(1)
        self._diffusion_widgets = [self.prompt, self.negative, self.steps, self.guidance, self.strength]
        self._seed_widgets: list[QWidget] = [self.seed, self.random_seed, reroll, self.candidates]
        self._seed_tips = {id(w): w.toolTip() for w in self._seed_widgets}
        self.engine.setCurrentIndex(CLASSICAL_ENGINES.index(_DEFAULTS["engine"]))
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self._engine_changed()
        self.settings = RunSettings(self)
        self._bind()

    def _bind(self) -> None:
        """The widgets show and set the run settings (the model a run's request is built from)."""
        settings = self.settings
        for name, box in (("steps", self.steps), ("guidance", self.guidance), ("strength", self.strength)):
            bind_value(settings, name, box)
        bind_value(settings, "padding", self.padding)
        bind_value(settings, "blend", self.blend)
        bind_text(settings, "prompt", self.prompt)
        bind_text(settings, "negative_prompt", self.negative)
        bind(settings, "seed", self.seed, self.seed.textChanged, self.seed.value, self.seed.setValue)
        self.engine.currentIndexChanged.connect(self._engine_chosen)
        self._engine_chosen()

    def _engine_chosen(self) -> None:
        kind, name = self.engine.currentData()
        self.settings.set_engine(name if kind == "classical" else "diffusion", name)

    def _engine_changed(self) -> None:
        kind, name = self.engine.currentData()
        diffusion = kind == "diffusion"
        for widget in self._diffusion_widgets:
            widget.setEnabled(diffusion)
        self.engine.setToolTip(BY_NAME["diffusion" if diffusion else name].tip if name else "")
        seeded = diffusion or name in SEEDED_ENGINES
        for widget in self._seed_widgets:  # a seed only matters where there is randomness
            widget.setEnabled(seeded)
            tip = self._seed_tips[id(widget)] if seeded else DETERMINISTIC_TIP.format(engine=name)
            widget.setToolTip(tip)

    def deterministic(self) -> bool:
        """The chosen engine gives the same pixels whatever the seed (classical ones but PatchMatch's)."""
        kind, name = self.engine.currentData()
        return bool(kind == "classical" and name not in SEEDED_ENGINES)

    def candidate_count(self) -> int:
        """How many candidates a run makes: one for a deterministic engine, whatever the box says."""
        return 1 if self.deterministic() else self.candidates.value()

    def add_model(self, location: str) -> None:
        index = self._find(("diffusion", location))
        if index < 0:
            self.engine.addItem(f"Diffusion — {location}", ("diffusion", location))
            index = self.engine.count() - 1
        self.engine.setCurrentIndex(index)

    def choose(self, values: Mapping[str, Any]) -> None:
        """Set the engine and the fields of `values` (request fields, as `tratteggio open` gives)."""
        if values.get("model"):
            self.add_model(str(values["model"]))
        elif values.get("engine") not in (None, "diffusion"):
            self.select_engine(str(values["engine"]), None)
        spins: dict[str, Any] = {"steps": self.steps, "guidance": self.guidance, "strength": self.strength}
        spins.update({"seed": self.seed, "padding": self.padding, "blend": self.blend})
        for name, widget in spins.items():
            if name in values:
                widget.setValue(values[name])
        if "prompt" in values:
            self.prompt.setText(str(values["prompt"]))
        if "negative_prompt" in values:
            self.negative.setText(str(values["negative_prompt"]))

    def prepare_run(self) -> None:
        """Called as a run starts: a random seed is drawn anew each time."""
        if self.random_seed.isChecked():
            self.reroll()

    def reroll(self) -> None:
        self.seed.setValue(random.randrange(0, int(spec("seed").high or 0)))

    def set_advice(self, text: str) -> None:
        """What the mask holds and how the chosen engine suits it, said before a run."""
        self.advice.setText(text)
        self.advice.setVisible(bool(text))

    def set_running(self, running: bool) -> None:
        self.restore_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def request(self, candidate: int = 0) -> RestorationRequest:
        """The request the panel describes (its run settings); candidate k uses seed + k."""
        return self.settings.request(candidate)

    def diffusion_request(self, model: str) -> RestorationRequest:
        """A diffusion request for `model` with the panel's prompts and settings."""
        return self.settings.diffusion_request(model)

    def mark_downloads(self) -> None:
        """Label each catalog model the hub cache lacks "(not downloaded)" (after each download too)."""
        self._have = cached_model_ids()
        for index in range(self.engine.count()):
            kind, name = self.engine.itemData(index)
            if kind == "diffusion":
                missing = "" if self.downloaded(name) else NOT_DOWNLOADED
                self.engine.setItemText(index, f"Diffusion — {name}{missing}")

    def downloaded(self, model: str) -> bool:
        """A hub model in the cache, or a local folder or file that is still there."""
        if any(entry.id == model for entry in CATALOG):
            return model in self._have
        return model in self._have or Path(model).expanduser().exists()

    def diffusion_models(self) -> list[str]:
        """Every diffusion model the engine list holds: the catalog and the folders and files added."""
        return [
            name
            for kind, name in map(tuple, (self.engine.itemData(i) for i in range(self.engine.count())))
            if kind == "diffusion"
        ]

    def _find(self, key: tuple[str, str | None]) -> int:
        """The index of an engine entry (findData does not compare Python tuples by value)."""
        return next((i for i in range(self.engine.count()) if tuple(self.engine.itemData(i)) == key), -1)

    def select_engine(self, engine: str, model: str | None) -> None:
        key = ("classical", engine) if engine != "diffusion" else ("diffusion", model)
        index = self._find(key)
        if index < 0 and model and Path(model).expanduser().exists():  # a local model still there
            self.add_model(model)
        elif index >= 0:
            self.engine.setCurrentIndex(index)


def int_spin(name: str) -> QSpinBox:
    """A spin box with the range, default and help of integer request field `name` (one schema)."""
    s, box = spec(name), QSpinBox()
    box.setRange(int(s.low or 0), int(s.high or 0))
    box.setValue(int(_DEFAULTS[name]))
    box.setToolTip(s.help)
    return box


def float_spin(name: str, step: float) -> QDoubleSpinBox:
    """The same for a float field; an open lower bound starts one step above it."""
    s, box = spec(name), QDoubleSpinBox()
    box.setRange(float(s.low or 0.0) + (step if s.low_open else 0.0), float(s.high or 0.0))
    box.setSingleStep(step)
    box.setValue(float(_DEFAULTS[name]))
    box.setToolTip(s.help)
    return box


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(RestorationRequest)}


class SeedBox(QLineEdit):
    """The seed: QSpinBox stops at 2^31, the schema allows up to 2^63 - 1."""

    def __init__(self) -> None:
        super().__init__("0")
        s = spec("seed")
        from PySide6.QtGui import QRegularExpressionValidator

        self.setValidator(QRegularExpressionValidator(r"\d{1,19}"))
        self.high = int(s.high or 0)
        self.setToolTip(s.help)

    def value(self) -> int:
        text = self.text().strip()
        return min(int(text), self.high) if text else 0

    def setValue(self, value: int) -> None:  # noqa: N802 (Qt naming, like the spin boxes)
        self.setText(str(int(value)))


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
