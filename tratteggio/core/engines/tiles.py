"""Fill a large crop tile by tile, so one library call stays short and cancel is checked between
calls.

A crop up to `ONE_CALL` px on each side is filled in one call. A larger one is cut into `TILE`-px
tiles; the tile whose surroundings are best known goes first (as frequency-selective reconstruction
orders its own blocks), and each call sees its tile plus `margin` pixels of context, with pixels that
earlier tiles filled taken as known. The order depends only on the mask, so a rerun gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TILE = 112  # seven of the library's 16-px blocks
ONE_CALL = 256  # a loss of a few thousand pixels and its context: one call, as the library meant

Fill = Callable[[np.ndarray, np.ndarray], np.ndarray]


def fill_tiles_apart(
    levels: np.ndarray, mask: np.ndarray, fill: Fill, check: Callable[[], None], margin: int = 32
) -> np.ndarray:
    """`levels` with its masked pixels filled tile by tile, each tile on its own window (the tile
    plus `margin` px, every masked pixel in it unknown) and apart from the others: the tiles fill on
    worker threads at once, and the bytes do not depend on their order."""
    from tratteggio.core.engines.workers import in_order

    height, width = mask.shape
    if max(height, width) <= ONE_CALL:
        check()
        return fill(levels, mask)
    rows, cols = np.nonzero(_tile_counts(mask))
    boxes = [_tile_window(int(r), int(c), height, width, margin) for r, c in zip(rows, cols, strict=True)]
    tasks = [lambda window=window: fill(levels[window], mask[window]) for _, window, _ in boxes]
    out = levels.copy()
    for (tile, _, core), filled in zip(boxes, in_order(tasks, check), strict=True):
        chosen = mask[tile]
        out[tile][chosen] = filled[core][chosen]
    return out


Slices = tuple[slice, slice]


def _tile_window(row: int, col: int, height: int, width: int, margin: int) -> tuple[Slices, Slices, Slices]:
    """The tile at (row, col), its window with `margin` px around it, and the tile within the window."""
    y0, x0 = row * TILE, col * TILE
    y1, x1 = min(height, y0 + TILE), min(width, x0 + TILE)
    wy0, wx0 = max(0, y0 - margin), max(0, x0 - margin)
    wy1, wx1 = min(height, y1 + margin), min(width, x1 + margin)
    tile = (slice(y0, y1), slice(x0, x1))
    window = (slice(wy0, wy1), slice(wx0, wx1))
    return tile, window, (slice(y0 - wy0, y1 - wy0), slice(x0 - wx0, x1 - wx0))


def fill_in_tiles(
    levels: np.ndarray, mask: np.ndarray, fill: Fill, check: Callable[[], None], margin: int = 32
) -> np.ndarray:
    """`levels` with its masked pixels filled by `fill(crop, crop_mask)`, one tile at a time."""
    height, width = mask.shape
    check()
    if max(height, width) <= ONE_CALL:
        return fill(levels, mask)
    work = levels.copy()
    todo = mask.copy()
    missing = _tile_counts(todo)
    while missing.any():
        row, col = _best_known(missing)
        check()
        tile, window, core = _tile_window(row, col, height, width, margin)
        filled = fill(work[window], todo[window])
        chosen = todo[tile]
        work[tile][chosen] = filled[core][chosen]
        todo[tile] = False
        missing[row, col] = 0
    return work


def _tile_counts(bits: np.ndarray) -> np.ndarray:
    """Masked pixels per tile."""
    height, width = bits.shape
    rows, cols = -(-height // TILE), -(-width // TILE)
    padded = np.zeros((rows * TILE, cols * TILE), np.int64)
    padded[:height, :width] = bits
    return padded.reshape(rows, TILE, cols, TILE).sum(axis=(1, 3))


def _best_known(missing: np.ndarray) -> tuple[int, int]:
    """The pending tile with the fewest missing pixels around it (itself and its 8 neighbours);
    ties go to the first in reading order."""
    padded = np.pad(missing, 1)
    rows, cols = missing.shape
    around = sum(padded[dy : dy + rows, dx : dx + cols] for dy in range(3) for dx in range(3))
    score = np.where(missing > 0, around, np.iinfo(np.int64).max)
    row, col = np.unravel_index(int(np.argmin(score)), score.shape)
    return int(row), int(col)
