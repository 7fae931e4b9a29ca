"""A per-pixel crack score: classical line features weighed by a chain of small perceptrons.

The features are the ones a hand-tuned detector thresholds one at a time (relative black-hats at four
sizes, absolute ones, a two-sided valley depth, Hessian ridge strength, local texture and line
density, a 12-orientation line detector, colour neutrality of the darkening). Thresholding any one of
them cannot tell a crack from hair, wood grain or scaffolding at the recall the issue asks for; a
perceptron weighing all of them can. Each perceptron after the first also sees the previous one's
score in its neighbourhood (auto-context), which joins a crack's broken stretches and drops isolated
responses. The weights are trained by scripts/train_crack_detector.py on photos that are not in the
evaluation set, with crack parameters drawn wider than `tratteggio age` draws them, and shipped as
package data (18 KB).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.photo import color_view, dtype_max
from tratteggio.resources import resource

EPS = 10.0  # luminance offset of relative contrasts: keeps noise in near-black areas from looking deep
TILE = 1024
MARGIN = 64  # covers the features' reach (~19 px) plus two contexts' (~15 px each)
CHUNK = 4096  # pixels per perceptron batch: its layers stay in cache (2x faster than 256 K)
MODEL = resource("crack_detector.npz")
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _ellipse(size: int) -> np.ndarray:
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def _valley(lum: np.ndarray, reach: int) -> np.ndarray:
    """Relative depth below the darker of two opposite sides, best over 8 directions and widths."""
    import cv2

    pad = 2 * reach
    height, width = lum.shape
    padded = cv2.copyMakeBorder(lum, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    best = np.zeros_like(lum)
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1), (1, 2), (2, 1), (2, -1), (1, -2)):
        side = np.full_like(lum, -1.0)
        steps = reach if max(abs(dy), abs(dx)) == 1 else max(1, (reach + 1) // 2)
        for r in range(1, steps + 1):
            ahead = padded[pad + r * dy : pad + r * dy + height, pad + r * dx : pad + r * dx + width]
            behind = padded[pad - r * dy : pad - r * dy + height, pad - r * dx : pad - r * dx + width]
            np.maximum(side, np.minimum(ahead, behind), out=side)
        np.maximum(best, (side - lum) / (side + EPS), out=best)
    return best


def _hessian(lum: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Larger and smaller Hessian eigenvalues at `sigma`, relative to the local brightness."""
    import cv2

    smooth = cv2.GaussianBlur(lum, (0, 0), sigma)
    dxx = cv2.Sobel(smooth, cv2.CV_32F, 2, 0, ksize=3)
    dyy = cv2.Sobel(smooth, cv2.CV_32F, 0, 2, ksize=3)
    dxy = cv2.Sobel(smooth, cv2.CV_32F, 1, 1, ksize=3)
    half_trace, spread = (dxx + dyy) / 2, np.sqrt(((dxx - dyy) / 2) ** 2 + dxy**2)
    norm = smooth + EPS
    return (half_trace + spread) / norm, (half_trace - spread) / norm


@lru_cache(maxsize=8)
def _line_kernels(length: int) -> tuple[np.ndarray, ...]:
    """Normalized 1-px line kernels at 12 orientations (Ricci and Perfetti's line detector)."""
    import cv2

    kernels = []
    centre = length // 2
    for angle in np.arange(12) * np.pi / 12:
        kernel = np.zeros((length, length), np.float32)
        dx, dy = np.cos(angle) * centre, np.sin(angle) * centre
        start, end = (round(centre - dx), round(centre - dy)), (round(centre + dx), round(centre + dy))
        cv2.line(kernel, start, end, 1.0, 1, cv2.LINE_AA)
        kernels.append(kernel / kernel.sum())
    return tuple(kernels)


