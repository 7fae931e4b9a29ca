"""New documents for pictures made in the studio: an extended canvas, a creation from noise.

The new document's photo is the new picture; its lineage says how it was made, so an export's
record starts from the true master (or from nothing) and `rerun` reproduces the result.
"""

from __future__ import annotations

from tratteggio.core.kinds.base import Lineage, next_id
from tratteggio.core.kinds.extend import Extended
from tratteggio.core.kinds.imagine import Created
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.extend import Extension
from tratteggio.core.pipeline.imagine import Creation
from tratteggio.core.studio.document import Document


def source_of(doc: Document) -> Photo:
    """What an extension of `doc` starts from: a copy of the photo as composed now (the work runs
    on another thread while the user may keep editing)."""
    return Photo(doc.composite().copy(), doc.photo.icc_profile)


def extended_document(doc: Document, extension: Extension) -> Document:
    """A document for `extension` of `doc`'s composite; `doc`'s visible interventions are baked
    into the new picture and listed in its lineage before the extension."""
    before = doc.lineage
    lineage = Lineage(
        master=before.master if before else doc.photo,
        path=before.path if before else doc.path,
        steps=(*(before.steps if before else ()), *doc.composition(), Extended(next_id(), extension)),
    )
    new = Document(extension.photo, None)
    new.set_lineage(lineage)
    new.origin = {"extended_from": str(doc.path) if doc.path else "an unsaved photo", **doc.origin}
    return new


def created_document(creation: Creation) -> Document:
    """A document for a picture created from noise: there is no master before it."""
    new = Document(creation.photo, None)
    new.set_lineage(Lineage(master=None, path=None, steps=(Created(next_id(), creation),)))
    new.origin = {"created_from": "noise", "prompt": creation.request.prompt}
    return new
