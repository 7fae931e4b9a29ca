"""Keep a project file in step with a document, writing only what changed.

A `ProjectSync` listens to one document. `pending()` runs on the thread that edits the document
(the GUI thread) and only takes the set of dirty mask tiles and the list of interventions: O(1)
work. `write(pending)` runs on a writer thread: it packs the dirty tiles from the live mask (a
tile changed meanwhile is dirty again and rewritten next time), serialises new interventions,
and commits everything as one transaction. A save after one brush stroke writes that stroke's
tiles, not the 50 MP mask.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio import __version__
from tratteggio.core.errors import ProjectError
from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import DocIntervention
from tratteggio.core.kinds.registry import kind_named
from tratteggio.core.project.codec import TILE, pack_bits, tile_box, tiles_of
from tratteggio.core.project.store import InterventionRow, ProjectStore
from tratteggio.core.studio.document import Document


@dataclass(frozen=True)
class InterventionState:
    id: int
    position: int
    visible: bool
    intervention: DocIntervention


@dataclass
class Pending:
    """What a writer needs to bring the store up to date (taken cheaply on the editing thread)."""

    tiles: set[tuple[int, int]]
    interventions: list[InterventionState]
    meta: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    detector: bytes | None = None  # the taught detector, written when `detector_changed`
    detector_changed: bool = False


class ProjectSync:
    """Tracks one document's changes for one store (a project file or a recovery journal)."""

    def __init__(self, doc: Document, store_path: Path, *, new: bool = True) -> None:
        self.doc, self.path = doc, Path(store_path)
        self._lock = threading.Lock()
        self._tiles: set[tuple[int, int]] = set(all_tiles(doc)) if new else set()
        self._stored: dict[int, tuple[int, bool]] = {}  # id -> (position, visible) in the store
        self._store: ProjectStore | None = None
        self._new = new
        self._detector_dirty = new and doc.detector is not None
        self.synced_revision = -1 if new else doc.revision
        doc.listeners.append(self._changed)

    @classmethod
    def for_loaded(cls, doc: Document, store_path: Path) -> ProjectSync:
        """Track a document just read from `store_path`: nothing is pending yet."""
        sync = cls(doc, store_path, new=False)
        sync._stored = {i.id: (n, i.visible) for n, i in enumerate(doc.interventions)}
        return sync

    def embed_master(self) -> None:
        """On the writer thread: copy the master into the project, so it can travel."""
        store = self._open()
        with store.transaction() as db:
            put_master_if_needed(store, db, self.doc, embed=True)

    def detach(self) -> None:
        self.doc.listeners[:] = [f for f in self.doc.listeners if f != self._changed]

    def _changed(self, kind: str, box: Box | None) -> None:
        if kind == "mask":
            with self._lock:
                self._tiles.update(all_tiles(self.doc) if box is None else tiles_of(box))
        elif kind == "detector":
            self._detector_dirty = True

    def dirty(self) -> bool:
        return self.doc.revision != self.synced_revision

    def pending(self, meta: dict[str, Any] | None = None) -> Pending:
        """On the editing thread: take what changed since the last write."""
        with self._lock:
            tiles, self._tiles = self._tiles, set()
        states = [InterventionState(i.id, n, i.visible, i) for n, i in enumerate(self.doc.interventions)]
        changed, self._detector_dirty = self._detector_dirty, False
        return Pending(tiles, states, dict(meta or {}), self.doc.revision, self.doc.detector, changed)

    def write(self, pending: Pending) -> None:
        """On the writer thread: one transaction with the tiles, interventions and meta given."""
        store = self._open()
        tiles = {t: _tile_bits(self.doc.mask, t) for t in pending.tiles}
        rows, removed, moved = self._intervention_changes(pending.interventions)
        with store.transaction() as db:
            store.put_tiles(db, tiles)
            for row in rows:
                store.put_intervention(db, row)
            for gone in removed:
                store.remove_intervention(db, gone)
            for state in moved:
                store.set_state(db, state.id, state.position, state.visible)
            if pending.detector_changed:
                put_detector(store, db, pending.detector)
            store.put_meta(db, saved=_now(), revision=pending.revision, **pending.meta)
        self._stored = {s.id: (s.position, s.visible) for s in pending.interventions}
        self.synced_revision = pending.revision

    def _intervention_changes(
        self, states: list[InterventionState]
    ) -> tuple[list[InterventionRow], list[int], list[InterventionState]]:
        rows = [to_row(s) for s in states if s.id not in self._stored]
        removed = [i for i in self._stored if i not in {s.id for s in states}]
        moved = [s for s in states if s.id in self._stored and self._stored[s.id] != (s.position, s.visible)]
        return rows, removed, moved

    def _open(self) -> ProjectStore:
        if self._store is None:
            self._store = ProjectStore(self.path, write=True, create=self._new or not self.path.exists())
            if self._new:
                with self._store.transaction() as db:
                    self._store.put_meta(db, **identity(self.doc))
                    put_master_if_needed(self._store, db, self.doc)
                    put_extras(self._store, db, self.doc)
        return self._store

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file, so the file alone holds everything (after Save)."""
        if self._store is not None:
            self._store.checkpoint()

    def close(self) -> None:
        self.detach()
        if self._store is not None:
            self._store.close()
            self._store = None


def all_tiles(doc: Document) -> list[tuple[int, int]]:
    height, width = doc.mask.shape
    return tiles_of(Box(0, 0, width, height))


def _tile_bits(mask: np.ndarray, tile: tuple[int, int]) -> bytes | None:
    box = tile_box(*tile, *mask.shape)
    bits = mask[box.slices]
    return pack_bits(bits) if bits.any() else None


def to_row(state: InterventionState) -> InterventionRow:
    """The intervention as its kind encodes it: parameters, patches and mask (bits packed here)."""
    intervention = state.intervention
    kind = kind_named(intervention.kind)
    if kind is None or not kind.kept:
        raise ProjectError(f"a project cannot keep an intervention of kind '{intervention.kind}'")
    encoded = kind.encode(intervention)
    patches = [(p.box.to_list(), p.pixels, pack_bits(p.where)) for p in encoded.patches]
    box = encoded.mask.bbox() if encoded.mask is not None else None
    bits = pack_bits(encoded.mask.crop(box)) if encoded.mask is not None and box else None
    info = {"kind": kind.name, **encoded.params}
    return InterventionRow(
        state.id, state.position, state.visible, info, patches, box.to_list() if box else None, bits
    )


def identity(doc: Document) -> dict[str, Any]:
    """The master's identity and what the project was made with."""
    photo = doc.photo
    return {
        "created": _now(),
        "software": f"tratteggio {__version__}",
        "master_path": str(doc.path) if doc.path else None,
        "master_sha256": master_sha256(doc),
        "master_size": [photo.width, photo.height],
        "master_channels": photo.channels,
        "master_dtype": str(photo.pixels.dtype),
        "master_stat": master_stat(doc.path),
        "origin": doc.origin or None,
        "tile": TILE,
    }


