"""A per-pixel crack score: classical line features (crackfeatures.py) weighed by a chain of small
perceptrons.

Thresholding any one feature cannot tell a crack from a board joint, hair, wood grain or a pore; a
perceptron weighing all of them can. Each perceptron after the first also sees the previous one's
score in its neighbourhood (auto-context), which joins a crack's broken stretches and drops isolated
responses. Only pixels some black-hat finds darker than their surroundings (the gate, about a third
of a photo) are scored; the rest score 0. The weights are trained by scripts/train_crack_detector.py
on synthetic damage and look-alikes (synthdamage.py) over photos the evaluation never uses, and
shipped as package data.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.errors import TratteggioError
from tratteggio.core.lab.crackfeatures import (
    FEATURES,
    FarField,
    along_lines,
    far_field,
    full,
    half,
    line_features,
)
from tratteggio.core.photo import color_view, dtype_max
from tratteggio.resources import resource

TILE = 1024
MARGIN = 64  # covers the features' reach (~25 px; the far field is whole-photo) and 2 contexts' (~17 px)
CHUNK = 16384  # pixels per perceptron batch: its layers stay in cache
MODELS = {"cracks": resource("crack_detector.npz"), "scratches": resource("scratch_detector.npz")}
MODEL = MODELS["cracks"]
CONTEXT = 10
WORKERS = min(2, os.cpu_count() or 1)  # tiles scored at once

Corner = tuple[int, int]


Done = tuple[tuple[slice, slice], "TileScore"]


class DetectorFileError(TratteggioError):
    """A detector file that is not one of ours, or is damaged."""


def score_context(score: np.ndarray) -> np.ndarray:
    """(CONTEXT, H, W): a score and its neighbourhood, for the next perceptron in the chain. The line
    filters run on a half-size copy (they look 18-34 px along a line)."""
    import cv2

    small = half(score)
    return np.stack(
        [
            *(full(p, score.shape) for p in along_lines(small, (9, 17))),
            score,
            cv2.blur(score, (5, 5)),
            cv2.blur(score, (15, 15)),
            cv2.dilate(score, np.ones((5, 5), np.uint8)),
            cv2.dilate(score, np.ones((11, 11), np.uint8)),
            cv2.erode(score, np.ones((3, 3), np.uint8)),
        ]
    )


def inverted(pixels: np.ndarray) -> np.ndarray:
    """A copy with the colour channels turned negative (alpha kept)."""
    out = pixels.copy()
    color = color_view(out)
    color[...] = 1.0 - color if out.dtype == np.float32 else dtype_max(out.dtype) - color
    return out


@dataclass(frozen=True, eq=False)
class Perceptron:
    """Standardize, then ReLU layers, then a sigmoid: probability that a pixel belongs to a crack.
    Inputs are (F, N): one column per pixel."""

    mean: np.ndarray
    std: np.ndarray
    weights: tuple[np.ndarray, ...]  # (out, in) matrices
    biases: tuple[np.ndarray, ...]

    def logit(self, inputs: np.ndarray) -> np.ndarray:
        out = np.empty(inputs.shape[1], np.float32)
        mean, scale = self.mean[:, None], (1.0 / self.std).astype(np.float32)[:, None]
        for start in range(0, inputs.shape[1], CHUNK):
            x = inputs[:, start : start + CHUNK] - mean
            x *= scale
            np.clip(x, -6.0, 6.0, out=x)
            for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                x = w @ x
                x += b[:, None]
                if i < len(self.weights) - 1:
                    np.maximum(x, 0.0, out=x)
            out[start : start + CHUNK] = x[0]
        return out

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return sigmoid(self.logit(inputs))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        named = {f"{prefix}mean": self.mean, f"{prefix}std": self.std}
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            named[f"{prefix}w{i}"], named[f"{prefix}b{i}"] = w, b
        return named

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Perceptron:
        count = sum(1 for key in arrays if key.startswith(f"{prefix}w"))
        return cls(
            arrays[f"{prefix}mean"].astype(np.float32),
            arrays[f"{prefix}std"].astype(np.float32),
            tuple(arrays[f"{prefix}w{i}"].astype(np.float32) for i in range(count)),
            tuple(arrays[f"{prefix}b{i}"].astype(np.float32) for i in range(count)),
        )


def sigmoid(logit: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(logit, -30.0, 30.0)))).astype(np.float32)


@dataclass(eq=False)
class TileScore:
    """One tile's score and what the chain saw: the gate, and the last stage's inputs (F, gated
    pixels), which a taught detector reuses (teach.py)."""

    score: np.ndarray  # (H, W) float32
    gate: np.ndarray  # (H, W) bool
    inputs: np.ndarray  # (FEATURES + CONTEXT, gated pixels) float32
    orientation: np.ndarray  # (2, gated pixels) float32: crackfeatures.orientation


@dataclass(frozen=True, eq=False)
class CrackScorer:
    """Perceptrons in a chain: the first sees line_features, each next one also score_context of the
    previous one's score (auto-context)."""

    stages: tuple[Perceptron, ...]

    def score(
        self,
        pixels: np.ndarray,
        on_tile: Callable[[int, int], None] | None = None,
        negative: bool = False,
        keep: Callable[[tuple[int, int], TileScore], None] | None = None,
    ) -> np.ndarray:
        """(H, W) float32 crack probability, computed in overlapping tiles to bound memory;
        `on_tile(done, total)` after each tile; `keep((y0, x0), tile)` sees each tile's inner part.
        With `negative`, each tile is scored inverted (bright lines), so a 150 MP master is never
        copied whole."""
        height, width = pixels.shape[:2]
        out = np.empty((height, width), np.float32)
        corners = [(y0, x0) for y0 in range(0, height, TILE) for x0 in range(0, width, TILE)]

        far = far_field(pixels, negative)

        def work(corner: tuple[int, int]) -> tuple[tuple[slice, slice], TileScore]:
            y0, x0 = corner
            ya, xa = max(0, y0 - MARGIN), max(0, x0 - MARGIN)
            yb, xb = min(height, y0 + TILE + MARGIN), min(width, x0 + TILE + MARGIN)
            crop = pixels[ya:yb, xa:xb]
            tile = self.score_tile(inverted(crop) if negative else crop, far, (ya, xa))
            y1, x1 = min(height, y0 + TILE), min(width, x0 + TILE)
            inner = (slice(y0 - ya, y1 - ya), slice(x0 - xa, x1 - xa))
            return (slice(y0, y1), slice(x0, x1)), _inner(tile, inner)

        for done, (where, tile) in enumerate(_in_order(work, corners), start=1):
            out[where] = tile.score
            if keep is not None:
                keep((where[0].start, where[1].start), tile)
            if on_tile is not None:
                on_tile(done, len(corners))
        return out

    def score_tile(
        self, pixels: np.ndarray, far: FarField | None = None, origin: tuple[int, int] = (0, 0)
    ) -> TileScore:
        """One tile (or a whole small photo); `far`: the whole photo's far field, the tile at `origin`."""
        features, gate, course = line_features(pixels, far, origin)
        where = np.flatnonzero(gate)
        inputs = features.reshape(len(features), -1)[:, where]
        flat = np.zeros(gate.size, np.float32)
        flat[where] = self.stages[0](inputs)
        for stage in self.stages[1:]:
            context = score_context(flat.reshape(gate.shape))
            inputs = np.concatenate([inputs[:FEATURES], context.reshape(CONTEXT, -1)[:, where]])
            flat[where] = stage(inputs)
        return TileScore(flat.reshape(gate.shape), gate, inputs, course[:, gate])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        for i, stage in enumerate(self.stages):
            arrays.update(stage.arrays(f"stage{i}_"))
        np.savez(path, **arrays)


