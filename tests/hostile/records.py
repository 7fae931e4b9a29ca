"""Doctored conservation records, made from one real restore: every way a record can lie.

Each case is a function that edits the record's JSON (or returns raw bytes), written as
`NAME.record.json` beside the real set, so the sidecars it names are the real ones unless it lies
about them too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tests.hostile.corpus import Case, encode, mask, photo, png_bomb

Edit = Callable[[dict[str, Any], Path], "dict[str, Any] | bytes | None"]


def _fill(record: dict[str, Any]) -> dict[str, Any]:
    """The first intervention (a version 1 record, of the code before, holds it at the top)."""
    return record["interventions"][0] if "interventions" in record else record  # type: ignore[no-any-return]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _set(where: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Edit:
    def edit(record: dict[str, Any], folder: Path) -> dict[str, Any]:
        where(record).update(values)
        return record

    return edit


def _pop(where: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Edit:
    def edit(record: dict[str, Any], folder: Path) -> dict[str, Any]:
        where(record).pop(key, None)
        return record

    return edit


def _request(**values: Any) -> Edit:
    return _set(lambda r: _fill(r)["request"], **values)


def _raw(data: bytes) -> Edit:
    return lambda record, folder: data


def _master_file(name: str, data: bytes) -> Edit:
    """The master replaced by `data` under a hash that matches it: only its content is hostile."""

    def edit(record: dict[str, Any], folder: Path) -> dict[str, Any]:
        (folder / name).write_bytes(data)
        record["master"].update(file=name, path=str(folder / name), sha256=_sha(folder / name))
        return record

    return edit


def _mask_file(name: str, data: bytes) -> Edit:
    def edit(record: dict[str, Any], folder: Path) -> dict[str, Any]:
        (folder / name).write_bytes(data)
        _fill(record)["mask"].update(file=name, sha256=_sha(folder / name))
        return record

    return edit


def _fifo_master(record: dict[str, Any], folder: Path) -> dict[str, Any]:
    os.mkfifo(folder / "fifo-master.png")
    record["master"].update(file="fifo-master.png", path=str(folder / "fifo-master.png"))
    return record


def _pickle_folder(record: dict[str, Any], folder: Path) -> dict[str, Any]:
    model = folder / "pickled-model"
    (model / "unet").mkdir(parents=True)
    (model / "model_index.json").write_text('{"_class_name": "StableDiffusionInpaintPipeline"}')
    (model / "unet" / "diffusion_pytorch_model.bin").write_bytes(b"a pickle that would run code")
    _fill(record)["request"].update(engine="diffusion", model=str(model))
    return record


def _deep(record: dict[str, Any], folder: Path) -> bytes:
    return b"[" * 200_000 + b"]" * 200_000


def _huge(record: dict[str, Any], folder: Path) -> None:
    with (folder / "huge.record.json").open("wb") as fh:
        fh.truncate(80 << 20)  # sparse: 80 MB of nothing, written in no time
    return None


EDITS: dict[str, Edit] = {
    "no-master": _pop(lambda r: r, "master"),
    "no-interventions": _pop(lambda r: r, "interventions"),
    "no-request": _pop(_fill, "request"),
    "no-mask": _pop(_fill, "mask"),
    "request-list": _set(_fill, request=[1, 2]),
    "request-null": _set(_fill, request=None),
    "request-unknown-field": _request(evil=1),
    "steps-fraction": _request(steps=2.5),
    "seed-float": _request(seed=1.0),
    "seed-nan": lambda r, f: json.dumps(r).replace('"seed": 0', '"seed": NaN').encode(),
    "seed-huge": _request(seed=10**30),
    "padding-string": _request(padding="32"),
    "padding-negative": _request(padding=-5),
    "engine-unknown": _request(engine="magic"),
    "grants-pickle": _request(engine="diffusion", model="evil.ckpt", allow_pickle=True),
    "pickle-model-folder": _pickle_folder,
    "mask-absolute": _set(lambda r: _fill(r)["mask"], file="/etc/passwd"),
    "mask-parent": _set(lambda r: _fill(r)["mask"], file="../out.mask.png"),
    "mask-missing": _set(lambda r: _fill(r)["mask"], file="nowhere.mask.png"),
    "mask-swapped": _set(lambda r: _fill(r)["mask"], sha256="0" * 64),
    "mask-bomb": _mask_file("bomb.mask.png", png_bomb()),
    "mask-wrong-size": _mask_file("small.mask.png", encode(mask(8, 8), "png")),
    "master-fifo": _fifo_master,
    "master-device": _set(lambda r: r["master"], file="zero", path="/dev/zero"),
    "master-changed": _set(lambda r: r["master"], sha256="1" * 64),
    "master-slash": _set(lambda r: r["master"], file="../../etc/passwd", path=None),
    "master-five-channel": _master_file(
        "five.tif", encode(np.zeros((24, 32, 5), np.uint8), "tiff", photometric="minisblack")
    ),
    "master-bomb": _master_file("bomb-master.png", png_bomb()),
    "master-width-string": _set(lambda r: r["master"], width="wide"),
    "intervention-id-string": _set(_fill, id="one"),
    "intervention-kind": _set(_fill, kind="erase"),
    "interventions-empty": _set(lambda r: r, interventions=[]),
    "regions-short": _set(_fill, regions=[[1, 2]]),
    "schema-foreign": _set(lambda r: r, schema="something/else"),
    "schema-v1-bare": lambda r, f: {"schema": "tratteggio.record/1"},
    "json-array": _raw(b"[1, 2, 3]"),
    "json-garbage": _raw(b"\x89PNG not json"),
    "json-not-utf8": _raw(b'{"schema": "\xff\xfe"}'),
    "json-empty": _raw(b""),
    "json-deep": _deep,
    "json-huge": _huge,
    "output-torn": lambda r, f: _torn(r, f),
    # issue 28: an edited request that the engine the record names disagrees with; no cap on count
    "request-edited-engine": _request(engine="hybrid"),
    "interventions-over-cap": lambda r, f: {**r, "interventions": r["interventions"] * 10_001},
}


def _torn(record: dict[str, Any], folder: Path) -> dict[str, Any]:
    record["output"]["sha256"] = "2" * 64  # as if a kill left a new output beside this record
    return record


def build(folder: Path) -> list[Case]:
    """A real restore in `folder` (photo.png, mask.png -> out.png and its set), then one doctored
    record per case. Returns the cases; `out.record.json` itself is the one honest record."""
    from tratteggio.cli import main

    (folder / "photo.png").write_bytes(encode(photo(), "png"))
    (folder / "mask.png").write_bytes(encode(mask(), "png"))
    args = ["restore", str(folder / "photo.png"), "--mask", str(folder / "mask.png")]
    assert main([*args, "-o", str(folder / "out.png"), "--engine", "telea"]) == 0
    honest = json.loads((folder / "out.record.json").read_text())
    cases = [Case("out.record.json", "record", loadable=True)]
    for name, edit in EDITS.items():
        result = edit(json.loads(json.dumps(honest)), folder)
        target = folder / f"{name}.record.json"
        if isinstance(result, bytes):
            target.write_bytes(result)
        elif result is not None:
            target.write_text(json.dumps(result))
        cases.append(Case(target.name, "record"))
    os.mkfifo(folder / "fifo.record.json")
    (folder / "folder.record.json").mkdir()
    cases += [Case("fifo.record.json", "record"), Case("folder.record.json", "record")]
    return cases
