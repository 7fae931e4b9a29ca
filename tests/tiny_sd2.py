"""A tiny random-weight SD 2-style inpainting pipeline: linear-projection attention, several head
sizes and a v-prediction schedule (SD 2's inpainting checkpoint), saved locally like tiny_models."""

from __future__ import annotations

from pathlib import Path

import torch


def build_sd2_inpaint(folder: Path, seed: int = 0) -> Path:
    from diffusers import DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel

    from tests.tiny_models import clip_tokenizer, tiny_text_encoder, tiny_vae

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=8,
        attention_head_dim=(2, 4),
        use_linear_projection=True,
    )
    pipe = StableDiffusionInpaintPipeline(
        vae=tiny_vae(),
        text_encoder=tiny_text_encoder(),
        tokenizer=clip_tokenizer(),
        unet=unet,
        scheduler=DDIMScheduler(
            beta_schedule="scaled_linear",
            beta_start=0.00085,
            beta_end=0.012,
            clip_sample=False,
            set_alpha_to_one=False,
            steps_offset=1,
            prediction_type="v_prediction",
        ),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder
