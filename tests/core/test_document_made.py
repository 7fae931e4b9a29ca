"""The document with interventions of every kind: a revival composes after the fills, hides, undoes
and is removed like any intervention; extended and created documents export their lineage, and
rerun reproduces the export bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tratteggio.cli import main
from tratteggio.core import Photo, RestorationRequest, restore, save_photo
from tratteggio.core.color.estimate import ReviveRequest, estimate
from tratteggio.core.kinds.revive import ReviveIntervention
from tratteggio.core.lab.fading import fade
from tratteggio.core.pipeline.composite import apply_patches
from tratteggio.core.pipeline.extend import Margins, extend
from tratteggio.core.pipeline.imagine import imagine
from tratteggio.core.record.docexport import export_document
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.made import created_document, extended_document, source_of

from .helpers import coffee, square_mask


def faded_doc(tmp_path: Path) -> Document:
    path = tmp_path / "faded.png"
    save_photo(Photo(fade(coffee()[:120, :160], "dye", 4)), path)
    from tratteggio.core import load_photo

    return Document(load_photo(path), path)


def fill(doc: Document, x: int, y: int) -> None:
    mask = square_mask(doc.photo.height, doc.photo.width, x, y, 14)
    doc.mask[...] = mask.bits
    doc.accept(restore(doc.photo, mask, RestorationRequest(engine="telea")), mask)


def revival(doc: Document, strength: float = 0.8) -> ReviveIntervention:
    transform = estimate(doc.photo.pixels, ReviveRequest()).at_strength(strength)
    return ReviveIntervention(transform, ReviveRequest(strength=strength), doc.photo.shape2d)


def test_a_revival_composes_after_the_fills_and_hides_undoes_and_removes(tmp_path: Path) -> None:
    doc = faded_doc(tmp_path)
    master = doc.photo.pixels.copy()
    revive = revival(doc)
    doc.add(revive)
    fill(doc, 40, 30)  # accepted after the revival, composed before it
    filled = master.copy()
    apply_patches(filled, doc.interventions[1].result.patches)  # type: ignore[attr-defined]
    assert np.array_equal(doc.composite(), revive.transform.apply(filled))
    assert doc.composition()[-1] is revive
    doc.set_visible(revive, False)
    assert np.array_equal(doc.composite(), filled)
    doc.set_visible(revive, True)
    doc.remove(revive)
    assert np.array_equal(doc.composite(), filled)
    doc.undo()  # the removal
    assert np.array_equal(doc.composite(), revive.transform.apply(filled))
    doc.undo()  # the fill
    doc.undo()  # the revival
    assert doc.interventions == [] and np.array_equal(doc.composite(), master)
    assert np.array_equal(doc.photo.pixels, master)


def test_export_lists_fills_then_the_revival_and_reruns_bit_for_bit(tmp_path: Path) -> None:
    doc = faded_doc(tmp_path)
    doc.add(revival(doc))
    fill(doc, 40, 30)
    files = export_document(doc, tmp_path / "out.png")
    record = json.loads(files["record"].read_text())
    assert [i["kind"] for i in record["interventions"]] == ["fill", "revive"]
    assert record["loss_map"]["pixel_count"] == 120 * 160
    assert main(["rerun", str(files["record"]), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == files["output"].read_bytes()


def test_an_extended_document_documents_the_baked_fills_and_the_extension(tmp_path: Path) -> None:
    doc = faded_doc(tmp_path)
    fill(doc, 40, 30)
    doc.add(revival(doc, 1.0))
    extension = extend(source_of(doc), Margins(right=24, top=8), RestorationRequest(engine="telea"))
    new = extended_document(doc, extension)
    assert new.photo.shape2d == (128, 184) and new.lineage is not None
    assert new.lineage.master is doc.photo and new.lineage.path == doc.path
    fill(new, 150, 90)  # a restoration on the extended canvas
    files = export_document(new, tmp_path / "wide.tif")
    record = json.loads(files["record"].read_text())
    assert [i["kind"] for i in record["interventions"]] == ["fill", "revive", "extend", "fill"]
    assert record["master"]["file"] == "faded.png"
    assert record["output"]["file"] == "wide.tif" and record["loss_map"]["pixel_count"] == 128 * 184
    assert main(["rerun", str(files["record"]), "-o", str(tmp_path / "again.tif")]) == 0
    assert (tmp_path / "again.tif").read_bytes() == files["output"].read_bytes()


def test_a_created_document_exports_without_a_master_and_reruns(sd_model: str, tmp_path: Path) -> None:
    request = RestorationRequest(engine="diffusion", model=sd_model, steps=2, seed=3, dtype="float32")
    creation = imagine(request.replace(prompt="a city in the sky"), (64, 48))
    doc = created_document(creation)
    doc.add(revival(doc, 0.5))
    wider = extend(source_of(doc), Margins(left=16), RestorationRequest(engine="telea"))
    doc = extended_document(doc, wider)  # a creation is extended like any photo
    files = export_document(doc, tmp_path / "city.png")
    record = json.loads(files["record"].read_text())
    assert [i["kind"] for i in record["interventions"]] == ["imagine", "revive", "extend"]
    assert record["master"]["file"] is None and "master" not in files
    assert record["digital_source_type"].endswith("/trainedAlgorithmicMedia")
    assert main(["rerun", str(files["record"]), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == files["output"].read_bytes()
