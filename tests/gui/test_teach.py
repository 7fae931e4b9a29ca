"""Teach mode in the Detect tab: brush "not damage" over part of a look-alike, the proposal refits on
the worker; undo takes back the mark; Ctrl+Z follows what the user did last, in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from tratteggio.core import Photo, save_photo
from tratteggio.core.lab.marksim import near
from tratteggio.gui.canvas import Tool
from tratteggio.gui.main_window import MainWindow

from ..core.test_teach import crack_and_joint
from .test_studio import stroke, widget_point


def open_wall(window: MainWindow, tmp_path: Path) -> tuple[np.ndarray, np.ndarray]:
    pixels, crack, joint = crack_and_joint()
    save_photo(Photo(pixels), tmp_path / "wall.png")
    window.files.open_path(tmp_path / "wall.png")
    window.detect_panel.sensitivity.setValue(80)
    window.detect_panel.min_length.setValue(40)
    return crack, joint


def detect(qtbot: object, window: MainWindow) -> np.ndarray:
    with qtbot.waitSignal(window.session.runner.ended, timeout=30_000):  # type: ignore[attr-defined]
        window.detect_panel.detect_button.click()
    proposal = window.canvas.proposal_bits
    assert proposal is not None
    return proposal


def tool_button(window: MainWindow, value: str) -> object:
    (button,) = [b for b in window.detect_panel.tools.buttons() if b.property("tool") == value]
    return button


def test_a_not_damage_stroke_refits_the_proposal_and_undo_takes_it_back(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    crack, joint = open_wall(window, tmp_path)
    default = detect(qtbot, window)
    assert (default & near(joint, 2)).sum() > 100 and (default & near(crack, 2)).sum() > 100
    tool_button(window, "teach not damage").click()  # type: ignore[attr-defined]
    assert window.canvas.tool == Tool.TEACH_CLEAN
    window.canvas.set_brush(5)
    with qtbot.waitSignal(window.session.runner.ended, timeout=30_000):  # type: ignore[attr-defined]
        stroke(qtbot, window, [(265, 200), (300, 200), (335, 200)])  # the right quarter of the look-alike
    doc = window.doc
    assert doc is not None and doc.review is not None and doc.review.clean[200, 300]
    taught = window.canvas.proposal_bits
    assert taught is not None and not (taught & doc.review.clean).any() and (default & doc.review.clean).any()
    assert (taught & near(crack, 2)).sum() >= 0.95 * (default & near(crack, 2)).sum()
    assert not doc.mask.any()  # teaching never paints the mask
    window.menus.actions["undo"].trigger()  # the mark goes, and with it what it taught: at once
    back = window.canvas.proposal_bits
    assert back is not None and np.array_equal(back, default) and not doc.review.clean.any()
    window.menus.actions["redo"].trigger()  # and comes back, known already: no refit
    assert not window.session.runner.busy("refit")
    assert np.array_equal(window.canvas.proposal_bits, taught)  # type: ignore[arg-type]
    clean = doc.review.clean.copy()
    window.detect_panel.merge_button.click()
    assert doc.review is None and (doc.mask & near(crack, 2)).sum() > 100 and not (doc.mask & clean).any()
    assert window.canvas.tool == Tool.BRUSH


def test_ctrl_z_while_reviewing_undoes_the_last_rejection_not_an_earlier_stroke(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    crack, joint = open_wall(window, tmp_path)
    window.canvas.set_brush(4)
    stroke(qtbot, window, [(40, 30), (80, 30)])  # a brush stroke on the mask, before detecting
    doc = window.doc
    assert doc is not None
    painted = doc.mask.copy()
    assert painted[30, 60]
    proposal = detect(qtbot, window)
    ys, xs = np.nonzero(proposal & near(joint, 2))
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=widget_point(window, xs[0], ys[0]))  # type: ignore[attr-defined]
    rejected = window.canvas.proposal_bits
    assert rejected is not None and not rejected[ys[0], xs[0]]
    qtbot.waitUntil(lambda: not window.session.runner.busy("refit"), timeout=30_000)  # type: ignore[attr-defined]
    window.menus.actions["undo"].trigger()
    assert np.array_equal(doc.mask, painted), "Ctrl+Z undid the brush stroke, not the rejection"
    assert window.canvas.proposal_bits is not None and window.canvas.proposal_bits[ys[0], xs[0]]
    window.menus.actions["undo"].trigger()  # now the stroke
    assert not doc.mask.any() and window.canvas.proposal_bits is not None


def test_what_was_taught_is_saved_with_the_project_and_used_when_it_opens(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    from tratteggio.gui.main_window import MainWindow as Studio

    crack, joint = open_wall(window, tmp_path)
    detect(qtbot, window)
    tool_button(window, "teach not damage").click()  # type: ignore[attr-defined]
    window.canvas.set_brush(5)
    with qtbot.waitSignal(window.session.runner.ended, timeout=30_000):  # type: ignore[attr-defined]
        stroke(qtbot, window, [(265, 200), (300, 200), (335, 200)])
    doc = window.doc
    assert doc is not None and doc.detector is not None and window.projects.modified()
    project = tmp_path / "wall.tratteggio"
    with qtbot.waitSignal(window.projects.saved, timeout=30_000):  # type: ignore[attr-defined]
        window.projects.save_as(project)
    other = Studio()
    qtbot.addWidget(other)  # type: ignore[attr-defined]
    try:
        with qtbot.waitSignal(other.projects.opened, timeout=30_000):  # type: ignore[attr-defined]
            other.files.open_path(project)
        assert other.detect_panel.taught_label.text() == "Taught detector"
        carried = other.detection.detector("cracks")
        assert carried is not None and carried.head is not None and carried.to_bytes() == doc.detector
        other.detect_panel.sensitivity.setValue(80)
        other.detect_panel.min_length.setValue(40)
        again = detect(qtbot, other)  # scored by the kept detector: what the marks taught, no mark needed
        from tratteggio.core.lab.detect import propose_lines, search_lines

        pixels = crack_and_joint()[0]
        expected = propose_lines(search_lines(pixels, detector=carried).score(), other.detect_panel.request())
        assert np.array_equal(again, expected)
        assert (again & near(crack, 2)).sum() > 100 and not other.projects.modified()
    finally:
        other.projects.ask_save = lambda name: "discard"
        other.close()


def test_the_proposal_overlay_redraws_only_what_changed_and_matches_a_fresh_one(
    qtbot: object, monkeypatch: object
) -> None:
    import cv2

    from tratteggio.gui import review_overlay
    from tratteggio.gui.review_overlay import ReviewOverlay, proposal_proxy

    lines = np.zeros((2400, 5000), np.uint8)  # wider than 4096 px: the proxy is a reduced copy
    rng = np.random.default_rng(1)
    for _ in range(40):
        cv2.polylines(lines, [rng.integers(0, (5000, 2400), (6, 2)).astype(np.int32)], False, 1, 2)
    before = lines > 0
    overlay = ReviewOverlay()
    overlay.set_proposal(before)
    after = before.copy()
    after[1200:1300, 3900:4100] = False  # a part clicked away
    built: list[object] = []
    monkeypatch.setattr(review_overlay, "proposal_proxy", lambda bits: built.append(bits))  # type: ignore[attr-defined]
    overlay.set_proposal(after)
    assert built == [] and overlay.bits is after  # no whole new proxy on the GUI thread
    monkeypatch.undo()  # type: ignore[attr-defined]
    fresh, shown = proposal_proxy(after), overlay._proposal
    assert shown is not None and fresh.scale < 1
    alpha = np.abs(shown.buffer[..., 3].astype(int) - fresh.buffer[..., 3].astype(int))
    y0, y1, x0, x1 = (int(v * fresh.scale) for v in (1200, 1300, 3900, 4100))
    outside = alpha.copy()
    outside[y0 - 2 : y1 + 2, x0 - 2 : x1 + 2] = 0
    assert not outside.any()  # untouched where the proposal did not change
    assert alpha.mean() < 0.01 and shown.buffer[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2, 3].max() == 0  # part gone


def test_load_detector_uses_a_taught_file_and_a_broken_one_changes_nothing(
    window: MainWindow, tmp_path: Path
) -> None:
    from tratteggio.core.lab.detect import search_lines

    pixels, crack, joint = crack_and_joint()
    search = search_lines(pixels)
    taught = search.detector.taught_with(search.teach(crack, joint))
    taught.save(tmp_path / "wall.npz")
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really")
    warnings: list[str] = []
    window.session.problem.connect(warnings.append)
    window.detection.load_detector_file(str(tmp_path / "broken.npz"))
    assert len(warnings) == 1 and "broken.npz" in warnings[0] and window.detection.detector("cracks") is None
    window.detection.load_detector_file(str(tmp_path / "wall"))  # the .npz suffix is added
    used = window.detection.detector("cracks")
    assert used is not None and used.to_bytes() == taught.to_bytes()
    assert (
        window.detect_panel.taught_label.text() == "Taught detector" and window.detect_panel.carry.isChecked()
    )
    assert window.detection.detector("scratches") is None  # taught for cracks only