def _in_order(work: Callable[[Corner], Done], corners: list[Corner]) -> Iterator[Done]:
    """`work` on each corner, WORKERS at a time, yielded in order. OpenCV and numpy release the GIL,
    so two tiles at once use both cores; at most WORKERS tiles are in flight, so memory stays bounded
    and a cancel (raised by the consumer) waits for those only."""
    if len(corners) == 1 or WORKERS == 1:
        yield from map(work, corners)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="crackscore") as pool:
        pending = deque(pool.submit(work, c) for c in corners[:WORKERS])
        following = iter(corners[WORKERS:])
        try:
            while pending:
                result = pending.popleft().result()
                nxt = next(following, None)
                if nxt is not None:
                    pending.append(pool.submit(work, nxt))
                yield result
        finally:
            for future in pending:
                future.cancel()


def _inner(tile: TileScore, inner: tuple[slice, slice]) -> TileScore:
    """The part of a tile inside its margins (columns of `inputs` kept in row-major pixel order)."""
    index = np.full(tile.gate.shape, -1, np.int64)
    index[tile.gate] = np.arange(int(tile.gate.sum()))
    kept = index[inner]
    kept = kept[kept >= 0]
    return TileScore(tile.score[inner], tile.gate[inner], tile.inputs[:, kept], tile.orientation[:, kept])


def scorer_from_arrays(arrays: dict[str, np.ndarray], prefix: str = "") -> CrackScorer:
    count = sum(1 for key in arrays if key.startswith(prefix + "stage") and key.endswith("_mean"))
    stages = tuple(Perceptron.from_arrays(arrays, f"{prefix}stage{i}_") for i in range(count))
    if not stages or stages[0].mean.shape != (FEATURES,):
        raise DetectorFileError("it holds no crack score for this version's features")
    return CrackScorer(stages)


@lru_cache(maxsize=2)
def load_scorer(path: Path = MODEL) -> CrackScorer:
    with np.load(path, allow_pickle=False) as data:
        arrays = dict(data)
    return scorer_from_arrays(arrays)
