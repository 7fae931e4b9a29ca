"""Models of faded colour, for measuring how well colours are revived.

Three different models, so that an estimator tuned on one is caught out by another:

- `varnish`: the aging layer's own fading (tratteggio.core.lab.aging): a mix towards gray, range
  compression and a yellow veil, all affine per channel.
- `dye`: chromogenic dye fading. Each dye keeps a fraction of its density (a power curve per
  channel, one dye fading most), the support's tint lifts the blacks, a yellowed varnish multiplies
  the light through it, and the image loses some saturation.
- `lab`: fading described in CIELAB: lightness compressed between a lifted black and a dimmed
  white with a bent mid-tone, chroma scaled down, and a cast that grows towards the highlights.

Each is seeded: the same seed and severity give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tratteggio.core.errors import RequestError
from tratteggio.core.photo import color_view, dtype_max, to_dtype

FadingModel = Callable[[np.ndarray, np.random.Generator, float], np.ndarray]
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


def varnish(rgb: np.ndarray, rng: np.random.Generator, severity: float) -> np.ndarray:
    from tratteggio.core.lab.aging import LAYERS

    return np.asarray(LAYERS["fading"](rgb, rng, severity, float(np.hypot(*rgb.shape[:2]))))


def dye(rgb: np.ndarray, rng: np.random.Generator, severity: float) -> np.ndarray:
    keep = rng.uniform(0.8, 0.97, 3)
    keep[int(rng.integers(0, 3))] = rng.uniform(0.55, 0.8)
    keep = 1.0 - (1.0 - keep) * (0.4 + 1.2 * severity)
    density = -np.log10(np.clip(rgb, 10**-2.2, 1.0))
    x = 10.0 ** -(density * keep)
    tint = np.array([1.0, rng.uniform(0.85, 1.0), rng.uniform(0.6, 0.9)])
    base = rng.uniform(0.03, 0.08 + 0.1 * severity) * tint
    x = base + (1.0 - base) * x
    veil = severity * rng.uniform(0.5, 1.0)
    x = x * np.array([1.0, 1.0 - 0.06 * veil, 1.0 - 0.22 * veil])
    luma = (x @ LUMA.astype(np.float64))[..., None]
    loss = rng.uniform(0.05, 0.15 + 0.25 * severity)
    return np.asarray(luma + (1.0 - loss) * (x - luma), np.float32)


def lab(rgb: np.ndarray, rng: np.random.Generator, severity: float) -> np.ndarray:
    from skimage.color import lab2rgb, rgb2lab

    values = rgb2lab(np.clip(rgb, 0, 1).astype(np.float64))
    light = values[..., 0] / 100.0
    floor = rng.uniform(0.04, 0.08 + 0.12 * severity)
    ceiling = 1.0 - rng.uniform(0.02, 0.05 + 0.1 * severity)
    bend = rng.uniform(0.75, 1.1)
    light = floor + (ceiling - floor) * light**bend
    chroma = 1.0 - rng.uniform(0.1, 0.15 + 0.3 * severity)
    hue = rng.uniform(np.deg2rad(40), np.deg2rad(100))  # warm: from orange to yellow
    cast = rng.uniform(4.0, 8.0 + 12.0 * severity) * (0.4 + 0.6 * light)
    values[..., 0] = light * 100.0
    values[..., 1] = values[..., 1] * chroma + cast * np.cos(hue)
    values[..., 2] = values[..., 2] * chroma + cast * np.sin(hue)
    return np.asarray(lab2rgb(values), np.float32)


MODELS: dict[str, FadingModel] = {"varnish": varnish, "dye": dye, "lab": lab}


def fade(pixels: np.ndarray, model: str, seed: int, severity: float = 0.5) -> np.ndarray:
    """`pixels` faded by `model` (a name in MODELS), at their own dtype; gray photos come back RGB
    (a monochrome print yellows), alpha is dropped."""
    if model not in MODELS:
        raise RequestError(f"unknown fading model '{model}' (choose from {', '.join(MODELS)})")
    color = color_view(pixels)
    top = dtype_max(pixels.dtype)
    rgb = color.astype(np.float32) / np.float32(top)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    rng = np.random.default_rng([seed, 7919, list(MODELS).index(model)])
    faded = np.clip(MODELS[model](rgb, rng, severity), 0.0, 1.0)
    return to_dtype(faded * np.float32(top), pixels.dtype)
