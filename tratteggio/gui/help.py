"""The Help menu: keyboard shortcuts (searchable), the user guide, a sample photo, About.

Built from the parts it needs (the menus' actions, the file controller, the session): never the
window. About shows the doctor's report (`tratteggio doctor`), gathered off the GUI thread, with
a Copy button for bug reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from tratteggio.gui.controllers.files import FileController
from tratteggio.gui.help_dialogs import AboutDialog, GuideDialog, ShortcutsDialog
from tratteggio.gui.session import StudioSession

if TYPE_CHECKING:
    from tratteggio.core.support.doctor import QtRuntime, Report
    from tratteggio.core.support.sample import SampleFiles

D = TypeVar("D", bound=QWidget)

# Keys that act on the canvas without a menu entry.
CANVAS_KEYS = (
    ("Compare with the original (hold; pointer over the canvas)", "\\ or O"),
    ("Move the before/after divider", "Shift+move"),
    ("Pan (pointer over the canvas)", "Space+drag, middle button"),
    ("Scroll", "Wheel, Shift+wheel"),
    ("Zoom around the cursor", "Ctrl+wheel (Preferences: the wheel alone)"),
    ("Size the brush", "Shift+drag, Ctrl+Alt+drag"),
    ("Rectangle or lasso: erase instead of paint", "Ctrl+drag, Alt+drag"),
)


@dataclass(frozen=True)
class HelpParts:
    """What the Help menu drives."""

    actions: Mapping[str, QAction]  # every menu action, for the shortcut list
    files: FileController
    session: StudioSession
    dialogs: QWidget


def key_name(sequence: QKeySequence) -> str:
    """A shortcut as the README writes it: Qt says Return for the key labelled Enter."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText).replace("Return", "Enter")


def shortcut_rows(actions: Mapping[str, QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, then the canvas's own keys."""
    rows = []
    for action in actions.values():
        keys = list(dict.fromkeys(key_name(seq) for seq in action.shortcuts() if not seq.isEmpty()))
        if keys:
            rows.append((action.text().replace("&", ""), ", ".join(keys)))
    return rows + list(CANVAS_KEYS)


class HelpMenu:
    def __init__(self, bar: QMenuBar, parts: HelpParts) -> None:
        self.parts = parts
        self.menu = bar.addMenu("&Help")
        self.actions: dict[str, QAction] = {}
        self._add("shortcuts", "Keyboard &Shortcuts…", "Ctrl+/", self.show_shortcuts)
        self._add("guide", "&User Guide", "F1", self.show_guide)
        self._add("sample", "Open &Sample", None, self.open_sample)
        self.menu.addSeparator()
        self._add("about", "&About Tratteggio", None, self.show_about)
        self.dialog: QWidget | None = None
        self.topic: Callable[[], str] = lambda: "index"  # the guide's page for what the user is doing

    def _add(self, key: str, text: str, shortcut: str | None, slot: object) -> None:
        action = self.menu.addAction(text)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        self.actions[key] = action

    def show_shortcuts(self) -> ShortcutsDialog:
        every = {**self.parts.actions, **self.actions}
        return self._show(ShortcutsDialog(shortcut_rows(every), self.parts.dialogs))

    def show_guide(self) -> GuideDialog:
        """The user guide (its own pages, not the README) at the page for what the user is doing."""
        return self._show(GuideDialog(guide_page(self.topic()), self.parts.dialogs))

    def show_about(self) -> AboutDialog:
        dialog = self._show(AboutDialog(self.parts.dialogs))
        runtime = _live_qt()
        self.parts.session.downloads.run(  # the doctor may wait on the network: not the restoring runner
            lambda ctx: _examine(runtime),
            label="about",
            on_done=dialog.show_report,
            on_failed=dialog.show_failure,
        )
        return dialog

    def open_sample(self) -> None:
        from tratteggio.core.support.sample import sample_files, sample_folder, write_sample

        files = sample_files(sample_folder())
        if files.aged.is_file() and files.mask.is_file():
            self.parts.files.open_path(files.aged, files.mask)
            return
        self.parts.session.say("Writing the sample photo…")
        self.parts.session.runner.run(
            lambda ctx: write_sample(sample_folder(), replace=True),
            label="sample",
            on_done=self._open_written,
            on_failed=self.parts.session.warn,
        )

    def _open_written(self, written: SampleFiles) -> None:
        self.parts.files.open_path(written.aged, written.mask)

    def _show(self, dialog: D) -> D:
        self.dialog = dialog
        dialog.show()
        return dialog


def _live_qt() -> QtRuntime:
    from tratteggio.core.support.doctor import QtRuntime

    app = QGuiApplication.instance()
    platform = str(app.platformName()) if app is not None else ""  # type: ignore[attr-defined]
    return QtRuntime(str(qVersion()), platform, True)


def _examine(runtime: QtRuntime) -> Report:
    from tratteggio.core.support.checks import examine

    return examine(runtime)


def guide_page(topic: str) -> Path:
    """The guide's page for `topic` ("restore", "detect", "revive"...), else its first page."""
    folder = Path(__file__).resolve().parents[1] / "resources" / "guide"
    page = folder / f"{topic}.md"
    return page if page.is_file() else folder / "index.md"
