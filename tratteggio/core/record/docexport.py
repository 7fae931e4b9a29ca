"""Export a studio document: the restored photo, its record of every visible intervention, the loss
map and masks, and on request a documentation copy where restored areas are visible (the digital
tratteggio)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tratteggio.core.record.writer import Fill, write_documented
from tratteggio.core.studio.document import Document


def export_document(
    doc: Document,
    output: str | Path,
    *,
    visible_copy: bool = False,
    inputs: Sequence[Path] = (),
    lossy: bool = False,
) -> dict[str, Path]:
    """Write the restored photo (master's bit depth and ICC) with record, loss map and masks.

    Without a master file (a pasted or aged photo) the master is written beside the output, so the
    record can name it; `tratteggio rerun` reproduces the output from these files bit for bit.
    """
    fills = [Fill(i.id, i.result, i.mask) for i in doc.interventions if i.visible]
    return write_documented(
        Path(output),
        doc.composite(),
        doc.photo,
        doc.path,
        fills,
        inputs=inputs,
        visible_copy=visible_copy,
        lossy=lossy,
        notes={"origin": doc.origin} if doc.origin else None,
    )
