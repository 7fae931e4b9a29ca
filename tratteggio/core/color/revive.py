"""Revive faded colours: one smooth, monotone, invertible colour transform of the whole photo.

Per colour channel a tone curve maps the channel's faded black and white levels back towards 0 and
1 (a soft clip, so it stays strictly increasing and smooth at the ends) and bends the mid-tones
with a gamma; then chroma is scaled around the luma (lost saturation). `strength` blends every
curve with the identity and the chroma gain with 1, so 0 is no change and the transform stays
monotone at every strength. Its parameters are plain numbers: they go into the conservation
record, and applying them again gives the same bytes.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from numbers import Real
from typing import Any

import numpy as np

from tratteggio.core.errors import RequestError
from tratteggio.core.photo import color_view, dtype_max, to_dtype

LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)  # Rec. 709 weights; they sum to 1
SOFTNESS = 0.02  # width of the soft clip at the black and white levels, in 0..1 units
MIN_RANGE = 0.05  # a channel's white level stays at least this far above its black level
THREADS = 2  # bands of a big photo revived at once
TABLE = 65536  # samples of each curve for float photos (integer photos use exact lookup tables)


@dataclass(frozen=True)
class ReviveTransform:
    """Per-channel `black`, `white` and `gamma` (RGB), a chroma gain `saturation`, and `strength`.

    Levels are in 0..1 of full scale. At strength 1 a channel maps its `black` level to about 0
    and its `white` level to about 1; `gamma` > 1 darkens its mid-tones, < 1 lightens them.
    """

    black: tuple[float, float, float] = (0.0, 0.0, 0.0)
    white: tuple[float, float, float] = (1.0, 1.0, 1.0)
    gamma: tuple[float, float, float] = (1.0, 1.0, 1.0)
    saturation: float = 1.0
    strength: float = 1.0
    softness: float = SOFTNESS

    def __post_init__(self) -> None:
        for name in ("black", "white", "gamma"):
            values = tuple(getattr(self, name))
            if len(values) != 3 or not all(isinstance(v, Real) and math.isfinite(v) for v in values):
                raise RequestError(f"revive {name} must be three finite numbers, got {values!r}")
            object.__setattr__(self, name, tuple(float(v) for v in values))
        for name in ("saturation", "strength", "softness"):
            object.__setattr__(self, name, float(getattr(self, name)))
        if not all(
            b >= 0.0 and b + MIN_RANGE <= w <= 1.0 for b, w in zip(self.black, self.white, strict=True)
        ):
            raise RequestError(
                f"revive levels must satisfy 0 <= black < white <= 1 (at least {MIN_RANGE} apart), "
                f"got black {self.black}, white {self.white}"
            )
        if not all(0.2 <= g <= 5.0 for g in self.gamma):
            raise RequestError(f"revive gamma must be between 0.2 and 5, got {self.gamma}")
        if not 0.25 <= self.saturation <= 4.0:
            raise RequestError(f"revive saturation must be between 0.25 and 4, got {self.saturation}")
        if not 0.0 <= self.strength <= 1.0:
            raise RequestError(f"revive strength must be between 0 and 1, got {self.strength}")
        if not 0.001 <= self.softness <= 0.2:
            raise RequestError(f"revive softness must be between 0.001 and 0.2, got {self.softness}")

    def at_strength(self, strength: float) -> ReviveTransform:
        return replace(self, strength=float(strength))

    def describe(self) -> str:
        """One line for people: every parameter, in the units the record stores."""

        def three(values: tuple[float, float, float]) -> str:
            return " ".join(f"{v:.3f}" for v in values)

        return (
            f"revive: black {three(self.black)}, white {three(self.white)}, gamma {three(self.gamma)}, "
            f"saturation {self.saturation:.2f}, strength {self.strength:.2f} (R G B, 0..1 of full scale)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Any) -> ReviveTransform:
        """The transform a record stores; RequestError names a missing or malformed field."""
        if not isinstance(data, dict):
            raise RequestError("the revive transform must be an object of named numbers")
        known = {"black", "white", "gamma", "saturation", "strength", "softness"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RequestError(f"unknown revive fields: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("black", "white", "gamma"):
                if not isinstance(value, list | tuple) or len(value) != 3:
                    raise RequestError(f"revive {key} must be a list of three numbers")
                values[key] = tuple(_number(v, key) for v in value)
            else:
                values[key] = _number(value, key)
        return cls(**values)

    # -- the curves ----------------------------------------------------------------------------
    def curve(self, channel: int, x: np.ndarray) -> np.ndarray:
        """Channel `channel`'s tone curve on values `x` in 0..1 (float64), before the chroma gain."""
        black, white = self.black[channel], self.white[channel]
        if black == 0.0 and white == 1.0:  # nothing to stretch: no soft clip either (no change is none)
            full = np.clip(np.asarray(x, np.float64), 0.0, 1.0)
        else:
            full = np.clip(_soft_levels(x, black, white, self.softness), 0.0, 1.0)
        full = full ** self.gamma[channel]
        return (1.0 - self.strength) * x + self.strength * full

    @property
    def chroma_gain(self) -> float:
        return 1.0 + self.strength * (self.saturation - 1.0)

    def apply(self, pixels: np.ndarray) -> np.ndarray:
        """A revived copy of `pixels` (any supported dtype and channels); alpha is copied untouched."""
        out = pixels.copy()
        color = color_view(out)
        if color.ndim == 2:
            color[...] = self._apply_gray(color)
            return out
        rows = max(1, (1 << 21) // max(1, color.shape[1]))  # about 2 MP at a time: bounded memory
        luts = [self._lut(c, pixels.dtype) for c in range(3)]
        exact = self.chroma_gain == 1.0 and np.dtype(pixels.dtype).kind == "u"
        codes = [_codes(lut, pixels.dtype) for lut in luts] if exact else None

        def one(start: int) -> None:
            band = color[start : start + rows]
            if codes is not None:  # curves alone: each code maps straight to its revived code
                for c in range(3):
                    band[..., c] = np.take(codes[c], band[..., c])
            else:
                band[...] = self._apply_rgb(band, luts)

        starts = range(0, color.shape[0], rows)
        if len(starts) == 1:
            one(0)
            return out
        with ThreadPoolExecutor(THREADS) as pool:  # numpy's take and OpenCV release the GIL
            list(pool.map(one, starts))
        return out

    def _apply_rgb(self, band: np.ndarray, luts: list[Any]) -> np.ndarray:
        import cv2

        curved: np.ndarray = np.empty(band.shape, np.float32)
        for c in range(3):
            curved[..., c] = _lookup(luts[c], band[..., c])
        mixed: np.ndarray = cv2.transform(curved, self.chroma_matrix())  # several times numpy's matmul
        if band.dtype not in (np.uint8, np.uint16):
            np.clip(mixed, 0.0, 1.0, out=mixed)
            return to_dtype(mixed * np.float32(dtype_max(band.dtype)), band.dtype)
        np.multiply(mixed, np.float32(dtype_max(band.dtype)), out=mixed)
        np.rint(mixed, out=mixed)  # whole numbers: OpenCV's saturating conversion is numpy's clip
        depth = cv2.CV_8U if band.dtype == np.uint8 else cv2.CV_16U
        return np.asarray(cv2.add(mixed, 0.0, dtype=depth))

    def chroma_matrix(self) -> np.ndarray:
        """RGB -> RGB: luma kept, chroma scaled by `chroma_gain`."""
        gain = self.chroma_gain
        return (gain * np.eye(3) + (1.0 - gain) * np.outer(np.ones(3), LUMA)).astype(np.float32)

    def _apply_gray(self, gray: np.ndarray) -> np.ndarray:
        mean = ReviveTransform(
            black=(float(np.mean(self.black)),) * 3,  # type: ignore[arg-type]
            white=(float(np.mean(self.white)),) * 3,  # type: ignore[arg-type]
            gamma=(float(np.exp(np.mean(np.log(self.gamma)))),) * 3,  # type: ignore[arg-type]
            strength=self.strength,
            softness=self.softness,
        )
        lut = mean._lut(0, gray.dtype)
        if lut[0] == "index":
            return _codes(lut, gray.dtype)[gray]
        return to_dtype(_lookup(lut, gray) * np.float32(dtype_max(gray.dtype)), gray.dtype)

    def _lut(self, channel: int, dtype: np.dtype) -> tuple[str, np.ndarray]:
        """Integer dtypes: the curve at every code value; floats: a dense table to interpolate."""
        if np.dtype(dtype).kind == "u":
            top = int(dtype_max(np.dtype(dtype)))
            codes = np.arange(top + 1, dtype=np.float64) / top
            return "index", self.curve(channel, codes).astype(np.float32)
        grid = np.linspace(0.0, 1.0, TABLE)
        return "interp", self.curve(channel, grid).astype(np.float32)

    def inverse_curve(self, channel: int, y: np.ndarray) -> np.ndarray:
        """The inverse of `curve` (numerically, on a dense table): for checks and documentation."""
        grid = np.linspace(0.0, 1.0, TABLE * 4)
        return np.interp(y, self.curve(channel, grid), grid)


def _codes(lut: tuple[str, Any], dtype: np.dtype) -> Any:
    """An integer lookup table's curve as codes of `dtype` (None for float photos)."""
    kind, table = lut
    if kind != "index":
        return None
    return to_dtype(table * np.float32(dtype_max(np.dtype(dtype))), np.dtype(dtype))


def _lookup(lut: tuple[str, np.ndarray], values: np.ndarray) -> np.ndarray:
    kind, table = lut
    if kind == "index":
        return np.take(table, values)
    grid = np.linspace(0.0, 1.0, len(table), dtype=np.float32)
    return np.interp(np.clip(values, 0.0, 1.0), grid, table).astype(np.float32)


def _soft_levels(x: np.ndarray, black: float, white: float, softness: float) -> np.ndarray:
    """(x - black) / (white - black) with both ends softly clipped into 0..1, rescaled so that
    0 -> 0 and 1 -> 1: strictly increasing and smooth, unlike a hard clip."""
    span = white - black

    def soft(u: np.ndarray) -> np.ndarray:
        # softness * log((1 + e^(u/s)) / (1 + e^((u-1)/s))): a smooth clip of u to 0..1
        return softness * (np.logaddexp(0.0, u / softness) - np.logaddexp(0.0, (u - 1.0) / softness))

    low, high = soft(np.asarray(-black / span)), soft(np.asarray((1.0 - black) / span))
    return (soft((np.asarray(x, np.float64) - black) / span) - low) / (high - low)


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"revive {key} must be a number, got {value!r}")
    return float(value)
