"""The interventions panel: every accepted restoration, each can be hidden or removed; the selected
one's record is shown in a readable inspector and its area is highlighted on the canvas."""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from tratteggio.core.kinds.fill import Intervention
from tratteggio.core.record.describe import digital_source_type
from tratteggio.core.request import RestorationRequest
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.gui.highlight import Outline
from tratteggio.gui.session import StudioSession

DEFAULTS = RestorationRequest().to_dict()


class InterventionsPanel(QWidget):
    def __init__(
        self,
        session: StudioSession,
        highlight: Callable[[Outline | None], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.highlight = session, highlight
        self.list = QListWidget()
        self.list.setToolTip("Uncheck to hide an intervention; the master is never modified")
        self.inspector = QTextBrowser()
        self.inspector.setOpenLinks(False)
        self.inspector.setPlaceholderText("Select an intervention to see its record.")
        self._outline: tuple[Intervention, Outline | None] | None = None
        self.remove_button = QPushButton("Remove intervention")
        self.remove_button.clicked.connect(self._remove)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.inspector, 2)
        layout.addWidget(self.remove_button)
        self.list.itemChanged.connect(self._toggled)
        self.list.currentItemChanged.connect(lambda item, _old: self._inspect(item))
        session.documentChanged.connect(lambda _doc: self.refresh())
        session.documentEdited.connect(lambda e, _box: self.refresh() if e is Edit.INTERVENTIONS else None)
        self.refresh()

    @property
    def doc(self) -> Document | None:
        return self.session.doc

    def refresh(self) -> None:
        selected = self.selected()
        self.list.blockSignals(True)
        self.list.clear()
        for intervention in self.doc.interventions if self.doc else []:
            item = QListWidgetItem(intervention.label)
            item.setData(Qt.ItemDataRole.UserRole, intervention)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if intervention.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if intervention is selected:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(self.list.count() > 0)
        self._inspect(self.list.currentItem())

    def selected(self) -> Intervention | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _inspect(self, item: QListWidgetItem | None) -> None:
        intervention = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if intervention is None:
            self.inspector.clear()
            self.highlight(None)
            return
        self.inspector.setHtml(describe(intervention))
        if self._outline is None or self._outline[0] is not intervention:  # traced once per selection
            self._outline = (intervention, Outline.of(intervention))
        self.highlight(self._outline[1])

    def _toggled(self, item: QListWidgetItem) -> None:
        intervention: Intervention = item.data(Qt.ItemDataRole.UserRole)
        if self.doc is not None:
            self.doc.set_visible(intervention, item.checkState() == Qt.CheckState.Checked)

    def _remove(self) -> None:
        item = self.list.currentItem() or self.list.item(self.list.count() - 1)
        if item is not None and self.doc is not None:
            self.doc.remove(item.data(Qt.ItemDataRole.UserRole))


def describe(intervention: object) -> str:
    """The intervention's record as a small readable page: a fill's in full, any other kind's (a
    revival of colours) as its kind, its parameters and whether it is shown."""
    if isinstance(intervention, Intervention):
        return describe_fill(intervention)
    label = str(getattr(intervention, "label", "intervention"))
    rows = [("Kind", str(getattr(intervention, "kind", type(intervention).__name__)))]
    for name in ("request", "transform"):
        value = getattr(intervention, name, None)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            rows += [(f"{name}: {k}", _short(v)) for k, v in dataclasses.asdict(value).items()]
    source = digital_source_type(bool(getattr(intervention, "generative", False)))
    rows += [("Source type", source.rsplit("/", 1)[-1])]
    rows += [("Shown", "yes" if getattr(intervention, "visible", True) else "hidden")]
    return _page(label, rows)


def _short(value: object) -> str:
    if isinstance(value, tuple | list):
        return "(" + ", ".join(f"{v:.3g}" if isinstance(v, float) else str(v) for v in value) + ")"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _page(label: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<h3>{html.escape(label)}</h3><table cellspacing='4'>{body}</table>"


def describe_fill(intervention: Intervention) -> str:
    """A fill's record: what, how, when, how much, fingerprints."""
    result, request = intervention.result, intervention.result.request
    rows = [
        ("Engine", request.engine + (f" ({request.model})" if request.model else "")),
        ("Method", str(result.engine_info.get("method", result.engine_info.get("pipeline", "")))),
        ("Accepted", intervention.accepted or "this session"),
        ("Damage mask", f"{intervention.mask.pixel_count:,} px"),
        (
            "Pixels changed or blended",
            f"{result.effective_mask.pixel_count:,} px in {len(result.regions)} region(s)",
        ),
        ("Time", f"{result.seconds:.2f} s on {result.engine_info.get('device', 'cpu')}"),
        ("Source type", digital_source_type(result.generative).rsplit("/", 1)[-1]),
        ("Shown", "yes" if intervention.visible else "hidden"),
    ]
    changed = {
        k: v for k, v in request.to_dict().items() if v != DEFAULTS.get(k) and k not in ("engine", "model")
    }
    rows += [(f"request: {k}", str(v)) for k, v in sorted(changed.items())]
    box = intervention.mask.bbox()
    mask_bytes = np.packbits(intervention.mask.crop(box)).tobytes() if box else b""
    rows += [("Mask SHA-256", fingerprint(mask_bytes)[:16] + "…")]
    rows += [("Pixels SHA-256", fingerprint(b"".join(p.pixels.tobytes() for p in result.patches))[:16] + "…")]
    return _page(intervention.label, rows)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
