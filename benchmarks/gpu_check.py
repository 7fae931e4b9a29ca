"""The GPU check of issue 12, prepared to run in one go on a machine with an NVIDIA GPU:

1. SD-1.5-architecture inpainting pipeline (random weights, real sizes), fp16, 512x512, 30 steps:
   Tratteggio's engine path (crop, per-step previews through the step callback, colour match,
   paste-back) against the bare pipeline call. Target: engine / bare <= 1.05.
2. The out-of-memory path: most of the GPU's memory is taken first; the run must fail with the
   one-line message, and the same warm pipeline must run again once the memory is given back.
3. SDXL-architecture inpainting pipeline (random weights, real sizes), fp16: `imagine` at 1024x1024
   and `extend` of a 1024x768 photo by 256 px, 30 steps, with the time and the peak memory.

It prints a markdown section for benchmarks/RESULTS.md naming the GPU. `--dry-run` runs every path
on the CPU with tiny models, to check the script itself where no GPU is lent.

    python benchmarks/gpu_check.py [--dry-run] [--steps 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

import torch  # noqa: E402

from tratteggio.core import Mask, ModelError, Photo, RestorationRequest, restore  # noqa: E402


def sd15(folder: Path, tiny: bool) -> Path:
    """SD 1.5's inpainting architecture (9-channel UNet, real VAE, CLIP-L-sized text encoder)."""
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.tiny_models import build_sd_inpaint, save_sd_inpaint

    if tiny:
        return build_sd_inpaint(folder)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=64,
        in_channels=9,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768,
        attention_head_dim=8,
    )
    text = CLIPTextModel(_clip_config(CLIPTextConfig, 768, 12, 12, 3072))
    return save_sd_inpaint(folder, unet.half(), _real_vae().half(), text.half())


def _clip_config(cls: Any, hidden: int, layers: int, heads: int, inner: int) -> Any:
    return cls(
        bos_token_id=512,
        eos_token_id=513,
        pad_token_id=513,
        hidden_size=hidden,
        intermediate_size=inner,
        num_attention_heads=heads,
        num_hidden_layers=layers,
        vocab_size=514,
        projection_dim=hidden,
    )


def _real_vae() -> Any:
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=2,
        sample_size=512,
    )


