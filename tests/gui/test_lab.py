"""Detect damage and review the proposal; age a photo, restore it, compare with the original."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tratteggio.core import Photo, save_photo
from tratteggio.gui.canvas import Tool
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.runner import JobState

from .test_studio import widget_point


def jagged(rng: np.random.Generator, anchors: list[tuple[int, int]]) -> np.ndarray:
    """A polyline through the anchors (kept exact) with a vertex every ~12 px jittered by ~2.5 px."""
    points: list[np.ndarray] = [np.array(anchors[0], float)]
    for a, b in itertools.pairwise(anchors):
        n = max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) // 12))
        for t in np.linspace(0, 1, n + 1)[1:-1]:
            points.append((1 - t) * np.array(a) + t * np.array(b) + rng.normal(0, 2.5, 2))
        points.append(np.array(b, float))
    return np.round(points).astype(np.int32)


def cracked_photo(tmp_path: Path) -> Path:
    import cv2

    pixels = np.full((240, 320, 3), 185, np.uint8)
    rng = np.random.default_rng(3)  # jagged, as real cracks are: a straight dark line reads as a joint
    for anchors in ([(10, 20), (150, 90), (300, 60)], [(20, 220), (160, 170), (310, 200)]):
        cv2.polylines(pixels, [jagged(rng, anchors)], False, (50, 45, 40), 2)
    path = tmp_path / "cracked.png"
    save_photo(Photo(pixels), path)
    return path


def test_detect_review_and_merge_is_undoable(
    qtbot: object, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.files.open_path(cracked_photo(tmp_path))
    runner = window.session.runner
    ticks: list[tuple[float, float]] = []
    window.session.progress.connect(lambda done, total, _: ticks.append((done, total)) if total else None)
    with qtbot.waitSignal(runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    assert ticks == [(1, 1)] and not window.status.progress.isVisible()  # one tile scored, bar hidden after
    proposal = window.canvas.proposal_bits
    assert proposal is not None and proposal[90, 150] and proposal[170, 160]
    # moving the slider detects again from the kept crack score: nothing is scored twice
    from tratteggio.core.lab import detect as detection  # the controller imports it when it runs

    def no_rescoring(*args: object) -> np.ndarray:
        raise AssertionError("the crack score was computed again")

    monkeypatch.setattr(detection, "search_lines", no_rescoring)
    window.detect_panel.sensitivity.setValue(20)
    with qtbot.waitSignal(runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.detect_panel.sensitivity.sliderReleased.emit()
    stricter = window.canvas.proposal_bits
    assert stricter is not None and stricter.sum() <= proposal.sum() and stricter[90, 150]
    # reject the lower crack by clicking on it
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=widget_point(window, 160, 170))  # type: ignore[attr-defined]
    kept = window.canvas.proposal_bits
    assert kept is not None and kept[90, 150] and not kept[170, 160]
    window.detect_panel.merge_button.click()
    doc = window.doc
    assert doc is not None and doc.mask[90, 150] and not doc.mask[170, 160]
    assert window.canvas.proposal_bits is None
    window.menus.actions["undo"].trigger()
    assert not doc.mask.any()


def test_age_restore_and_compare_with_the_original(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    original = window.doc.photo.pixels.copy()  # type: ignore[union-attr]
    for kind, box in window.age_panel.kinds.items():
        box.setChecked(kind in ("cracks", "dust"))
    with qtbot.waitSignal(window.session.runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.age_panel.age_button.click()
    doc = window.doc
    assert doc is not None and doc.truth is not None and np.array_equal(doc.reference, original)
    assert doc.mask.any() and np.array_equal(doc.mask, doc.truth)
    assert window.timeline.strip.count() == 3  # before, cracks, dust
    window.timeline.slider.setValue(0)
    ((box, shown),) = window.canvas.preview
    assert (box.width, box.height) == (600, 400)
    ys, xs = np.nonzero(doc.truth)
    color = shown.pixelColor(int(xs[0]), int(ys[0]))  # a damaged pixel, shown as it was before
    assert (color.red(), color.green(), color.blue()) == tuple(original[ys[0], xs[0]])
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):  # type: ignore[attr-defined]
        window.runs.start()
    window.age_panel.compare_button.click()
    text = window.age_panel.figures.text()
    assert "PSNR" in text and "SSIM" in text
    psnr = float(text.split("PSNR ")[1].split(" dB")[0])
    assert 20 < psnr < 80


def test_pick_the_support_colour_from_a_loss_then_detect_losses(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    pixels = np.random.default_rng(3).normal(90, 6, (240, 320, 3)).clip(0, 255).astype(np.uint8)
    pixels[150:, :] = 238  # a large light area that is not a loss
    pixels[60:100, 90:130] = (219, 204, 176)  # plaster showing through
    save_photo(Photo(pixels), tmp_path / "loss.png")
    window.files.open_path(tmp_path / "loss.png")
    panel = window.detect_panel
    panel.kind.setCurrentText("losses")
    assert panel.pick_support.isEnabled() and panel.support is None
    panel.pick_support.click()
    assert window.canvas.tool == Tool.PICK
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=widget_point(window, 110, 80))  # type: ignore[attr-defined]
    assert window.canvas.tool == Tool.BRUSH and window.doc is not None and not window.doc.mask.any()
    assert panel.support is not None and np.allclose(panel.support, (219 / 255, 204 / 255, 176 / 255))
    with qtbot.waitSignal(window.session.runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        panel.detect_button.click()
    proposal = window.canvas.proposal_bits
    assert proposal is not None and proposal[80, 110] and not proposal[200:].any()
    panel.kind.setCurrentText("cracks")
    assert not panel.pick_support.isEnabled()


def test_esc_cancels_a_damage_search_between_tiles(
    qtbot: object, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tratteggio.core.lab import crackscore

    monkeypatch.setattr(crackscore, "TILE", 32)  # 80 tiles on the 240x320 photo
    window.files.open_path(cracked_photo(tmp_path))
    runner = window.session.runner
    ticks: list[float] = []

    def press_esc(done: float, total: float, text: str) -> None:
        if total:
            ticks.append(done)
            window.menus.actions["cancel"].trigger()

    window.session.progress.connect(press_esc)
    with qtbot.waitSignal(runner.ended, timeout=20_000) as ended:  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    window.session.progress.disconnect(press_esc)
    assert ended.args[0].state == JobState.CANCELLED
    assert 1 <= len(ticks) < 80 and window.canvas.proposal_bits is None
    assert not window.status.progress.isVisible() and not runner.busy("detect")
    # the next search runs to the end
    with qtbot.waitSignal(runner.ended, timeout=20_000):  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    assert window.canvas.proposal_bits is not None and window.canvas.proposal_bits[90, 150]
