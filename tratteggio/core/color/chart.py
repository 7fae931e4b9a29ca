"""Calibrate from a colour chart in the frame: find an X-Rite ColorChecker Classic 24 (OpenCV's
`cv2.mcc` detector), measure its patches at the photo's own bit depth, and fit the revive transform
(tratteggio.core.color.revive) that brings them closest to their published colours
(tratteggio.core.color.colorchecker), by least squares in CIELAB. The correction stays one global,
monotone, documented transform: the record names its parameters, and rerun reproduces the bytes.

A candidate the detector returns is kept only if it looks like the chart: its gray row gets darker
from white to black, and its patches are flat (a textured region is not a patch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tratteggio.core.color.colorchecker import LAB_D50, srgb_to_lab_d50
from tratteggio.core.color.revive import LUMA, MIN_RANGE, ReviveTransform
from tratteggio.core.errors import RequestError
from tratteggio.core.photo import color_view, dtype_max

MAX_PATCH_STD = 0.08  # a patch's pixels (inner half) spread at most this much (0..1 of full scale)
MIN_GRAY_STEP = 0.01  # each gray patch is at least this much darker in luma than the one before
FADGI = ((2.0, "4 stars"), (4.0, "3 stars"), (5.0, "2 stars"), (8.0, "1 star"))  # mean ΔE00 at most


class NoChartError(RequestError):
    """No ColorChecker Classic 24 was found in the photo."""


@dataclass(frozen=True)
class ChartFound:
    """The chart's outline (4 x 2, x y), its patches' corners (24 x 4 x 2) and their mean colours
    (24 x 3, RGB 0..1), in the chart's published order."""

    outline: np.ndarray
    patches: np.ndarray
    measured: np.ndarray


def find_chart(pixels: np.ndarray) -> ChartFound:
    """The ColorChecker Classic 24 in `pixels` (any supported dtype); NoChartError if none."""
    import cv2

    rgb = _unit_rgb(pixels)
    bgr8 = np.ascontiguousarray((rgb[:, :, ::-1] * 255.0 + 0.5).astype(np.uint8))
    detector = cv2.mcc.CCheckerDetector_create()  # type: ignore[attr-defined]
    if not detector.process(bgr8, 1):
        raise NoChartError("no colour chart (X-Rite ColorChecker Classic 24) found in the photo")
    for checker in detector.getListColorChecker():
        patches = np.asarray(checker.getColorCharts(), np.float64).reshape(24, 4, 2)
        measured, spread = _measure(rgb, patches)
        if _plausible(measured, spread):
            return ChartFound(np.asarray(checker.getBox(), np.float64), patches, measured)
    raise NoChartError("no colour chart (X-Rite ColorChecker Classic 24) found in the photo")


def _unit_rgb(pixels: np.ndarray) -> np.ndarray:
    values = color_view(pixels).astype(np.float32) / np.float32(dtype_max(pixels.dtype))
    return np.repeat(values[:, :, None], 3, axis=2) if values.ndim == 2 else values


def _measure(rgb: np.ndarray, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of each patch's inner half (away from its edges and the chart's frame)."""
    import cv2

    means, spreads = np.zeros((24, 3)), np.zeros(24)
    for index, corners in enumerate(patches):
        inner = corners.mean(axis=0) + 0.5 * (corners - corners.mean(axis=0))
        x0, y0 = np.floor(inner.min(axis=0)).astype(int)
        x1, y1 = np.ceil(inner.max(axis=0)).astype(int) + 1
        x0, y0 = max(x0, 0), max(y0, 0)
        window = rgb[y0:y1, x0:x1]
        mask = np.zeros(window.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, np.round(inner - (x0, y0)).astype(np.int32), 1)
        values = window[mask.astype(bool)].astype(np.float64)
        if len(values) == 0:
            return means, np.full(24, np.inf)
        means[index], spreads[index] = values.mean(axis=0), values.std(axis=0).max()
    return means, spreads


def _plausible(measured: np.ndarray, spread: np.ndarray) -> bool:
    grays = measured[18:] @ LUMA.astype(np.float64)
    return bool(np.all(spread <= MAX_PATCH_STD) and np.all(np.diff(grays) <= -MIN_GRAY_STEP))


# -- the fit --------------------------------------------------------------------------------------
def colours_through(transform: ReviveTransform, rgb: np.ndarray) -> np.ndarray:
    """`transform` applied to a few colours (n x 3, 0..1) exactly as to a photo's pixels."""
    curved = np.stack([transform.curve(c, rgb[:, c]) for c in range(3)], axis=1)
    return np.clip(curved @ transform.chroma_matrix().T.astype(np.float64), 0.0, 1.0)


