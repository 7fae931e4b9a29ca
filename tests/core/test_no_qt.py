"""core must never import Qt (napari keeps the same rule with an import test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tratteggio.core

CORE = Path(tratteggio.core.__file__).parent

BLOCKER = """
import importlib.abc, sys, pkgutil, importlib
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'qtpy', 'shiboken6'):
            raise ImportError('core imported Qt: ' + name)
sys.meta_path.insert(0, Block())
import tratteggio.core
for info in pkgutil.walk_packages(tratteggio.core.__path__, 'tratteggio.core.'):
    try:
        importlib.import_module(info.name)
    except ImportError as exc:  # the Ray backend needs the optional [cluster] extra
        if exc.name != 'ray':
            raise
import tratteggio.cli
bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch', 'diffusers')]
print('LOADED', bad)
"""


def test_core_and_cli_import_no_qt_and_no_torch() -> None:
    out = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True, check=True)
    # torch and diffusers load lazily: importing core (even the diffusion module) loads neither
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_no_qt_import_statement_in_core_sources() -> None:
    offenders = [
        str(path)
        for path in CORE.rglob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith(("import PySide6", "from PySide6", "import PyQt", "from PyQt"))
    ]
    assert offenders == []
