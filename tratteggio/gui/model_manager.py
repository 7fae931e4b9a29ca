"""The model manager: the catalog and the local cache, downloads with progress and cancel, and
local folders or .safetensors files added to the engine list."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
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

from tratteggio.core.models import CATALOG, cached_snapshot, offline


class DownloadCancelled(Exception):
    pass


class _Downloader(QObject):
    progress = Signal(int, int)  # bytes done, bytes total
    done = Signal(str)  # message
    failed = Signal(str)

    def __init__(self, model_id: str, cancel: threading.Event) -> None:
        super().__init__()
        self.model_id, self.cancel = model_id, cancel

    @Slot()
    def run(self) -> None:
        from huggingface_hub import snapshot_download
        from tqdm.auto import tqdm

        downloader = self

        class Reporter(tqdm):  # type: ignore[misc]
            def update(self, n: float | None = 1) -> bool | None:
                if downloader.cancel.is_set():
                    raise DownloadCancelled()
                result = super().update(n)
                if self.unit == "B" and self.total:
                    downloader.progress.emit(int(self.n), int(self.total))
                return result

        try:
            path = snapshot_download(self.model_id, tqdm_class=Reporter)
        except DownloadCancelled:
            self.failed.emit("Download cancelled; it resumes where it stopped next time.")
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.failed.emit(f"Could not download {self.model_id}: {first}")
        else:
            self.done.emit(f"Downloaded {self.model_id} to {path}")


class ModelManager(QDialog):
    modelChosen = Signal(str)  # a hub id, a folder, or a .safetensors path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(820, 360)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Model", "Family", "Size", "Licence", "Downloaded"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
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
        row = QHBoxLayout()
        for button in buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self._thread: QThread | None = None
        self._worker: _Downloader | None = None
        self._cancel = threading.Event()
        self.refresh()

    def refresh(self) -> None:
        self.table.setRowCount(len(CATALOG))
        for row, entry in enumerate(CATALOG):
            cached = "yes" if cached_snapshot(entry.id) else "no"
            cells = (entry.id, entry.family, f"{entry.size_gb:.1f} GB", entry.licence, cached)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected_id(self) -> str | None:
        row = self.table.currentRow()
        return CATALOG[row].id if 0 <= row < len(CATALOG) else None

    def _use(self) -> None:
        model_id = self.selected_id()
        if model_id:
            self.modelChosen.emit(model_id)

    def download_selected(self) -> None:
        model_id = self.selected_id()
        if model_id is None or self._thread is not None:
            return
        if offline():
            self.status.setText(f"Cannot download {model_id}: HF_HUB_OFFLINE is set (no network).")
            return
        self._cancel.clear()
        self._thread = QThread()
        self._worker = _Downloader(model_id, self._cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.done.connect(self._on_end)
        self._worker.failed.connect(self._on_end)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Downloading {model_id}…")
        self._thread.start()

    def cancel_download(self) -> None:
        self._cancel.set()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / max(1, total)))
        self.progress.setFormat(f"{done / 2**20:.0f} / {total / 2**20:.0f} MiB")

    @Slot(str)
    def _on_end(self, message: str) -> None:
        self.status.setText(message)
        self.progress.setVisible(False)
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._thread, self._worker = None, None
        self.refresh()

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Diffusers model folder (with model_index.json)")
        if folder:
            self.modelChosen.emit(folder)

    def _add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Checkpoint", "", "Safetensors (*.safetensors)")
        if path:
            self.modelChosen.emit(path)

    def closeEvent(self, event: Any) -> None:
        self.cancel_download()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(10_000)
        super().closeEvent(event)
