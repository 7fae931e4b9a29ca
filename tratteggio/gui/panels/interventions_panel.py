"""The interventions panel: every accepted restoration, each can be hidden or removed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from tratteggio.core.studio.document import Document, Intervention
from tratteggio.gui.session import StudioSession


class InterventionsPanel(QWidget):
    removeRequested = Signal(object)  # Intervention

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.list = QListWidget()
        self.list.setToolTip("Uncheck to hide an intervention; the master is never modified")
        self.remove_button = QPushButton("Remove intervention")
        self.remove_button.clicked.connect(self._remove)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.remove_button)
        self.list.itemChanged.connect(self._toggled)
        session.documentChanged.connect(lambda _doc: self.refresh())
        session.documentEdited.connect(lambda kind, _box: self.refresh() if kind == "interventions" else None)
        self.refresh()

    @property
    def doc(self) -> Document | None:
        return self.session.doc

    def refresh(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for intervention in self.doc.interventions if self.doc else []:
            item = QListWidgetItem(intervention.label)
            item.setData(Qt.ItemDataRole.UserRole, intervention)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if intervention.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(self.list.count() > 0)

    def _toggled(self, item: QListWidgetItem) -> None:
        intervention: Intervention = item.data(Qt.ItemDataRole.UserRole)
        if self.doc is not None:
            self.doc.set_visible(intervention, item.checkState() == Qt.CheckState.Checked)

    def _remove(self) -> None:
        item = self.list.currentItem() or self.list.item(self.list.count() - 1)
        if item is not None and self.doc is not None:
            self.doc.remove(item.data(Qt.ItemDataRole.UserRole))
