"""The project file: one SQLite database (transactions, WAL, incremental writes, as Lightroom's
catalog). A `ProjectStore` is used from one thread at a time; every write is one transaction, so a
kill at any moment leaves the file as it was before or after that write.

Tables: meta (key/value: format, master identity, dates, view), master (the embedded master's bytes,
when embedded), mask_tiles (the mask in 512 px tiles, one bit per pixel), interventions (request,
engine, record details, visibility, order), patches (each intervention's regions at the master's
bit depth with their effective masks), masks (each intervention's own damage mask, in its box),
extras (named arrays: an aged photo's truth and reference, a taught detector).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.errors import ProjectError
from tratteggio.core.io.atomic import current_umask
from tratteggio.core.io.limits import max_pixels
from tratteggio.core.project.codec import (
    bits_bytes,
    dumps,
    inflate,
    loads,
    pack_array,
    tile_box,
    unpack_array,
)

MAX_DETECTOR_BYTES = 16 << 20  # a taught detector's file (the shipped ones are 35-60 KB)
FORMAT = "tratteggio.project/1"
SUFFIX = ".tratteggio"
SQLITE_SIDE_FILES = ("-wal", "-shm")  # SQLite's log and shared memory, beside an open database


def remove_project_files(path: Path, *, quiet: bool = False) -> None:
    """Remove a database (a staged project, a journal) with its SQLite side files; `quiet` ignores
    what cannot be removed."""
    for suffix in ("", *SQLITE_SIDE_FILES):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            if not quiet:
                raise


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS master (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS mask_tiles (ty INTEGER, tx INTEGER, bits BLOB NOT NULL, PRIMARY KEY (ty, tx));
CREATE TABLE IF NOT EXISTS interventions (
    id INTEGER PRIMARY KEY, position INTEGER NOT NULL, visible INTEGER NOT NULL, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patches (
    intervention INTEGER, idx INTEGER, box TEXT NOT NULL, dtype TEXT NOT NULL, shape TEXT NOT NULL,
    pixels BLOB NOT NULL, wheres BLOB NOT NULL, PRIMARY KEY (intervention, idx));
CREATE TABLE IF NOT EXISTS masks (intervention INTEGER PRIMARY KEY, box TEXT, bits BLOB);
CREATE TABLE IF NOT EXISTS extras (name TEXT PRIMARY KEY, dtype TEXT, shape TEXT, data BLOB NOT NULL);
"""


