"""Issue 28, case 2: the recovery journal keeps up with a user who never pauses. A stroke every
0.2 s never leaves the 500 ms quiet spell a debounce waits for; the journal must still hold
everything but the last 2 s of work. And the studio's side of cases 6 and the lows: a journal bomb
found at start, a project whose saved view is not a view."""

from __future__ import annotations

import sqlite3
import time
import zlib
from pathlib import Path

import pytest

from tratteggio.core.errors import ProjectError
from tratteggio.core.project.journal import recovery_dir, summarize
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke
from tratteggio.core.tasks.project import create_project
from tratteggio.gui.main_window import MainWindow

PERIOD_S = 0.2
BUSY_S = 5.0
PROMISE_S = 2.0
SLACK_S = 0.5  # a shared CI machine: the write itself may take a moment


def brush(doc: Document, n: int) -> int:
    """One finished stroke on its own row; the document's masked pixels after it."""
    y = 12 + 9 * (n % 40)
    stroke = Stroke(doc.mask, 3, True)
    for x in range(20 + 7 * (n // 40), 120 + 7 * (n // 40), 4):
        stroke.to(x, y)
    doc.record_mask_change(stroke.finish("brush"))
    return int(doc.mask.sum())


def journaled_pixels(journal: Path) -> int:
    try:
        return summarize(journal).mask_pixels
    except ProjectError:  # nothing written yet
        return 0


def test_a_user_who_never_pauses_is_journaled_within_two_seconds(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.session.doc
    journal = window.projects.journal.path
    assert doc is not None and journal is not None
    history: list[tuple[float, int]] = []
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < BUSY_S:
        history.append((time.monotonic(), brush(doc, n)))
        n += 1
        qtbot.wait(int(PERIOD_S * 1000))  # type: ignore[attr-defined]
    now = time.monotonic()
    on_disk = journaled_pixels(journal)
    owed = max((p for t, p in history if t <= now - PROMISE_S - SLACK_S), default=0)
    assert owed > 0 and on_disk >= owed, f"{on_disk} pixels journaled, {owed} owed of {history[-1][1]}"


@pytest.mark.parametrize("view", ["[1, 2]", '"zoom"', '{"zoom": "x", "origin": 5, "tab": -1}', "7"])
def test_a_project_whose_saved_view_is_not_a_view_opens_with_a_message(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path, view: str
) -> None:
    project = create_project(photo_file, tmp_path / "p.tratteggio")
    with sqlite3.connect(project) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('view', ?)", (view,))
    db.close()
    said: list[str] = []
    window.session.message.connect(said.append)
    with qtbot.waitSignal(window.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
        window.files.open_path(project)
    assert window.session.doc is not None and window.projects.view == {}
    assert any("saved view is unreadable" in s for s in said), said


def test_a_journal_bomb_at_start_is_said_and_set_aside(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    bombed = recovery_dir() / "0123456789abcdef.tratteggio"
    create_project(photo_file, tmp_path / "p.tratteggio", None).rename(bombed)
    with sqlite3.connect(bombed) as db:
        db.execute("INSERT INTO mask_tiles VALUES (0, 0, ?)", (zlib.compress(bytes(16 << 20), 9),))
    db.close()
    window.projects.offer_recovery()
    assert "set aside" in window.last_warning and not bombed.exists()
    window.last_warning = ""
    window.projects.offer_recovery()  # the next start: nothing is opened again
    assert window.last_warning == ""
