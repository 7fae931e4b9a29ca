"""Tiny random-weight diffusers pipelines of the real classes, built and saved locally.

diffusers' own test suite does the same. Tests then load them back through the same loader users
hit (`tratteggio.core.engines.models` + `DiffusionPipeline.from_pretrained`); nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import torch


def clip_tokenizer() -> object:
    """A byte-level CLIP tokenizer with no merges: every byte is a token. Made offline."""
    from transformers import CLIPTokenizer

    chars = list(byte_chars())
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": len(chars) + i for i, c in enumerate(chars)})
    vocab.update({"<|startoftext|>": len(vocab), "<|endoftext|>": len(vocab) + 1})
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def byte_chars() -> list[str]:
    """GPT-2/CLIP's printable stand-in character for each of the 256 bytes."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    keep += list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def tiny_vae(latent_channels: int = 4) -> object:
    from diffusers import AutoencoderKL

    # four levels: a scale factor of 8 like real SD VAEs (two levels made attention explode)
    return AutoencoderKL(
        block_out_channels=[16, 32, 32, 32],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4,
        latent_channels=latent_channels,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
    )


def tiny_text_encoder(projection: bool = False) -> object:
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(
        bos_token_id=512,
        eos_token_id=513,
        pad_token_id=513,
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        vocab_size=514,
        projection_dim=32,
    )
    return CLIPTextModelWithProjection(config) if projection else CLIPTextModel(config)


def build_sd_inpaint(folder: Path, seed: int = 0, sample_size: int = 32) -> Path:
    """A 9-channel SD-style inpainting pipeline (StableDiffusionInpaintPipeline)."""
    from diffusers import UNet2DConditionModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=sample_size,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=8,
        attention_head_dim=4,
    )
    return save_sd_inpaint(folder, unet, tiny_vae(), tiny_text_encoder())


def save_sd_inpaint(folder: Path, unet: object, vae: object, text_encoder: object) -> Path:
    """Assemble a StableDiffusionInpaintPipeline with SD's DDIM schedule and the offline tokenizer."""
    from diffusers import DDIMScheduler, StableDiffusionInpaintPipeline

    pipe = StableDiffusionInpaintPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=clip_tokenizer(),
        unet=unet,
        scheduler=DDIMScheduler(
            beta_schedule="scaled_linear",
            beta_start=0.00085,
            beta_end=0.012,
            clip_sample=False,
            set_alpha_to_one=False,
            steps_offset=1,
        ),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_sdxl_inpaint(folder: Path, seed: int = 0) -> Path:
    """An SDXL-style inpainting pipeline with two text encoders."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLInpaintPipeline, UNet2DConditionModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=80,  # 5 * 8 + 32
        cross_attention_dim=64,
        norm_num_groups=8,
    )
    tokenizer = clip_tokenizer()
    pipe = StableDiffusionXLInpaintPipeline(
        vae=tiny_vae(),
        text_encoder=tiny_text_encoder(),
        text_encoder_2=tiny_text_encoder(projection=True),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(
            beta_schedule="scaled_linear",
            beta_start=0.00085,
            beta_end=0.012,
            steps_offset=1,
            timestep_spacing="leading",
        ),
        requires_aesthetics_score=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_flux_fill(folder: Path, seed: int = 0) -> Path:
    """A FLUX.1 Fill-style pipeline (FluxFillPipeline: transformer, CLIP + T5 encoders)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxFillPipeline, FluxTransformer2DModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(seed)
    latent_channels = 4
    packed = latent_channels * 4  # 2x2 patches
    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=packed * 2 + 8 * 8 * 4,  # noisy latents, masked-image latents, packed 8x8 mask
        out_channels=packed,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=32,
        pooled_projection_dim=32,
        axes_dims_rope=[4, 4, 8],
    )
    t5 = T5EncoderModel(T5Config(vocab_size=514, d_model=32, d_ff=37, d_kv=8, num_layers=2, num_heads=4))
    tokenizer = clip_tokenizer()
    vae = tiny_vae(latent_channels)
    vae.register_to_config(shift_factor=0.0609, scaling_factor=1.5035, use_quant_conv=False)
    pipe = FluxFillPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=tiny_text_encoder(),
        text_encoder_2=t5,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        transformer=transformer,
        vae=vae,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder
