"""Frequency-selective reconstruction (Genser, Seiler and Kaup), from opencv-contrib's xphoto:
`fsr` (FSR_FAST) and `fsr-best` (FSR_BEST). It models each 16-px block and its surroundings as a
sparse sum of Fourier basis functions fitted to the known pixels, so texture and edges continue into
a loss where the smooth fills blur them.

The library's traps, handled here (see NOTES-restoration.md): it takes 8-bit only; its mask marks
the *valid* pixels; dst must be pre-allocated; it splits colour as BGR into YCrCb; it nudges known
pixels by one level (only masked pixels are taken from it). Measured here: its block loop rounds the
image size down to whole blocks, so masked pixels in a last partial 16-px column or row are never
filled (they come back black in YCrCb: green). Every call is therefore made on a crop mirrored out to
a multiple of 16.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.classical import OneShotEngine
from tratteggio.core.engines.tiles import fill_in_tiles
from tratteggio.core.photo import to_dtype
from tratteggio.core.request import RestorationRequest

BLOCK = 16
MARGIN = {"FAST": 16, "BEST": 32}  # half the library's transform window: the context a block sees


@dataclass(frozen=True)
class Placement:
    """Where the library's block grid falls on the crop: shifted by (dy, dx), mirrored left-right."""

    dy: int = 0
    dx: int = 0
    mirror: bool = False


ONE = (Placement(),)
# Averaging fills made with the block grid in four places removes most of each one's blocking and
# its occasional wrong guess (measured on aged losses, tuning seeds: +0.3 dB mean, worst case
# -2.6 -> -0.1 dB against the hybrid, at four times the cost); a fifth part of biharmonic in the
# mean adds +0.15 dB and wins where the ground is flat (beats Telea and biharmonic 23 of 24 times).
FOUR = (Placement(), Placement(8, 8), Placement(0, 0, True), Placement(8, 8, True))


class FsrEngine(OneShotEngine):
    """cv2.xphoto.inpaint with FSR_FAST or FSR_BEST, averaged over `placements` of its block grid.

    8-bit crops go to the library as they are. 16-bit and float crops are mapped to 8-bit through
    the range of their own known pixels (a smooth area of a 16-bit master keeps steps of its range
    / 255, not of 65535 / 255), filled, and mapped back; only masked pixels change.
    """

    def __init__(
        self, name: str, quality: str, placements: tuple[Placement, ...] = ONE, biharmonic: float = 0.0
    ) -> None:
        self.name = name
        self.quality = quality
        self.placements = placements
        self.biharmonic = biharmonic  # its weight in the mean

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        levels, back = to_levels(image, mask)
        filled = fill_in_tiles(levels, mask, self.fill_levels, ctx.check, MARGIN[self.quality])
        out = image.copy()
        out[mask] = back(filled[mask])
        return out

    def fill_levels(self, levels: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Float32 0..255 `levels` with masked pixels filled: the mean over the placements."""
        total = np.zeros(levels.shape, np.float32)
        source = np.clip(np.rint(levels), 0, 255).astype(np.uint8)
        for placement in self.placements:
            total += xphoto_fill(source, mask, self.quality, placement)
        fill = total[mask] / len(self.placements)
        if self.biharmonic:
            from skimage.restoration import inpaint_biharmonic

            smooth = inpaint_biharmonic(levels / 255.0, mask, channel_axis=-1 if levels.ndim == 3 else None)
            fill = (1.0 - self.biharmonic) * fill + self.biharmonic * 255.0 * smooth[mask].astype(np.float32)
        out = levels.copy()
        out[mask] = fill
        return out

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        import cv2

        info: dict[str, Any] = {
            "method": f"cv2.xphoto.inpaint INPAINT_FSR_{self.quality}",
            "block_grid_placements": [[p.dy, p.dx, p.mirror] for p in self.placements],
            "opencv": cv2.__version__,
        }
        if self.biharmonic:
            info["biharmonic_weight"] = self.biharmonic
        return info


def xphoto_fill(source: np.ndarray, mask: np.ndarray, quality: str, placement: Placement) -> np.ndarray:
    """One library call on uint8 (H, W) or RGB (H, W, 3) `source`; the fill as float32, same shape."""
    import cv2

    height, width = mask.shape
    image, bits = (source[:, ::-1], mask[:, ::-1]) if placement.mirror else (source, mask)
    below = -(-(height + placement.dy) // BLOCK) * BLOCK - height - placement.dy
    right = -(-(width + placement.dx) // BLOCK) * BLOCK - width - placement.dx
    pads = ((placement.dy, below), (placement.dx, right))
    bits = np.pad(bits, pads, mode="symmetric")
    image = np.pad(image, pads + ((0, 0),) * (image.ndim - 2), mode="symmetric")
    if image.ndim == 3:
        image = image[:, :, ::-1]  # the library converts BGR to YCrCb
    image = np.ascontiguousarray(np.where(bits[..., None] if image.ndim == 3 else bits, 0, image))
    valid = np.where(bits, 0, 255).astype(np.uint8)
    out = np.zeros_like(image)  # the binding writes into dst only when it is given
    cv2.xphoto.inpaint(image, valid, out, getattr(cv2.xphoto, f"INPAINT_FSR_{quality}"))
    if out.ndim == 3:
        out = out[:, :, ::-1]
    out = out[placement.dy : placement.dy + height, placement.dx : placement.dx + width]
    return (out[:, ::-1] if placement.mirror else out).astype(np.float32)


def to_levels(image: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """`image` as float32 levels 0..255 for the 8-bit library, and the map back to its dtype.

    8-bit is taken as it is. Other depths are stretched from the min..max of their known pixels,
    so the 8-bit call loses as little of a 16-bit master's precision as the crop's range allows.
    """
    if image.dtype == np.uint8:
        return image.astype(np.float32), lambda levels: to_dtype(levels, image.dtype)
    known = image[~mask].astype(np.float64)
    low = float(known.min()) if known.size else 0.0
    span = max(float(known.max()) - low, 1e-12) if known.size else 1.0
    levels = ((image.astype(np.float64) - low) * (255.0 / span)).astype(np.float32)
    return levels, lambda levels: to_dtype(levels.astype(np.float64) * (span / 255.0) + low, image.dtype)
