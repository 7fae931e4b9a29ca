"""The restore panel: one line per engine, seed controls only where a seed matters, and advice about
losses before a run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tratteggio.core.engine_catalog import CLASSICAL_ENGINES
from tratteggio.core.request import RestorationRequest
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.restore_panel import SEEDED_ENGINES, RestorePanel


def _select(panel: RestorePanel, kind: str) -> None:
    index = next(i for i in range(panel.engine.count()) if panel.engine.itemData(i)[0] == kind)
    panel.engine.setCurrentIndex(index)


def test_every_engine_is_explained_in_one_line_and_the_default_is_automatic(qtbot: object) -> None:
    panel = RestorePanel()
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    assert panel.engine.currentData() == ("classical", RestorationRequest().engine)
    labels = {panel.engine.itemData(i)[1]: panel.engine.itemText(i) for i in range(panel.engine.count())}
    assert labels["auto"] == "Automatic: the best fill for each region"
    for i, name in enumerate(CLASSICAL_ENGINES):
        assert "\n" not in labels[name]
        assert panel.engine.itemData(i, Qt.ItemDataRole.ToolTipRole)


def test_seed_candidates_and_reroll_are_disabled_for_deterministic_engines(qtbot: object) -> None:
    panel = RestorePanel()
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    panel.candidates.setValue(3)
    widgets = [panel.seed, panel.random_seed, panel.reroll_button, panel.candidates]
    for name in CLASSICAL_ENGINES:
        panel.select_engine(name, None)
        if name in SEEDED_ENGINES:  # PatchMatch's random search starts from the seed
            assert all(w.isEnabled() for w in widgets)
            assert panel.candidate_count() == 3
            continue
        assert not any(w.isEnabled() for w in widgets)
        assert all("deterministic" in w.toolTip() and name in w.toolTip() for w in widgets)
        assert panel.candidate_count() == 1
    _select(panel, "diffusion")
    assert all(w.isEnabled() for w in widgets)
    assert not any("deterministic" in w.toolTip() for w in widgets)
    assert panel.candidate_count() == 3


def test_losses_under_a_thin_damage_engine_are_pointed_out_before_the_run(
    qtbot: object, window: MainWindow, photo_file: Path
) -> None:
    window.files.open_path(photo_file)
    doc = window.doc
    assert doc is not None
    doc.mask[100:140, 200:250] = True  # a loss 40 px wide
    doc.mask[300, 20:300] = True  # and a thin scratch
    window.panel.select_engine("hybrid", None)
    advice: list[str] = []
    window.runs.stepsArrived.connect(lambda _: advice.append(window.panel.advice.text()))
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    assert advice, "the fill showed no step"
    assert "1 loss (up to 40 px wide" in advice[0] and "hybrid is made for thin damage" in advice[0]
    assert "auto or fsr fill them better" in advice[0]  # said before the first step arrived
    window.runs.discard()
    window.panel.select_engine("auto", None)
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    assert "auto fills them by frequency-selective reconstruction" in window.panel.advice.text()
    assert "fsr×4+biharmonic: 1 loss" in window.status.current_message()  # what auto did, after the run
