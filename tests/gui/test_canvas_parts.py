"""The canvas is split in view (canvas_view), tool input (canvas_input) and painting (canvas_paint),
and its state is its own: no other studio module assigns an attribute of it or emits its signals."""

from __future__ import annotations

import re
from pathlib import Path

import tratteggio.gui

GUI = Path(tratteggio.gui.__file__).parent
OUTSIDE = re.compile(r"canvas\.[a-z_]+(\.[a-z_]+)* = |canvas\.[a-zA-Z]+\.emit\(")


def test_no_module_outside_the_canvas_assigns_its_state_or_emits_its_signals() -> None:
    offenders = [
        f"{path.relative_to(GUI)}:{number}"
        for path in GUI.rglob("*.py")
        if not path.name.startswith("canvas")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_canvas_parts_are_their_own_modules() -> None:
    from tratteggio.gui.canvas import Canvas
    from tratteggio.gui.canvas_input import ToolInput
    from tratteggio.gui.canvas_paint import Painting
    from tratteggio.gui.canvas_view import CanvasView

    assert issubclass(Canvas, CanvasView)
    assert {"press", "move", "release"} <= set(vars(ToolInput)) and "paint" in vars(Painting)
