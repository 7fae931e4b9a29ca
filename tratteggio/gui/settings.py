"""Persistent settings (QSettings), every key in one list with its type and default.

Each `Key` reads its value back as its type (a value stored by an older version, or edited by
hand, that does not parse gives the default) and writes it in the form the studio always wrote.
Nothing else in the studio reads or writes QSettings with a string key: add a `Key` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "Tratteggio"
APPLICATION = "Tratteggio Studio"
RECENT_LIMIT = 10

T = TypeVar("T")


def settings() -> QSettings:
    """The studio's settings file (INI, per user). Read and write it through the `Key`s below."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


@dataclass(frozen=True)
class Key(Generic[T]):
    """One setting: its name in the file, its default, how a stored value reads back and is written."""

    name: str
    default: T
    parse: Callable[[object], T]
    encode: Callable[[T], object] = lambda value: value

    def get(self) -> T:
        value = settings().value(self.name)
        if value is None:
            return self.default
        try:
            return self.parse(value)
        except (TypeError, ValueError):
            return self.default

    def set(self, value: T) -> None:
        settings().setValue(self.name, self.encode(value))


def _text(value: object) -> str:
    return str(value or "")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):  # a list of one comes back from the INI file as a string
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _flag(value: object) -> bool:
    return str(value).lower() == "true"


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) else None


def _rgba(value: object) -> tuple[int, int, int, int] | None:
    if not isinstance(value, list) or len(value) != 4:
        return None
    r, g, b, a = (int(v) for v in value)
    return (r, g, b, a)


def _positive(value: object) -> int:
    return max(1, int(str(value)))


RECENT = Key[list[str]]("recent", [], _strings)
LAST_FOLDER = Key[str]("last_folder", "", _text)  # of the last photo opened or file saved
WHEEL_ZOOMS = Key[bool]("canvas/wheel_zooms", False, _flag, lambda on: "true" if on else "false")
SIGN_IDENTITY = Key[str]("sign_identity", "", _text)  # exports are signed with it ('' for none)
GEOMETRY = Key[QByteArray | None]("geometry", None, _bytes)  # the window's
WINDOW_STATE = Key[QByteArray | None]("state", None, _bytes)  # its docks and toolbars
BRUSH = Key[float]("brush", 12.0, lambda v: float(str(v)))  # radius, px
HARDNESS = Key[float]("hardness", 1.0, lambda v: float(str(v)))
MASK_COLOR = Key[tuple[int, int, int, int] | None]("mask_color", None, _rgba, lambda c: list(c or ()))
ENGINE = Key[str]("engine", "", _text)  # the last run's engine and model
MODEL = Key[str]("model", "", _text)
DIFFUSION_WHERE = Key[str]("diffusion/where", "local", _text)  # "local" or "remote"
DIFFUSION_URL = Key[str]("diffusion/url", "", _text)
DIFFUSION_TOKEN_FILE = Key[str]("diffusion/token_file", "", _text)
WORKER_IDLE_MINUTES = Key[int]("diffusion/worker_idle_minutes", 10, _positive)

KEYS: tuple[Key[object], ...] = (  # type: ignore[assignment]
    RECENT, LAST_FOLDER, WHEEL_ZOOMS, SIGN_IDENTITY, GEOMETRY, WINDOW_STATE, BRUSH, HARDNESS, MASK_COLOR,
    ENGINE, MODEL, DIFFUSION_WHERE, DIFFUSION_URL, DIFFUSION_TOKEN_FILE, WORKER_IDLE_MINUTES,
)  # fmt: skip


def sync() -> None:
    """Write what was set to the file now (QSettings also does at exit)."""
    settings().sync()


def recent_files() -> list[str]:
    return RECENT.get()


def add_recent(path: str) -> list[str]:
    items = [path] + [p for p in recent_files() if p != path]
    RECENT.set(items[:RECENT_LIMIT])
    return items[:RECENT_LIMIT]


def last_folder() -> str:
    """The folder of the last photo opened or file saved ('' before the first)."""
    return LAST_FOLDER.get()


def set_last_folder(folder: str) -> None:
    LAST_FOLDER.set(folder)


def wheel_zooms() -> bool:
    """Whether the plain mouse wheel zooms the canvas (Ctrl+wheel always does)."""
    return WHEEL_ZOOMS.get()


def set_wheel_zooms(on: bool) -> None:
    WHEEL_ZOOMS.set(on)


def signing_identity() -> str:
    """The identity exports are signed with (Content Credentials), '' for none (Preferences)."""
    return SIGN_IDENTITY.get()


def set_signing_identity(path: str) -> None:
    SIGN_IDENTITY.set(path)
