"""Doctored project files, made from one real project: truncated, zeroed, foreign SQLite, a master
that changed, became a FIFO or a bomb, a meta table that lies."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests.hostile.corpus import Case, encode, mask, photo, png_bomb


def _sql(*statements: str) -> Callable[[Path, Path], None]:
    def edit(project: Path, folder: Path) -> None:
        with sqlite3.connect(project) as db:
            for statement in statements:
                db.execute(statement)
        db.close()

    return edit


def _truncate(project: Path, folder: Path) -> None:
    data = project.read_bytes()
    project.write_bytes(data[: len(data) // 2])


def _zero_header(project: Path, folder: Path) -> None:
    data = bytearray(project.read_bytes())
    data[:100] = bytes(100)
    project.write_bytes(bytes(data))


def _foreign(project: Path, folder: Path) -> None:
    project.unlink()
    with sqlite3.connect(project) as db:
        db.execute("CREATE TABLE songs (title TEXT)")
    db.close()


def _master(data: bytes | None) -> Callable[[Path, Path], None]:
    """The master the project names replaced by `data` (None: by a FIFO)."""

    def edit(project: Path, folder: Path) -> None:
        master = folder / f"master-of-{project.stem}.png"
        if data is None:
            os.mkfifo(master)
        else:
            master.write_bytes(data)
        _sql(f"UPDATE meta SET value = '\"{master}\"' WHERE key = 'master_path'")(project, folder)

    return edit


EDITS: dict[str, Callable[[Path, Path], None]] = {
    "truncated": _truncate,
    "zeroed-header": _zero_header,
    "foreign-sqlite": _foreign,
    "no-meta": _sql("DROP TABLE meta"),
    "wrong-format": _sql("UPDATE meta SET value = '\"something/else\"' WHERE key = 'format'"),
    "meta-not-json": _sql("UPDATE meta SET value = '{{{' WHERE key = 'master_sha256'"),
    "master-changed": _master(encode(photo(channels=1), "png")),
    "master-bomb": _master(png_bomb()),
    "master-fifo": _master(None),
    "mask-tile-garbage": _sql("UPDATE mask_tiles SET bits = x'00ff'"),
}


def build(folder: Path) -> list[Case]:
    """A real project (with a mask) in `folder`, then one doctored copy per case."""
    from tratteggio.core.project.api import create_project

    (folder / "photo.png").write_bytes(encode(photo(), "png"))
    (folder / "mask.png").write_bytes(encode(mask(), "png"))
    create_project(folder / "photo.png", folder / "real.tratteggio", folder / "mask.png")
    cases = [Case("real.tratteggio", "project", loadable=True)]
    for name, edit in EDITS.items():
        target = folder / f"{name}.tratteggio"
        shutil.copy(folder / "real.tratteggio", target)
        edit(target, folder)
        cases.append(Case(target.name, "project"))
    return cases
