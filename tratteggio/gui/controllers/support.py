"""Picking the support colour (plaster, paper) from a loss, for the losses detector."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from tratteggio.core.photo import color_view, dtype_max
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.panels.detect_panel import DetectPanel
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool


class SupportPicker(QObject):
    def __init__(self, session: StudioSession, canvas: Canvas, panel: DetectPanel) -> None:
        super().__init__(session)
        self.session, self.canvas, self.panel = session, canvas, panel
        panel.pickSupportRequested.connect(self.start_picking)
        canvas.pointPicked.connect(self.pick_support_at)

    def start_picking(self) -> None:
        if self.session.doc is None:
            return
        self.canvas.set_tool(Tool.PICK)
        self.session.say("Click a loss, where the bare support shows, to take its colour.")

    def pick_support_at(self, x: int, y: int) -> None:
        """The support colour: the median of a 5x5 patch (a loss's grain averages out)."""
        doc = self.session.doc
        if doc is None or not (0 <= y < doc.photo.height and 0 <= x < doc.photo.width):
            return
        patch = color_view(doc.composite()[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3])
        values = patch.reshape(-1, patch.shape[2] if patch.ndim == 3 else 1)
        median = np.median(values.astype(np.float64), axis=0) / dtype_max(patch.dtype)
        rgb = tuple(float(v) for v in (median if len(median) == 3 else np.repeat(median, 3)))
        self.panel.set_support((rgb[0], rgb[1], rgb[2]))
        self.session.say("Support colour picked: Detect damage looks for areas of that colour.")
