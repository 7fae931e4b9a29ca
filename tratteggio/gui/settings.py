"""Persistent settings (QSettings): last engine and model, brush size, window layout, recent files."""

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
