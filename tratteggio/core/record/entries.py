"""The writer's names for the entries of every intervention kind. Each kind's module owns its entry
(tratteggio.core.kinds: fill, revive, extend, imagine); they are named here too for the callers
that document a kind directly (the command line's restore, revive, extend and imagine).

| kind      | loss map                 | IPTC digital source type              | rerun replays         |
|-----------|--------------------------|---------------------------------------|-----------------------|
| `fill`    | the effective mask       | by engine                             | the restoration       |
| `revive`  | the whole photo (global) | algorithmicallyEnhanced (unchanged)   | the recorded transform|
| `extend`  | the created area         | compositeWithTrainedAlgorithmicMedia  | the extension         |
| `imagine` | the whole picture        | trainedAlgorithmicMedia               | the creation          |
"""

from __future__ import annotations

from tratteggio.core.kinds.base import Documented, record_source_type
from tratteggio.core.kinds.extend import Extended
from tratteggio.core.kinds.fill import Fill
from tratteggio.core.kinds.imagine import Created
from tratteggio.core.kinds.revive import Revival
from tratteggio.core.kinds.schema import CREATED_SOURCE

__all__ = ["CREATED_SOURCE", "Created", "Documented", "Extended", "Fill", "Revival", "record_source_type"]
