"""The layers of time: a strip with one thumbnail per step, from before the run to the final fill.

A slider scrubs through them (the canvas shows that step), Play animates them, Export writes the
sequence. With several candidates, a chooser picks which one the strip shows and Accept takes.
The widget draws its model, `LayerStack` (gui/layer_stack.py), which the controllers change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.geometry import Box
from tratteggio.gui.imageconv import to_qimage
from tratteggio.gui.layer_stack import IDLE_TITLE, LayerActions, LayerStack
from tratteggio.gui.layer_stack import layer_labels as layer_labels  # where controllers find it
from tratteggio.gui.layers_owner import LayersOwner

if TYPE_CHECKING:
    from tratteggio.core.pipeline.restore import StepPreview

THUMB = 96


def layers_at(previews: Sequence[StepPreview], index: int) -> list[tuple[Box, np.ndarray]]:
    """What the canvas shows at timeline position `index` (0 = before the run)."""
    latest: dict[int, StepPreview] = {}
    for preview in previews[:index]:
        latest[preview.region] = preview
    return [(p.box, p.pixels) for p in latest.values()]


def thumbnails(source: np.ndarray, previews: Sequence[StepPreview]) -> list[np.ndarray]:
    """The strip's pictures; safe to compute on the worker thread (numpy only)."""
    from tratteggio.core.pipeline.layers import frames

    return list(frames(source, previews, max_side=THUMB * 2))


class Timeline(QWidget):
    """The strip, the slider and the buttons, drawn from the `LayerStack` model (`self.model`)."""

    stepSelected = Signal(int)  # timeline position, 0 = before
    candidateChanged = Signal(int)
    acceptRequested = Signal()
    discardRequested = Signal()
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model = LayerStack(self)
        self._shown: tuple[np.ndarray, ...] = ()  # the pictures the strip holds
        self.title = QLabel(IDLE_TITLE)
        self.candidates = QComboBox()
        self.candidates.setVisible(False)
        self.play_button = QPushButton("▶ Play")
        self.export_button = QPushButton("Export layers…")
        self.accept_button = QPushButton("Accept")
        self.discard_button = QPushButton("Discard")
        self.strip = QListWidget()
        self.strip.setViewMode(QListWidget.ViewMode.IconMode)
        self.strip.setFlow(QListWidget.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(QSize(THUMB, THUMB))
        self.strip.setFixedHeight(THUMB + 44)
        self.strip.setMovement(QListWidget.Movement.Static)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.candidates)
        header.addStretch(1)
        for button in (self.play_button, self.export_button, self.accept_button, self.discard_button):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addLayout(header)
        layout.addWidget(self.strip)
        layout.addWidget(self.slider)
        self._timer = QTimer(self)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._advance)
        self.slider.valueChanged.connect(model.set_position)
        self.strip.currentRowChanged.connect(self._row_chosen)
        self.play_button.clicked.connect(self.play)
        self.accept_button.clicked.connect(self.acceptRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        self.export_button.clicked.connect(self.exportRequested)
        self.candidates.currentIndexChanged.connect(model.choose_candidate)
        model.changed.connect(self._redraw)
        model.positionChanged.connect(self._moved)
        model.candidatesChanged.connect(self._list_candidates)
        model.candidateChanged.connect(self.candidateChanged)
        self._redraw()

    @property
    def owner(self) -> LayersOwner:
        """Which controller's layers the strip shows (the model's `owner`); NONE when idle."""
        return self.model.owner

    def clear(self) -> None:
        self.model.clear()

    # -- drawing the model ---------------------------------------------------------------------
    def _redraw(self) -> None:
        model = self.model
        if not model.pictures:
            self._timer.stop()
        if model.pictures is not self._shown:
            self._shown = model.pictures
            self.strip.blockSignals(True)
            self.strip.clear()
            for picture, label in zip(model.pictures, model.labels, strict=True):
                pixmap = QPixmap.fromImage(to_qimage(picture))
                icon = QIcon(pixmap)
                icon.addPixmap(pixmap, QIcon.Mode.Selected)  # no highlight tint over the picture
                self.strip.addItem(QListWidgetItem(icon, label))
            self.strip.blockSignals(False)
        self.title.setText(model.title)
        self.slider.blockSignals(True)
        self.slider.setRange(0, model.last)
        self.slider.blockSignals(False)
        self._show_position(model.position)
        playable = model.actions != LayerActions.NONE
        self.play_button.setEnabled(playable)
        for button in (self.export_button, self.accept_button, self.discard_button):
            button.setEnabled(model.actions == LayerActions.ALL)

    def _moved(self, position: int) -> None:
        self._show_position(position)
        self.stepSelected.emit(position)

    def _show_position(self, position: int) -> None:
        if self.slider.value() != position:
            self.slider.blockSignals(True)
            self.slider.setValue(position)
            self.slider.blockSignals(False)
        if self.strip.currentRow() != position and self.strip.count():
            self.strip.setCurrentRow(position)

    def _row_chosen(self, row: int) -> None:
        if row >= 0:  # -1: the strip was emptied
            self.model.set_position(row)

    def _list_candidates(self) -> None:
        self.candidates.blockSignals(True)
        self.candidates.clear()
        self.candidates.addItems(list(self.model.candidates))
        self.candidates.blockSignals(False)
        self.candidates.setVisible(len(self.model.candidates) > 1)

    def play(self) -> None:
        if self.model.last > 0:
            self.model.set_position(0)
            self._timer.start()

    def _advance(self) -> None:
        if self.model.position >= self.model.last:
            self._timer.stop()
        else:
            self.model.set_position(self.model.position + 1)
