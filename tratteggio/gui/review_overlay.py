"""What the canvas draws over the photo while a damage proposal is under review: the proposal
(diagonal yellow and dark bands, a hazard hatching: the mask is one solid colour, never yellow) and
the teaching marks ("damage" orange, "not damage" green), each through a display proxy updated only
where it changed."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from tratteggio.core.geometry import Box
from tratteggio.core.mask import bbox_of
from tratteggio.core.studio.review import MarkKind, Review
from tratteggio.gui.proxies import MaskProxy

PROPOSAL_RGBA = (255, 225, 0, 200)  # yellow, banded with ...
PROPOSAL_HATCH = (20, 20, 70, 170)  # ... a dark navy
MARK_RGBA = {MarkKind.DAMAGE: (255, 150, 0, 170), MarkKind.CLEAN: (70, 220, 90, 150)}


def proposal_proxy(bits: np.ndarray) -> MaskProxy:
    """The proposal's display proxy: safe to build on the worker (a QImage, no widget)."""
    return MaskProxy(bits, PROPOSAL_RGBA, hatch=PROPOSAL_HATCH)


class ReviewOverlay:
    def __init__(self) -> None:
        self.bits: np.ndarray | None = None
        self._proposal: MaskProxy | None = None
        self._marks: dict[MarkKind, MaskProxy] = {}

    def set_proposal(self, bits: np.ndarray | None, proxy: MaskProxy | None = None) -> None:
        """Show `bits` (None: nothing) through `proxy` when the worker made one; else the shown
        proxy is redrawn only where the proposal changed (a mark or an undo on the GUI thread: a
        whole 10 MP proxy costs ~200 ms, the changed box a few)."""
        previous, self.bits = self.bits, bits
        if bits is None or proxy is not None:
            self._proposal = proxy if bits is not None else None
        elif self._proposal is None or previous is None or previous.shape != bits.shape:
            self._proposal = proposal_proxy(bits)
        else:
            changed = bbox_of(previous ^ bits)
            if changed is not None:
                self._proposal.update(bits, changed)

    def set_marks(self, review: Review | None) -> None:
        """Draw `review`'s marks from scratch (None: none); an empty plane costs no proxy."""
        self._marks = {}
        if review is not None and review.has_marks():
            for kind in MarkKind:
                self._marks[kind] = _plane_proxy(review.plane(kind), kind)

    def update_marks(self, review: Review, kind: MarkKind | None, box: Box) -> None:
        for each in MarkKind if kind is None else (kind,):
            proxy = self._marks.get(each)
            if proxy is None:
                self._marks[each] = _plane_proxy(review.plane(each), each)
            else:
                proxy.update(review.plane(each), box)

    def draw(self, painter: QPainter, width: int, height: int) -> None:
        target = QRectF(0, 0, width, height)
        for proxy in self._marks.values():
            painter.drawImage(target, proxy.image)
        if self._proposal is not None:
            painter.drawImage(target, self._proposal.image)


def _plane_proxy(plane: np.ndarray, kind: MarkKind) -> MaskProxy:
    """A marks plane's proxy, drawn only within the marks' bounding box (the rest is empty)."""
    return MaskProxy(plane, MARK_RGBA[kind], bbox_of(plane) or Box(0, 0, 1, 1))
