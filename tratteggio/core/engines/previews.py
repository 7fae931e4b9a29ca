"""Almost-free pictures of every denoising step: the predicted clean image x0, projected to RGB.

`StepCapture` wraps `scheduler.step` to read x0 (pipeline step callbacks only see the noisy latents);
`LatentPreviewer` turns x0 latents into RGB with one small matrix product: published coefficients for
the real SD 1.x, SDXL and Flux latent spaces, or a projection fitted once from the pipeline's own VAE.
A full VAE decode per step (what A1111 does) costs more than a UNet step on a CPU; this costs ~1 ms.
"""

from __future__ import annotations

import functools
import io
from typing import Any

import numpy as np

# Latent -> RGB (in -1..1) coefficients, as published in ComfyUI's latent_formats.py.
SD15_FACTORS = [
    [0.3512, 0.2297, 0.3227],
    [0.3250, 0.4974, 0.2350],
    [-0.2829, 0.1762, 0.2721],
    [-0.2120, -0.2616, -0.7177],
]
SDXL_FACTORS = [
    [0.3651, 0.4232, 0.4341],
    [-0.2533, -0.0042, 0.1068],
    [0.1076, 0.1111, -0.0362],
    [-0.3165, -0.2492, -0.2188],
]
SDXL_BIAS = [0.1084, -0.0175, -0.0011]
FLUX_FACTORS = [
    [-0.0346, 0.0244, 0.0681],
    [0.0034, 0.0210, 0.0687],
    [0.0275, -0.0668, -0.0433],
    [-0.0174, 0.0160, 0.0617],
    [0.0859, 0.0721, 0.0329],
    [0.0004, 0.0383, 0.0115],
    [0.0405, 0.0861, 0.0915],
    [-0.0236, -0.0185, -0.0259],
    [-0.0245, 0.0250, 0.1180],
    [0.1008, 0.0755, -0.0421],
    [-0.0515, 0.0201, 0.0011],
    [0.0428, -0.0012, -0.0036],
    [0.0817, 0.0765, 0.0749],
    [-0.1264, -0.0522, -0.1103],
    [-0.0280, -0.0881, -0.0499],
    [-0.1262, -0.0982, -0.0778],
]
FLUX_BIAS = [-0.0329, -0.0718, -0.0851]
REAL_VAE_BLOCKS = [128, 256, 512, 512]


class StepCapture:
    """Wraps `scheduler.step` so that each step's predicted clean latents land in `latest`.

    The wrapper keeps the original signature (functools.wraps): pipelines inspect it to decide
    whether to pass `generator` and `eta`, and a bare wrapper silently breaks ancestral samplers.
    """

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler
        self.latest: Any = None
        original = scheduler.step

        @functools.wraps(original)
        def step(model_output: Any, timestep: Any, sample: Any, *args: Any, **kwargs: Any) -> Any:
            want_dict = kwargs.pop("return_dict", True)
            out = original(model_output, timestep, sample, *args, return_dict=True, **kwargs)
            self.latest = self._x0(out, model_output, timestep, sample, self._sigma_of_last_step())
            return out if want_dict else out.to_tuple()

        scheduler.step = step

    def remove(self) -> None:
        self.scheduler.__dict__.pop("step", None)

    def _sigma_of_last_step(self) -> Any:
        """The sigma the step just taken started from (the scheduler has moved its index on)."""
        sched = self.scheduler
        index = getattr(sched, "step_index", None)
        sigmas = getattr(sched, "sigmas", None)
        if index is None or sigmas is None or index < 1:
            return None
        return sigmas[index - 1]

    def _x0(self, out: Any, model_output: Any, timestep: Any, sample: Any, sigma: Any) -> Any:
        for name in ("pred_original_sample", "denoised"):
            value = getattr(out, name, None)
            if value is not None:
                return value
        sched = self.scheduler
        outputs = getattr(sched, "model_outputs", None)
        if outputs and outputs[-1] is not None:  # DPM-Solver++ / UniPC keep converted x0 here
            return outputs[-1]
        if "FlowMatch" in type(sched).__name__ and sigma is not None:
            return sample - sigma * model_output
        return _x0_from_alphas(sched, model_output, timestep, sample)


def _x0_from_alphas(sched: Any, model_output: Any, timestep: Any, sample: Any) -> Any:
    alphas = getattr(sched, "alphas_cumprod", None)
    if alphas is None:
        return None
    a = alphas[int(timestep)].to(sample.device, sample.dtype)
    kind = sched.config.get("prediction_type", "epsilon")
    if kind == "v_prediction":
        return a.sqrt() * sample - (1 - a).sqrt() * model_output
    if kind == "sample":
        return model_output
    return (sample - (1 - a).sqrt() * model_output) / a.sqrt()


