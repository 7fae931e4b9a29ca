"""Damage proposals: detectors that suggest a mask for the user to review, never a fill.

Dark cracks: a per-pixel crack score (classical line features weighed by small trained perceptrons,
see crackscore.py) with hysteresis and a thin-and-long component filter; bright scratches: the same
on the inverted photo (a scratch blends towards white, which inverted is a multiplicative darkening:
the black-hat / top-hat duality); dust: small compact specks; losses: pixels close to the
support colour that shows through. See ../shared/NOTES-restoration.md for the measured trade-offs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tratteggio.core.errors import RequestError
from tratteggio.core.geometry import Box
from tratteggio.core.lab.kinds import DETECT_KINDS, LINE_KINDS
from tratteggio.core.photo import color_view, dtype_max

if TYPE_CHECKING:
    from tratteggio.core.lab.detector import LineDetector
    from tratteggio.core.lab.lines import LineSearch
    from tratteggio.core.lab.teach import TaughtHead

NATIVE_WIDTH = 4  # the widest line (px) the line score sees at full size; wider ones are scored smaller
# hysteresis (low, high) on the line score at sensitivity 0.5, per kind: cracks chosen on UAV75's train
# split and `age`'s tuning seeds 0-2 together (benchmarks/RESULTS.md); scratches keep the values their
# chain shipped with (the crack chain's then; lower ones flag 4.7% of clean photos)
THRESHOLDS = {"cracks": (0.35, 0.9), "scratches": (0.6, 0.97)}
STRAIGHT = 1.5  # px RMS from a straight line: below, a dark line is a joint (chosen on UAV75's train split)


@dataclass(frozen=True)
class DetectRequest:
    kind: str = "cracks"
    sensitivity: float = 0.5
    max_width: int = 4
    min_length: int = 60
    roi: Box | None = None
    support: tuple[float, float, float] | None = None  # 0..1 RGB, for losses; estimated when None
    straight: bool = False  # cracks: also propose straight lines (joints, ruled lines: dropped by default)

    def __post_init__(self) -> None:
        if self.kind not in DETECT_KINDS:
            raise RequestError(f"unknown damage kind '{self.kind}' (choose from {', '.join(DETECT_KINDS)})")
        if not 0.0 <= self.sensitivity <= 1.0:
            raise RequestError(f"sensitivity must be between 0 and 1, got {self.sensitivity}")
        if self.max_width < 1 or self.min_length < 1:
            raise RequestError("max width and min length must be at least 1 pixel")


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Luminance in 0..255 (float32), whatever the dtype."""
    color = color_view(pixels).astype(np.float32) * (255.0 / dtype_max(pixels.dtype))
    if color.ndim == 2:
        return color
    return color @ np.array([0.299, 0.587, 0.114], np.float32)


def detect(
    pixels: np.ndarray,
    request: DetectRequest,
    line_score: np.ndarray | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    detector: LineDetector | None = None,
) -> np.ndarray:
    """A proposed damage mask (bool, the photo's size); False outside the ROI. Lines are scored by
    `detector` (a taught one, see detector.py) or the default.

    For cracks and scratches, `line_score`, the whole photo's `line_probability` for that kind,
    saves computing it again: the studio keeps it while the user moves the sensitivity slider (the
    score is ~95% of the time of a search). `on_progress(done, total)` follows the score's tiles
    (about 0.5-0.6 s per megapixel on 2 cores).
    """
    height, width = pixels.shape[:2]
    box = request.roi or Box(0, 0, width, height)
    box = Box(max(0, box.x0), max(0, box.y0), min(width, box.x1), min(height, box.y1))
    if box.width <= 0 or box.height <= 0:
        raise RequestError(f"the region {box.to_list()} lies outside the {width}x{height} photo")
    crop = pixels[box.slices]
    if request.kind in LINE_KINDS:
        if line_score is None:
            scale = line_scale(request.max_width)
            score = line_probability(crop, request.kind, on_progress, scale, detector)
        else:
            score = line_score[box.slices]
        found = propose_lines(score, request)
    else:
        found = {"dust": _dust, "losses": _losses}[request.kind](crop, request)
    out = np.zeros((height, width), bool)
    out[box.slices] = found
    return out


def _thresholds(sensitivity: float, low: float, high: float) -> tuple[float, float]:
    scale = 1.6 - 1.2 * sensitivity  # 0.5 -> 1.0; 1.0 -> 0.4 (finds more); 0.0 -> 1.6
    return low * scale, high * scale


def _hysteresis(strength: np.ndarray, low: float, high: float) -> np.ndarray:
    """Pixels above `low` 8-connected to a pixel above `high` (OpenCV's labelling: 8x faster than
    scikit-image's on 10 MP, which a refit after each teaching mark needs)."""
    import cv2

    above = (strength > low).astype(np.uint8)
    count, labels = cv2.connectedComponents(above, connectivity=8)
    if count <= 1:
        return np.zeros(strength.shape, bool)
    keep = np.zeros(count, bool)
    keep[labels[strength > high]] = True
    keep[0] = False
    return keep[labels]


