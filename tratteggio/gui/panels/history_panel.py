"""The Undo History panel (Photoshop's History, Krita's Undo History docker): the document's steps,
oldest first under "Opened"; the current one is selected and the undone ones are greyed. Clicking a
step undoes or redoes to it; a new edit after going back drops the greyed steps, as Undo does."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tratteggio.core.studio.document import Document
from tratteggio.gui.session import StudioSession

START = "Opened"


class HistoryPanel(QWidget):
    _changed = Signal()  # the history's notice, brought to the GUI thread

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setToolTip("Click a step to go back (or forward) to it; Ctrl+Z and Ctrl+Y step")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.doc: Document | None = None
        self._changed.connect(self.refresh)
        self.list.itemClicked.connect(lambda _item: self._go(self.list.currentRow()))
        session.documentChanged.connect(self.set_document)
        self.set_document(session.doc)

    def set_document(self, doc: Document | None) -> None:
        if self.doc is not None and self._notice in self.doc.history.listeners:
            self.doc.history.listeners.remove(self._notice)
        self.doc = doc
        if doc is not None:
            doc.history.listeners.append(self._notice)
        self.refresh()

    def _notice(self) -> None:
        self._changed.emit()  # queued when a change comes from another thread

    def refresh(self) -> None:
        """One row per step after "Opened"; the row of the current state selected."""
        self.list.blockSignals(True)
        self.list.clear()
        if self.doc is not None:
            history = self.doc.history
            undone = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            for row, label in enumerate([START, *history.steps()]):
                item = QListWidgetItem(label)
                if row > history.position:
                    item.setForeground(undone)
                self.list.addItem(item)
            self.list.setCurrentRow(history.position)
        self.list.blockSignals(False)

    def _go(self, row: int) -> None:
        if self.doc is not None and row >= 0:
            self.doc.history.jump(row)
