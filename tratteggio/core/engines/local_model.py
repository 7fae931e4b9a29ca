"""The diffusion model in this process: a diffusers inpainting pipeline (kept warm) run on one region
at model size, with a picture of every denoising step.

torch is imported lazily, inside the calls: importing this module loads nothing heavy.
"""

from __future__ import annotations

import copy
import inspect
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tratteggio.core.engines.model_call import NOISE_STEP, ModelInfo, ModelJob, PreviewReport, quantize16
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
from tratteggio.core.request import RestorationRequest


class LocalModel:
    """`DiffusionModel` on this computer's device. Not re-entrant: one run at a time (the studio's
    one worker thread, the CLI, or the server's device thread)."""

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

    def prepare(self, request: RestorationRequest) -> ModelInfo:
        loaded = self.loaded(request)
        return ModelInfo(
            native_size=native_size(loaded.pipe),
            multiple=multiple(loaded),
            preview_steps=steps_run(loaded.pipe.scheduler, request.steps, request.strength),
            engine=self.describe(loaded, request),
        )

    def run(self, job: ModelJob, report: PreviewReport, check: Callable[[], None]) -> np.ndarray:
        import torch
        from PIL import Image

        request, loaded = job.request, self.loaded(job.request)
        pipe = loaded.pipe
        previewer = self._previewer(loaded)
        capture = StepCapture(pipe.scheduler)
        height, width = job.image.shape[:2]

        def picture(latents: Any) -> np.ndarray:
            assert previewer is not None
            if loaded.family == "flux":
                latents = pipe._unpack_latents(latents, height, width, pipe.vae_scale_factor)
            return quantize16(previewer.to_rgb(latents))

        def on_step_end(_pipe: Any, index: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            check()  # raising here stops at once and leaves the pipeline reusable
            x0 = capture.latest
            if job.noise and index == 0 and previewer is not None and "latents" in kwargs:
                report(NOISE_STEP, picture(kwargs["latents"]), None)  # still mostly noise after one step
            if previewer is not None and x0 is not None:
                report(index, picture(x0), float(timestep))
            return {}

        call = dict(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            image=Image.fromarray(job.image),
            mask_image=Image.fromarray(job.mask),
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
        hooks = check_within_steps(pipe, check)
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
            for hook in hooks:
                hook.remove()
        if out_of_memory:
            release_cached_memory(loaded.device)
            raise ModelError(out_of_memory_message(loaded.device))
        return quantize16(result.images[0])

    def _previewer(self, loaded: LoadedPipeline) -> LatentPreviewer | TaesdPreviewer | None:
        key = id(loaded.pipe)
        if key not in self._previewers:
            self._previewers = {key: previewer_for(loaded.pipe, loaded.family, loaded.device)}
        return self._previewers[key]

    def describe(self, loaded: LoadedPipeline, request: RestorationRequest) -> dict[str, Any]:
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


def check_within_steps(pipe: Any, check: Callable[[], None]) -> list[Any]:
    """Forward pre-hooks calling `check` before each layer with weights (convolutions, linear layers,
    norms) of every model of the pipeline: text encoders, VAE encoder and decoder, the denoiser.

    On a CPU a UNet step takes seconds, and so do encoding the crop and the final decode; one block
    can take half a second, one layer a few milliseconds. Raising from a hook stops the forward pass
    at once and leaves the pipeline reusable. Returns the hook handles to remove.
    """
    models = [m for m in getattr(pipe, "components", {}).values() if callable(getattr(m, "modules", None))]
    layers = [
        module
        for model in models
        for module in model.modules()
        if getattr(module, "weight", None) is not None and next(module.children(), None) is None
    ]
    return [layer.register_forward_pre_hook(lambda *_: check()) for layer in layers]


def steps_run(scheduler: Any, steps: int, strength: float) -> int:
    """How many denoising steps diffusers runs for `steps` at `strength` (as its get_timesteps does).

    Multi-stage schedulers (PNDM's Runge-Kutta warm-up, Heun) run more than `steps`.
    """
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


def start_device(requested: str) -> str:
    """Import torch and diffusers (quietly) and name the device `requested` resolves to here;
    ModelError if it is not available. For a server, before it listens."""
    from tratteggio.core.engines.pipelines import quiet_libraries

    quiet_libraries()
    return pick_device(requested)


_MODEL: LocalModel | None = None


def local_model() -> LocalModel:
    """The one local model runner of this process (it keeps the last pipeline warm)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = LocalModel()
    return _MODEL
