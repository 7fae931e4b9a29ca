"""Which controller's layers of time the timeline shows: the restore runs, the aging or the creation
share one strip, and each acts on a scrub only while the strip holds its own layers."""

from __future__ import annotations

from enum import StrEnum


class LayersOwner(StrEnum):
    NONE = ""  # the strip is idle
    RESTORE = "restore"  # the candidates of a restoration (gui/controllers/candidates.py)
    AGE = "age"  # the forward layers of an aging (gui/controllers/aging.py)
    CREATE = "create"  # the layers of an extension or a creation (gui/controllers/creation.py)
