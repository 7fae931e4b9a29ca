"""Detect → Restore: the proposal is hatched, never a solid colour the mask could have, and Ctrl+Enter
with an empty mask and a pending proposal offers to merge it and restore (issue 27, major 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QColor

from tratteggio.gui.imageconv import MASK_COLORS
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.review_overlay import proposal_proxy

from .test_lab import cracked_photo


def detect(qtbot: object, window: MainWindow, tmp_path: Path) -> np.ndarray:
    window.files.open_path(cracked_photo(tmp_path))
    with qtbot.waitSignal(window.session.runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    proposal = window.canvas.proposal_bits
    assert proposal is not None and proposal.any()
    return proposal.copy()


def test_ctrl_enter_with_an_empty_mask_offers_to_merge_the_proposal_and_restore(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    proposal = detect(qtbot, window, tmp_path)
    doc = window.doc
    assert doc is not None and not doc.mask.any()
    asked: list[int] = []
    warned: list[str] = []
    window.session.problem.connect(warned.append)
    window.runs.ask_merge = lambda pixels: asked.append(pixels) or False  # type: ignore[func-returns-value]
    window.menus.actions["restore"].trigger()  # Ctrl+Enter; Cancel
    assert asked == [int(proposal.sum())] and not warned
    assert not doc.mask.any() and doc.review is not None and not window.runs.running()
    window.runs.ask_merge = lambda pixels: True  # Merge and restore
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.menus.actions["restore"].trigger()
    assert np.array_equal(doc.mask, proposal) and doc.review is None
    assert window.runs.candidates[0].result is not None
    window.runs.discard()
    window.menus.actions["undo"].trigger()  # the merge is its own undo step
    assert not doc.mask.any()


def test_ctrl_enter_with_an_empty_mask_and_no_proposal_still_says_paint_first(
    window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    warned: list[str] = []
    window.session.problem.connect(warned.append)
    window.runs.ask_merge = lambda pixels: (_ for _ in ()).throw(AssertionError("asked"))  # type: ignore[assignment,misc]
    window.menus.actions["restore"].trigger()
    assert warned == ["The mask is empty: paint over the damage first (brush: B)."]


def test_the_proposal_is_hatched_in_colours_no_mask_has() -> None:
    bits = np.ones((64, 64), bool)
    image = proposal_proxy(bits).image
    row = {image.pixelColor(x, 10).rgb() for x in range(64)}
    assert len(row) == 2  # two bands, alternating across any line: a pattern, not a fill
    column = [image.pixelColor(10, y).rgb() for y in range(64)]
    assert column[0:4] != column[4:8]  # diagonal bands: they change down a column too
    for rgb in row:
        color = QColor.fromRgba(rgb)
        unpremultiplied = color.red(), color.green(), color.blue()
        for mask in MASK_COLORS:  # far from every colour the mask may be given
            assert max(abs(a - b) for a, b in zip(unpremultiplied, mask, strict=True)) > 60
