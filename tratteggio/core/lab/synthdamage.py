"""Line damage as it looks on real supports, and the dark lines that are not damage.

`tratteggio age` draws cracks as smooth polylines of even width; real cracks are jagged at every scale,
branch, taper to nothing and fade in and out, and the photos they are on hold dark lines that are not
damage: board joints in concrete, wood grain, pores. The line score learns from
both (scripts/train_crack_detector.py); the creased-print scenes measure the scratch kind, whose
score is the crack score of the inverted photo (a bright crease inverted is a dark crack).

Every function takes a numpy Generator: the same seed gives the same scene.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SUPERSAMPLE = 4  # lines are drawn this much larger and shrunk: sub-pixel widths get true coverage
CORE = 0.25  # a pixel belongs to a line when the line covers at least this much of it


@dataclass(eq=False)
class Scene:
    """A damaged photo (float32 0..1, H x W x C), what is damage, and what only looks like it."""

    pixels: np.ndarray
    truth: np.ndarray  # bool: damage (line coverage >= CORE)
    fringe: np.ndarray  # bool: touched by damage but below CORE (neither damage nor clean)
    lookalike: np.ndarray  # bool: dark lines that are not damage


def jagged_path(
    rng: np.random.Generator, start: np.ndarray, angle: float, length: float, roughness: float
) -> np.ndarray:
    """A crack's path: a persistent random walk, then midpoint displacement down to ~1 px, so it is
    jagged at every scale (a fractal, as fracture paths are)."""
    step = max(6.0, length / 12)
    points = [np.asarray(start, np.float64)]
    heading = angle
    for _ in range(max(2, int(length / step))):
        heading += rng.normal(0, 0.25 + 0.35 * roughness)
        points.append(points[-1] + step * np.array([np.cos(heading), np.sin(heading)]))
    path = np.array(points)
    spread = 0.22 * roughness + 0.06
    while np.max(np.linalg.norm(np.diff(path, axis=0), axis=1)) > 1.5:
        mids = (path[:-1] + path[1:]) / 2
        seg = path[1:] - path[:-1]
        normal = np.stack([-seg[:, 1], seg[:, 0]], axis=1)
        mids += normal * rng.normal(0, spread, (len(mids), 1))
        out = np.empty((len(path) + len(mids), 2))
        out[0::2], out[1::2] = path, mids
        path = out
    return path


def _smooth_noise(rng: np.random.Generator, count: int, scale: float) -> np.ndarray:
    """A smooth random profile along a path (values around 0, unit-ish spread)."""
    knots = max(2, int(count / max(scale, 1.0)) + 2)
    return np.interp(np.arange(count), np.linspace(0, count - 1, knots), rng.normal(0, 1, knots))


def _draw(canvas: np.ndarray, path: np.ndarray, widths: np.ndarray, values: np.ndarray) -> None:
    """Draw a path on a SUPERSAMPLE canvas, each segment at its width and value (max-composited)."""
    import cv2

    pts = np.round(path * SUPERSAMPLE).astype(np.int32)
    for i in range(len(pts) - 1):
        thick = max(1, int(round(widths[i] * SUPERSAMPLE)))
        a, b = (int(pts[i, 0]), int(pts[i, 1])), (int(pts[i + 1, 0]), int(pts[i + 1, 1]))
        cv2.line(canvas, a, b, float(values[i]), thick, cv2.LINE_8)


def _shrink(canvas: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.resize(canvas, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def crack_network(
    rng: np.random.Generator, shape: tuple[int, int], across: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(darkness, coverage): a branching network of tapering, jagged cracks whose darkness fades in and
    out along them. `across`: the trunk crosses the whole photo (creases on prints, long fractures)."""
    height, width = shape
    diagonal = float(np.hypot(height, width))
    dark = np.zeros((height * SUPERSAMPLE, width * SUPERSAMPLE), np.float32)
    cover = np.zeros_like(dark)
    strength = float(np.exp(rng.uniform(np.log(0.12), np.log(0.9))))
    base_width = float(rng.uniform(0.7, 3.5))
    roughness = float(rng.uniform(0.2, 1.0))
    if across:
        side = rng.integers(0, 2)
        start = np.array([0.0, rng.uniform(0, height)]) if side else np.array([rng.uniform(0, width), 0.0])
        angle = (0.0 if side else np.pi / 2) + rng.normal(0, 0.35)
        trunk_length = diagonal * 1.3
    else:
        start = rng.uniform([0, 0], [width, height])
        angle = rng.uniform(0, 2 * np.pi)
        trunk_length = diagonal * rng.uniform(0.15, 0.6)
    queue = [(start, angle, trunk_length, base_width, 0)]
    while queue:
        origin, heading, length, w0, depth = queue.pop()
        path = jagged_path(rng, origin, heading, length, roughness)
        n = len(path)
        taper = np.linspace(1.0, rng.uniform(0.15, 0.7), n)
        widths = np.clip(w0 * taper * np.exp(0.25 * _smooth_noise(rng, n, 40)), 0.35, 8.0)
        fade = np.clip(1.0 + 0.35 * _smooth_noise(rng, n, 60), 0.15, 1.4)
        _draw(dark, path, widths, np.clip(strength * fade, 0.03, 0.95))
        _draw(cover, path, widths, np.ones(n))
        if depth < 3:
            for _ in range(int(rng.integers(0, 4 - depth))):
                at = int(rng.integers(n // 8, max(n // 8 + 1, n - 1)))
                turn = rng.choice([-1, 1]) * rng.uniform(0.5, 1.4)
                queue.append(
                    (path[at], heading + turn, length * rng.uniform(0.2, 0.6), widths[at] * 0.8, depth + 1)
                )
    return _shrink(dark, shape), _shrink(cover, shape)


def joints(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(darkening, where): straight, parallel board or tile joints crossing the photo: a soft dark band,
    often with a sharp darker core and a light lip on one side."""
    import cv2

    height, width = shape
    darkening = np.zeros(shape, np.float32)
    vertical = rng.random() < 0.65
    tilt = rng.normal(0, 0.02) if rng.random() < 0.85 else rng.uniform(-0.6, 0.6)
    spacing = rng.uniform(60, 320)
    span = width if vertical else height
    offset = rng.uniform(0, spacing)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    for position in np.arange(offset, span, spacing):
        if rng.random() < 0.2:
            continue
        wobble = cv2.GaussianBlur(
            rng.normal(0, 1, (height if vertical else width, 1)).astype(np.float32), (0, 0), 40
        )
        wobble = wobble[:, 0] * rng.uniform(0, 40)
        if vertical:
            distance = xx - (position + tilt * yy + wobble[:, None])
        else:
            distance = yy - (position + tilt * xx + wobble[None, :])
        sigma = rng.uniform(0.8, 5.0)
        band = rng.uniform(0.04, 0.45) * np.exp(-0.5 * (distance / sigma) ** 2)
        if rng.random() < 0.5:
            core = rng.uniform(0.6, 2.0)
            band = np.maximum(band, rng.uniform(0.1, 0.5) * np.clip(core - np.abs(distance), 0, 1))
        if rng.random() < 0.4:
            lip = np.exp(-0.5 * ((distance - rng.choice([-1, 1]) * 2.5 * sigma) / sigma) ** 2)
            band = band - rng.uniform(0.03, 0.15) * lip
        darkening = np.where(np.abs(band) > np.abs(darkening), band, darkening)
    return darkening.astype(np.float32), darkening > 0.03


def polyline_network(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(darkness, coverage): craquelure as `tratteggio age` draws it (branching polylines of even
    width turning every 10-30 px, a soft fringe), with width, darkness and wobble drawn wider."""
    import cv2

    from tratteggio.core.lab.aging import _polyline

    height, width = shape
    diagonal = float(np.hypot(height, width))
    lines = np.zeros(shape, np.uint8)
    stack = [rng.uniform([0, 0], [width, height])]
    for _ in range(int(rng.integers(3, 8))):
        origin = stack[int(rng.integers(0, len(stack)))]
        step = diagonal * rng.uniform(0.008, 0.03)
        pts = _polyline(rng, origin, int(rng.integers(4, 14)), step, rng.uniform(0.3, 0.6))
        cv2.polylines(lines, [pts.astype(np.int32)], False, 255, int(rng.integers(1, 4)), cv2.LINE_AA)
        stack.extend(pts[1:])
    core = lines.astype(np.float32) / 255
    fringe = cv2.GaussianBlur(core, (0, 0), rng.uniform(0.5, 1.0))
    weight = np.clip(fringe * rng.uniform(0.4, 0.8) + core * rng.uniform(0.4, 0.6), 0, 1)
    return weight * rng.uniform(0.3, 0.9), core


def wood_grain(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Darkening of wavy parallel streaks, as grain or board imprints in concrete."""
    height, width = shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    across = xx * np.cos(angle) + yy * np.sin(angle)
    along = -xx * np.sin(angle) + yy * np.cos(angle)
    phase = across / rng.uniform(4, 14) + rng.uniform(0.5, 3) * np.sin(along / rng.uniform(40, 200))
    streaks = np.clip(np.cos(2 * np.pi * phase) - 0.7, 0, None) / 0.3
    return (streaks * rng.uniform(0.02, 0.12)).astype(np.float32)


def concrete(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A concrete-like surface (H, W, 3): mottled grey, fine grain, pores, stains."""
    import cv2

    height, width = shape
    base = rng.uniform(0.4, 0.85)
    tone = np.full(shape, base, np.float32)
    for sigma, amplitude in ((60, 0.06), (12, 0.03), (2, 0.02)):
        noise = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), sigma)
        tone += amplitude * rng.uniform(0.3, 1.5) * noise / (noise.std() + 1e-6)
    tone += rng.normal(0, rng.uniform(0.005, 0.025), shape).astype(np.float32)
    pores = np.zeros(shape, np.float32)
    for _ in range(int(height * width / rng.uniform(800, 6000))):
        center = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(1, 7)), int(rng.integers(1, 5)))
        cv2.ellipse(pores, center, axes, float(rng.uniform(0, 180)), 0, 360, float(rng.uniform(0.2, 0.8)), -1)
    tone *= 1 - cv2.GaussianBlur(pores, (0, 0), 0.7)
    tint = np.array([1.0, 1.0, 1.0]) + rng.normal(0, 0.03, 3)
    return np.clip(tone[:, :, None] * tint, 0, 1).astype(np.float32)


