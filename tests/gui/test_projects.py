"""Work that lasts: projects saved and reopened, the question before losing work, autosave journals,
moved masters, and the studio -> export -> rerun chain reproducing bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tratteggio.cli import main
from tratteggio.core import load_photo
from tratteggio.core.errors import ProjectError
from tratteggio.core.project.journal import summarize
from tratteggio.core.record.describe import sha256_file
from tratteggio.gui.main_window import MainWindow

from .test_studio import stroke


def restore_and_accept(qtbot: object, window: MainWindow, box: tuple[int, int, int, int]) -> None:
    doc = window.session.doc
    assert doc is not None
    x0, y0, x1, y1 = box
    bits = doc.mask.copy()
    bits[y0:y1, x0:x1] = True
    doc.set_mask(bits, "rect")
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()


def save_as(qtbot: object, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.projects.saved, timeout=30_000):  # type: ignore[attr-defined]
        window.projects.save_as(path)


def test_save_reopen_and_the_title_star(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    assert window.windowTitle() == "coffee.png — Tratteggio"
    window.canvas.set_brush(5)
    stroke(qtbot, window, [(100, 100), (160, 120)])
    assert window.windowTitle() == "coffee.png* — Tratteggio"
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    window.canvas.set_zoom(2.0)
    project = tmp_path / "coffee.tratteggio"
    save_as(qtbot, window, project)
    assert window.windowTitle() == "coffee.tratteggio — Tratteggio" and not window.projects.modified()
    doc = window.session.doc
    assert doc is not None
    mask, composite = doc.mask.copy(), doc.composite().copy()
    other = MainWindow()
    qtbot.addWidget(other)  # type: ignore[attr-defined]
    try:
        with qtbot.waitSignal(other.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
            other.files.open_path(project)
        again = other.session.doc
        assert again is not None and np.array_equal(again.mask, mask)
        assert len(again.interventions) == 1 and np.array_equal(again.composite(), composite)
        assert (
            other.canvas.zoom == pytest.approx(2.0)
            and other.windowTitle() == "coffee.tratteggio — Tratteggio"
        )
        stroke(qtbot, other, [(400, 300), (420, 310)])
        assert other.projects.modified()
        with qtbot.waitSignal(other.projects.saved, timeout=30_000):  # type: ignore[attr-defined]
            other.menus.actions["save"].trigger()
        assert not other.projects.modified()
    finally:
        other.projects.ask_save = lambda name: "discard"
        other.close()


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_unsaved_work_asks_save_discard_or_cancel(
    qtbot: object,
    window: MainWindow,
    photo_file: Path,
    tmp_path: Path,
    answer: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    first = window.session.doc
    asked: list[str] = []
    window.projects.ask_save = lambda name: asked.append(name) or answer  # type: ignore[func-returns-value]
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "kept.tratteggio"), "")
    )
    other = tmp_path / "other.png"
    shutil.copy(photo_file, other)
    window.files.open_path(other)
    assert asked == ["coffee.png"]
    if answer == "cancel":
        assert window.session.doc is first
    else:
        assert window.session.doc is not first and window.session.doc.path == other.resolve()  # type: ignore[union-attr]
    assert (tmp_path / "kept.tratteggio").exists() == (answer == "save")
    window.projects.ask_save = lambda name: "discard"


def test_closing_with_unsaved_work_can_be_cancelled(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    window.projects.ask_save = lambda name: "cancel"
    window.menus.actions["quit"].trigger()
    assert window.isVisible() and window.session.doc is not None and window.session.threads_running()
    window.projects.ask_save = lambda name: "discard"


def test_a_photo_with_a_project_beside_it_offers_the_project(
    qtbot: object, window: MainWindow, photo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    save_as(qtbot, window, photo_file.with_suffix(".tratteggio"))
    offered: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: offered.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(window.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
        window.files.open_path(photo_file)
    assert offered and "coffee.tratteggio" in offered[0]
    assert window.session.doc is not None and len(window.session.doc.interventions) == 1


def test_a_moved_master_is_asked_for_and_checked_by_its_hash(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    project = tmp_path / "p.tratteggio"
    save_as(qtbot, window, project)
    moved = tmp_path / "moved" / "coffee.png"
    moved.parent.mkdir()
    shutil.move(photo_file, moved)
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a[1]) or (str(moved), "")
    )
    with qtbot.waitSignal(window.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
        window.files.open_path(project)
    assert asked and "coffee.png" in asked[0]
    doc = window.session.doc
    assert doc is not None and doc.path == moved.resolve() and len(doc.interventions) == 1


def test_a_corrupt_project_is_a_dialog_and_changes_nothing(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    first = window.session.doc
    bad = tmp_path / "bad.tratteggio"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 90)
    with qtbot.waitSignal(window.session.runner.ended, timeout=10_000):  # type: ignore[attr-defined]
        window.files.open_path(bad)
    assert window.session.doc is first and "bad.tratteggio" in window.last_warning
    assert sorted(p.name for p in tmp_path.iterdir() if "bad" in p.name) == ["bad.tratteggio"]


def test_every_change_is_journaled_within_two_seconds(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    window.canvas.set_brush(4)
    stroke(qtbot, window, [(50, 50), (90, 60)])
    journal = window.projects.journal.path
    assert journal is not None
    doc = window.session.doc
    assert doc is not None

    def journaled() -> bool:
        try:
            return summarize(journal).mask_pixels == int(doc.mask.sum())
        except ProjectError:  # not written yet
            return False

    qtbot.waitUntil(journaled, timeout=2_000)  # type: ignore[attr-defined]
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    qtbot.waitUntil(lambda: summarize(journal).interventions == 1, timeout=2_000)  # type: ignore[attr-defined]
    window.menus.actions["undo"].trigger()
    qtbot.waitUntil(lambda: summarize(journal).interventions == 0, timeout=2_000)  # type: ignore[attr-defined]


def test_studio_session_export_then_rerun_gives_the_same_bytes(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    restore_and_accept(qtbot, window, (300, 200, 340, 240))
    window.panel.select_engine("telea", None)
    restore_and_accept(qtbot, window, (310, 220, 360, 260))  # overlapping the first
    restore_and_accept(qtbot, window, (50, 50, 80, 90))
    out = tmp_path / "restored.png"
    window.files.export_in_background(out)
    qtbot.waitUntil(lambda: "Exported" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    record = json.loads((tmp_path / "restored.record.json").read_text())
    assert [i["request"]["engine"] for i in record["interventions"]] == ["auto", "telea", "telea"]
    assert main(["rerun", str(tmp_path / "restored.record.json"), "-o", str(tmp_path / "again.png")]) == 0
    assert sha256_file(tmp_path / "again.png") == sha256_file(out) == record["output"]["sha256"]


def test_save_and_load_a_mask_as_a_one_bit_png(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.session.doc
    assert doc is not None
    doc.mask[40:60, 70:130] = True
    assert window.files.save_mask(tmp_path / "m.png")
    from PIL import Image

    with Image.open(tmp_path / "m.png") as image:
        assert image.mode == "1"
    assert not window.files.save_mask(photo_file)  # never over the master
    doc.set_mask(np.zeros_like(doc.mask), "clear")
    assert window.files.load_mask_path(tmp_path / "m.png") and doc.mask.sum() == 20 * 60


def test_an_aged_photo_is_saved_with_its_truth_and_exported_with_its_master(
    qtbot: object, window: MainWindow, photo_file: Path, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    for kind, box in window.age_panel.kinds.items():
        box.setChecked(kind == "cracks")
    with qtbot.waitSignal(window.session.runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.age_panel.age_button.click()
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.runs.accept()
    save_as(qtbot, window, tmp_path / "aged.tratteggio")
    window.files.export_in_background(tmp_path / "aged.png")
    qtbot.waitUntil(lambda: "Exported" in window.status.current_message(), timeout=30_000)  # type: ignore[attr-defined]
    record = json.loads((tmp_path / "aged.record.json").read_text())
    assert record["master"]["file"] == "aged.master.tif" and record["notes"]["origin"]["aging"]["kinds"] == [
        "cracks"
    ]
    assert record["master"]["sha256"] == sha256_file(tmp_path / "aged.master.tif")
    assert main(["rerun", str(tmp_path / "aged.record.json"), "-o", str(tmp_path / "again.png")]) == 0
    assert sha256_file(tmp_path / "again.png") == sha256_file(tmp_path / "aged.png")
    other = MainWindow()
    qtbot.addWidget(other)  # type: ignore[attr-defined]
    try:
        with qtbot.waitSignal(other.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
            other.files.open_path(tmp_path / "aged.tratteggio")
        doc = other.session.doc
        assert doc is not None and doc.truth is not None and doc.reference is not None
        assert np.array_equal(doc.reference, load_photo(photo_file).pixels)
        assert other.age_panel.compare_button.isEnabled()
    finally:
        other.close()
