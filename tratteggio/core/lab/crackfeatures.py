"""The line score's per-pixel features: classical measures of dark thin structure, channels first.

Relative black-hats at four sizes and absolute ones, two-sided valley depths, Hessian ridge strength
at three scales, local brightness, texture and line density, how evenly the channels darken, and line
filters at 12 orientations at four lengths (15 px, and about 18, 42 and 124 px). The longer line
filters and the widest measures are computed on a half- or quarter-size copy: they describe the
surroundings (is this part of a long, straight, even band, as a board joint is, or of a jagged
one?), which needs no full resolution, and there they cost a quarter or a sixteenth.

Features are (F, H, W) float32, channels first: stacking planes along the first axis is a copy of
each plane, while (H, W, F) interleaves them (a third of the time of the whole score, measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tratteggio.core.photo import color_view, dtype_max

EPS = 10.0  # luminance offset of relative contrasts: keeps noise in near-black areas from looking deep
LUMA = np.array([0.299, 0.587, 0.114], np.float32)
GATE = 0.04  # pixels no black-hat finds this dark relative to their surroundings score 0
FEATURES = 32


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


def hessian(lum: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Larger and smaller Hessian eigenvalues at `sigma`, relative to the local brightness."""
    import cv2

    smooth = cv2.GaussianBlur(lum, (0, 0), sigma)
    dxx = cv2.Sobel(smooth, cv2.CV_32F, 2, 0, ksize=3)
    dyy = cv2.Sobel(smooth, cv2.CV_32F, 0, 2, ksize=3)
    dxy = cv2.Sobel(smooth, cv2.CV_32F, 1, 1, ksize=3)
    half_trace, spread = (dxx + dyy) / 2, np.sqrt(((dxx - dyy) / 2) ** 2 + dxy**2)
    norm = smooth + EPS
    return (half_trace + spread) / norm, (half_trace - spread) / norm


