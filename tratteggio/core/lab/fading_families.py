"""Families of fading, from what the conservation literature describes, for leave-one-family-out
evaluation of colour revival (tratteggio.core.lab.revivalcheck).

Each family turns an original (float RGB 0..1) into what survives of it, with wide parameter
ranges drawn from a seeded generator. Some kinds of print were never colour: a toned or mirrored
silver print was a neutral gray image, a cyanotype a blue one; those families first say what the
unfaded print looked like (`original`), and revival is measured against that.

- `dye_dark`: chromogenic dye loss in dark storage: the cyan dye fades fastest, then yellow,
  magenta least (Wilhelm 1993); the base yellows and the blacks lift.
- `dye_light`: the same in light: yellow fades fastest, then magenta; a light veil.
- `varnish_paper`: a yellowed varnish filters the light twice (in and out) and the paper
  yellows: dimmed whites, warm tint everywhere, lifted and tinted blacks.
- `toning`: a neutral silver print sulfided or selenium-toned: warm brown to purple-brown in the
  mid-tones, yellowed highlights, weakened maximum density.
- `mirroring`: silver mirroring: a bluish metallic sheen in the shadows, strongest at the edges.
- `cyanotype`: a cyanotype faded towards pale blue on yellowed paper.
- `dim_tint`: strongly dimmed and tinted highlights with lifted blacks (whites 10-30% down).
- `scanner`: a scanner's wrong white balance and gamma (per-channel gains and one gamma).
- `mixture`: two or three of the colour families above, one after another.

The same seed and severity give the same bytes; numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tratteggio.core.errors import RequestError

LUMA = np.array([0.2126, 0.7152, 0.0722])
Fade = Callable[[np.ndarray, np.random.Generator, float], np.ndarray]
CYAN_BLUE = np.array([0.05, 0.22, 0.45])  # the Prussian blue of a cyanotype's deepest tone
PAPER = np.array([0.97, 0.96, 0.92])


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(rgb @ LUMA)


def _gray(rgb: np.ndarray) -> np.ndarray:
    return np.repeat(_luma(rgb)[..., None], 3, axis=-1)


def _lift(x: np.ndarray, black: np.ndarray, white: np.ndarray) -> np.ndarray:
    """Compress 0..1 into black..white per channel."""
    return black + (white - black) * x


def _desaturate(x: np.ndarray, loss: float) -> np.ndarray:
    luma = _luma(x)[..., None]
    return luma + (1.0 - loss) * (x - luma)


def _dye_loss(rgb: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Each dye keeps a fraction of its density; channel c is seen through dye c (cyan: red)."""
    density = -np.log10(np.clip(rgb, 10**-2.5, 1.0))
    return np.asarray(10.0 ** -(density * keep))


