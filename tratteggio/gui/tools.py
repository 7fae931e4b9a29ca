"""The canvas's tools: what a left click does."""

from __future__ import annotations

from enum import Enum


class Tool(Enum):
    """What a left click on the canvas does. PICK and REVIEW are set by controllers for one task
    (an eyedropper, reviewing a damage proposal) and hand back to the painting tool after."""

    BRUSH = "brush"
    ERASER = "eraser"
    RECT = "rectangle"
    LASSO = "lasso"
    PICK = "pick"
    REVIEW = "review"

    @property
    def paints(self) -> bool:
        return self in (Tool.BRUSH, Tool.ERASER, Tool.RECT, Tool.LASSO)
