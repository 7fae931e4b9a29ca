"""Undo/redo as a list of commands that know how to undo and redo themselves."""

from __future__ import annotations

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

    def push(self, command: Command) -> None:
        self._done.append(command)
        self._undone.clear()
        if len(self._done) > self.limit:
            del self._done[0]

    def undo(self) -> Command | None:
        if not self._done:
            return None
        command = self._done.pop()
        command.undo()
        self._undone.append(command)
        return command

    def redo(self) -> Command | None:
        if not self._undone:
            return None
        command = self._undone.pop()
        command.redo()
        self._done.append(command)
        return command

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