def orientation(gx: np.ndarray, gy: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    """(2, H, W): coherence * (cos 2a, sin 2a) of the structure tensor smoothed over `sigma` px, a the
    angle across the lines there. A jagged line's local angle wanders; over 6 px its course shows."""
    import cv2

    jxx = cv2.GaussianBlur(gx * gx, (0, 0), sigma)
    jyy = cv2.GaussianBlur(gy * gy, (0, 0), sigma)
    jxy = cv2.GaussianBlur(gx * gy, (0, 0), sigma)
    total = jxx + jyy + 1e-6
    return np.stack([(jxx - jyy) / total, 2 * jxy / total])


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


def along_lines(values: np.ndarray, lengths: tuple[int, ...]) -> list[np.ndarray]:
    """For each length, the best and the mean over orientations of `values` averaged along a line:
    a high best with a low mean is a line; both high is a blob or a textured area.

    Same as cv2.filter2D with each kernel (to 1e-6), but one forward DFT serves every kernel.
    """
    import cv2

    height, width = values.shape
    pad = max(lengths) // 2
    padded = cv2.copyMakeBorder(values, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    rows, cols = cv2.getOptimalDFTSize(padded.shape[0]), cv2.getOptimalDFTSize(padded.shape[1])
    canvas = np.zeros((rows, cols), np.float32)
    canvas[: padded.shape[0], : padded.shape[1]] = padded
    spectrum = cv2.dft(canvas)
    out: list[np.ndarray] = []
    for length in lengths:
        centre = length // 2
        best = np.full((height, width), -np.inf, np.float32)
        total = np.zeros((height, width), np.float32)
        for kernel in _line_kernels(length):
            ii, jj = np.nonzero(kernel)
            wrapped = np.zeros((rows, cols), np.float32)
            wrapped[(centre - ii) % rows, (centre - jj) % cols] = kernel[ii, jj]  # correlation
            product = cv2.mulSpectrums(spectrum, cv2.dft(wrapped), 0)
            full = cv2.idft(product, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)[
                pad : pad + height, pad : pad + width
            ]
            np.maximum(best, full, out=best)
            total += full
        out += [best, total / 12]
    return out


def half(plane: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.resize(
        plane, ((plane.shape[1] + 1) // 2, (plane.shape[0] + 1) // 2), interpolation=cv2.INTER_AREA
    )


def full(plane: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.resize(plane, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


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


def luminance_255(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colour planes scaled to 0..255 as H x W x C float32, luminance H x W)."""
    color = color_view(pixels).astype(np.float32) * (255.0 / dtype_max(pixels.dtype))
    rgb = color if color.ndim == 3 else color[:, :, None]
    lum = rgb @ LUMA if rgb.shape[2] == 3 else np.ascontiguousarray(rgb[:, :, 0])
    return rgb, lum


def _contrast(lum: np.ndarray, size: int) -> np.ndarray:
    import cv2

    mean = cv2.blur(lum, (size, size))
    variance = np.maximum(cv2.blur(lum * lum, (size, size)) - mean * mean, 0)
    return np.sqrt(variance) / (mean + EPS)


@dataclass(frozen=True, eq=False)
class FarField:
    """The 124 px line filter (best, mean) on a quarter-size copy of the whole photo, computed once
    before tiling: a tile's margin need not reach that far, and every tile reads the same values."""

    planes: np.ndarray  # (2, h, w) float32 at quarter size
    shape: tuple[int, int]  # the photo's (height, width)

    def at(self, y0: int, x0: int, height: int, width: int) -> np.ndarray:
        """(2, height, width): the field over the photo's pixels from (y0, x0), bilinear."""
        import cv2

        sy, sx = self.shape[0] / self.planes.shape[1], self.shape[1] / self.planes.shape[2]
        xs = ((np.arange(x0, x0 + width, dtype=np.float32) + 0.5) / sx - 0.5)[None, :]
        ys = ((np.arange(y0, y0 + height, dtype=np.float32) + 0.5) / sy - 0.5)[:, None]
        map_x = np.broadcast_to(xs, (height, width)).astype(np.float32)
        map_y = np.broadcast_to(ys, (height, width)).astype(np.float32)
        return np.stack(
            [
                cv2.remap(p, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                for p in self.planes
            ]
        )


def far_field(pixels: np.ndarray, negative: bool = False) -> FarField:
    """The far line filter of a whole photo (`negative`: of its negative, without inverting it whole)."""
    import cv2

    color = color_view(pixels)
    height, width = color.shape[:2]
    size = (max(1, round(width / 4)), max(1, round(height / 4)))
    small = cv2.resize(np.ascontiguousarray(color), size, interpolation=cv2.INTER_AREA).astype(np.float32)
    small *= 255.0 / dtype_max(pixels.dtype)
    if negative:
        small = 255.0 - small
    lum = (
        small @ LUMA
        if small.ndim == 3 and small.shape[2] == 3
        else (small if small.ndim == 2 else small[:, :, 0])
    )
    closed = cv2.morphologyEx(np.ascontiguousarray(lum), cv2.MORPH_CLOSE, _ellipse(5))
    planes = along_lines((closed - lum) / (closed + EPS), (31,))
    return FarField(np.stack(planes), (height, width))


def line_features(
    pixels: np.ndarray, far: FarField | None = None, origin: tuple[int, int] = (0, 0)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features (FEATURES, H, W) float32, gate (H, W) bool, orientation (2, H, W): see `orientation`)
    for any dtype and channel count. `far`: the whole photo's far field, `pixels` being its crop at
    `origin` (by default the field of `pixels` themselves)."""
    import cv2

    rgb, lum = luminance_255(pixels)
    shape = lum.shape
    far = far if far is not None else far_field(pixels)
    relative, absolute = {}, {}
    for size in (3, 5, 9, 15):
        closed = cv2.morphologyEx(lum, cv2.MORPH_CLOSE, _ellipse(size))
        relative[size] = (closed - lum) / (closed + EPS)
        absolute[size] = (closed - lum) / 255.0
    gate = np.maximum(np.maximum(relative[3], relative[5]), relative[9]) > GATE
    opened = cv2.morphologyEx(lum, cv2.MORPH_OPEN, _ellipse(5))
    smooth = cv2.GaussianBlur(lum, (0, 0), 1.0)
    gx, gy = cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    small = half(lum)
    small_closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, _ellipse(5))
    small_relative = (small_closed - small) / (small_closed + EPS)
    wide_closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, _ellipse(15))
    wide = (wide_closed - small) / (wide_closed + EPS)
    lines = along_lines(small_relative, (9, 21))
    wide_ridge = hessian(small, 2.0)[0]
    ridge, valley = hessian(lum, 1.0)
    planes = [
        *relative.values(),
        absolute[5],
        absolute[9],
        (lum - opened) / (255.0 - opened + EPS),
        _valley(lum, 2),
        _valley(lum, 5),
        ridge,
        valley,
        *hessian(lum, 2.0)[:2],
        lum / 255.0,
        cv2.blur(lum, (15, 15)) / 255.0,
        _contrast(lum, 7),
        _contrast(lum, 21),
        cv2.blur(relative[5], (31, 31)),
        cv2.blur(relative[9], (31, 31)),
        np.sqrt(gx * gx + gy * gy) / (cv2.blur(lum, (5, 5)) + EPS),
        _darkening_spread(rgb),
        *along_lines(relative[5], (15,)),
        *far.at(origin[0], origin[1], shape[0], shape[1]),
        *(full(p, shape) for p in (*lines, wide, wide_ridge, small_relative)),
    ]
    return np.stack(planes).astype(np.float32, copy=False), gate, orientation(gx, gy)
