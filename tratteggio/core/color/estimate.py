"""Estimate the transform that revives a faded photo, from the photo alone or from a reference the
user knows: a point that was gray, or a region that was white.

Fading lifts the blacks a lot, dims the whites a little, tints both (yellowed varnish or paper,
one dye fading faster than the others), and bends the mid-tones of each channel differently. From
the photo alone:

- black and white: the mean colours of the darkest and brightest 0.5% of pixels (by luma). Their
  luma says how far the range was compressed, but a photo of a gray wall is dark-less by nature,
  so only a plausible fading is undone (blacks lifted by at most `MAX_LIFT`, whites dimmed by at
  most `MAX_DIM`). Their tint (colour minus luma) is taken as the fading's.
- mid-tones: the "gray spine" — in each band of luma, the densest cluster of chroma. In a
  monochrome print every pixel is on it and it is the cast itself; in a colourful photo it is
  often a colour of the scene, so its pull on the per-channel gammas (and on the tints) is
  weighed by how much of the photo lies on it.
- saturation: the same fading that lifted the blacks washed out the colours; chroma is raised in
  proportion to the lift. A picked neutral point pins the mid-tone cast exactly (each channel's
  gamma is solved so the point comes out gray); a white region pins each channel's white level.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tratteggio.core.color import guard
from tratteggio.core.color.chart import ChartFound, ChartScore, find_chart, fit_to_chart, score_chart
from tratteggio.core.color.guard import GUARD, GuardModel
from tratteggio.core.color.revive import LUMA, MIN_RANGE, ReviveTransform
from tratteggio.core.errors import RequestError
from tratteggio.core.geometry import Box
from tratteggio.core.photo import color_view, dtype_max

REFERENCES = ("auto", "neutral", "white", "chart")
MAX_LIFT = 0.25  # fading lifts blacks by at most this much of full scale (luma)
MAX_DIM = 0.2  # ... and dims whites by at most this much (issue 25: fading dims them 10-30%, tinted)
STRETCH = 0.5  # the share of the measured lift and dimming undone (a flat photo looks faded too)
END_FRACTION = 0.5  # percent of pixels averaged for the black and the white
SAMPLE = 250_000  # pixels the estimate looks at (an even subsample of bigger photos)
SPINE_BANDS = 12
NEAR = 0.03  # a pixel within this L1 chroma distance of the spine counts as on it
SATURATION_PER_LIFT = 1.0
PICK_RADIUS = 2  # a picked point is the median of a (2r+1)^2 neighbourhood


@dataclass(frozen=True)
class ReviveRequest:
    """Which reference the estimate uses: "auto", "neutral" (`point` x, y was gray), "white"
    (`box` was white) or "chart" (a ColorChecker Classic 24 in the frame); and how strongly the
    result is applied (0..1)."""

    reference: str = "auto"
    point: tuple[int, int] | None = None
    box: Box | None = None
    strength: float = 1.0

    def __post_init__(self) -> None:
        if self.reference not in REFERENCES:
            raise RequestError(f"unknown revive reference '{self.reference}' ({', '.join(REFERENCES)})")
        if self.reference == "neutral" and self.point is None:
            raise RequestError("a neutral reference needs the point that was gray (--neutral X,Y)")
        if self.reference == "white" and self.box is None:
            raise RequestError("a white reference needs the region that was white (--white X,Y,W,H)")
        if not 0.0 <= self.strength <= 1.0:
            raise RequestError(f"revive strength must be between 0 and 1, got {self.strength}")

    def to_dict(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "point": list(self.point) if self.point is not None else None,
            "box": self.box.to_list() if self.box is not None else None,
            "strength": self.strength,
        }

    def check_inside(self, height: int, width: int) -> None:
        """RequestError if the point or region lies outside a `width` x `height` photo."""
        if self.point is not None:
            x, y = self.point
            if not (0 <= x < width and 0 <= y < height):
                raise RequestError(f"the neutral point {x},{y} is outside the {width}x{height} photo")
        if self.box is not None:
            b = self.box
            if b.width <= 0 or b.height <= 0 or b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height:
                raise RequestError(
                    f"the white region {b.x0},{b.y0},{b.width},{b.height} is not inside the "
                    f"{width}x{height} photo"
                )


@dataclass(frozen=True)
class EstimateSettings:
    """What the estimate from the photo alone believes about fading (chosen leave-one-family-out
    in benchmarks/bench_revival_families.py): how much of the measured lift and dimming of the
    tone range to undo (`stretch`: a naturally flat photo looks lifted and dimmed too), how far
    whites may have dimmed, how much of the ends' tint to remove, and the saturation gain."""

    max_lift: float = MAX_LIFT
    max_dim: float = MAX_DIM
    stretch: float = STRETCH
    tint: float = 1.0
    saturation_per_lift: float = SATURATION_PER_LIFT
    backoff: bool = True
    # issue 25's self-checks, all off by default (none won leave-one-family-out; see RESULTS.md)
    agree: float = 0.0  # > 0: the whites' tint removed only as far as it agrees with the blacks'
    clip_limit: float = 0.0  # > 0: back off where more than this share of pixels would clip
    luma_check: float = 0.0  # > 0: back off where the mean luma moves more than this x the lift
    white_tint: float = 1.0  # the share of `tint` removed at the white end
    dim_share: float = 1.0  # the share of the measured dimming undone (of `stretch`'s)
    guard: GuardModel | None = GUARD  # None: the settings' own transform, unguarded


DEFAULT_SETTINGS = EstimateSettings()


@dataclass(frozen=True)
class Estimate:
    """The transform, how sure the estimate is of it (0..1: the share of it kept), and why; from a
    chart, the chart found and its patches' ΔE00 before and after."""

    transform: ReviveTransform
    confidence: float = 1.0
    reasons: tuple[str, ...] = ()
    chart: ChartFound | None = None
    score: ChartScore | None = None
    statistics: tuple[float, ...] = ()  # the guard's inputs (tratteggio.core.color.guard.NAMES)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"confidence": round(self.confidence, 4), "reasons": list(self.reasons)}
        if self.chart is not None and self.score is not None:
            out["chart"] = {"outline": np.round(self.chart.outline, 1).tolist(), **self.score.to_dict()}
        return out

    def describe(self) -> str:
        sure = f"confidence {self.confidence:.2f}"
        return sure + (": " + "; ".join(self.reasons) if self.reasons else "")


def estimate(
    pixels: np.ndarray, request: ReviveRequest, settings: EstimateSettings = DEFAULT_SETTINGS
) -> ReviveTransform:
    """The transform that revives `pixels` (any supported dtype and channels) as `request` says."""
    return estimate_with_evidence(pixels, request, settings).transform


def estimate_with_evidence(
    pixels: np.ndarray, request: ReviveRequest, settings: EstimateSettings = DEFAULT_SETTINGS
) -> Estimate:
    """The transform, with how sure the estimate is. From the photo alone, where the photo gives
    little evidence (a flat or gray subject, a low-key scene) the transform backs off towards no
    change, and the guard (tratteggio.core.color.guard) picks the candidate it predicts brings the
    photo closest to its original, or no change where none is predicted to help clearly; a picked
    reference is trusted whole."""
    height, width = pixels.shape[:2]
    request.check_inside(height, width)
    if request.reference == "chart":
        return _from_chart(pixels, request.strength)
    seen = _look(pixels)
    if request.reference != "auto" or settings.guard is None or not settings.backoff:
        return _proposal(pixels, seen, request, settings)
    return _guarded(pixels, seen, request, settings, settings.guard)


@dataclass(frozen=True)
class _Seen:
    """What the estimate reads from the photo: an even sample of its pixels, their luma, the mean
    colours of its darkest and brightest ends, its gray spine and how monochrome it is."""

    sample: np.ndarray
    luma: np.ndarray
    dark: np.ndarray
    bright: np.ndarray
    spine: np.ndarray
    trust: float
    blue_print: bool


