"""The document says what it is in types: the edits its listeners hear, the reference to its master
(as a project loads and saves it) and the error that names a missing master by its fields."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tratteggio.core import Photo, load_photo, save_photo
from tratteggio.core.errors import MasterMissing, ProjectError
from tratteggio.core.geometry import Box
from tratteggio.core.project.load import read_project
from tratteggio.core.project.sync import ProjectSync, master_sha256
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit, MasterRef
from tratteggio.core.studio.maskedit import Stroke
from tratteggio.core.tasks.project import create_project

from .helpers import coffee


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.png"
    save_photo(Photo(coffee()), path)
    return path


def test_listeners_hear_typed_edits_and_only_edits_count_as_revisions() -> None:
    doc = Document(Photo(coffee()))
    heard: list[tuple[Edit, Box | None]] = []
    doc.listeners.append(lambda edit, box: heard.append((edit, box)))
    stroke = Stroke(doc.mask, 5, True)
    stroke.to(40, 40)
    doc.record_mask_change(stroke.finish("brush"))
    doc.begin_review("cracks", doc.mask.copy())
    doc.set_detector(b"taught")
    assert [edit for edit, _ in heard] == [Edit.MASK, Edit.REVIEW, Edit.DETECTOR]
    assert all(isinstance(edit, Edit) for edit, _ in heard) and heard[0][1] is not None
    assert doc.revision == 2  # the mask and the detector: a review is not kept
    doc.undo()  # the brush stroke (a review is no undo step)
    assert heard[-1][0] is Edit.MASK and doc.revision == 3 and not doc.mask.any()


def test_a_new_document_knows_no_hash_and_saving_one_records_it(master: Path, tmp_path: Path) -> None:
    doc = Document(load_photo(master), master)
    assert doc.master == MasterRef(None, verified=True)
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    assert doc.master == MasterRef(sha256_file(master), verified=True)
    assert master_sha256(doc) == doc.master.sha256  # computed once, then read back


def test_a_project_loads_its_master_reference_checked_or_awaiting_its_check(
    master: Path, tmp_path: Path
) -> None:
    create_project(master, tmp_path / "p.tratteggio")
    sha = sha256_file(master)
    checked, _ = read_project(tmp_path / "p.tratteggio")
    assert checked.master == MasterRef(sha, verified=True)
    fast, _ = read_project(tmp_path / "p.tratteggio", verify="fast")  # size and date match: no hash yet
    assert fast.master == MasterRef(sha, verified=False)
    assert fast.master.checked(True) == MasterRef(sha, verified=True) and fast.master.verified is False
    create_project(master, tmp_path / "emb.tratteggio", embed=True)
    master.unlink()
    embedded, _ = read_project(tmp_path / "emb.tratteggio", verify="fast")
    assert embedded.path is None and embedded.master == MasterRef(sha, verified=True)  # its own copy


def test_a_missing_master_is_named_by_its_fields_with_the_same_message(master: Path, tmp_path: Path) -> None:
    create_project(master, tmp_path / "p.tratteggio")
    shutil.move(master, tmp_path / "gone.png")
    with pytest.raises(MasterMissing) as caught:
        read_project(tmp_path / "p.tratteggio")
    missing = caught.value
    assert isinstance(missing, ProjectError)
    assert missing.path == str(master.resolve()) and missing.sha256 == sha256_file(tmp_path / "gone.png")
    assert str(missing) == (
        f"the master photo {master.resolve()} is missing; locate it (it is checked by its SHA-256)"
    )
    found, _ = read_project(tmp_path / "p.tratteggio", master=tmp_path / "gone.png")
    assert found.path == (tmp_path / "gone.png").resolve() and found.master.sha256 == missing.sha256
