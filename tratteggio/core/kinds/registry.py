"""The intervention kinds, by name: the studio, the writer, projects and rerun look them up here.
A new kind is one module that calls `register`, and one name in the import below."""

from __future__ import annotations

from tratteggio.core.errors import ImageSaveError
from tratteggio.core.kinds import extend, fill, imagine, revive
from tratteggio.core.kinds.base import KINDS, Documented, Kind, Step

BUILT_IN = (fill.FILL, revive.REVIVE, extend.EXTEND, imagine.IMAGINE)


def kind_named(name: object) -> Kind | None:
    """The kind of that name (None: none is registered by it)."""
    return KINDS.get(name) if isinstance(name, str) else None


def c2pa_actions() -> dict[str, str]:
    """Each kind's action in Content Credentials, by name."""
    return {name: kind.c2pa_action for name, kind in KINDS.items()}


def documented(step: Step) -> Documented:
    """The writer's view of a studio intervention or of the step that made a picture."""
    kind = kind_named(getattr(step, "kind", None))
    if kind is None:
        raise ImageSaveError(f"cannot document an intervention of type {type(step).__name__}")
    return kind.documented(step)
