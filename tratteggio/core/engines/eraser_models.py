"""The learned erasers' weights: one published ONNX file each, pinned by revision and SHA-256.

They live in the same hub cache as the diffusion models, are fetched only when the user asks
(`tratteggio models download lama|migan`, or Download in the Models dialog) and are checked against
the pinned hash before every first use in a process. Both were trained on Places2, whose terms
allow research and non-commercial use only: the catalog and the Models dialog say so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tratteggio.core.errors import ModelError

PLACES2 = "trained on Places2, whose terms allow research and non-commercial use only"


@dataclass(frozen=True)
class EraserModel:
    engine: str  # the engine name: lama, migan
    repo: str  # hub repository
    revision: str  # the commit the hash was taken at
    filename: str
    sha256: str
    size_bytes: int
    licence: str
    note: str

    @property
    def label(self) -> str:
        return f"{self.engine} ({self.repo})"


ERASER_MODELS = (
    EraserModel(
        "lama",
        "Carve/LaMa-ONNX",
        "c3c0c9e468934d62e79c329e35d82dd09ff8c444",
        "lama_fp32.onnx",
        "1faef5301d78db7dda502fe59966957ec4b79dd64e16f03ed96913c7a4eb68d6",
        208_044_816,
        "Apache-2.0",
        "Big-LaMa (Samsung AI, WACV 2022), ONNX export by Carve; " + PLACES2,
    ),
    EraserModel(
        "migan",
        "andraniksargsyan/migan",
        "406830d0fa60666da0071c342ad2fbc8f30c5c64",
        "migan_pipeline_v2.onnx",
        "6f1f3530a1a2324b19752018ce756088b07973cda8d7d890034ace5c8a48c40b",
        28_079_181,
        "MIT",
        "MI-GAN (Picsart, ICCV 2023), the authors' 512 px ONNX pipeline; " + PLACES2,
    ),
)


def eraser_model(name: str) -> EraserModel | None:
    """The eraser called `name` (engine name or hub repository), or None."""
    return next((m for m in ERASER_MODELS if name in (m.engine, m.repo)), None)


def eraser_file(model: EraserModel) -> Path:
    """The downloaded, verified file of `model`; ModelError saying what to do when it is missing
    or not the published file."""
    from huggingface_hub import hf_hub_download

    from tratteggio.core.engines.models import offline

    try:
        path = Path(
            hf_hub_download(model.repo, model.filename, revision=model.revision, local_files_only=True)
        )
    except Exception:
        raise ModelError(
            f"the {model.engine} eraser's weights are not downloaded; run `tratteggio models download "
            f"{model.engine}` on a machine with a network connection"
            + (" (HF_HUB_OFFLINE is set)" if offline() else "")
        ) from None
    check_hash(path, model)
    return path


_VERIFIED: set[tuple[str, int, int]] = set()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_hash(path: Path, model: EraserModel) -> None:
    """Raise ModelError unless `path` holds exactly the published file (once per process and file)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _VERIFIED:
        return
    got = file_sha256(path)
    if got != model.sha256:
        raise ModelError(
            f"{path.name}: SHA-256 {got[:16]}… is not the published {model.engine} file's "
            f"({model.sha256[:16]}…); remove it (`tratteggio models remove {model.engine}`) "
            "and download again"
        )
    _VERIFIED.add(key)


def download_eraser(
    model: EraserModel,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Path:
    """Download `model`'s one file at its pinned revision into the hub cache, then verify it."""
    from tratteggio.core.engines.hub import download_model

    folder = download_model(model.repo, model.revision, on_progress, cancel, patterns=[model.filename])
    path = folder / model.filename
    check_hash(path, model)
    return path
