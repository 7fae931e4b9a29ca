"""Issue 26: project export and batch sign as restore does (the studio's Export calls the same
`export_document`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.collection import aged_collection
from tests.hostile import corpus
from tests.hostile.common import cli
from tratteggio.core import RestorationRequest, load_photo, restore
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.studio.document import Document

pytest.importorskip("c2pa")


def test_project_export_signs(tmp_path: Path, lab: Path) -> None:
    master = tmp_path / "master.png"
    master.write_bytes(corpus.encode(corpus.photo(48, 64), "png"))
    doc = Document(load_photo(master), master)
    doc.mask[10:20, 10:30] = True
    doc.accept(restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea")), doc.mask_object())
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    said = cli("project", "export", tmp_path / "p.tratteggio", "-o", tmp_path / "out.png", "--sign", lab)
    assert said.code == 0, said
    shown = cli("verify", tmp_path / "out.png")
    assert shown.code == 0 and "Archivio" in shown.out and "fill" in shown.out
    assert np.array_equal(load_photo(tmp_path / "out.png").pixels, doc.composite())


def test_batch_signs_every_result_and_resumes_only_signed(tmp_path: Path, lab: Path) -> None:
    photos, masks = aged_collection(tmp_path, 2)
    out = tmp_path / "out"
    args = ["batch", photos, "-o", out, "--masks", masks, "--engine", "telea"]
    assert cli(*args, "--sign", lab).code == 0
    records = sorted(out.rglob("*.record.json"))
    assert len(records) == 2
    for record in records:
        assert json.loads(record.read_text())["output"]["credentials"]
        assert cli("verify", record).code == 0
    again = cli(*args, "--sign", lab, "--verify-outputs")
    assert again.code == 0 and "2 skipped" in again.out, again
    unsigned = cli(*args)  # asked unsigned: the signed results are redone
    assert unsigned.code == 0 and "2 done" in unsigned.out, unsigned
