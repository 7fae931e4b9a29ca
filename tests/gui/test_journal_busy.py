"""Issue 28, case 2: the recovery journal keeps up with a user who never pauses. A stroke every
0.2 s never leaves the 500 ms quiet spell a debounce waits for; the journal must still hold
everything but the last 2 s of work."""

from __future__ import annotations

import time
from pathlib import Path

from tratteggio.core.errors import ProjectError
from tratteggio.core.project.journal import summarize
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke
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
