"""Export a studio document: the restored photo, its record of every visible intervention, the loss
map and masks, and on request a documentation copy where restored areas are visible (the digital
tratteggio).

A document made in the studio (extended, or created from noise) is exported from its lineage: the
record starts at the true master (or at nothing) and lists every step that made the picture, then
the document's own visible interventions, in composition order. Each step is documented by its
kind (tratteggio.core.kinds)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tratteggio.core.credentials.identity import Identity
from tratteggio.core.kinds.registry import documented
from tratteggio.core.record.writer import write_documented
from tratteggio.core.studio.document import Document


def export_document(
    doc: Document,
    output: str | Path,
    *,
    visible_copy: bool = False,
    inputs: Sequence[Path] = (),
    lossy: bool = False,
    signer: Identity | None = None,
) -> dict[str, Path]:
    """Write the restored photo (master's bit depth and ICC) with record, loss map and masks.

    Without a master file (a pasted or aged photo) the master is written beside the output, so the
    record can name it; `tratteggio rerun` reproduces the output from these files bit for bit.
    """
    lineage = doc.lineage
    steps = [*(lineage.steps if lineage else ()), *doc.composition()]
    entries = [documented(step) for step in steps]
    master, path = (lineage.master, lineage.path) if lineage else (doc.photo, doc.path)
    if master is None:  # created from noise: the writer describes the created picture instead
        master = entries[0].picture
        assert master is not None
    return write_documented(
        Path(output),
        doc.composite(),
        master,
        path,
        entries,
        inputs=inputs,
        visible_copy=visible_copy,
        lossy=lossy,
        notes={"origin": doc.origin} if doc.origin else None,
        signer=signer,
    )
