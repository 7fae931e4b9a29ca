"""The Restore panel's view model: the current value of every request field, generated from the same
`Spec`s as the CLI's options (core/request.py), each value checked by its Spec as it is set.

The panel's widgets bind to it (`bind`): a widget's edit sets the field, a field set elsewhere
shows in its widget. `request()` builds the RestorationRequest a run uses: the fields of the
"diffusion" group count only when the engine is diffusion (a classical request records none of them).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from tratteggio.core.request import DIFFUSION_ENGINE, RestorationRequest, check_field, specs

DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(RestorationRequest)}


class RunSettings(QObject):
    """One object holding the run settings the studio shows, validated field by field."""

    changed = Signal(str, object)  # field name, its new value

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, Any] = dict(DEFAULTS)

    def names(self) -> tuple[str, ...]:
        return tuple(specs())

    def get(self, name: str) -> Any:
        return self._values[name]

    def set(self, name: str, value: Any) -> None:
        """Set field `name`; RequestError (naming the field) when its Spec refuses the value."""
        if name not in self._values:
            raise KeyError(name)
        check_field(name, value)
        if self._values[name] != value or type(self._values[name]) is not type(value):
            self._values[name] = value
            self.changed.emit(name, value)

    def set_engine(self, engine: str, model: str | None = None) -> None:
        """The engine, and for diffusion its model (a classical engine has none)."""
        self.set("engine", engine)
        self.set("model", model if engine == DIFFUSION_ENGINE else None)

    def request(self, candidate: int = 0) -> RestorationRequest:
        """The request the settings describe; candidate k uses seed + k, wrapping inside the range."""
        high = int(specs()["seed"].high or 0)
        seed = (self._values["seed"] + candidate) % (high + 1)
        values = self._group_values(self._values["engine"] == DIFFUSION_ENGINE)
        return RestorationRequest(**{**values, "seed": seed})

    def diffusion_request(self, model: str) -> RestorationRequest:
        """A diffusion request for `model` with these diffusion settings (the rest at their defaults)."""
        values = {**DEFAULTS, **self._group_values(True, only="diffusion")}
        return RestorationRequest(**{**values, "engine": DIFFUSION_ENGINE, "model": model})

    def _group_values(self, diffusion: bool, only: str | None = None) -> dict[str, Any]:
        """The fields of the "restore" group, and of the "diffusion" group when `diffusion`."""
        return {
            name: self._values[name]
            for name, s in specs().items()
            if (s.group == "restore" or diffusion) and only in (None, s.group)
        }


def bind(
    settings: RunSettings, name: str, widget: QWidget, edited: SignalInstance, read: Any, write: Any
) -> None:
    """Keep field `name` and `widget` equal: `edited` (the widget's signal) sets the field from
    `read()`, and a field set elsewhere is shown with `write(value)`."""
    settings.set(name, read())

    def from_widget(*_: object) -> None:
        settings.set(name, read())

    def to_widget(changed: str, value: object) -> None:
        if changed == name and read() != value:
            blocked = widget.blockSignals(True)
            write(value)
            widget.blockSignals(blocked)

    edited.connect(from_widget)
    settings.changed.connect(to_widget)


def bind_value(settings: RunSettings, name: str, widget: QSpinBox | QDoubleSpinBox) -> None:
    """A spin box bound to number field `name`."""
    bind(settings, name, widget, widget.valueChanged, widget.value, widget.setValue)


def bind_text(settings: RunSettings, name: str, widget: QLineEdit) -> None:
    """A line edit bound to text field `name`."""
    bind(settings, name, widget, widget.textChanged, widget.text, widget.setText)
