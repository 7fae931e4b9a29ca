"""The one object that describes a restoration run.

The studio, the CLI and the tests all build a `RestorationRequest`; it is saved in every result's
conservation record, so that the same request on the same photo and mask reproduces the result.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from typing import Any

from tratteggio.core.errors import RequestError

CLASSICAL_ENGINES = ("hybrid", "biharmonic", "telea", "navier-stokes")
DIFFUSION_ENGINE = "diffusion"
ENGINE_NAMES = (*CLASSICAL_ENGINES, DIFFUSION_ENGINE)


@dataclass(frozen=True)
class RestorationRequest:
    """Everything that decides a result besides the photo and the mask."""

    engine: str = "hybrid"
    model: str | None = None
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = 0
    steps: int = 20
    guidance: float = 7.5
    strength: float = 1.0
    padding: int = 32
    blend: int = 4
    device: str = "auto"
    scheduler: str | None = None
    color_match: bool = True
    dtype: str = "auto"
    model_config: str | None = None
    allow_pickle: bool = False
    vae_tiling: bool = False
    cpu_offload: bool = False

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.engine not in ENGINE_NAMES:
            raise RequestError(f"unknown engine '{self.engine}' (choose from {', '.join(ENGINE_NAMES)})")
        if self.engine == DIFFUSION_ENGINE and not self.model:
            raise RequestError("the diffusion engine needs a model (--model)")
        _check_range("seed", self.seed, 0, 2**63 - 1)
        _check_range("steps", self.steps, 1, 1000)
        _check_range("padding", self.padding, 0, 8192)
        _check_range("blend", self.blend, 0, 512)
        _check_range("guidance", self.guidance, 0.0, 100.0)
        if not 0.0 < self.strength <= 1.0:
            raise RequestError(f"strength must be in (0, 1], got {self.strength}")
        if self.dtype not in ("auto", "float32", "bfloat16", "float16"):
            raise RequestError(f"unknown dtype '{self.dtype}' (auto, float32, bfloat16, float16)")

    def replace(self, **changes: Any) -> RestorationRequest:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RestorationRequest:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RequestError(f"unknown request fields: {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise RequestError(f"invalid request: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> RestorationRequest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequestError(f"the request is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise RequestError("the request must be a JSON object")
        return cls.from_dict(data)


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RequestError(f"{name} must be between {low} and {high}, got {value!r}")
