"""The model manager: the catalog and the local cache, downloads with progress and cancel, and
local folders or .safetensors files added to the engine list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.engines.eraser_models import ERASER_MODELS, PLACES2, download_eraser, eraser_model
from tratteggio.core.engines.hub import cached_models, download_model
from tratteggio.core.engines.models import CATALOG, offline
from tratteggio.gui.runner import Handle
from tratteggio.gui.session import StudioSession


class ModelManager(QDialog):
    modelChosen = Signal(str)  # a hub id, a folder, or a .safetensors path
    downloadsChanged = Signal()  # a download ended: the engine list marks what is downloaded anew

    def __init__(
        self, session: StudioSession, parent: QWidget | None = None, local: list[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        catalog = {entry.id for entry in CATALOG}
        self.local = [m for m in local or [] if m not in catalog]  # folders and files added
        self.setWindowTitle("Models")
        self.resize(820, 360)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Model", "Family", "Size", "Licence", "Downloaded"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        terms = QLabel(f"The learned erasers lama and migan were {PLACES2}; nothing downloads unasked.")
        terms.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        buttons = {
            name: QPushButton(name)
            for name in ("Use", "Download", "Cancel download", "Add folder…", "Add .safetensors…", "Close")
        }
        buttons["Use"].clicked.connect(self._use)
        buttons["Download"].clicked.connect(self.download_selected)
        buttons["Cancel download"].clicked.connect(self.cancel_download)
        buttons["Add folder…"].clicked.connect(self._add_folder)
        buttons["Add .safetensors…"].clicked.connect(self._add_file)
        buttons["Close"].clicked.connect(self.close)
        self.buttons = buttons
        row = QHBoxLayout()
        for button in buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(terms)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self._download: Handle | None = None
        self.refresh()

    def refresh(self) -> None:
        self.table.setRowCount(len(CATALOG) + len(ERASER_MODELS) + len(self.local))
        self.have = {m.id: m for m in cached_models()}
        for row, entry in enumerate(CATALOG):
            size = self.have[entry.id].size_bytes / 2**30 if entry.id in self.have else 0
            cached = f"yes ({size:.1f} GB)" if entry.id in self.have else "no"
            self._row(row, (entry.id, entry.family, f"{entry.size_gb:.1f} GB", entry.licence, cached))
        for row, eraser in enumerate(ERASER_MODELS, start=len(CATALOG)):
            cached = "yes" if eraser.repo in self.have else "no"
            megabytes = f"{eraser.size_bytes / 2**20:.0f} MB"
            licence = f"{eraser.licence}; Places2: research-only"
            self._row(row, (eraser.label, "learned eraser", megabytes, licence, cached))
        for row, location in enumerate(self.local, start=len(CATALOG) + len(ERASER_MODELS)):
            there = "yes (local)" if Path(location).expanduser().exists() else "no (moved or deleted)"
            self._row(row, (location, "local", "", "", there))
        self.table.resizeColumnsToContents()

    def _row(self, row: int, cells: tuple[str, ...]) -> None:
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def selected_id(self) -> str | None:
        row = self.table.currentRow()
        names = [entry.id for entry in CATALOG] + [e.engine for e in ERASER_MODELS] + self.local
        return names[row] if 0 <= row < len(names) else None

    def _use(self) -> None:
        """Switch the Restore panel to the selected model, if it is there to use."""
        model_id = self.selected_id()
        if model_id is None:
            return
        eraser = eraser_model(model_id)
        if eraser is not None:
            self.status.setText(
                f"Choose {model_id} in the Restore panel's engine list (download it here first)."
            )
            return
        if model_id not in self.local and model_id not in self.have:
            self.status.setText(f"{model_id} is not downloaded yet: press Download first, then Use.")
            self.buttons["Download"].setDefault(True)
            self.buttons["Download"].setFocus()
            return
        self.modelChosen.emit(model_id)

    def download_selected(self) -> None:
        model_id = self.selected_id()
        if model_id is None or self._download is not None:
            return
        if offline():
            self.status.setText(f"Cannot download {model_id}: offline mode is on (HF_HUB_OFFLINE).")
            return
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Downloading {model_id}…")
        eraser = eraser_model(model_id)
        self._download = self.session.downloads.run(
            lambda ctx: (
                download_eraser(eraser, ctx.progress, ctx.cancelled)
                if eraser is not None
                else download_model(model_id, on_progress=ctx.progress, cancel=ctx.cancelled)
            ),
            label="download",
            on_progress=self._on_progress,
            on_done=lambda path: self._on_end(f"Downloaded {model_id} to {path}"),
            on_failed=self._on_end,
            on_cancelled=lambda: self._on_end("Download cancelled; it resumes where it stopped next time."),
        )

    def cancel_download(self) -> None:
        if self._download is not None:
            self._download.cancel()

    def _on_progress(self, done: float, total: float, _text: str) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / max(1.0, total)))
        self.progress.setFormat(f"{done / 2**20:.0f} / {total / 2**20:.0f} MiB")

    def _on_end(self, message: str) -> None:
        self._download = None
        self.status.setText(message)
        self.progress.setVisible(False)
        self.refresh()
        self.downloadsChanged.emit()

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Diffusers model folder (with model_index.json)")
        if folder:
            self._added(folder)

    def _added(self, location: str) -> None:
        """A local folder or file: listed here and chosen in the Restore panel."""
        if location not in self.local:
            self.local.append(location)
            self.refresh()
        self.table.selectRow(len(CATALOG) + len(ERASER_MODELS) + self.local.index(location))
        self.modelChosen.emit(location)

    def _add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Checkpoint", "", "Safetensors (*.safetensors)")
        if path:
            self._added(path)

    def closeEvent(self, event: Any) -> None:
        self.cancel_download()
        super().closeEvent(event)
