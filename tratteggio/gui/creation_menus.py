"""The menu entries for pictures made or changed as a whole: File ▸ New from Prompt, Image ▸ Extend
Canvas and Image ▸ Revive Colours. Added to the studio's menus in one call, beside the others."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from tratteggio.gui.controllers.creation import CreationController
from tratteggio.gui.controllers.revive import ReviveController
from tratteggio.gui.menus import Menus


def add_creation_menus(menus: Menus, creation: CreationController, revive: ReviveController) -> None:
    new = _action(menus, "new_from_prompt", "New from &Prompt…", "Ctrl+Shift+N", creation.prompt_dialog)
    menus.menus["file"].insertAction(menus.actions["load_mask"], new)
    image = menus.insert_menu("image", "&Image", before="restore")
    image.addAction(_action(menus, "extend_canvas", "&Extend Canvas…", "Ctrl+Alt+E", creation.extend_dialog))
    image.addAction(_action(menus, "revive_colours", "Re&vive Colours…", "Ctrl+Alt+V", revive.open))


def _action(menus: Menus, key: str, text: str, shortcut: str, slot: object) -> QAction:
    action = QAction(text, menus.bar)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
    menus.actions[key] = action
    return action
