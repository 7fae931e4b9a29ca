"""The Revive dialog: its text fits, the strength slider and the split update the preview live,
and "Calibrate from the colour chart" finds the chart, outlines it and applies the fitted transform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import skimage.data

from tratteggio.core import Photo, save_photo
from tratteggio.core.lab.chartscene import Cast, captured, place_chart
from tratteggio.gui.main_window import MainWindow


def chart_file(tmp_path: Path) -> tuple[Path, np.ndarray]:
    rng = np.random.default_rng(4)
    photo = skimage.data.coffee().astype(np.float32) / 255.0
    rgb, corners = place_chart(photo, 250, rng)
    path = tmp_path / "with_chart.png"
    save_photo(Photo(captured(rgb, Cast((1.0, 0.85, 0.65), 1.1), rng, blur=0.7, noise=0.005)), path)
    return path, corners


def test_dialog_text_fits(window: MainWindow) -> None:
    dialog = window.revive_dialog
    dialog.show()
    metrics = dialog.fontMetrics()
    assert dialog.width() >= metrics.horizontalAdvance(dialog.windowTitle()) + 100
    for button in dialog.choices.buttons():
        assert button.sizeHint().width() <= dialog.width()
    dialog.figures.setText(
        "revive: black 0.123 0.123 0.123, white 0.987 0.987 0.987, gamma 1.234 1.234 1.234, "
        "saturation 1.25, strength 1.00 (R G B, 0..1 of full scale)"
    )
    assert dialog.figures.wordWrap() and dialog.figures.heightForWidth(dialog.width() - 40) > 0
    dialog.hide()


def test_calibrate_from_the_chart_outlines_it_and_applies(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    path, corners = chart_file(tmp_path)
    window.files.open_path(path)
    doc = window.doc
    assert doc is not None
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.revive.open()
    first = window.canvas.preview[0][1].copy()
    labels = [b.text() for b in window.revive_dialog.choices.buttons()]
    chart_button = window.revive_dialog.choices.buttons()[labels.index("Calibrate from the colour chart")]
    with qtbot.waitSignal(window.revive.previewShown, timeout=60_000):  # type: ignore[attr-defined]
        chart_button.click()
    assert window.revive.request.reference == "chart"
    assert "chart ΔE00 per patch" in window.revive_dialog.figures.text()
    outline = window.revive.outline  # type: ignore[attr-defined]
    assert outline is not None and outline.shape == (4, 2)
    assert np.abs(np.sort(outline, axis=0) - np.sort(corners, axis=0)).max() < 30  # in photo pixels
    (_, shown), (box, drawn) = window.canvas.preview  # the preview, and the outline drawn over it
    assert shown != first  # the preview changed with the reference
    assert box.x0 <= outline[:, 0].min() and box.x1 >= outline[:, 0].max() and not drawn.isNull()
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.revive_dialog.strength.setValue(30)  # live: a new preview at the new strength
    window.revive_dialog.split.setChecked(True)
    assert window.canvas.split == 0.5
    revive = window.revive.apply()
    assert revive is not None and revive.request.reference == "chart" and revive.transform.strength == 0.3
    assert window.revive.outline is None and window.canvas.preview == []  # type: ignore[attr-defined]
    assert window.canvas.split is None
