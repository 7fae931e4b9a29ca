"""Damage masks: one boolean per photo pixel, True where the photo is damaged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tratteggio.core.errors import MaskError
from tratteggio.core.geometry import Box


@dataclass(frozen=True, eq=False)
class Mask:
    """A (H, W) boolean array; True marks damage to fill."""

    bits: np.ndarray

    def __post_init__(self) -> None:
        if self.bits.dtype != bool or self.bits.ndim != 2:
            raise MaskError("a mask must be a 2-D boolean array")

    @classmethod
    def from_array(cls, values: np.ndarray) -> Mask:
        """Any non-zero (and, with alpha, not fully transparent) pixel is damage."""
        if values.ndim == 2:
            return cls(values != 0)
        channels = values.shape[2]
        if channels in (2, 4):
            color = values[:, :, : channels - 1]
            return cls(np.any(color != 0, axis=2) & (values[:, :, -1] != 0))
        return cls(np.any(values != 0, axis=2))

    @classmethod
    def empty(cls, height: int, width: int) -> Mask:
        return cls(np.zeros((height, width), dtype=bool))

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.bits.shape[0]), int(self.bits.shape[1])

    @property
    def pixel_count(self) -> int:
        return int(np.count_nonzero(self.bits))

    def is_empty(self) -> bool:
        return not self.bits.any()

    def bbox(self) -> Box | None:
        return bbox_of(self.bits)

    def invert(self) -> Mask:
        return Mask(~self.bits)

    def grow(self, radius: int) -> Mask:
        """Every pixel within Euclidean `radius` of the mask."""
        return Mask(grow_bits(self.bits, radius))

    def shrink(self, radius: int) -> Mask:
        """Only pixels farther than `radius` from the outside."""
        return Mask(~grow_bits(~self.bits, radius))

    def feather(self, radius: int) -> np.ndarray:
        """Float32 alpha: 1 on the mask, fading linearly to 0 just beyond `radius` pixels outside."""
        return feather_alpha(self.bits, radius)

    def components(self) -> list[Component]:
        """8-connected damage components with their boxes and pixel counts."""
        import cv2

        count, _, stats, _ = cv2.connectedComponentsWithStats(self.bits.view(np.uint8), connectivity=8)
        return [
            Component(Box(int(x), int(y), int(x + w), int(y + h)), int(n)) for x, y, w, h, n in stats[1:count]
        ]

    def to_image(self) -> np.ndarray:
        """uint8 0/255, ready to save as a PNG."""
        return self.bits.astype(np.uint8) * 255

    def crop(self, box: Box) -> np.ndarray:
        """The mask's bits inside `box` (a view)."""
        return self.bits[box.slices]


class CroppedMask(Mask):
    """A mask known by its bounding box and the bits inside it: what a project stores. The
    full-size array is made only if someone asks for `bits` (opening a project with 20
    interventions on a 50 MP master then allocates none of them)."""

    _shape: tuple[int, int]
    _box: Box | None
    _crop: np.ndarray | None

    def __init__(self, shape: tuple[int, int], box: Box | None, crop: np.ndarray | None) -> None:
        object.__setattr__(self, "_shape", shape)
        object.__setattr__(self, "_box", box)
        object.__setattr__(self, "_crop", crop)
        object.__setattr__(self, "_full", None)

    @property  # type: ignore[misc]
    def bits(self) -> np.ndarray:  # type: ignore[override]
        full = self.__dict__["_full"]
        if full is None:
            full = np.zeros(self._shape, dtype=bool)
            if self._box is not None and self._crop is not None:
                full[self._box.slices] = self._crop
            object.__setattr__(self, "_full", full)
        return full

    @property
    def shape(self) -> tuple[int, int]:
        return self._shape

    @property
    def pixel_count(self) -> int:
        return int(np.count_nonzero(self._crop)) if self._crop is not None else 0

    def is_empty(self) -> bool:
        return self.pixel_count == 0

    def bbox(self) -> Box | None:
        return self._box

    def crop(self, box: Box) -> np.ndarray:
        if self._box is not None and self._crop is not None and box == self._box:
            return self._crop
        return self.bits[box.slices]


@dataclass(frozen=True)
class Component:
    box: Box
    pixel_count: int


def bbox_of(bits: np.ndarray) -> Box | None:
    rows = np.flatnonzero(bits.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(bits[rows[0] : rows[-1] + 1].any(axis=0))
    return Box(int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def distance_outside(bits: np.ndarray) -> np.ndarray:
    """Exact Euclidean distance from each pixel to the nearest True pixel (0 on the mask)."""
    import cv2

    if not bits.any():
        return np.full(bits.shape, np.inf, dtype=np.float32)
    outside = (~bits).view(np.uint8)
    return cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


DISC_DILATION_UP_TO = 16  # px: up to this radius a dilation by a disc beats a distance transform


def grow_bits(bits: np.ndarray, radius: int) -> np.ndarray:
    """`bits` and every pixel within Euclidean distance `radius` of them.

    Small radii dilate by the exact disc (the integer offsets with dx² + dy² <= radius²), the same
    set as `distance_outside(bits) <= radius` at a fraction of its cost; larger ones take the
    distance transform.
    """
    if radius <= 0:
        return bits.copy()
    if radius > DISC_DILATION_UP_TO:
        return distance_outside(bits) <= radius
    import cv2

    offsets = np.arange(-radius, radius + 1)
    disc = (offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius * radius).astype(np.uint8)
    return cv2.dilate(bits.view(np.uint8), disc, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0


def feather_alpha(bits: np.ndarray, radius: int) -> np.ndarray:
    if radius <= 0:
        return bits.astype(np.float32)
    dist = distance_outside(bits)
    return np.clip(1.0 - dist / (radius + 1.0), 0.0, 1.0).astype(np.float32) * (dist <= radius)


def check_mask_shape(mask_shape: tuple[int, ...], photo_shape: tuple[int, int], name: str) -> None:
    mh, mw = int(mask_shape[0]), int(mask_shape[1])
    ph, pw = photo_shape
    if (mh, mw) != (ph, pw):
        raise MaskError(f"{name}: the mask is {mw}x{mh} but the photo is {pw}x{ph}")
