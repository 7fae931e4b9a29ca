"""What the studio's document says about itself, typed: the edits its listeners hear, and what it
knows of its master file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Edit(StrEnum):
    """What changed in a document, as its listeners hear it (with the changed box, or None)."""

    MASK = "mask"  # the damage mask (an undo step)
    IMAGE = "image"  # the composite's pixels (follows the others; not an edit of its own)
    INTERVENTIONS = "interventions"  # added, removed, hidden or shown (an undo step)
    MARKS = "marks"  # a review's marks
    REVIEW = "review"  # a proposal came, changed or went
    DETECTOR = "detector"  # what teaching made, kept with the work


NOT_REVISIONS = (Edit.IMAGE, Edit.MARKS, Edit.REVIEW)  # the composite follows; a review is not kept


@dataclass(frozen=True)
class MasterRef:
    """What a document knows of its master file (the file is `Document.path`): its SHA-256 once
    computed or read from a project (None: not yet), and whether that hash was checked against the
    file (False while a project opened on a matching size and date awaits its background check)."""

    sha256: str | None = None
    verified: bool = True

    def hashed(self, sha256: str) -> MasterRef:
        """The same reference, with the hash computed (or written) for the master."""
        return replace(self, sha256=sha256)

    def checked(self, verified: bool) -> MasterRef:
        """The same reference, once the file was hashed and compared with it."""
        return replace(self, verified=verified)
