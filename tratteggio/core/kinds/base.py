"""What every intervention kind provides, and the one registry of kinds, keyed by name.

A kind is one class (`Kind`) with four sides, each used by one room above it:

- the studio: the document's intervention (`DocIntervention`: a composition `stage`, `bounds()`,
  `apply()`, a `label`), or the step that made a new picture (an extension, a creation);
- the record: `documented(step)`, the writer's view of it (`Documented`: its record entry, its
  damage mask, its loss map, how it changes the canvas);
- the project: `encode` into plain parameters plus arrays (`Encoded`), `decode` them back (`Stored`);
- rerun: `replay` its record on the picture replayed so far (`Canvas`).

A new kind is one module that calls `register` with its `Kind`, imported by the registry
(registry.py), where the studio, the writer, projects and rerun look kinds up by name.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

import numpy as np

from tratteggio.core.errors import ProjectError
from tratteggio.core.geometry import Box
from tratteggio.core.kinds.schema import (
    CLASSICAL_SOURCE,
    CREATED_SOURCE,
    GENERATIVE_SOURCE,
    InterventionRecord,
    MaskInfo,
)
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import CancelCheck, Patch, StepCallback
from tratteggio.core.request import RestorationRequest

if TYPE_CHECKING:
    from tratteggio.core.engines import Engines

LOCAL, GLOBAL = 0, 1  # composition stages: fills first, in the order accepted, then global ones
_ids = itertools.count(1)


def next_id() -> int:
    """A fresh id for a step made outside a document (documents number their own interventions)."""
    return next(_ids)


class DocIntervention(Protocol):
    """A document's intervention: its place in the composition order, where it acts, what it does."""

    id: int
    visible: bool
    stage: int

    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def generative(self) -> bool: ...

    def bounds(self) -> Box | None: ...

    def apply(self, out: np.ndarray, box: Box, origin: tuple[int, int] = (0, 0)) -> None:
        """Change the composite `out` inside `box` (it holds every earlier stage already). `out`
        holds the photo from `origin` (x, y) on: the whole photo, or the region being shown."""
        ...


class Documented(Protocol):
    """One intervention as the writer sees it."""

    @property
    def id(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def generative(self) -> bool: ...

    @property
    def device(self) -> str | None: ...

    @property
    def damage(self) -> Mask | None: ...

    @property
    def losses(self) -> Mask: ...

    @property
    def placed(self) -> Box | None:
        """Where the picture before it lies on the canvas after it (None: the canvas is unchanged)."""
        ...

    @property
    def creates(self) -> bool:
        """It makes a picture from nothing: there is no master before it."""
        ...

    @property
    def picture(self) -> Photo | None:
        """The picture it made from nothing (None: it changes a picture that exists)."""
        ...

    def record(self, mask: MaskInfo | None) -> InterventionRecord: ...


Step = DocIntervention | Documented  # a document's intervention, or a lineage's step that made a picture


@dataclass(frozen=True, eq=False)
class Lineage:
    """How a picture made in the studio was made: the master it came from (None: created from
    noise) and every step, in order: the earlier document's visible interventions, then the
    extension or creation."""

    master: Photo | None
    path: Path | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Encoded:
    """An intervention in a project: plain parameters (JSON, without its kind's name), the patches
    it pastes and the mask it filled (None: it has none)."""

    params: dict[str, Any]
    patches: tuple[Patch, ...] = ()
    mask: Mask | None = None


class Stored(Protocol):
    """An intervention read from a project; its arrays are read when asked for, checked against
    the master's size."""

    id: int
    visible: bool
    params: dict[str, Any]
    photo: Photo

    def patches(self) -> list[Patch]: ...

    def mask(self) -> Mask: ...


class Replayed(NamedTuple):
    """One intervention of a record to run again: its record, its mask file (None: it has none)
    and, for the kinds that run an engine, its checked request."""

    record: InterventionRecord
    mask: Path | None
    request: RestorationRequest | None


class Canvas:
    """A replay so far: the picture fills are made on (None before a creation), and the picture as
    composed."""

    def __init__(self, photo: Photo | None, engines: Engines | None = None) -> None:
        self.base, self.engines = photo, engines  # engines: where diffusion runs (None: here)
        self.pixels = photo.pixels.copy() if photo is not None else None

    def rebase(self, photo: Photo) -> None:
        """A new picture (extended, created): what follows is made on it."""
        self.base, self.pixels = photo, photo.pixels.copy()


class Kind:
    """One kind of intervention: its name (the record's and the project's `kind`) and its sides.
    A subclass overrides what its kind does; the defaults are those of a kind that is its own
    record entry and is never kept in a project (an extension, a creation: a lineage's steps)."""

    name: ClassVar[str]
    runs_engine: ClassVar[bool] = True  # its record's request is a restoration request to check
    needs_mask: ClassVar[bool] = False  # rerun needs its mask file even when the record names none
    creates: ClassVar[bool] = False  # it makes a picture from nothing: its record has no master
    kept: ClassVar[bool] = False  # a project keeps it (a document's intervention)
    c2pa_action: ClassVar[str] = "c2pa.edited"  # its action in Content Credentials

    def documented(self, step: Any) -> Documented:
        """The writer's view of a studio step of this kind."""
        return step  # type: ignore[no-any-return]

    def encode(self, intervention: Any) -> Encoded:
        raise ProjectError(f"a project cannot keep an intervention of kind '{self.name}'")

    def decode(self, stored: Stored) -> DocIntervention:
        raise ProjectError(f"intervention {stored.id}: unknown kind '{self.name}'")

    def replay(
        self, canvas: Canvas, step: Replayed, on_step: StepCallback | None, cancel: CancelCheck | None
    ) -> Documented:
        raise NotImplementedError


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make `kind` known by its name to the studio, the writer, projects and rerun."""
    KINDS[kind.name] = kind
    return kind


def whole(height: int, width: int) -> Mask:
    return Mask(np.ones((height, width), bool))


def record_source_type(entries: Iterable[Documented]) -> str:
    """The whole result's IPTC type: created if it began from noise, composite if any generated
    pixel remains, else algorithmically enhanced (a revival alone changes nothing here)."""
    entries = list(entries)
    if any(e.creates for e in entries):
        return CREATED_SOURCE
    if any(e.generative for e in entries):
        return GENERATIVE_SOURCE
    return CLASSICAL_SOURCE
