"""Package data (trained detector arrays, icons, sample photos), found by one helper."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def resource(name: str) -> Path:
    """The path of a packaged resource file, e.g. `resource("crack_detector.npz")`."""
    return FOLDER / name