def dye_dark(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    cyan = 1.0 - rng.uniform(0.3, 0.7) * s - 0.1
    keep = np.array([cyan, 1.0 - rng.uniform(0.0, 0.2) * s, 1.0 - rng.uniform(0.1, 0.35) * s])
    x = _dye_loss(rgb, keep)
    stain = rng.uniform(0.02, 0.06 + 0.12 * s) * np.array([1.0, 0.9, 0.55])
    x = _lift(x, stain, np.array([1.0, 0.97, 1.0 - rng.uniform(0.05, 0.2) * s]))
    return _desaturate(x, rng.uniform(0.0, 0.3) * s)


def dye_light(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    keep = np.array(
        [1.0 - rng.uniform(0.0, 0.2) * s, 1.0 - rng.uniform(0.15, 0.4) * s, 1.0 - rng.uniform(0.3, 0.75) * s]
    )
    x = _dye_loss(rgb, keep)
    veil = rng.uniform(0.03, 0.08 + 0.15 * s)
    x = _lift(x, np.full(3, veil), np.full(3, 1.0 - rng.uniform(0.0, 0.06) * s))
    return _desaturate(x, rng.uniform(0.05, 0.2 + 0.3 * s))


def varnish_paper(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    filter_ = np.array([1.0, 1.0 - rng.uniform(0.02, 0.1) * s, 1.0 - rng.uniform(0.1, 0.35) * s])
    x = rgb * filter_**2  # through the varnish and back
    paper = rng.uniform(0.03, 0.06 + 0.14 * s) * np.array([1.0, 0.85, rng.uniform(0.4, 0.7)])
    x = paper + (1.0 - paper) * x * (1.0 - rng.uniform(0.0, 0.12) * s)
    return _desaturate(x, rng.uniform(0.05, 0.15 + 0.25 * s))


def toning(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    y = _luma(rgb)[..., None]
    hue = rng.choice([np.array([0.72, 0.5, 0.3]), np.array([0.55, 0.38, 0.4]), np.array([0.62, 0.45, 0.28])])
    mid = 4.0 * y * (1.0 - y)  # toning is strongest in the mid-tones
    tone = y + rng.uniform(0.4, 1.0) * s * mid * (hue - hue @ LUMA) * 0.6
    dmax = rng.uniform(0.04, 0.08 + 0.18 * s)
    high = 1.0 - rng.uniform(0.03, 0.08 + 0.15 * s) * np.array([0.6, 0.8, 1.6])
    return _lift(tone, np.full(3, dmax) * np.array([1.0, 0.9, 0.75]), high)


def mirroring(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    y = _gray(rgb)
    height, width = rgb.shape[:2]
    rows, cols = np.linspace(-1, 1, height)[:, None], np.linspace(-1, 1, width)[None, :]
    edge = np.clip(np.maximum(np.abs(rows), np.abs(cols)) ** rng.uniform(1.5, 4.0), 0.0, 1.0)
    reach = rng.uniform(0.3, 0.7) + 0.3 * edge
    sheen = rng.uniform(0.25, 0.35 + 0.4 * s) * reach[..., None] * (1.0 - y) ** 1.5
    tint = np.array([0.75, 0.85, 1.0]) * rng.uniform(0.5, 0.8)
    x = y + sheen * (tint - y)
    black = rng.uniform(0.02, 0.04 + 0.1 * s) * np.array([0.9, 0.95, 1.0])
    return _lift(x, black, 1.0 - rng.uniform(0.02, 0.05 + 0.1 * s) * np.array([0.8, 1.0, 1.4]))


def cyanotype_original(rgb: np.ndarray) -> np.ndarray:
    y = _luma(rgb)[..., None]
    return CYAN_BLUE + (PAPER - CYAN_BLUE) * y


def cyanotype(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    pale = rng.uniform(0.3, 0.4 + 0.4 * s)  # the blue bleaches towards a pale blue
    faded = rgb + pale * (np.array([0.55, 0.7, 0.85]) - rgb) * (1.0 - 0.7 * _luma(rgb)[..., None])
    yellow = 1.0 - rng.uniform(0.05, 0.1 + 0.2 * s) * np.array([0.0, 0.3, 1.0])
    return np.asarray(faded * yellow)


def dim_tint(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    white = 1.0 - rng.uniform(0.1, 0.3) * (0.4 + 0.6 * s) * rng.uniform(0.7, 1.3, 3)
    black = rng.uniform(0.05, 0.1 + 0.15 * s) * rng.uniform(0.7, 1.3, 3)
    gamma = rng.uniform(0.8, 1.25, 3)
    x = _lift(np.clip(rgb, 0, 1) ** gamma, black, np.clip(white, black + 0.3, 1.0))
    return _desaturate(x, rng.uniform(0.1, 0.2 + 0.3 * s))


def scanner(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    gains = np.exp(rng.normal(0.0, 0.06 + 0.12 * s, 3))
    gains /= gains.max() * rng.uniform(1.0, 1.15)
    gamma = np.exp(rng.uniform(-0.35, 0.35) * (0.5 + s)) * np.exp(rng.normal(0.0, 0.05, 3))
    return np.asarray(np.clip(rgb, 0, 1) ** gamma * gains)


COLOUR_PARTS = (dye_dark, dye_light, varnish_paper, dim_tint, scanner)


def mixture(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    picks = rng.choice(len(COLOUR_PARTS), size=int(rng.integers(2, 4)), replace=False)
    x = rgb
    for index in picks:
        x = np.clip(COLOUR_PARTS[int(index)](x, rng, s * rng.uniform(0.5, 0.8)), 0.0, 1.0)
    return x


@dataclass(frozen=True)
class Family:
    """A kind of fading: `fade` (rgb, rng, severity) -> rgb, and what the print looked like
    unfaded (`original`: the photo as it is, its gray, or a cyanotype of it)."""

    name: str
    fade: Fade
    original: Callable[[np.ndarray], np.ndarray] = lambda rgb: rgb


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("dye_dark", dye_dark),
        Family("dye_light", dye_light),
        Family("varnish_paper", varnish_paper),
        Family("toning", toning, _gray),
        Family("mirroring", mirroring, _gray),
        Family("cyanotype", cyanotype, cyanotype_original),
        Family("dim_tint", dim_tint),
        Family("scanner", scanner),
        Family("mixture", mixture),
    )
}


def _old_model(name: str) -> Fade:
    def fade(rgb: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
        from tratteggio.core.lab.fading import MODELS

        return MODELS[name](rgb.astype(np.float32), rng, s)

    return fade


# Issue 12's three fading models (tratteggio.core.lab.fading) as extra families, for tuning the
# default so that it does not regress on them (issue 25); not among the nine FAMILIES.
OLD_MODELS: dict[str, Family] = {
    f"old_{name}": Family(f"old_{name}", _old_model(name)) for name in ("varnish", "dye", "lab")
}
EVERY: dict[str, Family] = {**FAMILIES, **OLD_MODELS}


def severity_for(seed: int) -> float:
    """The severity a seed draws (0.2..1): wide ranges, the same for every family."""
    return float(np.random.default_rng([seed, 99]).uniform(0.2, 1.0))


def fade_family(rgb: np.ndarray, family: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(original, faded) float32 RGB 0..1 for float RGB `rgb` under `family` with `seed`."""
    if family not in EVERY:
        raise RequestError(f"unknown fading family '{family}' (choose from {', '.join(EVERY)})")
    chosen = EVERY[family]
    original = np.clip(chosen.original(np.asarray(rgb, np.float64)), 0.0, 1.0)
    rng = np.random.default_rng([seed, 4241, list(EVERY).index(family)])
    faded = np.clip(chosen.fade(original, rng, severity_for(seed)), 0.0, 1.0)
    return original.astype(np.float32), faded.astype(np.float32)
