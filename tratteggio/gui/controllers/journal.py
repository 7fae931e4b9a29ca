"""Autosave: every change to the open document is journaled within 2 s, without the user doing
anything, into a recovery journal in the user's state folder (core/project/journal.py).

Two timers decide when: a burst of edits is written together once the user pauses `DELAY_MS`, and
the first edit not yet journaled arms a deadline (`MAX_DELAY_MS`) that later edits do not push
back, so a user who never pauses is journaled too. A kill -9 loses at most the last 2 s of work.

The GUI thread only notes what changed (dirty tiles, the intervention list); packing and writing
happen on the session's journal runner, which no restoration ever blocks. A clean close deletes the
journal; after a crash the next start finds it and offers to recover.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from tratteggio.core.project.journal import JournalLock, journal_meta, new_journal, remove_journal
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.gui.session import StudioSession

DELAY_MS = 500  # a burst of edits is journaled together, well within the 2 s promised
MAX_DELAY_MS = 1500  # however busy the user: the write then has 0.5 s to land within the 2 s
RETRY_MS = 100  # a write still running: look again this soon


class JournalKeeper(QObject):
    def __init__(self, session: StudioSession) -> None:
        super().__init__(session)
        self.session = session
        self.project: Path | None = None  # the project file the journal shadows
        self.saved_revision = 0  # the revision last saved to that project
        self._sync: ProjectSync | None = None
        self._path: Path | None = None
        self._lock: JournalLock | None = None
        self._writing = 0  # journal writes handed to the runner that have not ended yet
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._due)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._due)
        session.documentEdited.connect(self._edited)

    def _edited(self, edit: Edit, _box: object) -> None:
        """Wait for a pause, but never past the deadline the first unjournaled edit set."""
        if edit is Edit.IMAGE:
            return
        self._timer.start()
        if not self._deadline.isActive():
            self._deadline.start(MAX_DELAY_MS)

    def _due(self) -> None:
        """A timer's turn: write now, unless a write is still running (a slow disk); what changed
        meanwhile then goes in one write as soon as that one ends."""
        if self._writing:
            self._deadline.start(RETRY_MS)
        else:
            self.flush()

    @property
    def path(self) -> Path | None:
        return self._path

    def start(self, doc: Document | None, project: Path | None) -> None:
        """Journal a newly opened document (the previous journal is closed and deleted)."""
        self.close()
        self.project = project
        if doc is None:
            return
        self._path, self._lock = new_journal()
        self._sync = ProjectSync(doc, self._path)
        self.saved_revision = doc.revision
        if doc.made_here and project is None:  # a picture made in the studio is unsaved work at once
            self.saved_revision = -1
            self.flush()

    def flush(self) -> None:
        """Hand what changed to the journal runner (GUI thread: O(1)). The one runner thread is
        the only writer, and writes in the order handed over."""
        self._timer.stop()
        self._deadline.stop()
        sync = self._sync
        if sync is None or not sync.dirty():
            return
        meta = {**journal_meta(self.project), "saved_revision": self.saved_revision}
        pending = sync.pending(meta)
        self._writing += 1
        self.session.journal.run(
            lambda ctx: sync.write(pending),
            label="journal",
            cancellable=False,
            on_done=self._written,
            on_failed=self._failed,
        )

    def _written(self, _result: object = None) -> None:
        self._writing -= 1

    def _failed(self, text: str) -> None:
        self._writing -= 1
        self.session.say(f"Autosave failed: {text}")

    def mark_saved(self, project: Path, revision: int) -> None:
        """The project now holds `revision`: a crash from here on has nothing unsaved to offer."""
        self.project, self.saved_revision = project, revision
        sync = self._sync
        if sync is not None:
            meta = {**journal_meta(project), "saved_revision": revision}
            pending = sync.pending(meta)
            self.session.journal.run(lambda ctx: sync.write(pending), label="journal", cancellable=False)

    def close(self) -> None:
        """A clean end of this document's journal: written out, closed, deleted."""
        self._timer.stop()
        self._deadline.stop()
        sync, path, lock = self._sync, self._path, self._lock
        self._sync = self._path = self._lock = None
        if sync is None or path is None:
            return
        sync.detach()

        def finish(ctx: object) -> None:
            sync.close()
            remove_journal(path, lock)

        self.session.journal.run(finish, label="journal", cancellable=False)
