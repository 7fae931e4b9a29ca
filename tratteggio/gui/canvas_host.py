"""What the canvas's parts (tool input, painting) ask of the canvas that holds them: its state and the
few calls they make. A protocol, so the parts do not import the canvas (no import circle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QPointF, QRect, SignalInstance

    from tratteggio.core.geometry import Box
    from tratteggio.core.studio.document import Document
    from tratteggio.gui.highlight import Outline
    from tratteggio.gui.review_overlay import ReviewOverlay
    from tratteggio.gui.tools import Tool


class Pointer(Protocol):
    """The tool input's state the painting draws: the pointer and a shape being drawn."""

    cursor: QPointF
    shape: list[QPointF]


class CanvasHost(Protocol):
    doc: Document | None
    tool: Tool
    brush_radius: float
    brush_hardness: float
    mask_rgba: tuple[int, int, int, int]
    mask_visible: bool
    highlight: Outline | None
    comparing: bool
    split: float | None
    review_overlay: ReviewOverlay
    zoom: float
    origin: QPointF

    @property
    def input(self) -> Pointer: ...

    @property
    def hovered(self) -> SignalInstance: ...

    @property
    def pointPicked(self) -> SignalInstance: ...  # noqa: N802 (the canvas's Qt signal)

    @property
    def reviewClicked(self) -> SignalInstance: ...  # noqa: N802

    def width(self) -> int: ...

    def height(self) -> int: ...

    def rect(self) -> QRect: ...

    def refresh(self, area: QRect | None = None) -> None: ...

    def to_photo(self, point: QPointF) -> QPointF: ...

    def visible_box(self) -> Box | None: ...

    def scroll_by(self, dx: float, dy: float) -> None: ...

    def end_tool(self, tool: Tool) -> None: ...

    def set_brush(self, radius: float | None = None, hardness: float | None = None) -> None: ...

    def set_mask_visible(self, visible: bool) -> None: ...

    def set_split(self, split: float | None) -> None: ...

    def show_stroke(self, box: Box) -> None: ...
