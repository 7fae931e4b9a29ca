"""The canvas's tools: what a left click does."""

from __future__ import annotations

from enum import Enum

from tratteggio.core.studio.review import MarkKind


class Tool(Enum):
    """What a left click on the canvas does. PICK, REVIEW and the TEACH brushes are set by
    controllers for one task (an eyedropper, reviewing a damage proposal, marking examples for the
    detector) and hand back to the painting tool after."""

    BRUSH = "brush"
    ERASER = "eraser"
    RECT = "rectangle"
    LASSO = "lasso"
    PICK = "pick"
    REVIEW = "review"
    TEACH_DAMAGE = "teach damage"
    TEACH_CLEAN = "teach not damage"

    @property
    def paints(self) -> bool:
        return self in (Tool.BRUSH, Tool.ERASER, Tool.RECT, Tool.LASSO)

    @property
    def mark(self) -> MarkKind | None:
        """The teaching mark this tool paints, if it is a teach brush."""
        return {Tool.TEACH_DAMAGE: MarkKind.DAMAGE, Tool.TEACH_CLEAN: MarkKind.CLEAN}.get(self)

    @property
    def brushes(self) -> bool:
        return self in (Tool.BRUSH, Tool.ERASER, Tool.TEACH_DAMAGE, Tool.TEACH_CLEAN)
