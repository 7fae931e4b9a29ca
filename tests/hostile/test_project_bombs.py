"""Issue 28, case 6: project files decompress only what their rows say they hold. Each bomb is a real
project (or recovery journal) with one blob replaced by a few KB that inflate to 16 MB or more, or a
row that declares a shape larger than the master; every reader refuses it in one line, exit 2, and a
journal bomb is set aside once, not opened at every start."""

from __future__ import annotations

import contextlib
import sqlite3
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.hostile.common import cli, one_refusal
from tratteggio.core import Photo, RestorationRequest, load_photo, restore, save_photo
from tratteggio.core.errors import ProjectError
from tratteggio.core.project import journal
from tratteggio.core.project.api import summarize_project
from tratteggio.core.project.load import read_project
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.studio.document import Document

BOMB = zlib.compress(b"\xff" * (16 << 20), 9)  # 16 KB that inflate to 16 MB


def project(folder: Path) -> Path:
    """A 600x400 project with a mask and one telea fill, its master beside it."""
    master, path = folder / "master.png", folder / "p.tratteggio"
    pixels = np.zeros((400, 600, 3), np.uint8)
    pixels[...] = np.arange(600, dtype=np.uint8)[None, :, None]
    save_photo(Photo(pixels), master)
    doc = Document(load_photo(master), master)
    doc.mask[100:130, 100:140] = True
    doc.accept(restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea")), doc.mask_object())
    doc.mask[300:320, 500:560] = True
    doc.truth = pixels.copy()
    sync = ProjectSync(doc, path)
    sync.write(sync.pending())
    sync.close()
    return path


def sql(*statements: str, values: tuple[object, ...] = ()) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement, values if "?" in statement else ())
        db.close()

    return edit


BOMBS: dict[str, Callable[[Path], None]] = {
    "mask-tile": sql("UPDATE mask_tiles SET bits = ?", values=(BOMB,)),
    "intervention-mask": sql("UPDATE masks SET bits = ?", values=(BOMB,)),
    "patch-pixels": sql("UPDATE patches SET pixels = ?", values=(BOMB,)),
    "patch-where": sql("UPDATE patches SET wheres = ?", values=(BOMB,)),
    "patch-shape": sql("UPDATE patches SET shape = '[60000, 60000, 3]', pixels = ?", values=(BOMB,)),
    "extra": sql("UPDATE extras SET data = ?", values=(BOMB,)),
    "extra-shape": sql("UPDATE extras SET shape = '[100000, 100000, 3]', data = ?", values=(BOMB,)),
    "intervention-box": sql("UPDATE masks SET box = '[0, 0, 90000, 90000]', bits = ?", values=(BOMB,)),
    "master-size": sql(
        "UPDATE meta SET value = '[90000, 90000]' WHERE key = 'master_size'",
        "UPDATE masks SET box = '[0, 0, 90000, 90000]', bits = ?",
        values=(BOMB,),
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_in_a_project_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    path = project(tmp_path)
    BOMBS[name](path)
    before = path.read_bytes()
    shown = cli("project", "show", path)
    exported = cli("project", "export", path, "-o", tmp_path / "out.tif")
    refusals = [s for s in (shown, exported) if s.code != 0]
    assert refusals, f"{name}: show and export both passed"
    for said in refusals:
        one_refusal(said)
    if exported.code != 0:
        assert not list(tmp_path.glob("out*"))
    tracemalloc.start()
    try:
        with pytest.raises(ProjectError):
            read_project(path)
        with contextlib.suppress(ProjectError):
            summarize_project(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{name}: {peak / 2**20:.0f} MiB to refuse a 16 KB bomb"
    assert path.read_bytes() == before


def test_a_journal_bomb_is_set_aside_once_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    bombed = journal.recovery_dir() / "0123456789abcdef.tratteggio"
    project(tmp_path).rename(bombed)
    sql("UPDATE mask_tiles SET bits = ?", values=(BOMB,))(bombed)
    sql("INSERT OR REPLACE INTO meta VALUES ('saved_revision', '-1')")(bombed)
    told: list[str] = []
    assert journal.orphans(on_damaged=told.append) == []
    assert not bombed.exists() and len(told) == 1 and "set aside" in told[0], told
    (aside,) = (journal.recovery_dir() / "damaged").iterdir()
    assert aside.name == bombed.name
    assert journal.orphans(on_damaged=told.append) == [] and len(told) == 1  # not opened again


def test_a_journal_that_fails_to_open_whole_is_set_aside_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its summary reads (tiles and counts), its patches are a bomb: recovering it fails once."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    bombed = journal.recovery_dir() / "fedcba9876543210.tratteggio"
    project(tmp_path).rename(bombed)
    BOMBS["patch-pixels"](bombed)
    (orphan,) = journal.orphans()
    with pytest.raises(ProjectError) as refused:
        journal.read_journal(orphan)
    assert "set aside" in str(refused.value) and journal.orphans() == []


def test_a_project_json_value_that_is_a_bomb_of_nesting_is_refused(tmp_path: Path) -> None:
    path = project(tmp_path)
    sql("UPDATE meta SET value = ? WHERE key = 'origin'", values=("[" * 100_000 + "]" * 100_000,))(path)
    one_refusal(cli("project", "show", path), "origin")


def test_symbolic_links_planted_in_the_journal_folder_are_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    elsewhere = project(tmp_path)
    sql("INSERT OR REPLACE INTO meta VALUES ('saved_revision', '-1')")(elsewhere)
    before = elsewhere.read_bytes()
    folder = journal.recovery_dir()
    (folder / "planted.tratteggio").symlink_to(elsewhere)
    victim = tmp_path / "victim.txt"
    (folder / "other.tratteggio").write_bytes(before)
    (folder / "other.lock").symlink_to(victim)  # a lock that would create or lock someone's file
    assert journal.orphans() == []
    assert elsewhere.read_bytes() == before and not victim.exists()
