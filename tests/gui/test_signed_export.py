"""Issue 26: the studio's Export signs with the identity Preferences name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("c2pa")

from tests.hostile.common import cli  # noqa: E402
from tratteggio.core import load_photo  # noqa: E402
from tratteggio.gui.main_window import MainWindow  # noqa: E402


def test_export_signs_with_the_identity_in_preferences(
    qtbot: object, window: MainWindow, photo_file: Path, mask_file: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "lab"
    assert cli("credentials", "new", "--org", "Studio Lab", "-o", lab).code == 0
    window.menus.actions["preferences"].trigger()
    window.preferences.signing.setText(str(tmp_path / "nowhere"))
    window.preferences.accept()
    assert "Cannot sign" in window.preferences.answer.text()  # a wrong identity keeps the dialog open
    window.preferences.signing.setText(str(lab))
    window.preferences.accept()
    window.files.open_path(photo_file, mask_file)
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()
    doc = window.doc
    assert doc is not None
    window.files.export_in_background(tmp_path / "signed.png")
    qtbot.waitUntil(lambda: "(signed)" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    said = cli("verify", tmp_path / "signed.png")
    assert said.code == 0 and "Studio Lab" in said.out, said
    assert np.array_equal(load_photo(tmp_path / "signed.png").pixels, doc.composite())