def line_thresholds(sensitivity: float, kind: str = "cracks") -> tuple[float, float]:
    """Hysteresis thresholds on the line probability, moved together on the logit scale.

    0.5 gives THRESHOLDS[kind]; 1.0 finds more, 0.0 fewer.
    """
    shift = -3.1 * (sensitivity - 0.5)
    low, high = (_logit(t) + shift for t in THRESHOLDS[kind])
    return 1.0 / (1.0 + np.exp(-low)), 1.0 / (1.0 + np.exp(-high))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def line_probability(
    pixels: np.ndarray,
    kind: str = "cracks",
    on_progress: Callable[[int, int], None] | None = None,
    scale: float = 1.0,
    detector: LineDetector | None = None,
) -> np.ndarray:
    """(H, W) float32: how likely each pixel belongs to a dark crack (crackscore.py), or for
    "scratches" to a bright scratch (the same score on the inverted photo); with `detector`, as a
    taught detector scores it.

    With `scale` > 1 the photo is scored `scale` times smaller and the score enlarged back: the
    score's features reach lines up to ~5 px wide, and a 150 MP scan's cracks can be 20.
    """
    return search_lines(pixels, kind, on_progress, scale, detector).score()


def search_lines(
    pixels: np.ndarray,
    kind: str = "cracks",
    on_progress: Callable[[int, int], None] | None = None,
    scale: float = 1.0,
    detector: LineDetector | None = None,
) -> LineSearch:
    """The line score of `pixels`, kept with what teaching needs (lines.py)."""
    from tratteggio.core.lab.detector import default_detector
    from tratteggio.core.lab.lines import LineSearch

    chosen = detector if detector is not None else default_detector(kind)
    if chosen.kind != kind:
        raise RequestError(f"this detector was taught {chosen.kind}, not {kind}")
    return LineSearch.run(pixels, chosen, scale, on_progress)


def line_scale(max_width: int) -> float:
    """How much smaller to score the photo so that lines `max_width` wide look at most NATIVE_WIDTH."""
    return max(1.0, max_width / NATIVE_WIDTH)


def propose_lines(score: np.ndarray, request: DetectRequest, clean: np.ndarray | None = None) -> np.ndarray:
    """Thin, long lines: hysteresis on the line score, then the thin-and-long filter. Pixels marked
    `clean` (not damage) are never proposed.

    The score band covers a crack's soft fringe and edge blur too: a 3 px crack darkened to a quarter
    gives a band ~9 px wide, so components are kept up to 2 * `max_width` + 4 px wide (area/length).
    Cracks are jagged; a dark line whose skeleton stays within STRAIGHT px (RMS) of a straight line is
    a board or tile joint or a ruled line, and is dropped unless `request.straight` (scratches never:
    film scratches and folds are straight).
    """
    low, high = line_thresholds(request.sensitivity, request.kind)
    if clean is not None and clean.any():
        score = np.where(clean, 0.0, score).astype(np.float32)
    candidates = _hysteresis(score, low, high)
    bend = STRAIGHT if request.kind == "cracks" and not request.straight else 0.0
    return thin_and_long(candidates, request.min_length, 2.0 * request.max_width + 4.0, bend)


def propose_taught(
    search: LineSearch,
    request: DetectRequest,
    head: TaughtHead | None,
    damage: np.ndarray | None = None,
    clean: np.ndarray | None = None,
) -> np.ndarray:
    """The proposal once taught: lines from the score `head` gives, never where a "not damage" mark
    is, always on the line a "damage" mark points at (the user said so)."""
    found = propose_lines(search.score(head), request, clean)
    if damage is not None and damage.any():
        found |= search.marked(damage, clean if clean is not None else np.zeros_like(damage))
    return found


