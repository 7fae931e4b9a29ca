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


_EMBEDDED = "UPDATE meta SET value = '\"/no/such/master.png\"' WHERE key = 'master_path'"

# Issue 28: doctored projects that gave exit 1 ("internal error"); edits of a project with an
# accepted intervention and an embedded master, whose own master path leads nowhere
WORKED_EDITS: dict[str, Callable[[Path, Path], None]] = {
    "patch-box-outside": _sql("UPDATE patches SET box = '[9000, 9000, 9040, 9030]'"),
    "patch-box-negative": _sql("UPDATE patches SET box = '[-40, -30, 0, 0]'"),
    "patch-box-text": _sql("UPDATE patches SET box = '\"abc\"'"),
    "patch-shape-lies": _sql("UPDATE patches SET shape = '[3, 3, 3]'"),
    "mask-box-outside": _sql("UPDATE masks SET box = '[9000, 9000, 9040, 9030]'"),
    "request-a-list": _sql("UPDATE interventions SET info = json_set(info, '$.request', json('[1]'))"),
    "regions-text": _sql("UPDATE interventions SET info = json_set(info, '$.regions', 'abc')"),
    "info-a-list": _sql("UPDATE interventions SET info = '[1, 2]'"),
    "position-text": _sql("UPDATE interventions SET position = 'abc'"),
    "origin-a-list": _sql("INSERT OR REPLACE INTO meta VALUES ('origin', '[1, 2]')"),
    "size-text": _sql("UPDATE meta SET value = '\"abc\"' WHERE key = 'master_size'"),
    "embedded-name-dots": _sql(_EMBEDDED, "UPDATE master SET name = '..'"),
    "embedded-name-empty": _sql(_EMBEDDED, "UPDATE master SET name = ''"),
    "embedded-name-nul": _sql(_EMBEDDED, "UPDATE master SET name = 'a' || char(0) || 'b'"),
    "embedded-name-folder": _sql(_EMBEDDED, "UPDATE master SET name = '/etc/'"),
}


def worked_project(folder: Path) -> Path:
    """A project with one accepted telea intervention and its master embedded."""
    from tratteggio.core import RestorationRequest, load_photo, restore
    from tratteggio.core.project.sync import ProjectSync
    from tratteggio.core.studio.document import Document

    doc = Document(load_photo(folder / "photo.png"), folder / "photo.png")
    doc.mask[10:20, 12:30] = True
    doc.accept(restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea")), doc.mask_object())
    sync = ProjectSync(doc, folder / "worked.tratteggio")
    sync.write(sync.pending())
    sync.embed_master()
    sync.close()
    return folder / "worked.tratteggio"


def build(folder: Path) -> list[Case]:
    """Real projects (one with a mask, one with an intervention) in `folder`, then one doctored
    copy per case."""
    from tratteggio.core.tasks.project import create_project

    (folder / "photo.png").write_bytes(encode(photo(), "png"))
    (folder / "mask.png").write_bytes(encode(mask(), "png"))
    create_project(folder / "photo.png", folder / "real.tratteggio", folder / "mask.png")
    worked = worked_project(folder)
    cases = [Case("real.tratteggio", "project", loadable=True), Case(worked.name, "project", loadable=True)]
    for source, edits in ((folder / "real.tratteggio", EDITS), (worked, WORKED_EDITS)):
        for name, edit in edits.items():
            target = folder / f"{name}.tratteggio"
            shutil.copy(source, target)
            edit(target, folder)
            cases.append(Case(target.name, "project"))
    return cases