class ProjectStore:
    """A project file opened for reading or writing."""

    def __init__(self, path: Path, *, write: bool = False, create: bool = False) -> None:
        """Open for reading (the file is never modified, no side file is made), for writing, or
        create it. A writer keeps a write-ahead log while open and folds it back when closed."""
        self.path, self.writing = Path(path), write or create
        self._dims: tuple[int, int] | None = None
        if not create:
            _check_readable(self.path)
        try:
            if self.writing:
                self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            else:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            if create:
                self._create()
            self._check_format()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{self.path.name}: not a Tratteggio project, or damaged ({exc})") from None

    def _create(self) -> None:
        with self.transaction():
            for statement in filter(str.strip, SCHEMA.split(";")):
                self.db.execute(statement)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
        # SQLite makes the file 0644 whatever the umask: give it the mode the umask gives, so a
        # colleague sharing the archive folder can write it when the user's umask says so
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o666 & ~current_umask())

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file, so the file alone holds everything."""
        if self.writing:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        if self.writing:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.checkpoint()
                self.db.execute("PRAGMA journal_mode=DELETE")  # readers then make no side files
        self.db.close()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _check_format(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None or row[0] != FORMAT:
            found = f" ({row[0]})" if row else ""
            raise ProjectError(f"{self.path.name}: not a Tratteggio project{found}")

    # -- meta ----------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        rows = self.db.execute("SELECT key, value FROM meta").fetchall()
        try:
            return {key: loads(value, key) if key != "format" else value for key, value in rows}
        except ProjectError as exc:
            raise ProjectError(f"{self.path.name}: {exc}") from None

    def master_dims(self) -> tuple[int, int]:
        """(height, width) the project declares for its master: what bounds every array in it."""
        if self._dims is None:
            size: Any = self.meta().get("master_size")
            if not (_ints(size, 2) and min(size) > 0 and size[0] * size[1] <= max_pixels()):
                raise ProjectError(f"{self.path.name}: the project declares no usable master size ({size})")
            self._dims = (size[1], size[0])
        return self._dims

    def check_shape(self, shape: Any, what: str) -> tuple[int, ...]:
        """A declared array shape that fits the master: rows, columns, at most 4 channels."""
        height, width = self.master_dims()
        fits = (_ints(shape, 2) or (_ints(shape, 3) and shape[2] <= 4)) and min(shape) >= 0
        if not (fits and shape[0] <= height and shape[1] <= width):
            raise ProjectError(
                f"{self.path.name}: {what} of shape {shape} does not fit the {width}x{height} master"
            )
        return tuple(shape)

    def check_box(self, box: Any, what: str) -> list[int]:
        """A declared box inside the master."""
        height, width = self.master_dims()
        if not (_ints(box, 4) and 0 <= box[0] <= box[2] <= width and 0 <= box[1] <= box[3] <= height):
            raise ProjectError(f"{self.path.name}: {what} {box} lies outside the {width}x{height} master")
        return list(box)

    def mask_pixel_count(self) -> int:
        """Masked pixels, counted from the stored tiles (nothing else is read)."""
        height, width = self.master_dims() if self.has_tiles() else (0, 0)
        count = 0
        for ty, tx, bits in self.mask_tiles():
            box = tile_box(ty, tx, height, width)
            if ty < 0 or tx < 0 or box.width <= 0 or box.height <= 0:
                raise ProjectError(f"{self.path.name}: a mask tile ({ty}, {tx}) lies outside the master")
            count += _count_bits(bits, (box.height, box.width))
        return count

    def has_tiles(self) -> bool:
        return self.db.execute("SELECT 1 FROM mask_tiles LIMIT 1").fetchone() is not None

    def intervention_pixels(self, intervention: int) -> tuple[int, int]:
        """(damage mask pixels, changed or blended pixels) of one intervention, from its stored bits."""
        box, mask = self.mask_of(intervention)
        query = "SELECT shape, wheres FROM patches WHERE intervention = ?"
        changed = sum(
            _count_bits(bytes(wheres), self.check_shape(loads(shape, "patch shape"), "a patch")[:2])
            for shape, wheres in self.db.execute(query, (intervention,))
        )
        masked = _count_bits(mask, (box[3] - box[1], box[2] - box[0])) if mask and box else 0
        return masked, changed

    def put_meta(self, db: sqlite3.Connection, **values: Any) -> None:
        for key, value in values.items():
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, dumps(value)))

    # -- master --------------------------------------------------------------------------------
    def master_bytes(self) -> tuple[str, bytes] | None:
        row = self.db.execute("SELECT name, data FROM master WHERE id = 1").fetchone()
        return (str(row[0]), bytes(row[1])) if row else None

    def put_master(self, db: sqlite3.Connection, name: str, data: bytes) -> None:
        db.execute("INSERT OR REPLACE INTO master VALUES (1, ?, ?)", (name, data))

    # -- mask ----------------------------------------------------------------------------------
    def mask_tiles(self) -> Iterator[tuple[int, int, bytes]]:
        rows = self.db.execute("SELECT ty, tx, bits FROM mask_tiles").fetchall()  # no cursor left open
        yield from ((int(ty), int(tx), bytes(bits)) for ty, tx, bits in rows)

    def put_tiles(self, db: sqlite3.Connection, tiles: dict[tuple[int, int], bytes | None]) -> None:
        """Write the tiles given; None removes an empty tile."""
        for (ty, tx), bits in tiles.items():
            if bits is None:
                db.execute("DELETE FROM mask_tiles WHERE ty = ? AND tx = ?", (ty, tx))
            else:
                db.execute("INSERT OR REPLACE INTO mask_tiles VALUES (?, ?, ?)", (ty, tx, bits))

    # -- interventions -------------------------------------------------------------------------
    def intervention_rows(self) -> list[tuple[int, int, bool, dict[str, Any]]]:
        rows = self.db.execute("SELECT id, position, visible, info FROM interventions ORDER BY position")
        try:
            return [(int(i), int(p), bool(v), loads(info, f"intervention {i}")) for i, p, v, info in rows]
        except (TypeError, ValueError) as exc:  # a doctored row: a position or id that is no number
            raise ProjectError(f"{self.path.name}: an intervention row is damaged ({exc})") from None

    def patches(self, intervention: int) -> Iterator[tuple[list[int], np.ndarray, bytes, list[int]]]:
        rows = self.db.execute(
            "SELECT box, dtype, shape, pixels, wheres FROM patches WHERE intervention = ? ORDER BY idx",
            (intervention,),
        )
        for box, dtype, shape, pixels, wheres in rows:
            dims = self.check_shape(loads(shape, "patch shape"), "a patch")
            where = self.check_box(loads(box, "patch box"), "a patch")
            if (where[3] - where[1], where[2] - where[0]) != dims[:2]:
                raise ProjectError(f"{self.path.name}: a patch's box {where} and shape {list(dims)} differ")
            yield where, unpack_array(pixels, dtype, dims), bytes(wheres), list(dims)

    def mask_of(self, intervention: int) -> tuple[list[int] | None, bytes | None]:
        row = self.db.execute(
            "SELECT box, bits FROM masks WHERE intervention = ?", (intervention,)
        ).fetchone()
        if row is None:
            raise ProjectError(f"{self.path.name}: intervention {intervention} has no mask")
        box = loads(row[0], "mask box")
        box = self.check_box(box, "an intervention's mask box") if box is not None else None
        return box, (bytes(row[1]) if row[1] is not None else None)

    def put_intervention(self, db: sqlite3.Connection, row: InterventionRow) -> None:
        db.execute(
            "INSERT OR REPLACE INTO interventions VALUES (?, ?, ?, ?)",
            (row.id, row.position, int(row.visible), dumps(row.info)),
        )
        db.execute("DELETE FROM patches WHERE intervention = ?", (row.id,))
        for idx, (box, pixels, wheres) in enumerate(row.patches):
            db.execute(
                "INSERT INTO patches VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    row.id,
                    idx,
                    dumps(box),
                    str(pixels.dtype),
                    dumps(list(pixels.shape)),
                    pack_array(pixels),
                    wheres,
                ),
            )
        db.execute(
            "INSERT OR REPLACE INTO masks VALUES (?, ?, ?)", (row.id, dumps(row.mask_box), row.mask_bits)
        )

    def remove_intervention(self, db: sqlite3.Connection, intervention: int) -> None:
        for table, column in (
            ("interventions", "id"),
            ("patches", "intervention"),
            ("masks", "intervention"),
        ):
            db.execute("DELETE FROM " + table + " WHERE " + column + " = ?", (intervention,))

    def set_state(self, db: sqlite3.Connection, intervention: int, position: int, visible: bool) -> None:
        db.execute(
            "UPDATE interventions SET position = ?, visible = ? WHERE id = ?",
            (position, int(visible), intervention),
        )

    # -- extras --------------------------------------------------------------------------------
    def extra(self, name: str) -> np.ndarray | None:
        row = self.db.execute("SELECT dtype, shape, data FROM extras WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        shape = loads(row[1], name)
        if _ints(shape, 1) and row[0] == "uint8":  # a file's bytes (the taught detector)
            if shape[0] > MAX_DETECTOR_BYTES:
                raise ProjectError(
                    f"{self.path.name}: {name} declares {shape[0]:,} bytes, more than a detector holds"
                )
            dims: tuple[int, ...] = tuple(shape)
        else:
            dims = self.check_shape(shape, name)
        values = unpack_array(row[2], row[0] if row[0] != "bool" else "uint8", dims)
        return values.astype(bool) if row[0] == "bool" else values

    def extra_names(self) -> list[str]:
        return [str(r[0]) for r in self.db.execute("SELECT name FROM extras")]

    def put_extra(self, db: sqlite3.Connection, name: str, values: np.ndarray | None) -> None:
        if values is None:
            db.execute("DELETE FROM extras WHERE name = ?", (name,))
            return
        stored = values.astype(np.uint8) if values.dtype == bool else values
        db.execute(
            "INSERT OR REPLACE INTO extras VALUES (?, ?, ?, ?)",
            (name, str(values.dtype), dumps(list(values.shape)), pack_array(stored)),
        )


def _count_bits(packed: bytes, shape: tuple[int, ...]) -> int:
    """Set bits of a packed mask of `shape` (inflated no further than that shape's bytes)."""
    flat = np.frombuffer(inflate(packed, bits_bytes((shape[0], shape[1])), "a mask"), np.uint8)
    return int(np.unpackbits(flat, count=shape[0] * shape[1]).sum())


def _ints(value: Any, count: int) -> bool:
    """A list of `count` plain integers (JSON's bools are not sizes)."""
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    )


class InterventionRow:
    """One intervention as stored: its JSON info, and its patches and mask as bytes and arrays."""

    def __init__(
        self,
        id: int,
        position: int,
        visible: bool,
        info: dict[str, Any],
        patches: list[tuple[list[int], np.ndarray, bytes]],
        mask_box: list[int] | None,
        mask_bits: bytes | None,
    ) -> None:
        self.id, self.position, self.visible, self.info = id, position, visible, info
        self.patches, self.mask_box, self.mask_bits = patches, mask_box, mask_bits


def _check_readable(path: Path) -> None:
    from tratteggio.core.io.loading import check_regular_file

    try:
        check_regular_file(path, "project")
    except Exception as exc:
        raise ProjectError(str(exc)) from None
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise ProjectError(f"{path.name}: not a Tratteggio project (not an SQLite file)")
