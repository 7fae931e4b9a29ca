"""The canvas's held keys, window-wide: hold `\\` (or O) to compare with the original, hold Space to
pan with the left button.

A key goes to the widget with the keyboard focus, which after a click on a layer thumbnail or a
panel field is not the canvas. `HeldKeys`, an application event filter the canvas installs, takes
these keys wherever the focus is, as long as the pointer is over the canvas (or the canvas has the
focus) and no text is being typed (a line or text field: Space and letters belong to the prompt).
Number fields (spin boxes) have no use for them, so they do not block. O is there for keyboard
layouts where `\\` needs AltGr (German, French, Italian, Spanish...); no menu uses O.

The filter also keeps Enter for a focused text or number field: Enter accepts a run's result only
where it would not end someone's typing.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

COMPARE_KEYS = (Qt.Key.Key_Backslash, Qt.Key.Key_O)
PAN_KEY = Qt.Key.Key_Space
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class HeldKeysTarget(Protocol):
    """What the filter drives: the canvas."""

    def takes_held_keys(self) -> bool: ...  # the pointer is over it, or it has the focus

    def set_comparing(self, on: bool) -> None: ...

    def set_pan_key(self, held: bool) -> None: ...


def typing_text(numbers_too: bool = False) -> bool:
    """True while the focus is in an editable text field; a number field (spin box) counts only
    with `numbers_too` (it has no use for `\\`, O or Space, but Enter ends its editing)."""
    focus = QApplication.focusWidget()
    if isinstance(focus, QAbstractSpinBox):
        return numbers_too and not focus.isReadOnly()
    if isinstance(focus, QLineEdit):
        in_spin_box = isinstance(focus.parentWidget(), QAbstractSpinBox)
        return not focus.isReadOnly() and (numbers_too or not in_spin_box)
    if isinstance(focus, (QTextEdit, QPlainTextEdit)):
        return not focus.isReadOnly()
    return False


class HeldKeys(QObject):
    def __init__(self, target: HeldKeysTarget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self._held: set[int] = set()  # keys this filter took a press of: it takes their release too

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() in ENTER_KEYS and typing_text(numbers_too=True):
                event.accept()  # the text field gets Enter; the Accept shortcut does not fire
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._press(event)
        if kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            return self._release(event)
        if kind == QEvent.Type.ApplicationDeactivate:
            for key in list(self._held):
                self._end(key)
        return False

    def _press(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key not in (*COMPARE_KEYS, PAN_KEY) or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if key in self._held:
            return True  # auto-repeat of a key being held
        if event.isAutoRepeat() or typing_text() or not self.target.takes_held_keys():
            return False
        self._held.add(key)
        if key == PAN_KEY:
            self.target.set_pan_key(True)
        else:
            self.target.set_comparing(True)
        return True

    def _release(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key not in self._held:
            return False
        if not event.isAutoRepeat():
            self._end(key)
        return True

    def _end(self, key: int) -> None:
        self._held.discard(key)
        if key == PAN_KEY:
            self.target.set_pan_key(False)
        elif not self._held & set(COMPARE_KEYS):
            self.target.set_comparing(False)
