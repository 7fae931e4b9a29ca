"""Extend the picture (outpainting): a larger canvas whose new area an engine fills, with the
original region as its context.

The canvas has the master's dtype and channels; the new area starts as the nearest edge pixels
repeated (the context a non-inpainting model starts from), opaque where there is alpha, and is
then restored like a loss with no blend band: every original pixel stays bit-identical.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from tratteggio.core.engines import Engines
from tratteggio.core.errors import RequestError
from tratteggio.core.geometry import Box
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo, dtype_max
from tratteggio.core.pipeline.restore import CancelCheck, Result, StepCallback, restore
from tratteggio.core.request import RestorationRequest

MAX_SIDE = 32768


@dataclass(frozen=True)
class Margins:
    """Pixels added on each side of the photo."""

    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0

    def __post_init__(self) -> None:
        values = (self.left, self.top, self.right, self.bottom)
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values):
            raise RequestError(f"margins must be whole numbers of pixels, 0 or more, got {values}")
        if not any(values):
            raise RequestError("nothing to extend: give at least one of --left, --right, --top, --bottom")

    def canvas(self, width: int, height: int) -> tuple[int, int]:
        return width + self.left + self.right, height + self.top + self.bottom

    def placed(self, width: int, height: int) -> Box:
        """Where the original lies in the canvas."""
        return Box(self.left, self.top, self.left + width, self.top + height)

    def to_dict(self) -> dict[str, int]:
        return {"left": self.left, "top": self.top, "right": self.right, "bottom": self.bottom}


@dataclass(frozen=True, eq=False)
class Extension:
    """An extended picture: the restoration of the new area over the canvas, and where the
    original lies in it. `pixels` is the whole extended picture at the master's dtype."""

    source: Photo
    margins: Margins
    result: Result

    @property
    def pixels(self) -> np.ndarray:
        return self.result.pixels

    @property
    def photo(self) -> Photo:
        return Photo(self.result.pixels, self.source.icc_profile)

    @property
    def placed(self) -> Box:
        return self.margins.placed(self.source.width, self.source.height)

    @property
    def created(self) -> Mask:
        return self.result.mask


def extend(
    photo: Photo,
    margins: Margins,
    request: RestorationRequest,
    on_step: StepCallback | None = None,
    cancel: CancelCheck | None = None,
    engines: Engines | None = None,
) -> Extension:
    """`photo` on a canvas grown by `margins`, the new area filled as `request` says (blend 0), with
    `engines` (default: here)."""
    width, height = margins.canvas(photo.width, photo.height)
    limit = int(os.environ.get("TRATTEGGIO_MAX_PIXELS", 200_000_000))
    if max(width, height) > MAX_SIDE or width * height > limit:
        raise RequestError(f"the extended canvas would be {width}x{height}: too large")
    canvas = Photo(padded(photo.pixels, margins), photo.icc_profile)
    created = np.ones((height, width), bool)
    created[margins.placed(photo.width, photo.height).slices] = False
    result = restore(canvas, Mask(created), request.replace(blend=0), on_step, cancel, engines)
    return Extension(photo, margins, result)


def padded(pixels: np.ndarray, margins: Margins) -> np.ndarray:
    """`pixels` with the margins filled by the nearest edge pixels, alpha opaque there."""
    import cv2

    m = margins
    out = cv2.copyMakeBorder(
        np.ascontiguousarray(pixels), m.top, m.bottom, m.left, m.right, cv2.BORDER_REPLICATE
    )
    if out.ndim < pixels.ndim:
        out = out[:, :, None]
    if pixels.ndim == 3 and pixels.shape[2] in (2, 4):
        inside = np.zeros(out.shape[:2], bool)
        inside[m.placed(pixels.shape[1], pixels.shape[0]).slices] = True
        out[..., -1][~inside] = np.asarray(dtype_max(pixels.dtype)).astype(pixels.dtype)
    return out
