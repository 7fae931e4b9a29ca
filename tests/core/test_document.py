"""The studio's Qt-free document: strokes as single undo steps storing only their box, accepting
interventions, hiding and removing them, and exporting with a record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tratteggio.core import Photo, RestorationRequest, load_photo, restore
from tratteggio.core.record.docexport import export_document
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke, fill_polygon

from .helpers import coffee


def paint(doc: Document, points: list[tuple[float, float]], radius: float = 3, value: bool = True) -> None:
    stroke = Stroke(doc.mask, radius, value)
    for x, y in points:
        stroke.to(x, y)
    doc.record_mask_change(stroke.finish("brush"))


def test_one_stroke_is_one_undo_step_and_stores_only_its_box() -> None:
    doc = Document(Photo(coffee()))
    paint(doc, [(10, 10), (50, 10), (50, 40)])
    painted = doc.mask.copy()
    assert painted[10, 30] and painted[25, 50] and not painted[30, 20]
    change = doc.history._done[-1].change  # type: ignore[attr-defined]
    assert change.box.area < 60 * 40 and change.old.nbytes <= change.box.area // 8 + 1
    paint(doc, [(100, 100), (120, 120)])
    assert doc.undo()
    assert np.array_equal(doc.mask, painted)
    assert doc.undo()
    assert not doc.mask.any()
    assert doc.redo() and np.array_equal(doc.mask, painted)


def test_eraser_and_lasso_and_whole_mask_operations_undo() -> None:
    doc = Document(Photo(coffee()))
    doc.record_mask_change(fill_polygon(doc.mask, [(10, 10), (60, 10), (60, 60), (10, 60)], True, "rect"))
    assert doc.mask.sum() == 51 * 51
    paint(doc, [(35, 0), (35, 100)], radius=2, value=False)
    assert not doc.mask[30, 35] and doc.mask[30, 20]
    doc.set_mask(~doc.mask, "invert")
    assert doc.mask[0, 0]
    doc.undo()
    doc.undo()
    assert doc.mask.sum() == 51 * 51


def test_accept_is_undoable_and_the_master_never_changes(tmp_path: Path) -> None:
    master = coffee()
    doc = Document(Photo(master.copy()), tmp_path / "master.png")
    doc.record_mask_change(
        fill_polygon(doc.mask, [(100, 100), (140, 100), (140, 130), (100, 130)], True, "r")
    )
    result = restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea"))
    intervention = doc.accept(result, doc.mask_object())
    assert not doc.mask.any()  # the filled damage is no longer marked
    assert np.array_equal(doc.composite(), result.pixels)
    assert np.array_equal(doc.photo.pixels, master)
    doc.set_visible(intervention, False)
    assert np.array_equal(doc.composite(), master)
    doc.set_visible(intervention, True)
    doc.undo()
    assert doc.interventions == [] and doc.mask.sum() > 0
    assert np.array_equal(doc.composite(), master)
    doc.redo()
    assert doc.interventions == [intervention]


def test_export_writes_photo_record_lossmap_and_visible_copy(tmp_path: Path) -> None:
    from tratteggio.core import save_photo

    save_photo(Photo(coffee()), tmp_path / "master.png")
    doc = Document(load_photo(tmp_path / "master.png"), tmp_path / "master.png")
    doc.record_mask_change(fill_polygon(doc.mask, [(100, 100), (140, 100), (140, 130)], True, "lasso"))
    doc.accept(restore(doc.photo, doc.mask_object(), RestorationRequest()), doc.mask_object())
    doc.record_mask_change(fill_polygon(doc.mask, [(300, 200), (340, 200), (340, 230)], True, "lasso"))
    doc.accept(restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea")), doc.mask_object())
    files = export_document(doc, tmp_path / "out.tif", visible_copy=True)
    record = json.loads(files["record"].read_text())
    assert [i["request"]["engine"] for i in record["interventions"]] == ["auto", "telea"]
    assert np.array_equal(load_photo(tmp_path / "out.tif").pixels, doc.composite())
    lossmap = load_photo(files["lossmap"]).pixels > 0
    assert lossmap[115, 130] and lossmap[215, 335] and not lossmap[0, 0]
    view = load_photo(files["tratteggio"]).pixels
    assert not np.array_equal(view[lossmap], doc.composite()[lossmap])
    assert np.array_equal(
        view[
            ~lossmap
            & ~np.roll(lossmap, 2, axis=1)
            & ~np.roll(lossmap, -2, axis=1)
            & ~np.roll(lossmap, 2, axis=0)
            & ~np.roll(lossmap, -2, axis=0)
        ],
        doc.composite()[
            ~lossmap
            & ~np.roll(lossmap, 2, axis=1)
            & ~np.roll(lossmap, -2, axis=1)
            & ~np.roll(lossmap, 2, axis=0)
            & ~np.roll(lossmap, -2, axis=0)
        ],
    )


def test_a_soft_brush_dithers_its_edge_and_stays_one_undo_step() -> None:
    doc = Document(Photo(coffee()))
    stroke = Stroke(doc.mask, 20, True, hardness=0.5)
    stroke.to(200, 200)
    doc.record_mask_change(stroke.finish("soft brush"))
    ys, xs = np.mgrid[0:400, 0:600]
    distance = np.hypot(xs - 200, ys - 200)
    assert doc.mask[distance <= 10].all()  # the hard core
    assert not doc.mask[distance > 20.5].any()  # nothing beyond the radius
    edge = doc.mask[(distance > 12) & (distance < 18)]
    assert 0.2 < edge.mean() < 0.8  # partial coverage, dithered
    doc.undo()
    assert not doc.mask.any()