def fit_to_chart(measured: np.ndarray) -> ReviveTransform:
    """The revive transform that brings the `measured` patches (24 x 3) closest to the chart's
    published colours (least squares on their CIELAB differences)."""
    from scipy.optimize import least_squares

    start = np.concatenate([np.zeros(3), *_gray_ramp_start(measured), [0.0, 0.005]])
    low = np.array([0.0, 0.0, 0.0, MIN_RANGE, MIN_RANGE, MIN_RANGE, -1.2, -1.2, -1.2, -1.0, 0.001])
    high = np.array([0.6, 0.6, 0.6, 1.0, 1.0, 1.0, 1.2, 1.2, 1.2, 1.0, 0.05])
    fitted = least_squares(
        lambda p: (srgb_to_lab_d50(colours_through(_transform(p), measured)) - LAB_D50).ravel(),
        start,
        bounds=(low, high),
    )
    return _transform(fitted.x)


def _gray_ramp_start(measured: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """White levels and log gammas from the gray row, as if each channel were gain * x ** power:
    a line through the log patches."""
    from tratteggio.core.color.colorchecker import reference_srgb

    ref = np.log(np.clip(reference_srgb()[18:], 1e-3, 1.0))
    logs = np.log(np.clip(measured[18:], 1e-3, 1.0))
    whites, gammas = np.ones(3), np.zeros(3)
    for c in range(3):
        power, gain = np.polyfit(ref[:, c], logs[:, c], 1)
        whites[c] = np.clip(np.exp(gain), 2 * MIN_RANGE, 1.0)
        gammas[c] = np.clip(-np.log(max(power, 0.1)), -1.2, 1.2)
    return whites, gammas


def _transform(p: np.ndarray) -> ReviveTransform:
    black = np.minimum(p[:3], p[3:6] - MIN_RANGE)
    return ReviveTransform(
        tuple(np.maximum(black, 0.0)),  # type: ignore[arg-type]
        tuple(p[3:6]),  # type: ignore[arg-type]
        tuple(np.exp(p[6:9])),  # type: ignore[arg-type]
        saturation=float(np.exp(p[9])),
        softness=float(p[10]),
    )


@dataclass(frozen=True)
class ChartScore:
    """Per-patch CIEDE2000 against the published colours, before and after the correction."""

    before: np.ndarray
    after: np.ndarray

    def to_dict(self) -> dict[str, object]:
        return {
            "reference": "X-Rite ColorChecker Classic 24 (tratteggio.core.color.colorchecker)",
            "before": _summary(self.before),
            "after": _summary(self.after),
            "after_per_patch": [round(float(v), 2) for v in self.after],
        }

    def describe(self) -> str:
        b, a = _summary(self.before), _summary(self.after)
        return (
            f"chart ΔE00 per patch: before mean {b['mean']:.2f}, max {b['max']:.2f} ({b['fadgi']}); "
            f"after mean {a['mean']:.2f}, max {a['max']:.2f} ({a['fadgi']})"
        )


def score_chart(measured: np.ndarray, transform: ReviveTransform) -> ChartScore:
    from skimage.color import deltaE_ciede2000

    after = colours_through(transform, measured)
    return ChartScore(
        deltaE_ciede2000(srgb_to_lab_d50(measured), LAB_D50),
        deltaE_ciede2000(srgb_to_lab_d50(after), LAB_D50),
    )


def fadgi_grade(mean: float) -> str:
    """A FADGI-style grade of a mean patch ΔE00 (the thresholds of FADGI's colour accuracy)."""
    return next((grade for limit, grade in FADGI if mean <= limit), "below 1 star")


def _summary(values: np.ndarray) -> dict[str, object]:
    mean = float(np.mean(values))
    return {"mean": round(mean, 2), "max": round(float(np.max(values)), 2), "fadgi": fadgi_grade(mean)}