def sdxl(folder: Path, tiny: bool) -> Path:
    """SDXL's inpainting architecture (2.6 B UNet, two text encoders), random weights."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from tests.tiny_models import build_sdxl_inpaint, clip_tokenizer

    if tiny:
        return build_sdxl_inpaint(folder)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=128,
        in_channels=9,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        transformer_layers_per_block=(1, 2, 10),
        attention_head_dim=(5, 10, 20),
        use_linear_projection=True,
        cross_attention_dim=2048,
        addition_embed_type="text_time",
        addition_time_embed_dim=256,
        projection_class_embeddings_input_dim=2816,
    )
    tokenizer = clip_tokenizer()
    pipe = StableDiffusionXLInpaintPipeline(
        vae=_real_vae().half(),
        text_encoder=CLIPTextModel(_clip_config(CLIPTextConfig, 768, 12, 12, 3072)).half(),
        text_encoder_2=CLIPTextModelWithProjection(_clip_config(CLIPTextConfig, 1280, 32, 20, 5120)).half(),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet.half(),
        scheduler=EulerDiscreteScheduler(
            beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, steps_offset=1
        ),
        requires_aesthetics_score=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def timed(fn: Callable[[], object], repeats: int, sync: bool) -> float:
    fn()  # warm-up: kernels, allocator
    times = []
    for _ in range(repeats):
        if sync:
            torch.cuda.synchronize()
        started = time.perf_counter()
        fn()
        if sync:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def engine_vs_bare(model: str, args: argparse.Namespace, device: str, dtype: str) -> tuple[float, float, int]:
    from PIL import Image

    from tratteggio.core.engines.diffusion import diffusion_engine

    size = args.size
    photo = Photo(np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8))
    bits = np.zeros((size, size), bool)
    bits[size // 3 : size // 2, size // 4 : size // 2] = True
    request = RestorationRequest(
        engine="diffusion", model=model, steps=args.steps, seed=1, device=device, dtype=dtype, padding=size
    )
    steps: list[int] = []

    def engine() -> None:
        restore(photo, Mask(bits), request, on_step=lambda s: steps.append(s.step))

    pipe = diffusion_engine().loaded(request).pipe

    def bare() -> None:
        mask = Image.fromarray(bits.astype(np.uint8) * 255)
        pipe(
            prompt="",
            image=Image.fromarray(photo.pixels),
            mask_image=mask,
            height=size,
            width=size,
            strength=1.0,
            num_inference_steps=args.steps,
            generator=torch.Generator(device="cpu").manual_seed(1),
            output_type="np",
        )

    sync = device.startswith("cuda")
    engine_s, bare_s = timed(engine, args.repeats, sync), timed(bare, args.repeats, sync)
    return engine_s, bare_s, len(steps) // (args.repeats + 1)


def out_of_memory(model: str, args: argparse.Namespace, device: str, dtype: str) -> str:
    """Fill the GPU, run, expect the one-line message; free it, run again on the same pipeline."""
    photo = Photo(np.full((args.size, args.size, 3), 128, np.uint8))
    bits = np.zeros((args.size, args.size), bool)
    bits[10:60, 10:60] = True
    request = RestorationRequest(engine="diffusion", model=model, steps=2, device=device, dtype=dtype)
    if not device.startswith("cuda"):
        return "skipped (no GPU)"
    torch.cuda.empty_cache()  # what the allocator keeps cached would otherwise serve the run
    free, _ = torch.cuda.mem_get_info()
    hog = torch.empty(int(free - (64 << 20)), dtype=torch.uint8, device=device)
    try:
        restore(photo, Mask(bits), request)
        message = "NO ERROR (the run fitted in 64 MiB)"
    except ModelError as exc:
        message = str(exc)
    del hog
    torch.cuda.empty_cache()
    again = restore(photo, Mask(bits), request)
    return f"{message!r}; after freeing the memory the same pipeline ran again: {bool(again.patches)}"


def made_at_1024(model: str, args: argparse.Namespace, device: str, dtype: str) -> list[str]:
    from tratteggio.core.pipeline.extend import Margins, extend
    from tratteggio.core.pipeline.imagine import imagine

    big = args.big
    request = RestorationRequest(
        engine="diffusion", model=model, steps=args.steps, seed=2, device=device, dtype=dtype, prompt="a city"
    )
    lines = []
    for label, run in (
        (f"imagine {big}x{big}", lambda: imagine(request, (big, big))),
        (
            f"extend {big}x{big * 3 // 4} by {big // 4} px",
            lambda: extend(
                Photo(np.full((big * 3 // 4, big, 3), 90, np.uint8)), Margins(right=big // 4), request
            ),
        ),
    ):
        if device.startswith("cuda"):
            torch.cuda.reset_peak_memory_stats()
        seconds = timed(run, 1, device.startswith("cuda"))
        peak = torch.cuda.max_memory_allocated() / 2**30 if device.startswith("cuda") else float("nan")
        lines.append(f"| {label} | {args.steps} | {seconds:.2f} | {peak:.1f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true", help="tiny models on the CPU: check the script")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tiny = args.dry_run
    device, dtype = ("cpu", "float32") if tiny else ("cuda", "float16")
    args.size, args.big = (256, 256) if tiny else (512, 1024)
    if tiny:
        args.steps, args.repeats = min(args.steps, 3), 1
        torch.set_num_threads(2)
    elif not torch.cuda.is_available():
        raise SystemExit("no CUDA device: run with --dry-run to check the script on the CPU")
    name = "CPU (dry run)" if tiny else torch.cuda.get_device_name(0)
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    sd_model = str(sd15(folder / "sd15", tiny))
    print(f"built the SD 1.5-architecture model in {time.perf_counter() - started:.1f} s", flush=True)
    engine_s, bare_s, steps = engine_vs_bare(sd_model, args, device, dtype)
    oom = out_of_memory(sd_model, args, device, dtype)
    from tratteggio.core.engines.diffusion import diffusion_engine

    diffusion_engine().cache.clear()
    started = time.perf_counter()
    xl_model = str(sdxl(folder / "sdxl", tiny))
    print(f"built the SDXL-architecture model in {time.perf_counter() - started:.1f} s", flush=True)
    made = made_at_1024(xl_model, args, device, dtype)
    print(f"\n### GPU check on {name} (torch {torch.__version__}, {dtype}, random weights)\n")
    print(f"SD 1.5 architecture, {args.size}x{args.size}, {args.steps} steps, median of {args.repeats}:\n")
    print("| path | seconds | previews per run |\n|---|---|---|")
    print(f"| bare pipeline call | {bare_s:.3f} | 0 |")
    print(f"| Tratteggio engine (restore) | {engine_s:.3f} | {steps} |")
    verdict = "met" if engine_s / bare_s <= 1.05 else "MISSED"
    print(f"\nengine / bare = {engine_s / bare_s:.3f} (target <= 1.05: {verdict})\n")
    print(f"Out of memory: {oom}\n")
    print("SDXL architecture:\n\n| run | steps | seconds | peak GPU memory (GiB) |\n|---|---|---|---|")
    print("\n".join(made))


if __name__ == "__main__":
    main()