def darken(pixels: np.ndarray, darkness: np.ndarray) -> np.ndarray:
    return pixels * (1 - np.clip(darkness, -1, 1)[:, :, None])


def camera(rng: np.random.Generator, pixels: np.ndarray) -> np.ndarray:
    """Optical blur, sensor noise and JPEG: what a real photo of the damage went through."""
    import cv2

    out = pixels
    if rng.random() < 0.6:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 0.9))
    out = out + rng.normal(0, rng.uniform(0.0, 0.015), out.shape).astype(np.float32)
    out8 = np.clip(np.round(out * 255), 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        quality = int(rng.integers(60, 96))
        ok, data = cv2.imencode(".jpg", out8, [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if ok else None
        if decoded is not None:
            out8 = np.asarray(decoded, np.uint8).reshape(out8.shape)
    return out8


def straight_scratches(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(darkness, coverage) of film scratches as the negative shows them: long straight lines, mostly
    along the film, thin, even, broken here and there."""
    height, width = shape
    dark = np.zeros((height * SUPERSAMPLE, width * SUPERSAMPLE), np.float32)
    cover = np.zeros_like(dark)
    vertical = rng.random() < 0.7
    for _ in range(int(rng.integers(1, 5))):
        angle = (np.pi / 2 if vertical else rng.uniform(0, np.pi)) + rng.normal(0, 0.03)
        centre = rng.uniform([0, 0], [width, height])
        length = rng.uniform(0.3, 1.5) * np.hypot(height, width)
        n = max(2, int(length / 2))
        offsets = np.linspace(-length / 2, length / 2, n)
        path = centre + offsets[:, None] * np.array([np.cos(angle), np.sin(angle)])
        gaps = _smooth_noise(rng, n, 80) > rng.uniform(0.8, 2.5)
        strength = np.where(gaps, 0.0, float(np.exp(rng.uniform(np.log(0.15), np.log(0.9)))))
        widths = np.full(n, rng.uniform(0.6, 2.5))
        _draw(dark, path, widths, strength)
        _draw(cover, path, widths, (strength > 0).astype(np.float32))
    return _shrink(dark, shape), _shrink(cover, shape)


def damage_scene(
    rng: np.random.Generator, background: np.ndarray, kind: str = "cracks", polylines: float = 0.0
) -> Scene:
    """Line damage over `background` (float32 0..1, H x W x C) as the line score sees it (dark: the
    negative for scratches). Cracks come with look-alikes drawn in first (joints, grain); scratches
    and creases are bright lines whose negatives are dark, straight film scratches among them.
    `polylines`: the share of the jagged networks drawn as `age`'s polylines instead."""
    shape = background.shape[:2]
    img = background.astype(np.float32)
    lookalike = np.zeros(shape, bool)
    if kind == "cracks" and rng.random() < 0.6:
        band, where = joints(rng, shape)
        img, lookalike = darken(img, band), lookalike | where
    if kind == "cracks" and rng.random() < 0.25:
        img = darken(img, wood_grain(rng, shape))
    darkness = np.zeros(shape, np.float32)
    coverage = np.zeros(shape, np.float32)
    for _ in range(int(rng.integers(1, 6))):
        draw = rng.random()
        if kind == "scratches" and draw < 0.3:
            d, c = straight_scratches(rng, shape)
        elif draw < (0.6 if kind == "scratches" else 0.5):
            d, c = polyline_network(rng, shape)
        else:
            across = rng.random() < (0.5 if kind == "scratches" else 0.25)  # drawn either way: seeds hold
            if polylines > 0 and rng.random() < polylines:
                d, c = polyline_network(rng, shape)
            else:
                d, c = crack_network(rng, shape, across=across)
        darkness, coverage = np.maximum(darkness, d), np.maximum(coverage, c)
    img = darken(img, darkness)
    truth = coverage >= CORE
    fringe = (coverage > 0.01) & ~truth
    return Scene(np.clip(img, 0, 1), truth, fringe, lookalike & ~truth & ~fringe)


def creased_print(rng: np.random.Generator, photo: np.ndarray) -> Scene:
    """An old print (float32 0..1, H x W x 3 in): toned, softened and grainy, with bright branching
    creases where the emulsion cracked, most crossing the whole print, and fine short ones."""
    import cv2

    img = photo.astype(np.float32)
    grey = img.mean(axis=2, keepdims=True) if img.ndim == 3 else img[:, :, None]
    tone = np.array([1.0, 0.86, 0.66], np.float32) * rng.uniform(0.85, 1.0)
    toned = (0.12 + 0.8 * grey) * tone
    toned = cv2.GaussianBlur(toned, (0, 0), 0.6) + rng.normal(0, 0.015, toned.shape).astype(np.float32)
    shape = toned.shape[:2]
    bright = np.zeros(shape, np.float32)
    coverage = np.zeros(shape, np.float32)
    for index in range(int(rng.integers(3, 7))):
        d, c = crack_network(rng, shape, across=index < 3)
        bright, coverage = np.maximum(bright, np.clip(d * 1.4, 0, 0.95)), np.maximum(coverage, c)
    out = toned + (1 - toned) * bright[:, :, None]
    truth = coverage >= CORE
    fringe = (coverage > 0.01) & ~truth
    return Scene(np.clip(out, 0, 1), truth, fringe, np.zeros(shape, bool))