def master_stat(path: Path | None) -> list[int] | None:
    """Size and modification time (ns) of the master file: when both still match, opening a
    project can show the work at once and check the SHA-256 in the background."""
    if path is None or not path.is_file():
        return None
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def master_sha256(doc: Document) -> str | None:
    """The master file's hash, computed once per document (on the writer thread, it reads the file)."""
    cached = doc.master.sha256
    if cached is None and doc.path is not None and doc.path.is_file():
        from tratteggio.core.record.describe import sha256_file

        cached = sha256_file(doc.path)
        doc.master = doc.master.hashed(cached)
    return cached


def put_master_if_needed(store: ProjectStore, db: Any, doc: Document, embed: bool = False) -> None:
    """Embed the master when asked, or when it has no file of its own (pasted, aged in the studio)."""
    if doc.path is not None and doc.path.is_file() and not embed:
        return
    if doc.path is not None and doc.path.is_file():
        store.put_master(db, doc.path.name, doc.path.read_bytes())
        return
    from tratteggio.core.io.saving import write_photo

    buffer = _tiff_bytes(doc, write_photo)
    store.put_master(db, "master.tif", buffer)
    sha = _sha(buffer)
    doc.master = doc.master.hashed(sha)
    store.put_meta(db, master_sha256=sha, master_path=None)


def _tiff_bytes(doc: Document, write_photo: Any) -> bytes:
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".tif")
    os.close(fd)
    try:
        write_photo(doc.photo, Path(name), "tiff")
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def put_extras(store: ProjectStore, db: Any, doc: Document) -> None:
    """An aged photo's ground truth, so Compare works after reopening."""
    store.put_extra(db, "truth", doc.truth)
    store.put_extra(db, "reference", doc.reference)
    put_detector(store, db, doc.detector)


def put_detector(store: ProjectStore, db: Any, data: bytes | None) -> None:
    """The taught detector's file bytes, as one byte array."""
    store.put_extra(db, "detector", np.frombuffer(data, np.uint8) if data is not None else None)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
