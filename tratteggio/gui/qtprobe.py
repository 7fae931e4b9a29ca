"""What only a running Qt can say, for the doctor's child process and the About box."""

from __future__ import annotations

import sys


def qt_runtime() -> tuple[str, str]:
    """(Qt version, platform name); starts a QGuiApplication if none runs (aborts if it cannot)."""
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    return str(qVersion()), str(app.platformName())  # type: ignore[attr-defined]
