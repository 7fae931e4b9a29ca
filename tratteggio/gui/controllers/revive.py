"""Revive colours in the studio: estimate the transform and preview it on a proxy-sized copy of the
photo on the runner (dragging the strength never blocks the window), pick a gray point or a white
region on the canvas, split before/after, then Apply: a global intervention, hideable and undoable.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from tratteggio.core.geometry import Box
from tratteggio.core.kinds.revive import ReviveIntervention
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.panels.revive_dialog import ReviveDialog
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool

if TYPE_CHECKING:
    from tratteggio.core.color.estimate import Estimate, ReviveRequest
    from tratteggio.core.color.revive import ReviveTransform

PROXY_SIDE = 1024


def proxy_of(pixels: np.ndarray, side: int = PROXY_SIDE) -> tuple[np.ndarray, float]:
    """A copy at most `side` pixels on its longer side (area-averaged), and its scale."""
    import cv2

    height, width = pixels.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale >= 1.0:
        return pixels.copy(), 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(np.ascontiguousarray(pixels), size, interpolation=cv2.INTER_AREA)
    return (small if small.ndim == pixels.ndim else small[:, :, None]), scale


def scaled(request: ReviveRequest, scale: float, height: int, width: int) -> ReviveRequest:
    """`request` in the coordinates of a proxy at `scale` (`height` x `width`)."""
    point = box = None
    if request.point is not None:
        point = (
            min(width - 1, int(request.point[0] * scale)),
            min(height - 1, int(request.point[1] * scale)),
        )
    if request.box is not None:
        b = request.box
        x0, y0 = min(width - 1, int(b.x0 * scale)), min(height - 1, int(b.y0 * scale))
        box = Box(
            x0,
            y0,
            max(x0 + 1, min(width, round(b.x1 * scale))),
            max(y0 + 1, min(height, round(b.y1 * scale))),
        )
    return replace(request, point=point, box=box)


def outline_layer(corners: np.ndarray, width: int = 3) -> tuple[Box, np.ndarray]:
    """A closed outline through `corners` (x, y in photo pixels) as a transparent RGBA layer."""
    import cv2

    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - width
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + width + 1
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    layer = np.zeros((y1 - y0, x1 - x0, 4), np.uint8)
    points = np.round(corners - (x0, y0)).astype(np.int32)
    cv2.polylines(layer, [points], True, (255, 230, 0, 255), width, cv2.LINE_AA)
    return Box(x0, y0, int(x1), int(y1)), layer


class ReviveController(QObject):
    previewShown = Signal()  # a preview of the current transform is on the canvas

    def __init__(self, session: StudioSession, canvas: Canvas, dialog: ReviveDialog) -> None:
        from tratteggio.core.color.estimate import ReviveRequest

        super().__init__(session)
        self.session, self.canvas, self.dialog = session, canvas, dialog
        self.request = ReviveRequest()
        self.transform: ReviveTransform | None = None
        self.outline: np.ndarray | None = None  # the colour chart found (4 x 2, photo pixels)
        self._proxy: tuple[np.ndarray, float] | None = None
        self._previewing = self._stale = self._picking = False
        self._corner: tuple[int, int] | None = None
        dialog.referenceChanged.connect(self._reference)
        dialog.pickRequested.connect(self._pick)
        dialog.strengthChanged.connect(lambda _: self._preview())
        dialog.splitToggled.connect(self._split)
        dialog.accepted.connect(self.apply)
        dialog.rejected.connect(self._end)
        canvas.pointPicked.connect(self._picked)
        session.documentChanged.connect(lambda _doc: self._end())

    def open(self) -> None:
        from tratteggio.core.color.estimate import ReviveRequest

        doc = self.session.doc
        if doc is None:
            self.session.warn("Open a photo first.")
            return
        self.request, self.transform, self._proxy = ReviveRequest(), None, None
        self.dialog.reset()
        self.dialog.show()
        composite = doc.composite().copy()  # the worker reads it while the user may edit
        self.session.runner.run(
            lambda ctx: proxy_of(composite),
            label="revive proxy",
            cancellable=False,
            on_done=self._proxied,
            on_failed=self.session.warn,
        )
        self.session.say("Estimating how the colours faded…")

    def _proxied(self, proxy: tuple[np.ndarray, float]) -> None:
        self._proxy = proxy
        self._estimate()

    def _estimate(self) -> None:
        from tratteggio.core.color.estimate import estimate_with_evidence

        if self._proxy is None:
            return
        pixels, scale = self._proxy
        request = scaled(self.request, scale, *pixels.shape[:2])
        self.session.runner.run(
            lambda ctx: estimate_with_evidence(pixels, request),
            label="revive estimate",
            cancellable=False,
            on_done=self._estimated,
            on_failed=self.session.warn,
        )

    def _estimated(self, found: Estimate) -> None:
        self.transform = found.transform
        self.dialog.apply_button.setEnabled(True)
        said = found.score.describe() if found.score is not None else f"Estimate: {found.describe()}"
        self.dialog.figures.setText(f"{found.transform.describe()}\n{said}")
        scale = self._proxy[1] if self._proxy is not None else 1.0
        self.outline = found.chart.outline / scale if found.chart is not None else None
        self._preview()

    def _preview(self) -> None:
        """Apply the transform at the dialog's strength to the proxy on the runner; while one
        preview is being made, later slider moves only mark it stale (the last one wins)."""
        if self.transform is None or self._proxy is None:
            return
        if self._previewing:
            self._stale = True
            return
        self._previewing, self._stale = True, False
        transform = self.transform.at_strength(self.dialog.strength.value() / 100.0)
        pixels = self._proxy[0]
        self.session.runner.run(
            lambda ctx: transform.apply(pixels),
            label="revive preview",
            cancellable=False,
            on_done=self._show,
            on_failed=self.session.warn,
        )

    def _show(self, pixels: np.ndarray) -> None:
        self._previewing = False
        doc = self.session.doc
        if doc is None or not self.dialog.isVisible():
            return
        layers = [(Box(0, 0, doc.photo.width, doc.photo.height), pixels)]
        if self.outline is not None:  # the chart found, outlined over the preview
            layers.append(outline_layer(self.outline))
        self.canvas.show_preview(layers)
        self.previewShown.emit()
        if self._stale:
            self._preview()

    def _reference(self, name: str) -> None:
        from tratteggio.core.color.estimate import ReviveRequest

        if name in ("auto", "chart"):
            self.request = ReviveRequest(name, strength=self.request.strength)
            self.outline = None
            self._estimate()
        else:
            self._pick()

    def _pick(self) -> None:
        self._picking, self._corner = True, None
        self.canvas.set_tool(Tool.PICK)
        what = (
            "a point that was gray"
            if self.dialog.reference() == "neutral"
            else "one corner of the white region"
        )
        self.session.say(f"Click {what}.")

    def _picked(self, x: int, y: int) -> None:
        doc = self.session.doc
        if not self._picking or doc is None or not (0 <= x < doc.photo.width and 0 <= y < doc.photo.height):
            return
        if self.dialog.reference() == "neutral":
            self.pick_neutral(x, y)
        elif self._corner is None:
            self._corner = (x, y)
            self.canvas.set_tool(Tool.PICK)  # one more click: the opposite corner
            self.session.say("Now click the opposite corner of the white region.")
        else:
            (x0, y0), self._corner = self._corner, None
            self.pick_white(Box(min(x0, x), min(y0, y), max(x0, x) + 1, max(y0, y) + 1))

    def pick_neutral(self, x: int, y: int) -> None:
        from tratteggio.core.color.estimate import ReviveRequest

        self._picking = False
        self.request = ReviveRequest("neutral", point=(x, y))
        self.session.say(f"Gray point {x},{y}: the colours are estimated from it.")
        self._estimate()

    def pick_white(self, box: Box) -> None:
        from tratteggio.core.color.estimate import ReviveRequest

        self._picking = False
        self.request = ReviveRequest("white", box=box)
        self.session.say(f"White region {box.x0},{box.y0} {box.width}x{box.height}: estimating from it.")
        self._estimate()

    def _split(self, on: bool) -> None:
        self.canvas.set_split(0.5 if on else None)

    def apply(self) -> ReviveIntervention | None:
        """Add the revival at the dialog's strength as an intervention (one undo step)."""
        doc = self.session.doc
        if doc is None or self.transform is None:
            self._end()
            return None
        strength = self.dialog.strength.value() / 100.0
        intervention = ReviveIntervention(
            self.transform.at_strength(strength), replace(self.request, strength=strength), doc.photo.shape2d
        )
        self._end()
        doc.add(intervention)
        self.session.say("Colours revived: an intervention now (hide it in Interventions, Ctrl+Z undoes it).")
        return intervention

    def _end(self) -> None:
        self._picking = False
        self.canvas.end_tool(Tool.PICK)
        self.canvas.show_preview([])
        self.outline = None
        self._split(False)
        if self.dialog.isVisible():
            self.dialog.hide()
