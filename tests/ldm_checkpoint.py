"""Write a saved diffusers SD pipeline as one original-layout (LDM) .safetensors checkpoint, the
format users download as a single file. Used to test single-file loading offline; the naming is the
inverse of what diffusers' single-file loader reads (UNet, VAE and CLIP text encoder)."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

RESNET = (
    ("norm1", "in_layers.0"),
    ("conv1", "in_layers.2"),
    ("norm2", "out_layers.0"),
    ("conv2", "out_layers.3"),
    ("time_emb_proj", "emb_layers.1"),
    ("conv_shortcut", "skip_connection"),
)
UNET_TOP = {
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "conv_in": "input_blocks.0.0",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
}


def _resnet(rest: str) -> str:
    for new, old in RESNET:
        if rest.startswith(new + "."):
            return old + rest[len(new) :]
    return rest


def unet_key(key: str, per_block: int) -> str:
    parts = key.split(".")
    for new, old in UNET_TOP.items():
        if key.startswith(new + "."):
            return old + key[len(new) :]
    if parts[0] == "down_blocks":
        block, kind = int(parts[1]), parts[2]
        if kind == "downsamplers":
            return f"input_blocks.{1 + block * (per_block + 1) + per_block}.0.op." + ".".join(parts[5:])
        index = 1 + block * (per_block + 1) + int(parts[3])
        rest = ".".join(parts[4:])
        return (
            f"input_blocks.{index}.0.{_resnet(rest)}"
            if kind == "resnets"
            else f"input_blocks.{index}.1.{rest}"
        )
    if parts[0] == "mid_block":
        rest = ".".join(parts[3:])
        if parts[1] == "resnets":
            return f"middle_block.{int(parts[2]) * 2}.{_resnet(rest)}"
        return f"middle_block.1.{rest}"
    if parts[0] == "up_blocks":
        block, kind = int(parts[1]), parts[2]
        if kind == "upsamplers":
            return f"output_blocks.{block * (per_block + 1) + per_block}.UPS.conv." + ".".join(parts[5:])
        index = block * (per_block + 1) + int(parts[3])
        rest = ".".join(parts[4:])
        return (
            f"output_blocks.{index}.0.{_resnet(rest)}"
            if kind == "resnets"
            else f"output_blocks.{index}.1.{rest}"
        )
    raise KeyError(key)


def vae_key(key: str, blocks: int) -> str:
    for new, old in (("conv_norm_out", "norm_out"),):
        key = key.replace(new, old)
    parts = key.split(".")
    side = parts[0]
    if len(parts) > 1 and parts[1] == "down_blocks":
        if parts[3] == "downsamplers":
            return f"{side}.down.{parts[2]}.downsample.conv." + ".".join(parts[6:])
        return f"{side}.down.{parts[2]}.block.{parts[4]}." + ".".join(parts[5:]).replace(
            "conv_shortcut", "nin_shortcut"
        )
    if len(parts) > 1 and parts[1] == "up_blocks":
        ldm = blocks - 1 - int(parts[2])
        if parts[3] == "upsamplers":
            return f"{side}.up.{ldm}.upsample.conv." + ".".join(parts[6:])
        return f"{side}.up.{ldm}.block.{parts[4]}." + ".".join(parts[5:]).replace(
            "conv_shortcut", "nin_shortcut"
        )
    if len(parts) > 1 and parts[1] == "mid_block":
        if parts[2] == "resnets":
            return f"{side}.mid.block_{int(parts[3]) + 1}." + ".".join(parts[4:]).replace(
                "conv_shortcut", "nin_shortcut"
            )
        rest = ".".join(parts[4:])
        for new, old in (
            ("group_norm", "norm"),
            ("to_q", "q"),
            ("to_k", "k"),
            ("to_v", "v"),
            ("to_out.0", "proj_out"),
        ):
            if rest.startswith(new + "."):
                rest = old + rest[len(new) :]
        return f"{side}.mid.attn_1.{rest}"
    return key


def write_ldm_checkpoint(folder: Path, target: Path) -> Path:
    unet_config = json.loads((folder / "unet" / "config.json").read_text())
    vae_config = json.loads((folder / "vae" / "config.json").read_text())
    per_block = unet_config["layers_per_block"]
    unet = load_file(folder / "unet" / "diffusion_pytorch_model.safetensors")
    out: dict[str, torch.Tensor] = {}
    for key, value in unet.items():
        out["model.diffusion_model." + unet_key(key, per_block)] = value
    has_attention = {k.split(".")[1] for k in unet if k.startswith("up_blocks.") and ".attentions." in k}
    for key in [k for k in out if ".UPS." in k]:
        block = int(key.split(".")[3]) // (per_block + 1)
        out[key.replace(".UPS.", ".2." if str(block) in has_attention else ".1.")] = out.pop(key)
    vae = load_file(folder / "vae" / "diffusion_pytorch_model.safetensors")
    blocks = len(vae_config["up_block_types"])
    for key, value in vae.items():
        ldm = vae_key(key, blocks)
        if ".mid.attn_1." in ldm and value.ndim == 2:
            value = value[:, :, None, None]
        out["first_stage_model." + ldm] = value
    text = load_file(folder / "text_encoder" / "model.safetensors")
    for key, value in text.items():
        # transformers >= 5.6 saves CLIPTextModel without its "text_model." level; LDM files have it
        inner = key if key.startswith("text_model.") else "text_model." + key
        out["cond_stage_model.transformer." + inner] = value
    save_file({k: v.contiguous() for k, v in out.items()}, target)
    return target