def thin_and_long(bits: np.ndarray, min_length: int, max_ratio: float, min_bend: float = 0.0) -> np.ndarray:
    """Components whose skeleton is at least `min_length` px, whose area/length is at most `max_ratio`,
    and whose skeleton strays at least `min_bend` px (RMS) from its straight line of best fit.

    Each component is skeletonized inside its own box, and only those with at least `min_length`
    pixels (a skeleton is never longer than its area): on 10 MP that is 5x faster than the whole
    image, since proposals are sparse.
    """
    import cv2
    from skimage.morphology import skeletonize

    count, labels, stats, _ = cv2.connectedComponentsWithStats(bits.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    areas = stats[:, cv2.CC_STAT_AREA]
    for label in np.flatnonzero(areas >= min_length):
        if label == 0:  # the background
            continue
        x, y, w, h = (int(v) for v in stats[label, :4])
        skeleton = skeletonize(labels[y : y + h, x : x + w] == label)
        length = int(np.count_nonzero(skeleton))
        keep[label] = length >= min_length and areas[label] <= max_ratio * max(length, 1)
        if keep[label] and min_bend > 0:
            keep[label] = bend(skeleton) >= min_bend
    keep[0] = False
    return keep[labels]


def bend(skeleton: np.ndarray) -> float:
    """RMS distance (px) of a skeleton's pixels from their straight line of best fit."""
    ys, xs = np.nonzero(skeleton)
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    points -= points.mean(axis=0)
    spread = np.linalg.svd(points, compute_uv=False)
    return float(spread[-1] / np.sqrt(len(points))) if len(spread) > 1 else 0.0


def _dust(crop: np.ndarray, request: DetectRequest) -> np.ndarray:
    """Small compact specks, dark or bright, much different from their surroundings."""
    import cv2

    lum = luminance(crop)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    dark = cv2.morphologyEx(lum, cv2.MORPH_CLOSE, kernel) - lum
    bright = lum - cv2.morphologyEx(lum, cv2.MORPH_OPEN, kernel)
    low, high = _thresholds(request.sensitivity, 25.0, 50.0)
    candidates = _hysteresis(np.maximum(dark, bright), low, high)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidates.astype(np.uint8), connectivity=8)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    keep = (area <= 40) & (np.maximum(w, h) <= 8) & (area >= 0.4 * w * h)
    keep[0] = False
    # no margin: the low threshold already takes in a speck's halo, and a 1 px margin around
    # specks of 1-13 px tripled the proposal (precision 0.12 -> 0.34 without it, same recall)
    return keep[labels]


def estimate_support(crop: np.ndarray) -> np.ndarray:
    """The most common colour among smooth, light pixels: the ground showing through losses."""
    import cv2

    color = color_view(crop).astype(np.float32) / dtype_max(crop.dtype)
    rgb = color if color.ndim == 3 else np.repeat(color[:, :, None], 3, axis=2)
    lum = rgb.mean(axis=2)
    texture = np.abs(lum - cv2.blur(lum, (5, 5)))
    smooth = (texture < 0.01) & (lum > 0.5)
    if smooth.sum() < 50:
        return np.array([0.86, 0.80, 0.69], np.float32)
    quantized = np.round(rgb[smooth] * 16).astype(np.int32)
    keys, counts = np.unique(
        quantized[:, 0] * 289 + quantized[:, 1] * 17 + quantized[:, 2], return_counts=True
    )
    key = keys[np.argmax(counts)]
    return np.array([key // 289, (key // 17) % 17, key % 17], np.float32) / 16


def _losses(crop: np.ndarray, request: DetectRequest) -> np.ndarray:
    """Areas close in colour to the support, larger than specks, that end sharply.

    Colour alone takes in every area of the support's colour (a beige backdrop, a grey sky). A loss
    is a hole: its outline is a step to the photo around it, while a backdrop fades out gradually.
    So a component is kept when the pixels just outside it are, on average, `_edge_step` away
    from the support colour (held-out precision 0.16 -> 0.87 with the support picked).
    """
    import cv2

    color = color_view(crop).astype(np.float32) / dtype_max(crop.dtype)
    rgb = color if color.ndim == 3 else np.repeat(color[:, :, None], 3, axis=2)
    support = np.array(request.support, np.float32) if request.support else estimate_support(crop)
    distance = np.linalg.norm(cv2.blur(rgb, (3, 3)) - support, axis=2)
    limit = 0.05 + 0.12 * request.sensitivity
    near = (distance < limit).astype(np.uint8)
    near = cv2.morphologyEx(near, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(near, connectivity=8)
    ring = cv2.dilate(near, np.ones((5, 5), np.uint8)).astype(bool) & ~near.astype(bool)
    owner = cv2.dilate(labels.astype(np.float32), np.ones((5, 5), np.uint8)).astype(np.int32)[ring]
    step = np.bincount(owner, distance[ring], count) / np.maximum(np.bincount(owner, minlength=count), 1)
    keep = (stats[:, cv2.CC_STAT_AREA] >= max(16, request.min_length)) & (
        step >= _edge_step(request.sensitivity)
    )
    keep[0] = False
    return cv2.dilate(keep[labels].astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def _edge_step(sensitivity: float) -> float:
    """Mean colour distance from the support just outside a loss: 0.30 at 0.5 (chosen on tuning
    seeds 0-2), 0.18 at 1.0, 0.42 at 0.0."""
    return 0.42 - 0.24 * sensitivity


def precision_recall(found: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    hits = int(np.count_nonzero(found & truth))
    precision = hits / max(1, int(np.count_nonzero(found)))
    recall = hits / max(1, int(np.count_nonzero(truth)))
    return float(precision), float(recall)
