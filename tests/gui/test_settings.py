"""Every QSettings key is declared once, typed, in gui/settings.py: each reads back what it wrote,
a value it cannot read gives its default, and no other studio module names a key as a string."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QByteArray

from tratteggio.gui import settings as prefs

EXAMPLES: dict[str, object] = {
    "recent": ["/a.png", "/b.png"],
    "last_folder": "/photos",
    "canvas/wheel_zooms": True,
    "sign_identity": "/id.pem",
    "geometry": QByteArray(b"\x01\x02"),
    "state": QByteArray(b"\x03"),
    "brush": 7.5,
    "hardness": 0.25,
    "mask_color": (1, 2, 3, 4),
    "engine": "telea",
    "model": "/models/x.safetensors",
    "diffusion/where": "remote",
    "diffusion/url": "http://host:8000",
    "diffusion/token_file": "/token",
    "diffusion/worker_idle_minutes": 3,
}


def test_every_key_reads_back_what_it_wrote_and_its_default_when_unset() -> None:
    assert sorted(key.name for key in prefs.KEYS) == sorted(EXAMPLES)
    for key in prefs.KEYS:
        assert key.get() == key.default, key.name
        key.set(EXAMPLES[key.name])
        prefs.sync()
        assert key.get() == EXAMPLES[key.name], key.name


def test_a_value_that_does_not_parse_gives_the_default() -> None:
    for key in (prefs.BRUSH, prefs.WORKER_IDLE_MINUTES, prefs.MASK_COLOR):
        prefs.settings().setValue(key.name, "not a number")
        assert key.get() == key.default, key.name
    prefs.RECENT.set(["/only.png"])  # a list of one comes back from the INI file as a string
    assert prefs.recent_files() == ["/only.png"]


def test_no_other_studio_module_reads_or_writes_settings_by_name() -> None:
    gui = Path(prefs.__file__).parent
    pattern = re.compile(r"QSettings\(|settings\(\)\.(value|setValue)|\bstore\.(value|setValue)\(")
    offenders = [
        str(path.relative_to(gui))
        for path in gui.rglob("*.py")
        if path.name != "settings.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
