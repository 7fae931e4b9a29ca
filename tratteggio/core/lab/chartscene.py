"""Photos with a ColorChecker Classic 24 in the frame, for testing chart calibration: the chart
rendered from its published colours, placed in perspective, blurred, noised and cast like a
capture under the wrong light (per-channel gains and a gamma), at 8 or 16 bits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tratteggio.core.color.colorchecker import reference_srgb

FRAME = 0.09  # the chart's black frame, as the Classic's


def chart_image(width: int) -> np.ndarray:
    """The chart seen face-on, `width` px wide (float RGB 0..1): 6 x 4 patches on a black frame."""
    cell = width / (6 + 2 * FRAME * 6 / 4 + 0.01)
    height = int(round(cell * 4 + 2 * FRAME * cell * 1.5))
    image = np.full((height, width, 3), 0.05)
    border, gap = FRAME * cell * 1.5, 0.16 * cell
    for index, colour in enumerate(reference_srgb()):
        row, col = divmod(index, 6)
        x0, y0 = int(border + col * cell + gap / 2), int(border + row * cell + gap / 2)
        image[y0 : int(y0 + cell - gap), x0 : int(x0 + cell - gap)] = colour
    return image


@dataclass(frozen=True)
class Cast:
    """A capture's colour error: per-channel gains (at most 1) and one gamma."""

    gains: tuple[float, float, float] = (1.0, 1.0, 1.0)
    gamma: float = 1.0

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        return np.asarray(np.clip(rgb, 0.0, 1.0) ** self.gamma * np.array(self.gains), np.float32)


def random_cast(rng: np.random.Generator, size: float) -> Cast:
    gains = np.exp(rng.normal(0.0, size, 3))
    return Cast(tuple(gains / gains.max()), float(np.exp(rng.uniform(-1.0, 1.0) * size)))  # type: ignore[arg-type]


def place_chart(
    photo: np.ndarray, width: int, rng: np.random.Generator, tilt: float = 0.12
) -> tuple[np.ndarray, np.ndarray]:
    """`photo` (float RGB 0..1) with the chart pasted in perspective somewhere inside it; and the
    chart's four corners (x, y) in the photo."""
    import cv2

    chart = chart_image(width).astype(np.float32)
    h, w = chart.shape[:2]
    height, full = photo.shape[:2]
    x0 = rng.uniform(0.05, 0.95) * max(1, full - w * (1 + tilt))
    y0 = rng.uniform(0.05, 0.95) * max(1, height - h * (1 + tilt))
    jitter = rng.uniform(-tilt, tilt, (4, 2)) * np.array([w, h])
    square = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    corners = (square + jitter + np.array([x0 + tilt * w, y0 + tilt * h])).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(square, corners)
    warped = cv2.warpPerspective(chart, matrix, (full, height), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (full, height))[..., None]
    return photo * (1.0 - cover) + warped * cover, corners


def captured(
    rgb: np.ndarray,
    cast: Cast,
    rng: np.random.Generator,
    blur: float = 0.0,
    noise: float = 0.0,
    bits: int = 8,
) -> np.ndarray:
    """`rgb` as a camera under `cast` would store it: blurred, noised, quantised to `bits`."""
    import cv2

    out = cast.apply(rgb)
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        out = out + rng.normal(0.0, noise, out.shape).astype(np.float32)
    top = 255 if bits == 8 else 65535
    return np.round(np.clip(out, 0.0, 1.0) * top).astype(np.uint8 if bits == 8 else np.uint16)