def _look(pixels: np.ndarray) -> _Seen:
    stride = _stride(*pixels.shape[:2])
    sample = _unit_rgb(pixels[::stride, ::stride]).reshape(-1, 3).astype(np.float64)
    luma = sample @ LUMA.astype(np.float64)
    dark, bright = _ends(sample, luma)
    spine, on_spine = _spine(sample, luma)
    trust = float(np.clip((on_spine - 0.55) / 0.35, 0.0, 1.0))  # 0: a colourful scene, 1: monochrome
    return _Seen(sample, luma, dark, bright, spine, trust, trust > 0.5 and _is_blue(spine))


def _guarded(
    pixels: np.ndarray, seen: _Seen, request: ReviveRequest, settings: EstimateSettings, model: GuardModel
) -> Estimate:
    """The guard's choice among its candidates, or no change where none is predicted to help."""
    proposals = [_proposal(pixels, seen, request, replace(settings, **c)) for c in model.settings]
    predicted = [model.predict(np.array(p.statistics)) for p in proposals]
    best = int(np.argmin(predicted))
    ratio = float(np.exp(predicted[best]))
    if predicted[best] >= model.threshold:
        why = f"no revival is predicted to help clearly (best predicted error x{ratio:.2f}): left as it is"
        reasons = (*proposals[best].reasons, why)
        return Estimate(ReviveTransform(strength=request.strength), 0.0, reasons)  # the very same bytes
    chosen = proposals[best]
    why = f"{model.names[best]} (predicted error x{ratio:.2f} of the faded photo's)"
    return replace(chosen, reasons=(*chosen.reasons, why))


def _proposal(
    pixels: np.ndarray, seen: _Seen, request: ReviveRequest, settings: EstimateSettings
) -> Estimate:
    """The transform `settings` believe in, backed off where the photo gives little evidence."""
    sample, dark, bright, spine, trust = seen.sample, seen.dark, seen.bright, seen.spine, seen.trust
    keep = 0.0 if seen.blue_print else settings.tint
    if request.reference != "auto":  # a reference the user knows: issue 12's levels, undone whole
        settings = replace(settings, stretch=1.0, max_dim=0.05)
    lift = settings.stretch * min(float(dark @ LUMA), settings.max_lift)
    dim = settings.dim_share * settings.stretch * min(1.0 - float(bright @ LUMA), settings.max_dim)
    black = lift + keep * (dark - dark @ LUMA)
    white_tint = settings.white_tint * (_agreement(dark, bright) ** settings.agree if settings.agree else 1.0)
    white = 1.0 - dim + white_tint * keep * (bright - bright @ LUMA)
    if request.reference == "white":
        assert request.box is not None
        white = _unit_rgb(pixels[request.box.slices]).reshape(-1, 3).astype(np.float64).mean(axis=0)
    black, white = _valid_levels(black, white)
    levels = ReviveTransform(tuple(black), tuple(white))
    if request.reference == "neutral":
        assert request.point is not None
        gamma = _gammas_through(levels, [_picked(pixels, *request.point)], np.ones(1))
    else:
        gamma = np.exp(keep * trust * np.log(_gammas_through(levels, spine, np.ones(len(spine)))))
    transform = ReviveTransform(
        tuple(black),
        tuple(white),
        tuple(gamma),
        saturation=float(np.clip(1.0 + settings.saturation_per_lift * lift, 1.0, 2.0)),
        strength=request.strength,
    )
    if request.reference != "auto" or not settings.backoff:
        return Estimate(transform)
    confidence, reasons = _evidence(float(dark @ LUMA), float(bright @ LUMA), trust, seen.blue_print)
    if settings.luma_check > 0:
        moved = _mean_luma_moved(sample, backed_off(transform, confidence))
        allowed = settings.luma_check * max(lift, 0.01)
        if moved > allowed:
            confidence *= allowed / moved
            reasons.append(f"it would move the mean luma by {moved:.2f}")
    if settings.clip_limit > 0:
        clipped = _clipped_share(sample, black, white)
        if clipped > settings.clip_limit:
            confidence *= settings.clip_limit / clipped
            reasons.append(f"it would clip {clipped * 100:.1f}% of the pixels")
    transform = backed_off(transform, confidence)
    ends = (dark, bright)
    stats = guard.statistics(sample, seen.luma, ends, trust, seen.blue_print, confidence, transform)
    return Estimate(transform, confidence, tuple(reasons), statistics=tuple(float(v) for v in stats))


