"""Projects in the studio: open, save, save as, embed the master; the title's `*`; and the Save /
Discard / Cancel question before unsaved work would be lost.

Reading and writing run on the session's runners (a project with a 50 MP master loads on the
worker; saves go to the journal runner, which no restoration blocks). A save after one brush
stroke writes that stroke's tiles only (core/project/sync.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from tratteggio.core.errors import MasterMissing
from tratteggio.core.project.journal import Orphan, orphans, read_journal, remove_journal
from tratteggio.core.project.load import read_project
from tratteggio.core.project.store import SUFFIX
from tratteggio.core.project.sync import Pending, ProjectSync
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.core.tasks.project import SaveAs, save_project_as
from tratteggio.gui import settings as prefs
from tratteggio.gui.controllers.journal import JournalKeeper
from tratteggio.gui.session import StudioSession

PROJECT_FILTER = f"Tratteggio projects (*{SUFFIX})"
VERIFY_DELAY_MS = 1000  # the master's hash is read after opening has finished drawing


class ProjectController(QObject):
    stateChanged = Signal()  # the project path or the saved state changed: retitle
    opened = Signal(object)  # Path of a project just opened
    saved = Signal(object)  # Path of the project just saved

    def __init__(self, session: StudioSession, dialogs: QWidget, view_state: Any = None) -> None:
        super().__init__(session)
        self.session, self.dialogs = session, dialogs
        self.view_state = view_state  # () -> dict, the view to keep in the project (zoom, panels)
        self.path: Path | None = None
        self.view: dict[str, Any] = {}  # the view the open project was saved with
        self.journal = JournalKeeper(session)
        self._sync: ProjectSync | None = None
        self._opening: Path | None = None
        self.confirm_recovered = False  # a recovered document: ask before replacing its project
        self.ask_save: Callable[[str], str] = self._ask_save  # replaceable: tests answer for the user
        session.guards.append(self.confirm_discard)
        session.documentChanged.connect(self._new_document)
        session.documentEdited.connect(self._edited)

    # -- state ---------------------------------------------------------------------------------
    def _edited(self, edit: Edit, _box: object) -> None:
        if edit is not Edit.IMAGE:
            self.stateChanged.emit()

    def mark_baseline(self) -> None:
        """What is open now counts as unchanged (a photo opened with its mask file)."""
        doc = self.session.doc
        if doc is not None:
            self.journal.saved_revision = doc.revision
            self.stateChanged.emit()

    def modified(self) -> bool:
        doc = self.session.doc
        if doc is None:
            return False
        if (
            self.path is None
            and not doc.made_here
            and not doc.interventions
            and not doc.mask.any()
            and doc.detector is None
        ):
            return False  # a photo just opened: nothing to lose yet
        return doc.revision != self.journal.saved_revision

    def _new_document(self, doc: Document | None) -> None:
        self._close_sync()
        self.path, self._opening = self._opening, None
        if self.path is not None and doc is not None:
            self._sync = ProjectSync.for_loaded(doc, self.path)
        self.confirm_recovered = False
        # an opened project is safe in its file until the first edit, which journals everything
        self.journal.start(doc, self.path)
        self.stateChanged.emit()

    def _close_sync(self) -> None:
        sync, self._sync = self._sync, None
        if sync is not None:
            sync.detach()
            self.session.journal.run(lambda ctx: sync.close(), label="save", cancellable=False)

    # -- the question before losing work -------------------------------------------------------
    def confirm_discard(self) -> bool:
        """True when the document may be replaced or closed (saved, discarded, or nothing to lose)."""
        if not self.modified():
            return True
        doc = self.session.doc
        name = self.path.name if self.path else (doc.path.name if doc and doc.path else "this photo")
        answer = self.ask_save(name)
        if answer == "save":
            return self.save(wait=True)
        return answer == "discard"

    def _ask_save(self, name: str) -> str:
        """Save / Discard / Cancel, as every editor asks: "save", "discard" or "cancel"."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question, "Tratteggio", f"Save the changes to {name}?", parent=self.dialogs
        )
        box.setInformativeText("Your mask and interventions are lost if you don't save them.")
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")  # type: ignore[call-overload]

    # -- opening -------------------------------------------------------------------------------
    def open_project(self, path: Path, master: Path | None = None, asked: bool = False) -> None:
        """Read a project on the worker; a missing master is asked for, then checked by its hash.
        `asked`: the unsaved work was already asked about (opening a photo offered its project)."""
        if not asked and not self.session.may_replace():
            return
        self.session.runner.run(
            lambda ctx: _read_or_missing(path, master),
            label="open",
            cancellable=False,
            on_done=lambda value: self._read(path, value),
            on_failed=lambda text: self._open_failed(path, text),
        )
        self.session.say(f"Opening {path.name}…")

    def _opened(self, path: Path, doc: Document, meta: dict[str, Any]) -> None:
        self._opening = path.resolve()
        saved = meta.get("view") or {}
        self.view = readable_view(saved)
        dropped = meta.get("view_dropped") or not isinstance(saved, dict)
        if dropped or any(k in saved and k not in self.view for k in VIEW_KEYS):
            self.session.say(f"{path.name}: its saved view is unreadable; the photo is shown whole")
        self.session.guards.remove(self.confirm_discard)  # already asked before reading
        try:
            self.session.set_document(doc)
        finally:
            self.session.guards.append(self.confirm_discard)
        prefs.add_recent(str(path.resolve()))
        prefs.set_last_folder(str(path.resolve().parent))
        self.opened.emit(path)
        self.session.say(f"Opened {path.name}: {len(doc.interventions)} intervention(s)")
        if not doc.master.verified:
            expected = str(doc.master.sha256)  # checked once the window has painted
            QTimer.singleShot(VERIFY_DELAY_MS, self, lambda: self._verify_master(doc, expected))

    def _verify_master(self, doc: Document, expected: str) -> None:
        """The master's SHA-256, checked after the work is shown (size and date matched)."""
        path = doc.path
        if path is None or doc is not self.session.doc or not self.session.runner.is_running():
            return  # another document since, or the studio is closing
        from tratteggio.core.record.describe import sha256_file

        def checked(actual: str) -> None:
            doc.master = doc.master.checked(actual == expected)
            if actual != expected and doc is self.session.doc:
                self.session.warn(
                    f"{path.name} has changed since the project was saved (its SHA-256 differs): the "
                    "interventions were made on another image. Locate the original master, or start anew."
                )

        self.session.runner.run(
            lambda ctx: sha256_file(path), label="verify", cancellable=False, on_done=checked
        )

    def _read(self, path: Path, value: tuple[Document, dict[str, Any]] | MasterMissing) -> None:
        if isinstance(value, MasterMissing):
            self._locate_master(path, value)
        else:
            self._opened(path, *value)

    def _open_failed(self, path: Path, text: str) -> None:
        self.session.warn(f"{path.name}: {text}" if path.name not in text else text)

    def _locate_master(self, path: Path, missing: MasterMissing) -> None:
        found, _ = QFileDialog.getOpenFileName(
            self.dialogs, f"Where is the master of {path.name}? ({Path(missing.path).name})", str(path.parent)
        )
        if found:
            self._retry_with(path, Path(found))

    def _retry_with(self, path: Path, master: Path) -> None:
        self.session.runner.run(
            lambda ctx: read_project(path, master),
            label="open",
            cancellable=False,
            on_done=lambda value: self._opened(path, *value),
            on_failed=self.session.warn,
        )

    # -- saving --------------------------------------------------------------------------------
    def save(self, wait: bool = False) -> bool:
        """Save to the project file (Save As when there is none yet); `wait` blocks until written."""
        doc = self.session.doc
        if doc is None:
            return True
        if self.path is None or self._sync is None:
            return self.save_as(wait=wait)
        if self.confirm_recovered and not self._confirm_replace_recovered():
            return False
        sync, path = self._sync, self.path
        pending = sync.pending(self._view())
        self.session.journal.run(
            lambda ctx: _write_and_checkpoint(sync, pending),
            label="save",
            cancellable=False,
            on_done=lambda _: self._saved(path, pending.revision),
            on_failed=self.session.warn,
        )
        return self._wait() if wait else True

    def save_as(self, path: Path | None = None, wait: bool = False) -> bool:
        doc = self.session.doc
        if doc is None:
            return True
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.dialogs, "Save project", self._suggested(doc), PROJECT_FILTER
            )
            if not chosen:
                return False
            path = Path(chosen) if chosen.endswith(SUFFIX) else Path(chosen + SUFFIX)
        self._close_sync()
        saving = save_project_as(doc, path, self._view())
        self.session.journal.run(
            lambda ctx: saving.write(),
            label="save",
            cancellable=False,
            on_done=lambda _: self._saved_as(doc, saving.target, saving.revision),
            on_failed=lambda text: self._save_failed(saving, text),
        )
        return self._wait() if wait else True

    def _saved_as(self, doc: Document, target: Path, revision: int) -> None:
        if doc is not self.session.doc:
            return
        self._sync = ProjectSync.for_loaded(doc, target)
        self._sync.synced_revision = revision
        self._saved(target, revision)
        prefs.add_recent(str(target))

    def _saved(self, path: Path, revision: int) -> None:
        self.path = path
        self.confirm_recovered = False
        self.journal.mark_saved(path, revision)
        self.stateChanged.emit()
        self.saved.emit(path)
        self.session.say(f"Saved {path.name}")

    def embed_master(self) -> None:
        """Copy the master into the project so it can travel (saving first if needed)."""
        if self._sync is None and not self.save_as(wait=True):
            return
        sync = self._sync
        if sync is not None:
            self.session.journal.run(
                lambda ctx: sync.embed_master(),
                label="save",
                cancellable=False,
                on_done=lambda _: self.session.say("The master is embedded: the project can travel."),
                on_failed=self.session.warn,
            )

    def _wait(self) -> bool:
        return self.session.journal.drain() and not self.modified()

    def _view(self) -> dict[str, Any]:
        return {"view": self.view_state() if self.view_state else {}}

    def _suggested(self, doc: Document) -> str:
        if doc.path is not None:
            return str(doc.path.with_suffix(SUFFIX))
        return str(Path(prefs.last_folder() or ".") / f"untitled{SUFFIX}")

    def _confirm_replace_recovered(self) -> bool:
        assert self.path is not None
        answer = QMessageBox.question(
            self.dialogs,
            "Tratteggio",
            f"Replace {self.path.name} with the recovered work?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _save_failed(self, saving: SaveAs, text: str) -> None:
        saving.discard()
        self.session.warn(text)

    # -- recovery ------------------------------------------------------------------------------
    def offer_recovery(self) -> None:
        """At start: offer unsaved work a studio left behind (a crash, a kill), newest first."""
        for orphan in orphans(on_damaged=self.session.warn):
            text = f"Tratteggio ended without saving your work on {orphan.name}. Recover it?"
            box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work", text, parent=self.dialogs)
            where = f"In {orphan.where}\n" if orphan.where else ""
            box.setInformativeText(f"{where}{orphan.describe()}. Later keeps it for the next start.")
            recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is recover:
                self.recover(orphan)
                return
            if box.clickedButton() is discard:
                remove_journal(orphan.path, None)

    def recover(self, orphan: Orphan) -> None:
        """Open a journal's work as an unsaved document; its project file is only replaced on asking."""
        self.session.runner.run(
            lambda ctx: read_journal(orphan),
            label="open",
            cancellable=False,
            on_done=lambda doc: self._recovered(orphan, doc),
            on_failed=self.session.warn,
        )

    def _recovered(self, orphan: Orphan, doc: Document) -> None:
        project = Path(orphan.project) if orphan.project else None
        self._opening = project if project is not None and project.is_file() else None
        self.session.set_document(doc)
        self.journal.saved_revision = -1  # nothing of it is saved
        self.journal.flush()  # journaled again before the old journal goes (same runner, in order)
        self.confirm_recovered = self.path is not None
        self.stateChanged.emit()
        path = orphan.path
        self.session.journal.run(lambda ctx: remove_journal(path, None), label="journal", cancellable=False)
        self.session.say(f"Recovered {orphan.describe()}. Save it to keep it.")

    def shutdown(self) -> None:
        self._close_sync()
        self.journal.close()


VIEW_KEYS = ("zoom", "origin", "mask_visible", "tab")


def readable_view(view: object) -> dict[str, Any]:
    """The parts of a project's saved view that are what the window writes (a doctored project may
    hold anything there); the rest is dropped."""
    if not isinstance(view, dict):
        return {}
    kept: dict[str, Any] = {}
    zoom, origin = view.get("zoom"), view.get("origin")
    if _number(zoom) and 1e-3 <= zoom <= 1e3:  # type: ignore[operator]
        kept["zoom"] = float(zoom)  # type: ignore[arg-type]
    if isinstance(origin, list) and len(origin) == 2 and all(_number(v) and abs(v) < 1e9 for v in origin):
        kept["origin"] = [float(v) for v in origin]
    if isinstance(view.get("mask_visible"), bool):
        kept["mask_visible"] = view["mask_visible"]
    if isinstance(view.get("tab"), int) and not isinstance(view.get("tab"), bool) and 0 <= view["tab"] < 64:
        kept["tab"] = view["tab"]
    return kept


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _write_and_checkpoint(sync: ProjectSync, pending: Pending) -> None:
    sync.write(pending)
    sync.checkpoint()


def _read_or_missing(path: Path, master: Path | None) -> tuple[Document, dict[str, Any]] | MasterMissing:
    """On the worker: the project read (its master checked in the background when its size and date
    match), or the missing master to ask the user for; any other error fails the task."""
    try:
        return read_project(path, master, verify="fast")
    except MasterMissing as missing:
        return missing
