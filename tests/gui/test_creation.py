"""The studio's Revive Colours, Extend Canvas and New from Prompt: previews made on the runner,
picks on the canvas, interventions that hide and undo, new documents with their layers of time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import skimage.data

from tratteggio.core import Photo, save_photo
from tratteggio.core.kinds.revive import ReviveIntervention
from tratteggio.core.lab.fading import fade
from tratteggio.core.pipeline.extend import Margins
from tratteggio.gui.canvas import Tool
from tratteggio.gui.layers_owner import LayersOwner
from tratteggio.gui.main_window import MainWindow
from tratteggio.gui.panels.create_dialogs import ExtendDialog, PromptDialog, PromptValues


def faded_file(tmp_path: Path) -> Path:
    """A faded photo larger than the preview proxy (1280 x 1280)."""
    import cv2

    big = cv2.resize(skimage.data.astronaut(), (1280, 1280), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "faded.png"
    save_photo(Photo(fade(big, "dye", 8, 0.7)), path)
    return path


def test_menus_offer_new_from_prompt_extend_canvas_and_revive_colours(window: MainWindow) -> None:
    keys = ("new_from_prompt", "extend_canvas", "revive_colours")
    texts = {key: window.menus.actions[key].text() for key in keys}
    assert texts == {
        "new_from_prompt": "New from &Prompt…",
        "extend_canvas": "&Extend Canvas…",
        "revive_colours": "Re&vive Colours…",
    }
    assert ExtendDialog().margins  # the dialogs build and read back
    assert PromptDialog().values().size == (512, 512)


def test_revive_previews_on_the_runner_and_applies_as_an_undoable_intervention(
    qtbot: object, window: MainWindow, tmp_path: Path
) -> None:
    window.files.open_path(faded_file(tmp_path))
    doc = window.doc
    assert doc is not None
    master = doc.photo.pixels.copy()
    ended: list[str] = []
    window.session.runner.ended.connect(lambda handle: ended.append(handle.label))
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.revive.open()
    assert {"revive proxy", "revive estimate", "revive preview"} <= set(ended)  # all on the worker
    ((box, shown),) = window.canvas.preview
    assert (box.width, box.height) == (1280, 1280)  # drawn over the whole photo ...
    assert (shown.width(), shown.height()) == (1024, 1024)  # ... from a proxy-sized preview
    for value in (20, 40, 60):  # dragging: the previews are made on the worker, the last one wins
        window.revive_dialog.strength.setValue(value)
    qtbot.waitUntil(lambda: not window.revive._previewing, timeout=30_000)  # type: ignore[attr-defined]
    assert ended.count("revive preview") >= 2
    window.revive_dialog.split.setChecked(True)
    assert window.canvas.split == 0.5
    window.revive_dialog.apply_button.click()
    assert window.canvas.split is None and window.canvas.preview == []
    (revive,) = doc.interventions
    assert isinstance(revive, ReviveIntervention) and revive.transform.strength == 0.6
    assert np.array_equal(doc.composite(), revive.transform.apply(master))
    assert window.interventions.list.count() == 1
    window.session.undo()
    assert doc.interventions == [] and np.array_equal(doc.composite(), master)


def test_a_picked_gray_point_becomes_the_reference(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    window.files.open_path(faded_file(tmp_path))
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.revive.open()
    window.revive_dialog.choices.button(1).click()  # a point that was gray
    assert window.canvas.tool == Tool.PICK
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.canvas.pointPicked.emit(300, 800)
    assert window.revive.request.reference == "neutral" and window.revive.request.point == (300, 800)
    revive = window.revive.apply()
    assert revive is not None and revive.request.point == (300, 800)


def test_extend_canvas_opens_the_extension_with_its_layers_and_its_lineage(
    qtbot: object, window: MainWindow, photo_file: Path, sd_model: str, tmp_path: Path
) -> None:
    window.files.open_path(photo_file)
    old = window.doc
    assert old is not None
    window.panel.add_model(sd_model)
    window.panel.steps.setValue(3)
    with qtbot.waitSignal(window.creation.made, timeout=120_000):  # type: ignore[attr-defined]
        window.creation.extend(Margins(right=48, bottom=16), "sky")
    new = window.doc
    assert new is not None and new is not old and new.photo.shape2d == (416, 648)
    assert np.array_equal(new.photo.pixels[:400, :600], old.photo.pixels)
    qtbot.waitUntil(lambda: window.timeline.owner is LayersOwner.CREATE, timeout=10_000)  # type: ignore[attr-defined]
    assert window.timeline.strip.count() == 1 + 3 + 1
    window.timeline.slider.setValue(0)
    ((box, _),) = window.canvas.preview
    assert (box.width, box.height) == (648, 416)
    files_done: list[dict] = []
    window.files.export_in_background(tmp_path / "wide.png", on_done=files_done.append)
    qtbot.waitUntil(lambda: bool(files_done), timeout=30_000)  # type: ignore[attr-defined]
    record = json.loads(files_done[0]["record"].read_text())
    assert [i["kind"] for i in record["interventions"]] == ["extend"]
    assert record["master"]["file"] == photo_file.name


def test_new_from_prompt_opens_the_creation_with_the_noise_as_its_first_layer(
    qtbot: object, window: MainWindow, sd_model: str
) -> None:
    window.panel.add_model(sd_model)
    values = PromptValues("a city in the sky", "", (64, 48), steps=3, seed=5)
    with qtbot.waitSignal(window.creation.made, timeout=120_000):  # type: ignore[attr-defined]
        window.creation.imagine(values)
    doc = window.doc
    assert doc is not None and doc.photo.shape2d == (48, 64) and doc.lineage is not None
    qtbot.waitUntil(lambda: window.timeline.strip.count() == 1 + 3 + 1, timeout=10_000)  # type: ignore[attr-defined]
    assert "from noise" in window.timeline.title.text()
    window.timeline.slider.setValue(0)
    ((box, noise),) = window.canvas.preview
    assert (box.width, box.height) == (noise.width(), noise.height()) == (64, 48)
    with qtbot.waitSignal(window.revive.previewShown, timeout=30_000):  # type: ignore[attr-defined]
        window.revive.open()  # a creation can be revived like any photo
    assert window.revive.apply() is not None and len(doc.interventions) == 1
