"""The one object that describes a restoration run, and the one schema of its fields.

The studio, the CLI and the tests all build a `RestorationRequest`; it is saved in every result's
conservation record, so that the same request on the same photo and mask reproduces the result.
Each field carries its `Spec` (range, help text, command-line flag) in the dataclass metadata: the
CLI's options, `request_from_args` and the studio panel's ranges are all generated from it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from tratteggio.core.engine_catalog import DIFFUSION_ENGINE, ENGINE_NAMES
from tratteggio.core.engine_catalog import entry as engine_entry
from tratteggio.core.errors import RequestError

DTYPES = ("auto", "float32", "bfloat16", "float16")


@dataclass(frozen=True)
class Spec:
    """How a request field is offered to people: its range, help, flag and group.

    `low`/`high` bound numbers (inclusive; `low_open` makes the lower bound exclusive); `choices`
    bound strings; `flag` is the long option (None: the field is not a CLI option); `group` is
    "restore" (every engine) or "diffusion".
    """

    help: str
    flag: str | None = None
    metavar: str | None = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] | None = None
    group: str = "restore"
    negative_flag: str | None = None  # for booleans that default to True: the flag that turns them off


def _field(default: Any, spec: Spec) -> Any:
    return field(default=default, metadata={"spec": spec})


@dataclass(frozen=True)
class RestorationRequest:
    """Everything that decides a result besides the photo and the mask."""

    engine: str = _field(
        "auto",
        Spec(
            "fill method (default: auto, the best classical fill for each part of the damage: "
            "frequency-selective reconstruction for losses and thin damage within a time budget, "
            "biharmonic where a trial on undamaged pixels nearby shows it as good, the hybrid of "
            "biharmonic and Telea for the rest)",
            "--engine",
            "NAME",
            choices=ENGINE_NAMES,
        ),
    )
    model: str | None = _field(
        None,
        Spec(
            "hub model id, local diffusers folder, or .safetensors file (see `tratteggio models list`)",
            "--model",
            "M",
            group="diffusion",
        ),
    )
    prompt: str = _field("", Spec("what the restored area shows", "--prompt", "P", group="diffusion"))
    negative_prompt: str = _field(
        "", Spec("what it must not show", "--negative-prompt", "P", group="diffusion")
    )
    seed: int = _field(
        0,
        Spec("random seed; the same seed gives the same bytes", "--seed", "N", low=0, high=2**63 - 1),
    )
    steps: int = _field(20, Spec("denoising steps", "--steps", "N", low=1, high=1000, group="diffusion"))
    guidance: float = _field(
        7.5, Spec("classifier-free guidance scale", "--guidance", "G", low=0.0, high=100.0, group="diffusion")
    )
    strength: float = _field(
        1.0,
        Spec(
            "how far from the original the fill may go, (0, 1]",
            "--strength",
            "S",
            low=0.0,
            high=1.0,
            low_open=True,
            group="diffusion",
        ),
    )
    padding: int = _field(
        32, Spec("context pixels around each loss that the engine sees", "--padding", "PX", low=0, high=8192)
    )
    blend: int = _field(
        4,
        Spec(
            "width of the band outside the mask over which the fill fades into the photo; 0 = hard edge",
            "--blend",
            "PX",
            low=0,
            high=512,
        ),
    )
    device: str = _field(
        "auto",
        Spec("auto (cuda, then mps, then cpu), cuda, cuda:1, mps or cpu", "--device", "D", group="diffusion"),
    )
    scheduler: str | None = _field(
        None,
        Spec(
            "diffusers scheduler class, e.g. DDIMScheduler, EulerDiscreteScheduler (default: the model's)",
            "--scheduler",
            "NAME",
            group="diffusion",
        ),
    )
    color_match: bool = _field(
        True,
        Spec(
            "match the fill's colour to the pixels around the loss",
            group="diffusion",
            negative_flag="--no-color-match",
        ),
    )
    dtype: str = _field(
        "auto",
        Spec(
            "auto: float16 on GPUs, bfloat16 on CPUs that support it, else float32",
            "--dtype",
            choices=DTYPES,
            group="diffusion",
        ),
    )
    model_config: str | None = _field(
        None,
        Spec(
            "diffusers folder with the configs of a single-file .safetensors model",
            "--model-config",
            "DIR",
            group="diffusion",
        ),
    )
    allow_pickle: bool = _field(
        False,
        Spec(
            "allow .ckpt/.bin/.pt checkpoints, which can run arbitrary code when loaded: only for files "
            "you trust",
            "--allow-pickle",
            group="diffusion",
        ),
    )
    vae_tiling: bool = _field(
        False, Spec("decode in tiles: less memory for large contexts", "--vae-tiling", group="diffusion")
    )
    cpu_offload: bool = _field(
        False,
        Spec(
            "keep the model in CPU memory and move each part to the GPU only while it runs",
            "--cpu-offload",
            group="diffusion",
        ),
    )

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        for f in fields(self):
            check_field(f.name, getattr(self, f.name))
        if self.engine == DIFFUSION_ENGINE and not self.model:
            raise RequestError("the diffusion engine needs a model (--model)")

    @property
    def deterministic(self) -> bool:
        """The engine gives the same pixels whatever the seed (the catalog does not call it seeded)."""
        known = engine_entry(self.engine)
        return known is not None and not known.seeded

    def replace(self, **changes: Any) -> RestorationRequest:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RestorationRequest:
        """A request from a record or a file; RequestError names any unknown, missing-typed or bad field.

        `allow_pickle` is a permission of the command line, never of a file: a stored True is read as
        False (the caller grants it again if the user says so).
        """
        if not isinstance(data, Mapping):
            raise RequestError(f"the request must be an object of named fields, got {_kind(data)}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RequestError(f"unknown request fields: {', '.join(map(str, unknown))}")
        values = {k: v for k, v in data.items() if k != "allow_pickle"}
        for f in fields(cls):
            if f.name in values:
                _check_type(f.name, values[f.name], f.type)
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> RestorationRequest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequestError(f"the request is not valid JSON ({exc})") from None
        return cls.from_dict(data)


def spec(name: str) -> Spec:
    """The Spec of request field `name`."""
    for f in fields(RestorationRequest):
        if f.name == name:
            return f.metadata["spec"]  # type: ignore[no-any-return]
    raise KeyError(name)


def specs() -> dict[str, Spec]:
    """Every request field's Spec, in field order."""
    return {f.name: f.metadata["spec"] for f in fields(RestorationRequest)}


