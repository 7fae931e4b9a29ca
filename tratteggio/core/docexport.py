"""Export a studio document: the restored photo, its record of every intervention, the loss map,
and on request a documentation copy where restored areas are visible (the digital tratteggio)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.atomic import write_bytes_atomic
from tratteggio.core.document import Document, Intervention
from tratteggio.core.errors import TratteggioError
from tratteggio.core.export import check_output, sidecar_paths
from tratteggio.core.mask import Mask, grow_bits
from tratteggio.core.photo import Photo
from tratteggio.core.record import (
    CLASSICAL_SOURCE,
    GENERATIVE_SOURCE,
    RECORD_SCHEMA,
    describe_mask,
    describe_master,
    sha256_file,
    software_versions,
    xmp_packet,
)
from tratteggio.core.saving import encode_png, save_photo, to_uint8


def loss_map(doc: Document) -> Mask:
    bits = np.zeros(doc.photo.shape2d, dtype=bool)
    for intervention in doc.interventions:
        if intervention.visible:
            bits |= intervention.result.effective_mask.bits
    return Mask(bits)


def export_document(doc: Document, output: str | Path, *, visible_copy: bool = False) -> dict[str, Path]:
    """Write the restored photo (master's bit depth and ICC) with record, loss map and masks."""
    output = Path(output)
    check_output(output, doc.path)
    visible = [i for i in doc.interventions if i.visible]
    if not visible:
        raise TratteggioError("nothing to export: accept a restoration first")
    files = sidecar_paths(output)
    source = GENERATIVE_SOURCE if doc.generative_visible() else CLASSICAL_SOURCE
    losses = loss_map(doc)
    save_photo(Photo(doc.composite(), doc.photo.icc_profile), output, xmp=xmp_packet(source))
    write_bytes_atomic(files["lossmap"], encode_png(losses.to_image()))
    union = np.zeros(doc.photo.shape2d, dtype=bool)
    for intervention in visible:
        union |= intervention.mask.bits
    write_bytes_atomic(files["mask"], encode_png(Mask(union).to_image()))
    if visible_copy:
        files["tratteggio"] = output.with_name(output.with_suffix("").name + ".tratteggio.png")
        write_bytes_atomic(files["tratteggio"], encode_png(tratteggio_view(doc.composite(), losses.bits)))
    record = document_record(doc, visible, losses, files, source)
    write_bytes_atomic(files["record"], (json.dumps(record, indent=2) + "\n").encode())
    return files


def document_record(
    doc: Document, visible: list[Intervention], losses: Mask, files: dict[str, Path], source: str
) -> dict[str, Any]:
    return {
        "schema": RECORD_SCHEMA,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "master": describe_master(doc.photo, doc.path),
        "interventions": [_describe(i) for i in visible],
        "effective_mask": {**describe_mask(losses), "file": files["lossmap"].name},
        "mask": {"file": files["mask"].name},
        "software": software_versions(),
        "output": {
            "file": files["output"].name,
            "sha256": sha256_file(files["output"]),
            "format": files["output"].suffix[1:],
        },
        "documentation_copy": files["tratteggio"].name if "tratteggio" in files else None,
        "digital_source_type": source,
    }


def _describe(intervention: Intervention) -> dict[str, Any]:
    result = intervention.result
    return {
        "id": intervention.id,
        "request": result.request.to_dict(),
        "engine": {"name": result.request.engine, **result.engine_info},
        "mask": describe_mask(intervention.mask),
        "effective_mask": describe_mask(result.effective_mask),
        "regions": [p.box.to_list() for p in result.patches],
        "seconds": round(result.seconds, 3),
        "digital_source_type": GENERATIVE_SOURCE if result.generative else CLASSICAL_SOURCE,
    }


def tratteggio_view(pixels: np.ndarray, restored: np.ndarray, spacing: int = 6) -> np.ndarray:
    """8-bit RGB where restored areas carry fine vertical hatching and an outline: seen up close,
    never mistaken for the original (Venice Charter, art. 12)."""
    from tratteggio.core.layers import rgb8

    out = rgb8(pixels).copy()
    cols = np.zeros(restored.shape, dtype=bool)
    cols[:, ::spacing] = True
    hatch = restored & cols
    out[hatch] = (out[hatch] * 0.35 + np.array([200, 40, 40]) * 0.65).astype(np.uint8)
    outline = grow_bits(restored, 1) & ~restored
    out[outline] = (220, 30, 30)
    return out


__all__ = ["export_document", "loss_map", "to_uint8", "tratteggio_view"]
