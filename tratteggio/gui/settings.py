"""Persistent settings (QSettings): last engine and model, brush size, window layout, recent files,
what the mouse wheel does. (The diffusion server keys live with their dialog, in preferences.py.)"""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "Tratteggio"
APPLICATION = "Tratteggio Studio"
RECENT_LIMIT = 10


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def recent_files() -> list[str]:
    value = settings().value("recent", [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def add_recent(path: str) -> list[str]:
    items = [path] + [p for p in recent_files() if p != path]
    settings().setValue("recent", items[:RECENT_LIMIT])
    return items[:RECENT_LIMIT]


def last_folder() -> str:
    """The folder of the last photo opened or file saved ('' before the first)."""
    return str(settings().value("last_folder", "") or "")


def set_last_folder(folder: str) -> None:
    settings().setValue("last_folder", folder)


WHEEL_ZOOMS = "canvas/wheel_zooms"  # the wheel zooms (the studio's first habit); else it scrolls


def wheel_zooms() -> bool:
    """Whether the plain mouse wheel zooms the canvas (Ctrl+wheel always does)."""
    return str(settings().value(WHEEL_ZOOMS, "false")).lower() == "true"


def set_wheel_zooms(on: bool) -> None:
    settings().setValue(WHEEL_ZOOMS, "true" if on else "false")


def signing_identity() -> str:
    """The identity exports are signed with (Content Credentials), '' for none (Preferences)."""
    return str(settings().value("sign_identity", "") or "")


def set_signing_identity(path: str) -> None:
    settings().setValue("sign_identity", path)
