"""The contract between the diffusion engine and whatever runs its model on one region.

The engine (diffusion.py) keeps everything that decides fidelity on the user's machine: the crop
planning, the conversion to 8-bit sRGB, the resize to the model's size and back, the colour match
and the paste-back. What runs the model (this process's pipeline, or a Tratteggio server) receives
only a `ModelJob` and hands back the filled image at model size as 16-bit RGB, and one 16-bit RGB
preview per step. Both sides quantise the same way, so a local and a remote run of one request give
the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tratteggio.core.request import RestorationRequest

# step (0-based), the step's picture as uint16 RGB (any size; the engine resizes it), its timestep
PreviewReport = Callable[[int, np.ndarray, float | None], None]
NOISE_STEP = -1  # the step number of the starting noise's picture, when a job asks for it


@dataclass(frozen=True)
class ModelInfo:
    """What the engine needs to know about a model before it crops: its native size (the longer side
    of the image it is fed), the multiple each side is rounded to, how many previews one run reports,
    and the description that goes into the conservation record."""

    native_size: int
    multiple: int
    preview_steps: int
    engine: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "native_size": self.native_size,
            "multiple": self.multiple,
            "preview_steps": self.preview_steps,
            "engine": dict(self.engine),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelInfo:
        return cls(
            native_size=int(data["native_size"]),
            multiple=int(data["multiple"]),
            preview_steps=int(data["preview_steps"]),
            engine=dict(data.get("engine") or {}),
        )


@dataclass(frozen=True, eq=False)
class ModelJob:
    """One model call: `image` is uint8 sRGB (H, W, 3) at model size, `mask` uint8 (H, W), 255 where
    the model repaints, 0 elsewhere."""

    image: np.ndarray
    mask: np.ndarray
    request: RestorationRequest
    noise: bool = False  # also report a picture of the starting noise, as step NOISE_STEP (imagine)


class DiffusionModel(Protocol):
    """Runs a diffusion model on one region at a time: in this process, or on a server."""

    def prepare(self, request: RestorationRequest) -> ModelInfo:
        """Load what `request` names (if not loaded yet) and describe it."""
        ...

    def run(self, job: ModelJob, report: PreviewReport, check: Callable[[], None]) -> np.ndarray:
        """Fill `job`; returns uint16 RGB at the job's size. `check()` raises Cancelled when the user
        has cancelled; it is called at every step."""
        ...


def info_key(request: RestorationRequest) -> str:
    """A model's `ModelInfo` depends on these fields only (not on the seed, prompt, blend...)."""
    names = ("model", "model_config", "scheduler", "steps", "strength", "device", "dtype", "vae_tiling")
    return json.dumps({name: getattr(request, name) for name in (*names, "cpu_offload")})


def quantize16(rgb01: np.ndarray) -> np.ndarray:
    """A model's float RGB in 0..1 as uint16: what both the local and the remote path hand back."""
    return np.clip(np.rint(np.asarray(rgb01, np.float32) * 65535.0), 0, 65535).astype(np.uint16)


def unit_float(rgb16: np.ndarray) -> np.ndarray:
    return rgb16.astype(np.float32) / np.float32(65535.0)


_CANCEL: ContextVar[Callable[[], bool] | None] = ContextVar("tratteggio_model_cancel", default=None)


@contextmanager
def cancelled_by(cancel: Callable[[], bool] | None) -> Iterator[None]:
    """While the block runs (on this thread), what a model does before a run, such as loading in the
    studio's worker, stops when `cancel()` says True. `prepare` takes no check of its own."""
    token = _CANCEL.set(cancel)
    try:
        yield
    finally:
        _CANCEL.reset(token)


def current_cancel() -> Callable[[], bool] | None:
    """The `cancel` of the innermost `cancelled_by` block on this thread, if any."""
    return _CANCEL.get()
