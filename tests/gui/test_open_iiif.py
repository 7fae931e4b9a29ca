"""Issue 26: File ▸ Open from IIIF… fetches on the downloads runner and opens the master."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.iiif.server import IMAGE, make_tileset, serving
from tratteggio.gui.main_window import MainWindow


def test_open_from_iiif_fetches_and_opens_the_master(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    source = rng.integers(0, 256, (300, 500, 3), dtype=np.uint8)
    site = tmp_path / "site"
    site.mkdir()
    with serving(site) as base:
        make_tileset(site, source, tile=128, base=base)
        window.menus.actions["open_iiif"].trigger()
        dialog = window.files.iiif
        dialog.url.setText(f"{base}/{IMAGE}/info.json")
        dialog.output.setText(str(tmp_path / "folio.png"))
        dialog.start()
        qtbot.waitUntil(lambda: window.doc is not None and window.doc.path is not None, timeout=30_000)  # type: ignore[attr-defined]
    assert dialog.bar.value() == dialog.bar.maximum() == 12
    assert window.doc is not None and window.doc.path == tmp_path / "folio.png"
    assert np.array_equal(window.doc.photo.pixels, source)
    assert (tmp_path / "folio.png.source.json").is_file()


def test_a_refused_fetch_says_why_in_the_dialog(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with serving(site) as base:
        window.menus.actions["open_iiif"].trigger()
        dialog = window.files.iiif
        dialog.url.setText(f"{base}/{IMAGE}/info.json")
        dialog.output.setText(str(tmp_path / "folio.png"))
        dialog.start()
        qtbot.waitUntil(lambda: "Cannot fetch" in dialog.answer.text(), timeout=30_000)  # type: ignore[attr-defined]
    assert "404" in dialog.answer.text() and window.doc is None
    assert not (tmp_path / "folio.png").exists()
