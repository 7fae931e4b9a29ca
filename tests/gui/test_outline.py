"""The selected intervention's outline follows its mask, not its bounding box (issue 27)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from tratteggio.core.geometry import Box
from tratteggio.gui.highlight import OUTLINE_SIDE, Outline, _any_in_blocks


def test_two_blobs_are_outlined_apart(qapp: object) -> None:
    bits = np.zeros((50, 60), bool)
    bits[10:20, 10:20] = True
    bits[30:40, 30:50] = True
    outline = Outline(Box(100, 200, 160, 250), bits)  # the crop of a mask at (100, 200)
    assert outline.path.contains(QPointF(115, 215)) and outline.path.contains(QPointF(140, 235))
    assert not outline.path.contains(QPointF(125, 225))  # between them: inside the bounding box only


def test_a_big_mask_keeps_a_one_pixel_crack(qapp: object) -> None:
    height, width = 300, OUTLINE_SIDE * 3  # traced on 3x3 blocks
    bits = np.zeros((height, width), bool)
    bits[151, 100:5000] = True
    outline = Outline(Box(0, 0, width, height), bits)
    rect = outline.path.boundingRect()
    assert 148 <= rect.top() <= 152 and rect.height() <= 4 and rect.left() < 103 and rect.right() > 4996


def test_any_in_blocks_counts_partial_blocks() -> None:
    bits = np.zeros((9, 9), bool)
    bits[0, 3] = bits[4, 5] = bits[8, 8] = True
    assert np.array_equal(_any_in_blocks(bits, 4), np.eye(3, dtype=np.uint8))