def _from_chart(pixels: np.ndarray, strength: float) -> Estimate:
    found = find_chart(pixels)
    transform = fit_to_chart(found.measured)
    return Estimate(
        transform.at_strength(strength), chart=found, score=score_chart(found.measured, transform)
    )


FLAT = (0.15, 0.45)  # a tone range (luma of the ends) this wide gives no / full evidence
LOW_KEY = (0.25, 0.5)  # a brightest tone this bright gives no / full evidence of the whites


def _evidence(dark: float, bright: float, trust: float, blue_print: bool) -> tuple[float, list[str]]:
    """How much of the estimate the photo supports (0..1), and why it is less than 1."""
    reasons = []
    spread = float(np.clip((bright - dark - FLAT[0]) / (FLAT[1] - FLAT[0]), 0.0, 1.0))
    if spread < 1.0:
        reasons.append(f"its tones span only {bright - dark:.2f} of full scale (a flat or gray subject)")
    key = float(np.clip((bright - LOW_KEY[0]) / (LOW_KEY[1] - LOW_KEY[0]), 0.0, 1.0))
    if key < 1.0:
        reasons.append(f"its brightest tone is {bright:.2f} (a low-key scene: its whites are unknown)")
    if trust > 0.5:
        reasons.append("a monochrome print: its tint is taken as toning or yellowing")
    if blue_print:
        reasons.append("a blue monochrome (a cyanotype?): its blue is kept")
    return spread * key, reasons


def _agreement(dark: np.ndarray, bright: np.ndarray) -> float:
    """0..1: how far the tint of the whites points the way of the blacks' (a cast over the whole
    photo) rather than elsewhere (a coloured subject that is the brightest thing in it)."""
    a, b = dark - dark @ LUMA, bright - bright @ LUMA
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.clip(a @ b / norm, 0.0, 1.0)) if norm > 1e-9 else 0.0


def _mean_luma_moved(sample: np.ndarray, transform: ReviveTransform) -> float:
    """How far `transform` moves the mean luma of the sample pixels (0..1 of full scale)."""
    revived = transform.apply(sample[None].astype(np.float32))[0].astype(np.float64)
    return abs(float((revived - sample).mean(axis=0) @ LUMA.astype(np.float64)))


def _clipped_share(sample: np.ndarray, black: np.ndarray, white: np.ndarray) -> float:
    """The share of pixels with a channel outside its black..white levels (clipped by them)."""
    return float(np.mean(((sample < black - 0.01) | (sample > white + 0.01)).any(axis=1)))


def backed_off(transform: ReviveTransform, confidence: float) -> ReviveTransform:
    """`transform`'s parameters moved towards no change: `confidence` 1 keeps them, 0 is identity."""
    c = float(np.clip(confidence, 0.0, 1.0))
    black = tuple(c * b for b in transform.black)
    white = tuple(1.0 - c * (1.0 - w) for w in transform.white)
    gamma = tuple(g**c for g in transform.gamma)
    saturation = 1.0 + c * (transform.saturation - 1.0)
    return ReviveTransform(black, white, gamma, saturation, transform.strength, transform.softness)  # type: ignore[arg-type]


def _is_blue(spine: np.ndarray) -> bool:
    """The gray spine of a monochrome lies on the blue side (blue above red by a clear margin)."""
    if len(spine) == 0:
        return False
    return bool(np.median(spine[:, 2] - spine[:, 0]) > 0.015)