class LatentPreviewer:
    """x0 latents (1, C, h, w) -> RGB float32 (h, w, 3) in 0..1 through `rgb = x @ factors + bias`."""

    def __init__(self, factors: np.ndarray, bias: np.ndarray, source: str) -> None:
        self.factors = np.asarray(factors, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.source = source

    def to_rgb(self, latents: Any) -> np.ndarray:
        x = latents[0].detach().float().cpu().numpy()
        rgb = np.tensordot(x, self.factors, axes=([0], [0])) + self.bias
        return np.clip((rgb + 1.0) / 2.0, 0.0, 1.0).astype(np.float32)


class TaesdPreviewer:
    """x0 latents decoded by a tiny autoencoder (TAESD): sharper than the projection, ~10 ms on a GPU
    but 0.4-0.8 s at 512 px on a 2-core CPU, so it is used on GPUs or when asked for."""

    source = "taesd"

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder

    def to_rgb(self, latents: Any) -> np.ndarray:
        import torch

        param = next(self.decoder.parameters())
        with torch.no_grad():
            image = self.decoder.decode(latents.to(param.device, param.dtype)).sample[0]
        rgb = image.float().clamp(-1, 1).add(1).div(2).permute(1, 2, 0).cpu().numpy()
        return np.ascontiguousarray(rgb, dtype=np.float32)


TAESD_IDS = {"sd": "madebyollin/taesd", "sdxl": "madebyollin/taesdxl", "flux": "madebyollin/taef1"}


def taesd_for(pipe: Any, family: str, device: str) -> TaesdPreviewer | None:
    """TAESD when its weights are on disk (TRATTEGGIO_TAESD folder, or the hub cache) and it is cheap
    here (a GPU) or asked for (TRATTEGGIO_PREVIEWS=taesd)."""
    import os

    wanted = os.environ.get("TRATTEGGIO_PREVIEWS", "")
    if wanted == "linear" or (device == "cpu" and wanted != "taesd"):
        return None
    folder = os.environ.get("TRATTEGGIO_TAESD")
    if not folder and family in TAESD_IDS:
        from tratteggio.core.engines.models import cached_snapshot

        snapshot = cached_snapshot(TAESD_IDS[family])
        folder = str(snapshot) if snapshot else None
    if not folder:
        return None
    try:
        from diffusers import AutoencoderTiny

        param = next(pipe.vae.parameters())
        decoder = AutoencoderTiny.from_pretrained(folder, torch_dtype=param.dtype).to(param.device)
    except Exception:
        return None
    return TaesdPreviewer(decoder)


def previewer_for(pipe: Any, family: str, device: str = "cpu") -> LatentPreviewer | TaesdPreviewer | None:
    """TAESD where it is available and affordable; else published coefficients for real latent
    spaces; else a projection fitted from the VAE."""
    taesd = taesd_for(pipe, family, device)
    if taesd is not None:
        return taesd
    vae = getattr(pipe, "vae", None)
    config = getattr(vae, "config", None)
    if config is None:
        return None
    real = list(config.get("block_out_channels", [])) == REAL_VAE_BLOCKS
    channels = config.get("latent_channels", 4)
    if real and family == "flux" and channels == 16:
        return LatentPreviewer(np.array(FLUX_FACTORS), np.array(FLUX_BIAS), "flux coefficients")
    if real and family == "sdxl" and channels == 4:
        return LatentPreviewer(np.array(SDXL_FACTORS), np.array(SDXL_BIAS), "sdxl coefficients")
    if real and family == "sd" and channels == 4:
        return LatentPreviewer(np.array(SD15_FACTORS), np.zeros(3), "sd1.x coefficients")
    try:
        return cached_fit(vae)
    except Exception:
        return None


def cached_fit(vae: Any) -> LatentPreviewer:
    """`fit_previewer`, kept in the user's cache under a fingerprint of the VAE's config and
    weights: the fit costs ~1 s of a cold start (the encoder's first call), the lookup ~10 ms."""
    import hashlib
    import json

    import torch

    from tratteggio.core.io.userdirs import cache_dir

    digest = hashlib.sha256(json.dumps(dict(vae.config), sort_keys=True, default=str).encode())
    with torch.no_grad():
        for name, tensor in vae.state_dict().items():
            digest.update(f"{name}:{float(tensor.double().sum()):.17g}".encode())
    path = cache_dir() / "previewers" / f"{digest.hexdigest()[:32]}.npz"
    try:
        with np.load(path) as saved:
            return LatentPreviewer(saved["factors"], saved["bias"], "fitted from the VAE")
    except (OSError, KeyError, ValueError):
        pass
    fitted = fit_previewer(vae)
    try:
        from tratteggio.core.io.atomic import write_bytes_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, factors=fitted.factors, bias=fitted.bias)
        write_bytes_atomic(path, buffer.getvalue())
    except OSError:
        pass  # a read-only cache only costs the fit next time
    return fitted


def fit_previewer(vae: Any, size: int = 64) -> LatentPreviewer:
    """Least-squares fit of pooled RGB on latents, from a few synthetic images through the encoder."""
    import torch

    images = _fit_images(size)
    config = vae.config
    scale, shift = config.get("scaling_factor", 1.0), config.get("shift_factor", None) or 0.0
    param = next(vae.parameters())
    with torch.no_grad():
        latents = vae.encode(images.to(param.device, param.dtype)).latent_dist.mean.float().cpu()
    latents = (latents - shift) * scale
    factor = size // latents.shape[-1]
    pooled = torch.nn.functional.avg_pool2d(images, factor)
    x = latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1]).numpy()
    y = pooled.permute(0, 2, 3, 1).reshape(-1, 3).numpy()
    design = np.hstack([x, np.ones((len(x), 1), np.float32)])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return LatentPreviewer(solution[:-1], solution[-1], "fitted from the VAE")


def _fit_images(size: int) -> Any:
    import torch

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / size
    images = []
    for _ in range(8):
        channels = [
            np.sin(rng.uniform(1, 6) * xx + rng.uniform(0, 6)) * np.cos(rng.uniform(1, 6) * yy)
            for _ in range(3)
        ]
        images.append(np.stack(channels) * rng.uniform(0.3, 1.0))
    return torch.tensor(np.array(images), dtype=torch.float32)
