"""Layered previews must be almost free: the full engine path with a preview on every step against
the bare diffusers pipeline call, same model, size, steps and seed.

SD 1.5-architecture inpainting pipeline (9-channel UNet 320/640/1280/1280, real VAE layout, CLIP
ViT-L-sized text encoder) with random weights built locally: time does not depend on weight values.

    python benchmarks/bench_previews.py [--steps N] [--repeats R]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))


def build_sd15_size(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from tiny_models import save_sd_inpaint
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(in_channels=9, out_channels=4, sample_size=64, cross_attention_dim=768)
    vae = AutoencoderKL(
        block_out_channels=[128, 256, 512, 512],
        down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4,
        latent_channels=4,
        layers_per_block=2,
        sample_size=512,
    )
    text = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=514,
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            bos_token_id=512,
            eos_token_id=513,
            pad_token_id=513,
        )
    )
    return save_sd_inpaint(folder, unet, vae, text)


def main() -> None:
    import skimage.data
    import torch
    from PIL import Image

    from tratteggio.core import Mask, Photo, RestorationRequest, StepPreview, restore
    from tratteggio.core.engines.diffusion import diffusion_engine

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the model here (or reuse it) instead of a temp dir")
    args = parser.parse_args()
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "sd15-size"
        model = str(folder if (folder / "model_index.json").exists() else build_sd15_size(folder))
        image = np.ascontiguousarray(skimage.data.astronaut()[:512, :512])
        bits = np.zeros((512, 512), bool)
        bits[200:320, 180:330] = True
        request = RestorationRequest(
            engine="diffusion", model=model, steps=args.steps, seed=1, padding=0, blend=4
        )
        engine = diffusion_engine()
        loaded = engine.model.loaded(request)  # type: ignore[attr-defined]
        pipe = loaded.pipe
        previews: list[StepPreview] = []

        def ours() -> None:
            previews.clear()
            restore(Photo(image), Mask(bits), request, on_step=previews.append)

        def bare() -> None:
            with torch.inference_mode():
                pipe(
                    prompt="",
                    image=Image.fromarray(image),
                    mask_image=Image.fromarray(bits.astype(np.uint8) * 255),
                    height=512,
                    width=512,
                    strength=1.0,
                    guidance_scale=7.5,
                    num_inference_steps=args.steps,
                    generator=torch.Generator("cpu").manual_seed(1),
                    output_type="np",
                )

        times: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(args.repeats):
            for name, fn in (("bare", bare), ("ours", ours)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        capture_ms = time_projection(engine.model, loaded)
        bare_s, ours_s = min(times["bare"]), min(times["ours"])
        print("## Layered previews: engine path vs bare pipeline call (SD 1.5 size, 512x512)\n")
        print(
            f"dtype {loaded.dtype}, {args.steps} steps, best of {args.repeats}, runs interleaved; "
            f"previews: {engine.describe(request)['previews']}\n"
        )
        print(
            "| bare pipeline (s) | engine path with a preview every step (s) | ratio | previews | "
            "projection per preview (ms) |\n|---|---|---|---|---|"
        )
        print(f"| {bare_s:.2f} | {ours_s:.2f} | {ours_s / bare_s:.3f} | {len(previews)} | {capture_ms:.2f} |")
        print(
            f"\nall runs (s): bare {[round(t, 2) for t in times['bare']]}, "
            f"ours {[round(t, 2) for t in times['ours']]}"
        )


def time_projection(engine: object, loaded: object) -> float:
    import torch

    previewer = engine._previewer(loaded)  # type: ignore[attr-defined]
    latents = torch.randn(1, 4, 64, 64)
    start = time.perf_counter()
    for _ in range(50):
        previewer.to_rgb(latents)
    return (time.perf_counter() - start) / 50 * 1000


if __name__ == "__main__":
    main()
