"""The layers of time: a strip with one thumbnail per step, from before the run to the final fill.

A slider scrubs through them (the canvas shows that step), Play animates them, Export writes the
sequence. With several candidates, a chooser picks which one the strip shows and Accept takes.
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
from tratteggio.gui.layers_owner import LayersOwner

if TYPE_CHECKING:
    from tratteggio.core.pipeline.restore import StepPreview

THUMB = 96
IDLE_TITLE = "Layers of time — run a restoration to watch it emerge step by step"


def layers_at(previews: Sequence[StepPreview], index: int) -> list[tuple[Box, np.ndarray]]:
    """What the canvas shows at timeline position `index` (0 = before the run)."""
    latest: dict[int, StepPreview] = {}
    for preview in previews[:index]:
        latest[preview.region] = preview
    return [(p.box, p.pixels) for p in latest.values()]


def layer_labels(previews: Sequence[StepPreview]) -> list[str]:
    """What each layer is: a denoising step, a region filled (one-shot engines), or the final fill."""
    if not previews:
        return []
    regions = max(p.region for p in previews) + 1
    per_region = max(1, previews[0].total // regions)
    labels = []
    for preview in previews:
        where = f"region {preview.region + 1}/{regions}" if regions > 1 else ""
        if preview.final:
            text = f"{where} filled" if where else "filled"
        else:
            text = f"{where} step {preview.step % per_region + 1}".strip()
        labels.append(text)
    labels[-1] = "final"
    return labels


def thumbnails(source: np.ndarray, previews: Sequence[StepPreview]) -> list[np.ndarray]:
    """The strip's pictures; safe to compute on the worker thread (numpy only)."""
    from tratteggio.core.pipeline.layers import frames

    return list(frames(source, previews, max_side=THUMB * 2))


class Timeline(QWidget):
    stepSelected = Signal(int)  # timeline position, 0 = before
    candidateChanged = Signal(int)
    acceptRequested = Signal()
    discardRequested = Signal()
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(IDLE_TITLE)
        self.owner = LayersOwner.NONE  # which controller's layers the strip shows
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
        self.slider.valueChanged.connect(self._slid)
        self.strip.currentRowChanged.connect(self.slider.setValue)
        self.play_button.clicked.connect(self.play)
        self.accept_button.clicked.connect(self.acceptRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        self.export_button.clicked.connect(self.exportRequested)
        self.candidates.currentIndexChanged.connect(self.candidateChanged)
        self.set_actions_enabled(False)

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.play_button, self.export_button, self.accept_button, self.discard_button):
            button.setEnabled(enabled)

    def set_candidates(self, labels: list[str]) -> None:
        self.candidates.blockSignals(True)
        self.candidates.clear()
        self.candidates.addItems(labels)
        self.candidates.blockSignals(False)
        self.candidates.setVisible(len(labels) > 1)

    def show_frames(
        self,
        pictures: Sequence[np.ndarray],
        labels: Sequence[str] | Sequence[StepPreview],
        title: str,
        owner: LayersOwner,
    ) -> None:
        """Rebuild the strip from thumbnails made elsewhere (the worker): the photo before, then one
        per layer (labelled, or labelled from StepPreviews); select the last."""
        from tratteggio.core.pipeline.restore import StepPreview

        if labels and isinstance(labels[0], StepPreview):
            labels = layer_labels(labels)  # type: ignore[arg-type]
        self.owner = owner
        self.strip.clear()
        for index, frame in enumerate(pictures):
            label = "before" if index == 0 else str(labels[index - 1])
            pixmap = QPixmap.fromImage(to_qimage(frame))
            icon = QIcon(pixmap)
            icon.addPixmap(pixmap, QIcon.Mode.Selected)  # no highlight tint over the picture
            self.strip.addItem(QListWidgetItem(icon, label))
        self.title.setText(title)
        self.slider.setRange(0, len(labels))
        self.slider.setValue(len(labels))
        self.set_actions_enabled(bool(labels))

    def clear(self) -> None:
        self._timer.stop()
        self.owner = LayersOwner.NONE
        self.title.setText(IDLE_TITLE)
        self.strip.clear()
        self.slider.setRange(0, 0)
        self.set_candidates([])
        self.set_actions_enabled(False)

    def play(self) -> None:
        if self.slider.maximum() > 0:
            self.slider.setValue(0)
            self._timer.start()

    def _advance(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self._timer.stop()
        else:
            self.slider.setValue(self.slider.value() + 1)

    def _slid(self, value: int) -> None:
        if self.strip.currentRow() != value:
            self.strip.setCurrentRow(value)
        self.stepSelected.emit(value)
