"""The diffusion engine: a diffusion model on one crop at a time, with a picture of every denoising
step.

Per crop: convert the crop only to 8-bit sRGB, resize to a size the model takes (its native size,
multiples of 8, or 16 for Flux), hand that to the model (`DiffusionModel`: this process's pipeline,
or a Tratteggio server), resize its fill back, match colour to the ring of known pixels, and hand
back at the crop's own dtype and channels; the core pastes it through the blend band, so unmasked
pixels outside the band stay bit-identical. Only the model call differs between a local and a
remote run: everything here runs on the user's machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tratteggio.core.color.colormatch import match_to_ring
from tratteggio.core.color.srgb import SrgbConverter
from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.model_call import NOISE_STEP, DiffusionModel, ModelJob, unit_float
from tratteggio.core.engines.workers import aside
from tratteggio.core.photo import dtype_max, to_dtype
from tratteggio.core.request import RestorationRequest


class DiffusionEngine:
    name = "diffusion"
    generative = True
    exact_outside_mask = False
    threaded = False  # torch runs its own threads; steps are reported and checked one by one

    def __init__(self, model: DiffusionModel) -> None:
        self.model = model

    def preview_steps(self, request: RestorationRequest) -> int:
        return self.model.prepare(request).preview_steps

    def context_size(self, request: RestorationRequest) -> int:
        return self.model.prepare(request).native_size

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        import cv2

        info = self.model.prepare(request)
        height, width = image.shape[:2]
        model_w, model_h = model_size(width, height, info.native_size, info.multiple)
        srgb = SrgbConverter(ctx.icc_profile)

        def step(fn: Callable[[], np.ndarray]) -> np.ndarray:
            # one full-size call on a large crop takes seconds: run it aside, polling for cancel
            return aside(fn, ctx.check, width * height)

        rgb = step(lambda: srgb.to_srgb8(to_rgb8(image)))
        small = step(lambda: cv2.resize(rgb, (model_w, model_h), interpolation=cv2.INTER_AREA))
        small_mask = step(lambda: model_mask(mask, model_w, model_h))

        def full_size(rgb16: np.ndarray) -> np.ndarray:
            full = step(lambda: cv2.resize(unit_float(rgb16), (width, height), interpolation=cv2.INTER_CUBIC))
            return step(lambda: np.clip(full, 0.0, 1.0))

        def back(full: np.ndarray) -> np.ndarray:
            return step(lambda: from_rgb01(srgb.from_srgb01(full), image.dtype, image.ndim))

        def report(step_: int, rgb16: np.ndarray, timestep: float | None) -> None:
            pixels = back(full_size(rgb16))
            ctx.check()
            ctx.report(step_, pixels, timestep)

        out = self.model.run(ModelJob(small, small_mask, request), report, ctx.check)
        full = full_size(out)
        if request.color_match:
            original = step(lambda: rgb.astype(np.float32) / 255.0)
            full = step(lambda: match_to_ring(full, original, mask))
        return back(full)

    def create(
        self, width: int, height: int, request: RestorationRequest, ctx: FillContext
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """An 8-bit sRGB picture made from noise at exactly `width` x `height` (multiples of
        `size_multiple`): a fully masked blank canvas, so any inpainting checkpoint serves. Returns it
        with a picture of the noise the first step started from (None when the model gives none)."""
        import cv2

        blank = np.full((height, width, 3), 127, np.uint8)
        everything = np.full((height, width), 255, np.uint8)
        noise: list[np.ndarray] = []

        def eight_bit(rgb16: np.ndarray) -> np.ndarray:
            full = cv2.resize(unit_float(rgb16), (width, height), interpolation=cv2.INTER_NEAREST)
            return from_rgb01(np.clip(full, 0.0, 1.0), np.dtype(np.uint8), 3)

        def report(step: int, rgb16: np.ndarray, timestep: float | None) -> None:
            ctx.check()
            if step == NOISE_STEP:
                noise.append(eight_bit(rgb16))
            else:
                ctx.report(step, eight_bit(rgb16), timestep)

        out = self.model.run(ModelJob(blank, everything, request, noise=True), report, ctx.check)
        return eight_bit(out), (noise[0] if noise else None)

    def size_multiple(self, request: RestorationRequest) -> int:
        """Sides of a created picture must be multiples of this (8; 16 for Flux)."""
        return self.model.prepare(request).multiple

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        return dict(self.model.prepare(request).engine)


def model_size(width: int, height: int, native: int, step: int) -> tuple[int, int]:
    """Scale so the longer side is the model's native size; round each side to a multiple of `step`."""
    scale = native / max(width, height)
    return (
        max(step, int(round(width * scale / step)) * step),
        max(step, int(round(height * scale / step)) * step),
    )


def model_mask(mask: np.ndarray, model_w: int, model_h: int) -> np.ndarray:
    """The mask at model size: 255 wherever any damaged pixel falls (it is repainted), else 0."""
    import cv2

    small = cv2.resize(mask.astype(np.uint8) * 255, (model_w, model_h), interpolation=cv2.INTER_AREA)
    return np.where(small > 0, 255, 0).astype(np.uint8)


def to_rgb8(image: np.ndarray) -> np.ndarray:
    """The crop as 8-bit RGB (grayscale repeated), rounded, not truncated."""
    scaled = image.astype(np.float32) * (255.0 / dtype_max(image.dtype))
    rgb = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return np.repeat(rgb[:, :, None], 3, axis=2) if rgb.ndim == 2 else rgb


def from_rgb01(rgb: np.ndarray, dtype: np.dtype, ndim: int) -> np.ndarray:
    if ndim == 2:
        rgb = rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    return to_dtype(rgb * dtype_max(np.dtype(dtype)), np.dtype(dtype))


def diffusion_engine() -> DiffusionEngine:
    """A diffusion engine on this computer (its model, the process's one, keeps the last pipeline warm)."""
    from tratteggio.core.engines.local_model import local_model

    return DiffusionEngine(local_model())
