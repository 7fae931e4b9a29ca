"""The diffusion engine: a diffusers inpainting pipeline on one crop at a time, with a picture of
every denoising step.

Per crop: convert the crop only to 8-bit sRGB, resize to a size the model takes (its native size,
multiples of 8, or 16 for Flux), inpaint with explicit height/width/strength, resize back, match
colour to the ring of known pixels, and hand back at the crop's own dtype and channels; the core
pastes it through the blend band, so unmasked pixels outside the band stay bit-identical.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import numpy as np

from tratteggio.core.color.colormatch import match_to_ring
from tratteggio.core.color.srgb import SrgbConverter
from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.models import resolve_model
from tratteggio.core.engines.pipelines import (
    LoadedPipeline,
    PipelineCache,
    _is_oom,
    out_of_memory_message,
    pick_device,
    pick_dtype,
    release_cached_memory,
)
from tratteggio.core.engines.previews import LatentPreviewer, StepCapture, TaesdPreviewer, previewer_for
from tratteggio.core.errors import Cancelled, ModelError
from tratteggio.core.photo import dtype_max, to_dtype
from tratteggio.core.request import RestorationRequest


class DiffusionEngine:
    name = "diffusion"
    generative = True
    exact_outside_mask = False

    def __init__(self) -> None:
        self.cache = PipelineCache()
        self._previewers: dict[int, LatentPreviewer | TaesdPreviewer | None] = {}

    def loaded(self, request: RestorationRequest) -> LoadedPipeline:
        source = resolve_model(request.model or "", request.model_config, request.allow_pickle)
        device = pick_device(request.device)
        dtype = pick_dtype(request.dtype, device)
        return self.cache.get(
            source, device, dtype, request.scheduler, request.vae_tiling, request.cpu_offload
        )

    def preview_steps(self, request: RestorationRequest) -> int:
        return steps_run(self.loaded(request).pipe.scheduler, request.steps, request.strength)

    def context_size(self, request: RestorationRequest) -> int:
        return native_size(self.loaded(request).pipe)

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        import cv2

        loaded = self.loaded(request)
        height, width = image.shape[:2]
        model_w, model_h = model_size(width, height, native_size(loaded.pipe), multiple(loaded))
        srgb = SrgbConverter(ctx.icc_profile)
        rgb = srgb.to_srgb8(to_rgb8(image))
        small = cv2.resize(rgb, (model_w, model_h), interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(mask.astype(np.uint8) * 255, (model_w, model_h), interpolation=cv2.INTER_AREA)
        small_mask = np.where(small_mask > 0, 255, 0).astype(np.uint8)  # any touched pixel is repainted

        def back(rgb01: np.ndarray) -> np.ndarray:
            full = cv2.resize(rgb01, (width, height), interpolation=cv2.INTER_CUBIC)
            return from_rgb01(srgb.from_srgb01(np.clip(full, 0, 1)), image.dtype, image.ndim)

        out = self._run(loaded, request, small, small_mask, ctx, back)
        full = np.clip(cv2.resize(out, (width, height), interpolation=cv2.INTER_CUBIC), 0.0, 1.0)
        if request.color_match:
            full = match_to_ring(full, rgb.astype(np.float32) / 255.0, mask)
        return from_rgb01(srgb.from_srgb01(full), image.dtype, image.ndim)

    def create(
        self, width: int, height: int, request: RestorationRequest, ctx: FillContext
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """An 8-bit sRGB picture made from noise at exactly `width` x `height` (multiples of
        `size_multiple`): a fully masked blank canvas, so any inpainting checkpoint serves. Returns it
        with a picture of the noise the first step started from (None without a previewer)."""
        loaded = self.loaded(request)
        blank = np.full((height, width, 3), 127, np.uint8)
        everything = np.full((height, width), 255, np.uint8)
        noise: list[np.ndarray] = []

        def back(rgb01: np.ndarray) -> np.ndarray:
            import cv2

            full = cv2.resize(rgb01, (width, height), interpolation=cv2.INTER_NEAREST)
            return from_rgb01(np.clip(full, 0, 1), np.dtype(np.uint8), 3)

        out = self._run(loaded, request, blank, everything, ctx, back, noise)
        return from_rgb01(np.clip(out, 0.0, 1.0), np.dtype(np.uint8), 3), (noise[0] if noise else None)

    def size_multiple(self, request: RestorationRequest) -> int:
        """Sides of a created picture must be multiples of this (8; 16 for Flux)."""
        return multiple(self.loaded(request))

    def _run(
        self,
        loaded: LoadedPipeline,
        request: RestorationRequest,
        image: np.ndarray,
        mask: np.ndarray,
        ctx: FillContext,
        back: Any,
        noise: list[np.ndarray] | None = None,
    ) -> np.ndarray:
        import torch
        from PIL import Image

        pipe = loaded.pipe
        previewer = self._previewer(loaded)
        capture = StepCapture(pipe.scheduler)
        height, width = image.shape[:2]

        def latents_rgb(latents: Any) -> np.ndarray:
            assert previewer is not None
            if loaded.family == "flux":
                latents = pipe._unpack_latents(latents, height, width, pipe.vae_scale_factor)
            return np.asarray(back(previewer.to_rgb(latents)))

        def on_step_end(_pipe: Any, index: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            ctx.check()  # raising here stops at once and leaves the pipeline reusable
            x0 = capture.latest
            if noise is not None and index == 0 and previewer is not None and "latents" in kwargs:
                noise.append(latents_rgb(kwargs["latents"]))  # still mostly noise after one step
            if previewer is not None and x0 is not None:
                ctx.report(index, latents_rgb(x0), float(timestep))
            return {}

        call = dict(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            image=Image.fromarray(image),
            mask_image=Image.fromarray(mask),
            height=height,
            width=width,
            strength=request.strength,
            guidance_scale=request.guidance,
            num_inference_steps=request.steps,
            generator=torch.Generator(device="cpu").manual_seed(request.seed),
            callback_on_step_end=on_step_end,
            callback_on_step_end_tensor_inputs=["latents"],
            output_type="np",
        )
        accepted = inspect.signature(pipe.__call__).parameters
        call = {k: v for k, v in call.items() if k in accepted}
        out_of_memory = False
        try:
            with torch.inference_mode():
                result = pipe(**call)
        except Cancelled:
            raise
        except Exception as exc:
            if not _is_oom(exc):
                raise
            out_of_memory = True  # raised below, once this traceback (and its tensors) is gone
        finally:
            capture.remove()
        if out_of_memory:
            release_cached_memory(loaded.device)
            raise ModelError(out_of_memory_message(loaded.device))
        return np.asarray(result.images[0], dtype=np.float32)

    def _previewer(self, loaded: LoadedPipeline) -> LatentPreviewer | TaesdPreviewer | None:
        key = id(loaded.pipe)
        if key not in self._previewers:
            self._previewers = {key: previewer_for(loaded.pipe, loaded.family, loaded.device)}
        return self._previewers[key]

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        loaded = self.loaded(request)
        previewer = self._previewer(loaded)
        modules = {
            name: getattr(sys.modules.get(name), "__version__", "?") for name in ("torch", "diffusers")
        }
        return {
            "model": request.model,
            "model_source": loaded.source.kind,
            "model_location": loaded.source.location,
            "model_identity": loaded.source.identity,
            "family": loaded.family,
            "pipeline": type(loaded.pipe).__name__,
            "scheduler": type(loaded.pipe.scheduler).__name__,
            "device": loaded.device,
            "dtype": loaded.dtype,
            "native_size": native_size(loaded.pipe),
            "previews": previewer.source if previewer else "none",
            **modules,
        }


def steps_run(scheduler: Any, steps: int, strength: float) -> int:
    """How many denoising steps diffusers runs for `steps` at `strength` (as its get_timesteps does).

    Multi-stage schedulers (PNDM's Runge-Kutta warm-up, Heun) run more than `steps`.
    """
    import copy

    probe = copy.deepcopy(scheduler)
    probe.set_timesteps(steps)
    start = steps - min(int(steps * strength), steps)
    return len(probe.timesteps) - start * int(getattr(probe, "order", 1))


def native_size(pipe: Any) -> int:
    scale = int(getattr(pipe, "vae_scale_factor", 8))
    unet = getattr(pipe, "unet", None)
    if unet is not None:
        return int(unet.config.sample_size) * scale
    default = getattr(pipe, "default_sample_size", None)
    return int(default) * scale if default else 512


def multiple(loaded: LoadedPipeline) -> int:
    scale = int(getattr(loaded.pipe, "vae_scale_factor", 8))
    return scale * 2 if loaded.family == "flux" else scale


def model_size(width: int, height: int, native: int, step: int) -> tuple[int, int]:
    """Scale so the longer side is the model's native size; round each side to a multiple of `step`."""
    scale = native / max(width, height)
    return (
        max(step, int(round(width * scale / step)) * step),
        max(step, int(round(height * scale / step)) * step),
    )


def to_rgb8(image: np.ndarray) -> np.ndarray:
    """The crop as 8-bit RGB (grayscale repeated), rounded, not truncated."""
    scaled = image.astype(np.float32) * (255.0 / dtype_max(image.dtype))
    rgb = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return np.repeat(rgb[:, :, None], 3, axis=2) if rgb.ndim == 2 else rgb


def from_rgb01(rgb: np.ndarray, dtype: np.dtype, ndim: int) -> np.ndarray:
    if ndim == 2:
        rgb = rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    return to_dtype(rgb * dtype_max(np.dtype(dtype)), np.dtype(dtype))


_ENGINE: DiffusionEngine | None = None


def diffusion_engine() -> DiffusionEngine:
    """The one diffusion engine of this process (it keeps the last pipeline warm)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = DiffusionEngine()
    return _ENGINE