def _along_lines(values: np.ndarray, lengths: tuple[int, ...]) -> list[np.ndarray]:
    """For each length, the best and the mean over orientations of `values` averaged along a line:
    a high best with a low mean is a line; both high is a blob or a textured area.

    Same as cv2.filter2D with each kernel (to 1e-6), but one forward DFT serves every kernel: 2x
    faster, since filter2D transforms the image again for each of the 12 or 24 kernels.
    """
    import cv2

    height, width = values.shape
    pad = max(lengths) // 2
    padded = cv2.copyMakeBorder(values, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    rows, cols = cv2.getOptimalDFTSize(padded.shape[0]), cv2.getOptimalDFTSize(padded.shape[1])
    canvas = np.zeros((rows, cols), np.float32)
    canvas[: padded.shape[0], : padded.shape[1]] = padded
    spectrum = cv2.dft(canvas)
    out = []
    for length in lengths:
        centre, means = length // 2, []
        for kernel in _line_kernels(length):
            ii, jj = np.nonzero(kernel)
            wrapped = np.zeros((rows, cols), np.float32)
            wrapped[(centre - ii) % rows, (centre - jj) % cols] = kernel[ii, jj]  # correlation
            product = cv2.mulSpectrums(spectrum, cv2.dft(wrapped), 0)
            full = cv2.idft(product, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
            means.append(full[pad : pad + height, pad : pad + width])
        out += [np.max(means, axis=0), np.mean(means, axis=0)]
    return out


def _contrast(lum: np.ndarray, size: int) -> np.ndarray:
    import cv2

    mean = cv2.blur(lum, (size, size))
    variance = np.maximum(cv2.blur(lum * lum, (size, size)) - mean * mean, 0)
    return np.sqrt(variance) / (mean + EPS)


def _darkening_spread(rgb: np.ndarray) -> np.ndarray:
    """How unevenly the channels darken against their closings: ~0 where a crack dims all alike."""
    import cv2

    if rgb.shape[2] != 3:
        return np.zeros(rgb.shape[:2], np.float32)
    ratios = []
    for channel in range(3):
        plane = np.ascontiguousarray(rgb[:, :, channel])
        closed = cv2.morphologyEx(plane, cv2.MORPH_CLOSE, _ellipse(5))
        ratios.append((closed - plane) / (closed + EPS))
    return np.std(ratios, axis=0)


def line_features(pixels: np.ndarray) -> np.ndarray:
    """(H, W, 23) float32 features of dark thin structure, for any dtype and channel count."""
    import cv2

    color = color_view(pixels).astype(np.float32) * (255.0 / dtype_max(pixels.dtype))
    rgb = color if color.ndim == 3 else color[:, :, None]
    lum = rgb @ LUMA if rgb.shape[2] == 3 else np.ascontiguousarray(rgb[:, :, 0])
    relative, absolute = {}, {}
    for size in (3, 5, 9, 15):
        closed = cv2.morphologyEx(lum, cv2.MORPH_CLOSE, _ellipse(size))
        relative[size] = (closed - lum) / (closed + EPS)
        absolute[size] = (closed - lum) / 255.0
    opened = cv2.morphologyEx(lum, cv2.MORPH_OPEN, _ellipse(5))
    smooth = cv2.GaussianBlur(lum, (0, 0), 1.0)
    gx, gy = cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    features = [
        *relative.values(),
        absolute[5],
        absolute[9],
        (lum - opened) / (255.0 - opened + EPS),
        _valley(lum, 2),
        _valley(lum, 5),
        *_hessian(lum, 1.0),
        *_hessian(lum, 2.0),
        lum / 255.0,
        cv2.blur(lum, (15, 15)) / 255.0,
        _contrast(lum, 7),
        _contrast(lum, 21),
        cv2.blur(relative[5], (31, 31)),
        cv2.blur(relative[9], (31, 31)),
        np.sqrt(gx * gx + gy * gy) / (cv2.blur(lum, (5, 5)) + EPS),
        _darkening_spread(rgb),
        *_along_lines(relative[5], (15,)),
    ]
    return np.stack(features, axis=-1).astype(np.float32, copy=False)


def score_context(score: np.ndarray) -> np.ndarray:
    """(H, W, 10): a score and its neighbourhood, for the next perceptron in the chain."""
    import cv2

    return np.stack(
        [
            *_along_lines(score, (15, 31)),
            score,
            cv2.blur(score, (5, 5)),
            cv2.blur(score, (15, 15)),
            cv2.dilate(score, np.ones((5, 5), np.uint8)),
            cv2.dilate(score, np.ones((11, 11), np.uint8)),
            cv2.erode(score, np.ones((3, 3), np.uint8)),
        ],
        axis=-1,
    )


def inverted(pixels: np.ndarray) -> np.ndarray:
    """A copy with the colour channels turned negative (alpha kept)."""
    out = pixels.copy()
    color = color_view(out)
    color[...] = 1.0 - color if out.dtype == np.float32 else dtype_max(out.dtype) - color
    return out


@dataclass(frozen=True, eq=False)
class Perceptron:
    """Standardize, then ReLU layers, then a sigmoid: probability that a pixel belongs to a crack."""

    mean: np.ndarray
    std: np.ndarray
    weights: tuple[np.ndarray, ...]  # (out, in) matrices
    biases: tuple[np.ndarray, ...]

    def __call__(self, features: np.ndarray) -> np.ndarray:
        shape = features.shape[:-1]
        flat = features.reshape(-1, features.shape[-1])
        out = np.empty(len(flat), np.float32)
        scale = (1.0 / self.std).astype(np.float32)
        transposed = [w.T.copy() for w in self.weights]
        for start in range(0, len(flat), CHUNK):
            x = flat[start : start + CHUNK] - self.mean
            x *= scale
            np.clip(x, -6.0, 6.0, out=x)
            for i, (w, b) in enumerate(zip(transposed, self.biases, strict=True)):
                x = x @ w
                x += b
                if i < len(transposed) - 1:
                    np.maximum(x, 0.0, out=x)
            logit = np.clip(x[:, 0], -30.0, 30.0)
            out[start : start + CHUNK] = 1.0 / (1.0 + np.exp(-logit))
        return out.reshape(shape)

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


@dataclass(frozen=True, eq=False)
class CrackScorer:
    """Perceptrons in a chain: the first sees line_features, each next one also score_context of the
    previous one's score (auto-context)."""

    stages: tuple[Perceptron, ...]

    def score(
        self, pixels: np.ndarray, on_tile: Callable[[int, int], None] | None = None, negative: bool = False
    ) -> np.ndarray:
        """(H, W) float32 crack probability, computed in overlapping tiles to bound memory;
        `on_tile(done, total)` after each tile. With `negative`, each tile is scored inverted (bright
        lines), so a 150 MP master is never copied whole."""
        height, width = pixels.shape[:2]
        out = np.empty((height, width), np.float32)
        corners = [(y0, x0) for y0 in range(0, height, TILE) for x0 in range(0, width, TILE)]
        for done, (y0, x0) in enumerate(corners, start=1):
            ya, xa = max(0, y0 - MARGIN), max(0, x0 - MARGIN)
            yb, xb = min(height, y0 + TILE + MARGIN), min(width, x0 + TILE + MARGIN)
            crop = pixels[ya:yb, xa:xb]
            tile = self.score_tile(inverted(crop) if negative else crop)
            y1, x1 = min(height, y0 + TILE), min(width, x0 + TILE)
            out[y0:y1, x0:x1] = tile[y0 - ya : y1 - ya, x0 - xa : x1 - xa]
            if on_tile is not None:
                on_tile(done, len(corners))
        return out

    def score_tile(self, pixels: np.ndarray) -> np.ndarray:
        features = line_features(pixels)
        score = self.stages[0](features)
        for stage in self.stages[1:]:
            score = stage(np.concatenate([features, score_context(score)], axis=-1))
        return score

    def next_inputs(self, features: np.ndarray) -> np.ndarray:
        """What a stage appended to this chain would see (used in training)."""
        inputs = features
        for stage in self.stages:
            inputs = np.concatenate([features, score_context(stage(inputs))], axis=-1)
        return inputs

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        for i, stage in enumerate(self.stages):
            arrays.update(stage.arrays(f"stage{i}_"))
        np.savez(path, **arrays)


@lru_cache(maxsize=2)
def load_scorer(path: Path = MODEL) -> CrackScorer:
    with np.load(path, allow_pickle=False) as data:
        arrays = dict(data)
    count = sum(1 for key in arrays if key.endswith("_mean"))
    return CrackScorer(tuple(Perceptron.from_arrays(arrays, f"stage{i}_") for i in range(count)))
