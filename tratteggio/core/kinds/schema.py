"""`ConservationRecord`: the one shape of the JSON record written beside every result, validated as
it is read (`ConservationRecord.from_dict`; files are read by tratteggio.core.record.schema).

It lives with the intervention kinds, below the writer, so that each kind builds its own entry
(`InterventionRecord`) and describes its masks (`describe_mask`) without the writer.

Version 2 lists every intervention (a CLI restore is a record of one). Version 1 records (one
restoration, its request at the top level) are still read, as one intervention. A record that is
malformed or foreign raises `RecordError` naming the missing or wrong field.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from tratteggio.core.errors import RecordError
from tratteggio.core.mask import Mask

SCHEMA = "tratteggio.record/2"
SCHEMA_V1 = "tratteggio.record/1"
RECORD_SUFFIX = ".record.json"
MAX_RECORD_BYTES = 64 << 20
MAX_INTERVENTIONS = 10_000  # far past any real restoration; each one read is a replay to run

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATIVE_SOURCE = IPTC + "compositeWithTrainedAlgorithmicMedia"
CLASSICAL_SOURCE = IPTC + "algorithmicallyEnhanced"
CREATED_SOURCE = IPTC + "trainedAlgorithmicMedia"


def digital_source_type(generative: bool) -> str:
    return GENERATIVE_SOURCE if generative else CLASSICAL_SOURCE


@dataclass(frozen=True)
class FileInfo:
    """A file of the set, named by its base name only (always beside the record), with its hash."""

    file: str
    sha256: str | None = None


@dataclass(frozen=True)
class MaskInfo:
    bbox: list[int] | None
    pixel_count: int
    file: str | None = None
    sha256: str | None = None


def describe_mask(mask: Mask, file: str | None = None, sha256: str | None = None) -> MaskInfo:
    box = mask.bbox()
    return MaskInfo(box.to_list() if box else None, mask.pixel_count, file, sha256)


@dataclass(frozen=True)
class MasterInfo:
    width: int
    height: int
    channels: int
    bit_depth: int
    dtype: str
    icc_description: str | None = None
    file: str | None = None
    path: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class InterventionRecord:
    """One intervention, by `kind`: "fill" (a restoration of a mask), "revive" (a global colour
    transform: `engine.transform` holds its parameters, `request` its reference), "extend" (a
    larger canvas: `details` has the margins, the original's box and the created area) or
    "imagine" (a picture created from noise: `details` has its size, prompt, model and seed).
    Its request is as the engine saw it (each kind builds its own: tratteggio.core.kinds)."""

    id: int
    kind: str
    request: dict[str, Any]
    engine: dict[str, Any]
    mask: MaskInfo
    effective_mask: MaskInfo
    regions: list[list[int]]
    seconds: float
    digital_source_type: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutputInfo:
    file: str
    sha256: str
    format: str
    exact: bool = True  # False: a lossy or lower-depth format the user accepted with --lossy
    # signed (Content Credentials): `sha256` names the unsigned bytes a rerun reproduces, the signed
    # file holds the same pixels (`pixels_sha256`) and names its signer (`credentials`)
    pixels_sha256: str | None = None
    credentials: str | None = None


@dataclass(frozen=True)
class ConservationRecord:
    date: str
    master: MasterInfo
    interventions: list[InterventionRecord]
    loss_map: MaskInfo
    mask: MaskInfo
    output: OutputInfo
    software: dict[str, str]
    device: str
    digital_source_type: str
    documentation_copy: str | None = None
    schema: str = SCHEMA
    notes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {"schema": data.pop("schema"), **data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> ConservationRecord:
        if not isinstance(data, dict):
            raise RecordError("not a Tratteggio conservation record (not a JSON object)")
        schema = data.get("schema")
        if schema == SCHEMA_V1:
            data = _upgrade_v1(data)
        elif schema != SCHEMA:
            what = f"schema {schema!r}" if isinstance(schema, str) else "no schema"
            raise RecordError(f"not a Tratteggio conservation record ({what})")
        return _read(cls, data, "")


# -- validation ----------------------------------------------------------------------------------
_NESTED: dict[str, type] = {
    "master": MasterInfo,
    "loss_map": MaskInfo,
    "mask": MaskInfo,
    "effective_mask": MaskInfo,
    "output": OutputInfo,
}


def _read(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise RecordError(f"{where or 'record'} must be an object, got {_kind(data)}")
    values = {}
    for name, kind in cls.__annotations__.items():
        path = f"{where}.{name}" if where else name
        default = {f.name: f for f in fields(cls)}[name]
        if name not in data:
            if _has_default(default):
                continue
            raise RecordError(f"the record has no '{path}'")
        values[name] = _value(name, kind, data[name], path)
    return cls(**values)


def _has_default(f: Any) -> bool:
    from dataclasses import MISSING

    return f.default is not MISSING or f.default_factory is not MISSING


def _value(name: str, kind: str, value: Any, path: str) -> Any:
    if name in _NESTED:
        return _read(_NESTED[name], value, path)
    if name == "interventions":
        if not isinstance(value, list):
            raise RecordError(f"'{path}' must be a list, got {_kind(value)}")
        if not value:
            raise RecordError(f"'{path}' is empty: a record documents at least one intervention")
        if len(value) > MAX_INTERVENTIONS:
            raise RecordError(
                f"'{path}' names {len(value)} interventions; a record holds at most {MAX_INTERVENTIONS}"
            )
        return [_read(InterventionRecord, item, f"{path}[{i}]") for i, item in enumerate(value)]
    _check(kind, value, path)
    return value


_SIMPLE = {
    "str": (str,),
    "str | None": (str, type(None)),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "dict[str, Any]": (dict,),
    "dict[str, str]": (dict,),
    "list[int] | None": (list, type(None)),
    "list[list[int]]": (list,),
}


def _check(kind: str, value: Any, path: str) -> None:
    allowed = _SIMPLE[kind]
    if isinstance(value, bool) and bool not in allowed:
        raise RecordError(f"'{path}' must be {kind}, got {value!r}")
    if not isinstance(value, allowed):
        raise RecordError(f"'{path}' must be {kind}, got {_kind(value)}")
    if kind.startswith("list[int]") and isinstance(value, list):
        _check_ints(value, path)
    if kind == "list[list[int]]":
        for i, box in enumerate(value):
            if not isinstance(box, list):
                raise RecordError(f"'{path}[{i}]' must be a list of 4 integers")
            _check_ints(box, f"{path}[{i}]")


def _check_ints(values: list[Any], path: str) -> None:
    if len(values) != 4 or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise RecordError(f"'{path}' must be 4 integers, got {json.dumps(values)[:40]}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return f"{type(value).__name__} {json.dumps(value, default=str)[:40]}"


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 record (one restoration, fields at the top level) as version 2."""
    for key in ("master", "request", "mask", "effective_mask", "output"):
        if key not in data:
            raise RecordError(f"the record has no '{key}'")
    mask = data["mask"] if isinstance(data["mask"], dict) else {}
    effective = data["effective_mask"] if isinstance(data["effective_mask"], dict) else {}
    engine = data.get("engine", {})
    intervention = {
        "id": 1,
        "kind": "fill",
        "request": data["request"],
        "engine": engine if isinstance(engine, dict) else {},
        "mask": mask,
        "effective_mask": {k: v for k, v in effective.items() if k != "file"},
        "regions": data.get("regions", []),
        "seconds": data.get("seconds", 0.0),
        "digital_source_type": data.get("digital_source_type", ""),
    }
    return {
        "schema": SCHEMA,
        "date": data.get("date", ""),
        "master": data["master"],
        "interventions": [intervention],
        "loss_map": effective,
        "mask": mask,
        "output": data["output"],
        "software": data.get("software", {}),
        "device": data.get("device", "cpu"),
        "digital_source_type": data.get("digital_source_type", ""),
        "notes": {"upgraded_from": SCHEMA_V1},
    }
