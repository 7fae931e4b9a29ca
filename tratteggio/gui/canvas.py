"""The canvas: the photo with its damage mask, painted with brush, eraser, rectangle and lasso.

It shows the document, never owns it: mask edits go into the document's history. It is split in
three: the view (zoom, position, fit, the wheel) is its base's, `CanvasView` (canvas_view.py); the
tool input (what a mouse gesture does with the current tool) is `ToolInput` (canvas_input.py); the
painting (display proxies, previews, overlays) is `Painting` (canvas_paint.py). Hold `\\` or O to
compare with the original, Space to pan (window-wide while the pointer is over the canvas:
`canvas_keys`). Its state is its own: others change it through its methods and follow its signals.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QEnterEvent, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from tratteggio.core.geometry import Box
from tratteggio.core.studio.document import Document
from tratteggio.gui.canvas_input import ToolInput
from tratteggio.gui.canvas_keys import HeldKeys
from tratteggio.gui.canvas_paint import Painting
from tratteggio.gui.canvas_view import CanvasView
from tratteggio.gui.highlight import Outline
from tratteggio.gui.imageconv import contrast_color, to_qimage
from tratteggio.gui.proxies import MaskProxy, PhotoProxy
from tratteggio.gui.review_overlay import ReviewOverlay
from tratteggio.gui.session import StudioSession
from tratteggio.gui.tools import Tool


class Canvas(CanvasView):
    hovered = Signal(int, int)  # photo pixel under the cursor
    reviewClicked = Signal(int, int)  # a click on the photo with the REVIEW tool
    pointPicked = Signal(int, int)  # a click on the photo with the PICK tool (an eyedropper)
    toolChanged = Signal(object)  # Tool
    maskVisibilityChanged = Signal(bool)
    brushChanged = Signal(float, float)  # radius (px), hardness (0..1)

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        session.documentChanged.connect(self.set_document)
        session.documentEdited.connect(self._on_document)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.doc: Document | None = None
        self.tool = Tool.BRUSH
        self.brush_radius = 12.0
        self.brush_hardness = 1.0
        self.mask_rgba = (230, 40, 60, 120)
        self.mask_visible = True
        self.highlight: Outline | None = None  # the intervention selected in the inspector
        self.mask_color_chosen = False  # the user's own colour; else one that stands out from the photo
        self.comparing = False
        self.split: float | None = None  # before/after divider, as a fraction of the width
        self.painting = Painting(self)  # what is drawn: the photo's and the mask's proxies, previews
        self.review_overlay = ReviewOverlay()
        self._painting_tool = Tool.BRUSH
        self.input = ToolInput(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(HeldKeys(self, self))

    # -- document ------------------------------------------------------------------------------
    def set_tool(self, tool: Tool) -> None:
        """Switch tools; PICK and REVIEW remember the painting tool to hand back to."""
        if tool.paints:
            self._painting_tool = tool
        self.tool = tool
        if tool == Tool.PICK:
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.unsetCursor()
        self.toolChanged.emit(tool)
        self.update()

    def end_tool(self, tool: Tool) -> None:
        """Leave `tool` (PICK or REVIEW) if it is the current one: back to the painting tool, or to
        review when a pick interrupted a review."""
        if self.tool == tool:
            reviewing = self.proposal_bits is not None and tool != Tool.REVIEW
            self.set_tool(Tool.REVIEW if reviewing else self._painting_tool)

    def set_document(self, doc: Document | None) -> None:
        self.doc = doc
        self.painting.layers = {}
        self.review_overlay = ReviewOverlay()
        self.highlight = None
        self.end_tool(Tool.REVIEW)
        self.end_tool(Tool.TEACH_DAMAGE)
        self.end_tool(Tool.TEACH_CLEAN)
        self.end_tool(Tool.PICK)
        if doc is None:
            self.painting.photo = self.painting.mask = None
            self.set_photo_size(0, 0)
            self.update()
            return
        self.set_photo_size(doc.photo.width, doc.photo.height)
        self.painting.photo = PhotoProxy(doc.photo.pixels)
        for intervention in doc.interventions:  # only the restored areas are composed for the view
            bounds = intervention.bounds() if intervention.visible else None
            if bounds is not None:
                self.painting.photo.update_from(doc.composite_region, bounds)
        self.painting.original = None
        if not self.mask_color_chosen:
            self.mask_rgba = contrast_color(self.painting.photo.buffer)
        self.painting.mask = MaskProxy(doc.mask, self.mask_rgba)
        self.set_mask_visible(True)
        self.fit()

    def _on_document(self, kind: str, box: Box | None) -> None:
        doc = self.doc
        if doc is None or self.painting.photo is None or self.painting.mask is None:
            return
        whole = Box(0, 0, doc.photo.width, doc.photo.height)
        if kind == "mask":
            self.painting.mask.update(doc.mask, box or whole)
        elif kind == "image":
            self.painting.photo.update_from(doc.composite_region, box or whole)
        self.update()

    def set_brush(self, radius: float | None = None, hardness: float | None = None) -> None:
        if radius is not None:
            self.brush_radius = float(min(500.0, max(1.0, radius)))
        if hardness is not None:
            self.brush_hardness = float(min(1.0, max(0.0, hardness)))
        self.brushChanged.emit(self.brush_radius, self.brush_hardness)
        self.update()

    def set_mask_visible(self, visible: bool) -> None:
        if visible != self.mask_visible:
            self.mask_visible = visible
            self.maskVisibilityChanged.emit(visible)
            self.update()

    def set_mask_color(self, rgba: tuple[int, int, int, int]) -> None:
        self.mask_rgba = rgba
        if self.doc is not None and self.painting.mask is not None:
            self.painting.mask.set_color(self.doc.mask, rgba)
        self.update()

    def choose_mask_color(self, rgba: tuple[int, int, int, int]) -> None:
        """The user's own mask colour: kept for every photo (else one that stands out from each)."""
        self.mask_color_chosen = True
        self.set_mask_color(rgba)

    def set_split(self, split: float | None) -> None:
        """Show the original left of a divider at `split` (a fraction of the width); None: no divider."""
        self.split = split
        self.update()

    @property
    def proposal_bits(self) -> np.ndarray | None:
        return self.review_overlay.bits

    def set_proposal(self, bits: np.ndarray | None, proxy: MaskProxy | None = None) -> None:
        """Show a damage proposal in its own colour (None hides it); `proxy`: the worker's proxy."""
        self.review_overlay.set_proposal(bits, proxy)
        self.update()

    @property
    def preview(self) -> list[tuple[Box, QImage]]:
        return list(self.painting.layers.items())

    def show_preview(self, layers: list[tuple[Box, np.ndarray]]) -> None:
        """Show regions of a running or finished restoration over the photo ([] clears them)."""
        self.painting.layers = {}
        self.update()
        self.add_preview(layers)

    def add_preview(self, layers: list[tuple[Box, np.ndarray]]) -> None:
        """Replace or add only these regions: a streaming run converts just what changed."""
        for box, pixels in layers:
            self.painting.layers[box] = to_qimage(pixels)
            self.update(self.widget_rect(box, self.brush_radius + 2))

    def swap_brush_and_eraser(self) -> None:
        """X: the brush becomes the eraser and back (other tools stay)."""
        swapped = {Tool.BRUSH: Tool.ERASER, Tool.ERASER: Tool.BRUSH}.get(self.tool)
        if swapped is not None:
            self.set_tool(swapped)

    def set_highlight(self, outline: Outline | None) -> None:
        """Outline an area (a selected intervention's mask), or nothing."""
        self.highlight = outline
        self.update()

    def overview(self) -> QImage | None:
        """The photo as shown, small (the display proxy), for the navigator."""
        return self.painting.photo.image if self.painting.photo is not None else None

    # -- held keys (see canvas_keys) -----------------------------------------------------------
    def takes_held_keys(self) -> bool:
        return self.isVisible() and (self.input.inside or self.hasFocus())

    def set_comparing(self, on: bool) -> None:
        if on != self.comparing:
            self.comparing = on
            self.update()

    def set_pan_key(self, held: bool) -> None:
        self.input.space = held
        if held:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.set_tool(self.tool)  # its own cursor back

    def enterEvent(self, event: QEnterEvent) -> None:
        self.input.inside = True
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.input.leave()
        super().leaveEvent(event)

    # -- painting (canvas_paint) ---------------------------------------------------------------
    def paintEvent(self, event: object) -> None:
        self.painting.paint(QPainter(self))

    # -- mouse: the tool input (canvas_input) -----------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.input.press(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.input.move(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.input.release(event)

    def refresh(self, area: QRect | None = None) -> None:
        """Repaint the canvas, or the `area` of it (widget pixels)."""
        if area is None:
            self.update()
        else:
            self.update(area)

    def show_stroke(self, box: Box) -> None:
        """Show the part of a stroke under way in `box`: on the mask, or on the review's planes."""
        doc, mark = self.doc, self.tool.mark
        if doc is None or self.painting.mask is None:
            return
        if mark is not None and doc.review is not None:
            self.review_overlay.update_marks(doc.review, mark, box)
        else:
            self.painting.mask.update(doc.mask, box)
        self.update(self.widget_rect(box, self.brush_radius + 2))