def check_field(name: str, value: Any) -> None:
    """Raise RequestError if `value` is outside field `name`'s range or choices."""
    s = spec(name)
    if s.choices is not None and value not in s.choices:
        if name == "engine":
            raise RequestError(f"unknown engine '{value}' (choose from {', '.join(s.choices)})")
        raise RequestError(f"unknown {name} '{value}' ({', '.join(s.choices)})")
    if s.low is None or s.high is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"{name} must be a number, got {value!r}")
    if s.low_open and not s.low < value <= s.high:
        raise RequestError(f"{name} must be in ({s.low:g}, {s.high:g}], got {value}")
    if not s.low_open and not s.low <= value <= s.high:
        raise RequestError(f"{name} must be between {s.low:g} and {s.high:g}, got {value!r}")


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "str | None": (str, type(None)),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}


def _check_type(name: str, value: Any, annotation: Any) -> None:
    allowed = _TYPES[str(annotation)]
    if isinstance(value, bool) and bool not in allowed:
        raise RequestError(f"{name} must be {str(annotation).replace(' | None', '')}, got {value!r}")
    if not isinstance(value, allowed):
        raise RequestError(f"{name} must be {str(annotation).replace(' | None', '')}, got {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"a list {json.dumps(value)[:40]}"
    return f"{type(value).__name__} {value!r}"[:60]