def _unit_rgb(pixels: np.ndarray) -> np.ndarray:
    values = color_view(pixels)
    rgb = values.astype(np.float32) / np.float32(dtype_max(pixels.dtype))
    return np.repeat(rgb[:, :, None], 3, axis=2) if rgb.ndim == 2 else rgb


def _stride(height: int, width: int) -> int:
    return max(1, int(np.ceil(np.sqrt(height * width / SAMPLE))))


def _ends(sample: np.ndarray, luma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean colours of the darkest and the brightest END_FRACTION percent of pixels."""
    low, high = np.percentile(luma, [END_FRACTION, 100.0 - END_FRACTION])
    return sample[luma <= low].mean(axis=0), sample[luma >= high].mean(axis=0)


def _spine(sample: np.ndarray, luma: np.ndarray) -> tuple[np.ndarray, float]:
    """Per band of luma, the densest low-spread cluster of colours (the gray spine), and the share
    of pixels lying on it."""
    edges = np.percentile(luma, np.linspace(3, 97, SPINE_BANDS + 1))
    points, shares = [], []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        band = (luma >= lo) & (luma < hi)
        if np.count_nonzero(band) < 50:
            continue
        offsets = sample[band] - luma[band, None]
        mode = np.median(offsets, axis=0)
        for _ in range(3):  # shrink towards the densest cluster: the median of the nearest 30%
            distance = np.abs(offsets - mode).sum(axis=1)
            mode = np.median(offsets[distance <= np.percentile(distance, 30)], axis=0)
        points.append(luma[band].mean() + mode)
        shares.append(np.mean(np.abs(offsets - mode).sum(axis=1) < NEAR))
    if not points:
        return np.zeros((0, 3)), 0.0
    return np.array(points), float(np.mean(shares))


def _valid_levels(black: np.ndarray, white: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    black = np.clip(black, 0.0, 1.0 - MIN_RANGE - 1e-6)
    white = np.clip(np.maximum(white, black + MIN_RANGE + 1e-6), 0.0, 1.0)
    return black, white


def _gammas_through(
    levels: ReviveTransform, points: np.ndarray | list[np.ndarray], weights: np.ndarray
) -> np.ndarray:
    """Per-channel gammas that bring `points` (faded colours believed gray) closest to gray after
    `levels`, in the log domain (least squares, gently pulled towards 1)."""
    points = np.asarray(points, np.float64).reshape(-1, 3)
    if len(points) == 0:
        return np.ones(3)
    curved = np.stack([levels.curve(c, points[:, c]) for c in range(3)], axis=1)
    curved = np.clip(curved, 1e-3, 1.0 - 1e-3)
    target = np.log(np.clip(curved @ LUMA.astype(np.float64), 1e-3, 1.0 - 1e-3))
    logs = np.log(curved)
    prior = 0.01 * weights.sum()  # a little pull towards gamma 1 where the logs are tiny
    gamma = ((weights[:, None] * logs * target[:, None]).sum(axis=0) + prior) / (
        (weights[:, None] * logs**2).sum(axis=0) + prior
    )
    return np.clip(gamma, 0.4, 2.5)


def _picked(pixels: np.ndarray, x: int, y: int) -> np.ndarray:
    r = PICK_RADIUS
    patch = _unit_rgb(pixels[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1]).reshape(-1, 3)
    return np.median(patch.astype(np.float64), axis=0)


def revive_request_from(data: object) -> ReviveRequest:
    """A ReviveRequest from its `to_dict` form (a record's); RequestError if malformed."""
    if not isinstance(data, dict):
        raise RequestError("the revive request must be an object")
    point, box = data.get("point"), data.get("box")
    try:
        return ReviveRequest(
            reference=str(data.get("reference", "auto")),
            point=(int(point[0]), int(point[1])) if point is not None else None,
            box=Box(*(int(v) for v in box)) if box is not None else None,
            strength=float(data.get("strength", 1.0)),
        )
    except (TypeError, ValueError, IndexError):
        raise RequestError(f"malformed revive request {data!r}"[:80]) from None
