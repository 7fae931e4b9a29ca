"""Split a mask into the crops engines work on, so cost follows the damage, not the photo.

The mask is first reduced to a coarse grid (one cell per `CELL` x `CELL` pixels), whose connected
components give groups of nearby damage without a full-resolution label image. Each group's tight box
is padded with context, and boxes that touch are merged until every crop is disjoint. Every damaged
pixel then lies in exactly one crop, and each crop contains all the damage within it.
"""

from __future__ import annotations

import numpy as np

from tratteggio.core.geometry import Box
from tratteggio.core.mask import bbox_of

CELL = 16


def plan_regions(bits: np.ndarray, pad: int, min_size: int = 0) -> list[Box]:
    """Disjoint context boxes covering all damage, each padded by at least `pad` pixels."""
    height, width = bits.shape
    boxes = []
    for coarse in _coarse_boxes(bits):
        tight = bbox_of(bits[coarse.slices])
        if tight is None:
            continue
        box = tight.offset(coarse.x0, coarse.y0).expand(pad, height, width)
        boxes.append(box.at_least(min_size, height, width) if min_size else box)
    return sorted(merge_overlapping(boxes), key=lambda b: (b.y0, b.x0))


def _coarse_boxes(bits: np.ndarray) -> list[Box]:
    import cv2

    height, width = bits.shape
    cells = coarse_cells(bits)
    count, _, stats, _ = cv2.connectedComponentsWithStats(cells.view(np.uint8), connectivity=8)
    return [
        Box(int(x) * CELL, int(y) * CELL, min(width, int(x + w) * CELL), min(height, int(y + h) * CELL))
        for x, y, w, h, _ in stats[1:count]
    ]


def coarse_cells(bits: np.ndarray) -> np.ndarray:
    """One boolean per CELL x CELL block: does it hold any damage? Only damaged row bands are read."""
    height, width = bits.shape
    bands = np.logical_or.reduceat(bits.any(axis=1), np.arange(0, height, CELL))
    col_starts = np.arange(0, width, CELL)
    cells = np.zeros((len(bands), len(col_starts)), dtype=bool)
    for band in np.flatnonzero(bands):
        columns = bits[band * CELL : (band + 1) * CELL].any(axis=0)
        cells[band] = np.logical_or.reduceat(columns, col_starts)
    return cells


def merge_overlapping(boxes: list[Box]) -> list[Box]:
    """Replace every set of mutually overlapping boxes by their union, until none overlap."""
    if len(boxes) < 2:
        return list(boxes)
    arr = np.array([b.to_list() for b in boxes], dtype=np.int64)
    while True:
        x0, y0, x1, y1 = (arr[:, i] for i in range(4))
        overlap = (
            (x0[:, None] < x1[None, :])
            & (x0[None, :] < x1[:, None])
            & (y0[:, None] < y1[None, :])
            & (y0[None, :] < y1[:, None])
        )
        if np.count_nonzero(overlap) == len(arr):  # each box overlaps only itself
            return [Box(*map(int, row)) for row in arr]
        labels = _groups(overlap)
        groups = np.unique(labels)
        merged = np.empty((len(groups), 4), dtype=np.int64)
        for g, label in enumerate(groups):
            members = arr[labels == label]
            merged[g] = (members[:, 0].min(), members[:, 1].min(), members[:, 2].max(), members[:, 3].max())
        arr = merged


def _groups(adjacency: np.ndarray) -> np.ndarray:
    """Connected components of a symmetric boolean adjacency matrix, as the smallest member index."""
    count = len(adjacency)
    labels = np.arange(count)
    while True:
        spread = np.where(adjacency, labels[None, :], count).min(axis=1)
        if np.array_equal(spread, labels):
            return labels
        labels = spread[spread]  # pointer jumping: halves the rounds on long chains
