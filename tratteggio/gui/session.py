"""The studio session: what the parts of the window share.

One `StudioSession` owns the open document and the job runners, and says what happens through typed
signals. Menus, controllers and panels are handed the session and the few widgets they drive; none
of them receives the window. The document's own listeners (Qt-free) are forwarded as
`documentEdited`, so widgets bind to the session, not to each document.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from tratteggio.core.engines import Engines
from tratteggio.core.geometry import Box
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.gui.runner import JobRunner


class StudioSession(QObject):
    documentChanged = Signal(object)  # the new Document (or None): every per-photo view resets
    documentEdited = Signal(object, object)  # what changed (an Edit), Box | None
    message = Signal(str)  # for the status bar
    problem = Signal(str)  # for a warning dialog
    progress = Signal(float, float, str)  # done, total, text; total 0 hides the bar

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self.runner = JobRunner(self)
        self.downloads = JobRunner(self, name="tratteggio-downloads")  # network waits block nothing else
        self.journal = JobRunner(self, name="tratteggio-journal")  # saves and journals wait for no run
        self.guards: list[Callable[[], bool]] = []  # asked before the document is replaced
        self.engines = Engines()  # where the studio's diffusion runs: see gui.preferences

    def may_replace(self) -> bool:
        """Ask every guard (unsaved work: Save / Discard / Cancel) before replacing the document."""
        return all(guard() for guard in self.guards)

    def set_document(self, doc: Document | None) -> None:
        """Replace the open document: its runs are cancelled first, since they end with it."""
        self.runner.cancel_all()
        if self.doc is not None:
            self.doc.listeners[:] = [f for f in self.doc.listeners if f != self._forward]
        self.doc = doc
        if doc is not None:
            doc.listeners.append(self._forward)
        self.documentChanged.emit(doc)

    def _forward(self, edit: Edit, box: Box | None) -> None:
        self.documentEdited.emit(edit, box)

    def say(self, text: str) -> None:
        self.message.emit(studio_words(text))

    def warn(self, text: str) -> None:
        self.problem.emit(studio_words(text))

    def show_progress(self, done: float, total: float, text: str = "") -> None:
        self.progress.emit(done, total, text)

    def undo(self) -> None:
        if self.doc is not None:
            self.doc.undo()

    def redo(self) -> None:
        if self.doc is not None:
            self.doc.redo()

    def shutdown(self) -> None:
        self.runner.shutdown()
        self.engines.settle()  # a cancelled run's verdict on the diffusion worker is in
        self.downloads.shutdown()
        self.journal.drain()
        self.journal.shutdown()

    def threads_running(self) -> bool:
        return any(r.is_running() for r in (self.runner, self.downloads, self.journal))


# core's errors name the command line's way; in the studio the Models dialog does the same
_DOWNLOAD = re.compile(r"; run `tratteggio models download [^`]+` on a machine with a network connection")


def studio_words(text: str) -> str:
    """A core message in the studio's words: "Models… ▸ Download" instead of a command to type."""
    return _DOWNLOAD.sub(": open Models… in the Restore panel, select it and press Download", text)
