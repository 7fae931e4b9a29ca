"""Undo/redo as a list of commands that know how to undo and redo themselves.

The steps read as one list, oldest first (`steps`), with `position` the number of them done: an
Undo History panel shows it and `jump`s to any step. `listeners` are called after every change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Command(Protocol):
    label: str

    def undo(self) -> None: ...

    def redo(self) -> None: ...


class History:
    """A capped undo stack. `push` records a command that has already been applied."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.listeners: list[Callable[[], None]] = []
        self._jumping = False

    def push(self, command: Command) -> None:
        self._done.append(command)
        self._undone.clear()
        if len(self._done) > self.limit:
            del self._done[0]
        self._changed()

    def undo(self) -> Command | None:
        if not self._done:
            return None
        command = self._done.pop()
        command.undo()
        self._undone.append(command)
        self._changed()
        return command

    def redo(self) -> Command | None:
        if not self._undone:
            return None
        command = self._undone.pop()
        command.redo()
        self._done.append(command)
        self._changed()
        return command

    def steps(self) -> list[str]:
        """Every step's label, oldest first: the first `position` done, the rest undone."""
        return [c.label for c in self._done] + [c.label for c in reversed(self._undone)]

    @property
    def position(self) -> int:
        return len(self._done)

    def jump(self, position: int) -> None:
        """Undo or redo step by step until `position` steps are done (0: all undone)."""
        position = max(0, min(position, len(self._done) + len(self._undone)))
        self._jumping = True
        try:
            while len(self._done) > position:
                self.undo()
            while len(self._done) < position:
                self.redo()
        finally:
            self._jumping = False
        self._changed()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._changed()

    def _changed(self) -> None:
        if not self._jumping:
            for listener in list(self.listeners):
                listener()
