"""Which diffusion model a request names, where it lives, and whether we may load it.

A model is a hub repo id, a local diffusers folder (with model_index.json), or a single
`.safetensors` checkpoint (with a local diffusers folder as its config). Pickle-based checkpoints
(.ckpt, .bin, .pt, .pth) execute code when loaded and are refused unless explicitly allowed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from tratteggio.core.errors import ModelError

PICKLE_SUFFIXES = (".ckpt", ".bin", ".pt", ".pth", ".pkl")
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    family: str
    size_gb: float
    licence: str
    vram_gb: float
    note: str


CATALOG = (
    CatalogEntry(
        "stable-diffusion-v1-5/stable-diffusion-inpainting",
        "sd",
        4.3,
        "CreativeML OpenRAIL-M",
        4,
        "SD 1.5 inpainting, 9-channel UNet, 512 px",
    ),
    CatalogEntry(
        "diffusers/stable-diffusion-xl-1.0-inpainting-0.1",
        "sdxl",
        13.0,
        "CreativeML OpenRAIL++-M",
        8,
        "SDXL inpainting, 1024 px",
    ),
    CatalogEntry(
        "kandinsky-community/kandinsky-2-2-decoder-inpaint",
        "kandinsky",
        5.0,
        "Apache-2.0",
        6,
        "Kandinsky 2.2 inpainting, 768 px (needs its prior for prompts)",
    ),
    CatalogEntry(
        "black-forest-labs/FLUX.1-Fill-dev",
        "flux",
        58.0,
        "FLUX.1 [dev] non-commercial (gated)",
        24,
        "FLUX.1 Fill, 1024 px; accept the licence on the hub first",
    ),
)


@dataclass(frozen=True)
class ModelSource:
    """A resolved model: how to load it and how to name it in a record."""

    kind: str  # "folder", "single_file" or "hub"
    location: str  # folder path, file path, or hub id
    config: str | None  # for single files: the diffusers folder holding the configs
    identity: str  # hub revision, or a hash of the local files' names, sizes and configs
    pickle_allowed: bool = False  # the user passed --allow-pickle; else only safetensors load


def is_pickle(path: str) -> bool:
    return path.lower().endswith(PICKLE_SUFFIXES)


def resolve_model(spec: str, config: str | None = None, allow_pickle: bool = False) -> ModelSource:
    """Find the model a user named, or raise ModelError with one line saying what to do."""
    path = Path(spec).expanduser()
    if is_pickle(spec):
        if not allow_pickle:
            raise ModelError(
                f"{path.name}: pickle checkpoints can run arbitrary code when loaded; use a "
                ".safetensors file, or pass --allow-pickle if you trust its source"
            )
        if not path.is_file():
            raise ModelError(f"{spec}: no such checkpoint file")
        return replace(_single_file(path, config), pickle_allowed=True)
    if path.is_dir():
        if not (path / "model_index.json").is_file():
            raise ModelError(f"{spec}: not a diffusers model folder (no model_index.json)")
        check_folder_weights(path, allow_pickle)
        return ModelSource("folder", str(path.resolve()), None, folder_identity(path), allow_pickle)
    if path.suffix.lower() == ".safetensors":
        if not path.is_file():
            raise ModelError(f"{spec}: no such checkpoint file")
        return _single_file(path, config)
    if HUB_ID.match(spec):
        return _hub_model(spec, allow_pickle)
    raise ModelError(f"{spec}: not a model folder, a .safetensors file or a hub model id (owner/name)")


def check_folder_weights(folder: Path, allow_pickle: bool) -> None:
    """Refuse a model folder in which some part has only pickle weights, unless allowed.

    A folder is checked like a single file: loaders given `use_safetensors=True` skip the pickles
    that sit beside safetensors, but a part with nothing else would have to unpickle them."""
    if allow_pickle:
        return
    for part in sorted(
        {file.parent for file in folder.rglob("*") if is_pickle(file.name) and file.is_file()}
    ):
        if not any(part.glob("*.safetensors")):
            weights = sorted(file.name for file in part.iterdir() if is_pickle(file.name))
            where = part.relative_to(folder).as_posix()
            raise ModelError(
                f"{folder.name}: {'the folder' if where == '.' else where} holds only pickle weights "
                f"({', '.join(weights)}), which can run arbitrary code when loaded; convert them to "
                ".safetensors, or pass --allow-pickle if you trust their source"
            )


def _single_file(path: Path, config: str | None) -> ModelSource:
    if not config:
        raise ModelError(
            f"{path.name}: a single-file checkpoint needs a local diffusers folder with the model's "
            "configs (--model-config DIR); it cannot fetch them offline"
        )
    config_dir = Path(config).expanduser()
    if not (config_dir / "model_index.json").is_file():
        raise ModelError(f"{config}: not a diffusers config folder (no model_index.json)")
    digest = hashlib.sha256(f"{path.name}:{path.stat().st_size}".encode())
    digest.update(folder_identity(config_dir).encode())
    return ModelSource("single_file", str(path.resolve()), str(config_dir.resolve()), digest.hexdigest())


def folder_identity(folder: Path) -> str:
    """A hash of every config's content and every weight file's name and size (weights can be GBs)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = file.relative_to(folder).as_posix()
        digest.update(rel.encode())
        if file.suffix in (".json", ".txt"):
            digest.update(file.read_bytes())
        else:
            digest.update(str(file.stat().st_size).encode())
    return digest.hexdigest()


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")


def cached_snapshot(model_id: str) -> Path | None:
    """The local snapshot folder of a hub model, if it is fully cached."""
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:
        return None


def _hub_model(model_id: str, allow_pickle: bool) -> ModelSource:
    snapshot = cached_snapshot(model_id)
    if snapshot is None:
        raise ModelError(
            f"{model_id} is not downloaded; run `tratteggio models download {model_id}` "
            "on a machine with a network connection" + (" (HF_HUB_OFFLINE is set)" if offline() else "")
        )
    check_folder_weights(snapshot, allow_pickle)
    return ModelSource("hub", model_id, None, snapshot.name, allow_pickle)


def model_family(index: dict[str, object]) -> str:
    name = str(index.get("_class_name", ""))
    if "Flux" in name:
        return "flux"
    if "XL" in name:
        return "sdxl"
    if "Kandinsky" in name:
        return "kandinsky"
    if "StableDiffusion3" in name:
        return "sd3"
    return "sd"


def read_model_index(folder: str | Path) -> dict[str, object]:
    try:
        return json.loads((Path(folder) / "model_index.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{folder}: unreadable model_index.json ({exc})") from None
