"""A fake Qt platform-plugin folder: a copy of PySide6's real xcb plugin with one needed library
renamed to one no system has, so the real loader (ldd, and Qt itself) finds it missing."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tratteggio.core.support.libcheck import platform_plugin, pyside_folder

REAL, FAKE = b"libxcb-shape.so.0", b"libxcb-shapX.so.0"  # same length: the ELF string table keeps its size


def fake_plugin_folder(root: Path) -> Path:
    """`root/plugins/platforms/libqxcb.so` needing libxcb-shapX.so.0; `root/lib` is PySide6's Qt
    libraries, so the plugin's $ORIGIN/../../lib run path still finds them."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        pytest.skip("the plugin check reads ELF dependencies with ldd (Linux)")
    pyside = pyside_folder()
    real = platform_plugin("xcb", {})
    if pyside is None or real is None:
        pytest.skip("PySide6's xcb plugin is not installed")
    data = real.read_bytes()
    assert REAL in data
    folder = root / "plugins" / "platforms"
    folder.mkdir(parents=True)
    (folder / "libqxcb.so").write_bytes(data.replace(REAL, FAKE))
    (root / "lib").symlink_to(pyside / "Qt" / "lib")
    return folder
