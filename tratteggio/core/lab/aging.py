"""The forward process: time layering cracks, scratches, losses, stains, dust and fading onto a photo.

Seeded and layered: each kind is one layer applied in order, with its own random stream, so the
same seed gives the same bytes. The ground-truth mask covers every pixel a local layer changed by
more than `TOLERANCE` of full scale. Fading is global: it changes the support everywhere rather than
destroying it locally, so it is applied first and is part of the reference a restoration is scored
against, not of the mask (inpainting cannot undo a global tone change, nor should it try).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tratteggio.core.errors import RequestError
from tratteggio.core.lab.kinds import AGING_KINDS, DEFAULT_AGING_KINDS
from tratteggio.core.photo import Photo, color_view, dtype_max, to_dtype

KINDS = AGING_KINDS
DEFAULT_KINDS = DEFAULT_AGING_KINDS
TOLERANCE = 2.0 / 255.0
SUPPORT = np.array([0.86, 0.80, 0.69], np.float32)  # a plaster / paper ground showing through losses


@dataclass(frozen=True)
class AgingRequest:
    kinds: tuple[str, ...] = DEFAULT_KINDS
    severity: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown or not self.kinds:
            raise RequestError(f"unknown damage kinds {unknown or '(none)'}: choose from {', '.join(KINDS)}")
        if not 0.0 <= self.severity <= 1.0:
            raise RequestError(f"severity must be between 0 and 1, got {self.severity}")


@dataclass(eq=False)
class AgedPhoto:
    pixels: np.ndarray  # the damaged photo, same dtype and channels as the input
    mask: np.ndarray  # ground truth: True where a local layer changed the photo
    reference: np.ndarray  # what a perfect restoration gives back (the input, faded if fading was asked)
    layers: list[tuple[str, np.ndarray]] = field(default_factory=list)  # the photo after each layer
    kind_masks: dict[str, np.ndarray] = field(default_factory=dict)


def age(photo: Photo, request: AgingRequest) -> AgedPhoto:
    """Apply the requested damage layers in the canonical order of KINDS."""
    top = dtype_max(photo.pixels.dtype)
    color = color_view(photo.pixels).astype(np.float32) / top
    rgb = color if color.ndim == 3 else color[:, :, None]
    work = rgb.copy()
    diagonal = float(np.hypot(*rgb.shape[:2]))
    layers, masks = [], {}
    reference = photo.pixels
    for kind in (k for k in KINDS if k in request.kinds):
        rng = np.random.default_rng([request.seed, KINDS.index(kind)])
        before = work.copy()
        work = np.clip(LAYERS[kind](work, rng, request.severity, diagonal), 0.0, 1.0)
        pixels = _back(photo.pixels, work, top)
        layers.append((kind, pixels))
        if kind == "fading":
            reference = pixels
        else:
            masks[kind] = np.any(np.abs(work - before) > TOLERANCE, axis=2)
    final = layers[-1][1] if layers else photo.pixels.copy()
    truth = np.zeros(photo.shape2d, bool)
    for bits in masks.values():
        truth |= bits
    # rounding back to the dtype can move a pixel by less than the tolerance only; keep them honest
    changed = np.abs(color_view(final).astype(np.float32) - color_view(reference).astype(np.float32)) / top
    changed = changed if changed.ndim == 2 else changed.max(axis=2)
    truth |= changed > TOLERANCE
    return AgedPhoto(final, truth, reference, layers, masks)


def _back(original: np.ndarray, work: np.ndarray, top: float) -> np.ndarray:
    out = original.copy()
    values = to_dtype(work * top, original.dtype)
    color_view(out)[...] = values if color_view(out).ndim == 3 else values[:, :, 0]
    return out


def _soft(bits: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(bits.astype(np.float32), (0, 0), sigma) if sigma > 0 else bits.astype(np.float32)


def _fading(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    amount = 0.15 + 0.35 * severity
    yellow = (
        np.array([1.0, 0.93, 0.78], np.float32)[: img.shape[2]]
        if img.shape[2] == 3
        else np.ones(1, np.float32)
    )
    gray = img.mean(axis=2, keepdims=True)
    faded = (img * (1 - amount * 0.5) + gray * amount * 0.5) * (1 - amount * 0.4) + amount * 0.4 * yellow
    return faded


def _stains(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    import cv2

    height, width = img.shape[:2]
    count = 1 + int(rng.integers(0, 2 + int(4 * severity)))
    alpha = np.zeros((height, width), np.float32)
    for _ in range(count):
        center = rng.uniform([0, 0], [width, height])
        radius = diagonal * rng.uniform(0.03, 0.06 + 0.08 * severity)
        blob = np.zeros((height, width), np.uint8)
        angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        radii = radius * rng.uniform(0.6, 1.2, 24)
        pts = center + np.stack([np.cos(angles) * radii, np.sin(angles) * radii], axis=1)
        cv2.fillPoly(blob, [pts.astype(np.int32)], 1)
        ring = _soft(blob, radius * 0.15)
        alpha = np.maximum(alpha, ring * rng.uniform(0.25, 0.5))
    tint = (
        np.array([0.62, 0.45, 0.25], np.float32)[: img.shape[2]]
        if img.shape[2] == 3
        else np.full(1, 0.5, np.float32)
    )
    a = alpha[:, :, None]
    return img * (1 - a) + img * tint * a


def _polyline(
    rng: np.random.Generator, start: np.ndarray, steps: int, step: float, wobble: float
) -> np.ndarray:
    angle = rng.uniform(0, 2 * np.pi)
    points = [start]
    for _ in range(steps):
        angle += rng.normal(0, wobble)
        points.append(points[-1] + step * np.array([np.cos(angle), np.sin(angle)]))
    return np.array(points)


def _cracks(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    """Craquelure: branching networks of thin dark polylines, darkening multiplicatively, soft fringe."""
    import cv2

    height, width = img.shape[:2]
    lines = np.zeros((height, width), np.uint8)
    networks = 1 + int(2 + 6 * severity)
    for _ in range(networks):
        start = rng.uniform([0, 0], [width, height])
        stack = [start]
        for _ in range(int(rng.integers(3, 8))):
            origin = stack[int(rng.integers(0, len(stack)))]
            pts = _polyline(rng, origin, int(rng.integers(4, 14)), diagonal * rng.uniform(0.01, 0.025), 0.45)
            cv2.polylines(lines, [pts.astype(np.int32)], False, 1, int(rng.integers(1, 3)), cv2.LINE_AA)
            stack.extend(pts[1:])
    core = lines.astype(np.float32)
    darkness = np.clip(_soft(lines, 0.7) * 0.6 + core * 0.5, 0, 1) * rng.uniform(0.6, 0.8)
    return img * (1 - darkness[:, :, None])


def _scratches(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    import cv2

    height, width = img.shape[:2]
    out = img
    for _ in range(1 + int(1 + 4 * severity)):
        pts = _polyline(
            rng, rng.uniform([0, 0], [width, height]), 12, diagonal * rng.uniform(0.02, 0.05), 0.06
        )
        line = np.zeros((height, width), np.uint8)
        cv2.polylines(line, [pts.astype(np.int32)], False, 1, int(rng.integers(1, 3)), cv2.LINE_AA)
        a = (_soft(line, 0.5) * 0.5 + line * 0.5)[:, :, None] * rng.uniform(0.6, 0.9)
        target = 1.0 if rng.random() < 0.7 else 0.05  # most scratches show the bright ground
        out = out * (1 - a) + target * a
    return out


def _losses(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    """Irregular holes (LaMa-style thick strokes and blobs) showing a textured support colour."""
    import cv2

    height, width = img.shape[:2]
    holes = np.zeros((height, width), np.uint8)
    for _ in range(1 + int(rng.integers(0, 2 + int(3 * severity)))):
        size = diagonal * rng.uniform(0.01, 0.02 + 0.04 * severity)
        pts = _polyline(rng, rng.uniform([0, 0], [width, height]), int(rng.integers(2, 6)), size, 0.8)
        cv2.polylines(holes, [pts.astype(np.int32)], False, 1, max(2, int(size * 0.8)), cv2.LINE_8)
    support = SUPPORT[: img.shape[2]] if img.shape[2] == 3 else np.full(1, SUPPORT.mean(), np.float32)
    grain = rng.normal(0, 0.03, (height, width, 1)).astype(np.float32)
    a = holes.astype(np.float32)[:, :, None]
    return img * (1 - a) + (support + grain) * a


def _dust(img: np.ndarray, rng: np.random.Generator, severity: float, diagonal: float) -> np.ndarray:
    import cv2

    height, width = img.shape[:2]
    specks = np.zeros((height, width), np.uint8)
    bright = np.zeros((height, width), np.uint8)
    count = int((20 + 200 * severity) * height * width / 1e6 + 5)
    for _ in range(count):
        center = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        target = bright if rng.random() < 0.5 else specks
        cv2.circle(target, center, int(rng.integers(0, 3)), 1, -1)
    out = img * (1 - 0.75 * specks[:, :, None].astype(np.float32))
    return out + (0.95 - out) * 0.8 * bright[:, :, None].astype(np.float32)


LAYERS = {
    "fading": _fading,
    "stains": _stains,
    "cracks": _cracks,
    "scratches": _scratches,
    "losses": _losses,
    "dust": _dust,
}
