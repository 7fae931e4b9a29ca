"""Projects: one SQLite file per master, written incrementally, read back whole; journals for recovery."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, RestorationRequest, load_photo, restore, save_photo
from tratteggio.core.errors import ProjectError
from tratteggio.core.geometry import Box
from tratteggio.core.project.api import summarize_project
from tratteggio.core.project.codec import tiles_of
from tratteggio.core.project.journal import JournalLock, new_journal, orphans, pending_for, remove_journal
from tratteggio.core.project.load import MasterMissing, read_project
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke
from tratteggio.core.tasks.project import create_project, export_project

from .helpers import coffee


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.tif"
    save_photo(Photo(coffee().astype(np.uint16) * 257), path)
    return path


def accepted(doc: Document, box: tuple[int, int, int, int], engine: str = "telea") -> None:
    x0, y0, x1, y1 = box
    doc.mask[y0:y1, x0:x1] = True
    result = restore(doc.photo, doc.mask_object(), RestorationRequest(engine=engine))
    doc.accept(result, doc.mask_object())


def test_a_document_round_trips_through_its_project(master: Path, tmp_path: Path) -> None:
    doc = Document(load_photo(master), master)
    accepted(doc, (100, 100, 140, 130))
    accepted(doc, (300, 200, 330, 260), engine="hybrid")
    doc.set_visible(doc.interventions[0], False)
    doc.mask[10:20, 500:560] = True
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    again, meta = read_project(tmp_path / "p.tratteggio")
    assert meta["master_sha256"] == sha256_file(master) and again.path == master.resolve()
    assert np.array_equal(again.mask, doc.mask)
    assert [(i.id, i.visible) for i in again.interventions] == [(1, False), (2, True)]
    assert np.array_equal(again.composite(), doc.composite())
    assert again.interventions[1].result.request == doc.interventions[1].result.request
    again.set_visible(again.interventions[0], True)
    doc.set_visible(doc.interventions[0], True)
    assert np.array_equal(again.composite(), doc.composite())


def test_a_save_after_one_stroke_writes_only_that_strokes_tiles(master: Path, tmp_path: Path) -> None:
    doc = Document(load_photo(master), master)
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    stroke = Stroke(doc.mask, 6, True)
    for x in range(200, 260, 5):
        stroke.to(x, 150)
    doc.record_mask_change(stroke.finish("brush"))
    pending = sync.pending()
    assert pending.tiles == set(tiles_of(doc.history._done[-1].change.box))  # type: ignore[attr-defined]
    assert len(pending.tiles) == 1 and pending.interventions == []
    size = (tmp_path / "p.tratteggio-wal").stat().st_size if (tmp_path / "p.tratteggio-wal").exists() else 0
    sync.write(pending)
    wal = (tmp_path / "p.tratteggio-wal").stat().st_size - size
    assert wal < 64_000  # one small tile and the meta, not the whole mask
    sync.close()
    assert read_project(tmp_path / "p.tratteggio")[0].mask.sum() == doc.mask.sum()


def test_removed_and_reordered_interventions_are_saved(master: Path, tmp_path: Path) -> None:
    doc = Document(load_photo(master), master)
    accepted(doc, (100, 100, 140, 130))
    accepted(doc, (300, 200, 330, 260))
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    doc.remove(doc.interventions[0])
    sync.write(sync.pending())
    sync.close()
    again, _ = read_project(tmp_path / "p.tratteggio")
    assert [i.id for i in again.interventions] == [2]
    accepted(again, (50, 50, 70, 70))
    assert again.interventions[-1].id == 3  # ids continue after the loaded ones


@pytest.mark.parametrize("damage", ["truncated", "foreign-sqlite", "not-sqlite", "empty", "folder"])
def test_a_corrupt_truncated_or_foreign_project_is_refused_in_one_line(
    master: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.tratteggio"
    create_project(master, path)
    doc, _ = read_project(path)
    if damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "foreign-sqlite":
        path.unlink()
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    elif damage == "not-sqlite":
        path.write_bytes(b"GIF89a" + b"\0" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
        path.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ProjectError):
        read_project(path)
    assert main(["project", "show", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_an_embedded_master_travels_and_a_moved_one_is_found_by_its_hash(
    master: Path, tmp_path: Path
) -> None:
    create_project(master, tmp_path / "ref.tratteggio")
    create_project(master, tmp_path / "emb.tratteggio", embed=True)
    moved = tmp_path / "elsewhere" / "master.tif"
    moved.parent.mkdir()
    shutil.move(master, moved)
    doc, _ = read_project(tmp_path / "emb.tratteggio")
    assert doc.photo.pixels.dtype == np.uint16 and doc.photo.shape2d == (400, 600)
    with pytest.raises(MasterMissing):
        read_project(tmp_path / "ref.tratteggio")
    found, _ = read_project(tmp_path / "ref.tratteggio", master=moved)
    assert found.path == moved.resolve()
    impostor = tmp_path / "impostor.tif"
    save_photo(Photo(coffee().astype(np.uint16) * 256), impostor)
    with pytest.raises(ProjectError, match="SHA-256"):
        read_project(tmp_path / "ref.tratteggio", master=impostor)


def test_project_cli_new_show_export_then_rerun_gives_the_same_bytes(
    master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mask = tmp_path / "mask.png"
    bits = np.zeros((400, 600), np.uint8)
    bits[150:190, 250:330] = 255
    save_photo(Photo(bits), mask)
    project = tmp_path / "coffee.tratteggio"
    assert main(["project", "new", str(master), "-o", str(project), "--mask", str(mask)]) == 0
    doc, _ = read_project(project)
    accepted(doc, (250, 150, 330, 190))
    accepted(doc, (400, 300, 430, 330), engine="hybrid")
    sync = ProjectSync.for_loaded(read_project(project)[0], project)
    sync.close()
    sync = ProjectSync(doc, tmp_path / "done.tratteggio")
    sync.write(sync.pending())
    sync.close()
    capsys.readouterr()
    assert main(["project", "show", str(tmp_path / "done.tratteggio")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["master"]["sha256"] == sha256_file(master) and shown["mask_pixels"] == 0
    assert [i["engine"] for i in shown["interventions"]] == ["telea", "hybrid"]
    assert shown["recovery"]["pending"] is False
    assert (
        main(["project", "export", str(tmp_path / "done.tratteggio"), "-o", str(tmp_path / "out.tif")]) == 0
    )
    assert main(["rerun", str(tmp_path / "out.record.json"), "-o", str(tmp_path / "again.tif")]) == 0
    assert sha256_file(tmp_path / "again.tif") == sha256_file(tmp_path / "out.tif")
    assert np.array_equal(load_photo(tmp_path / "out.tif").pixels, doc.composite())


def test_an_exported_project_without_a_master_file_writes_the_master_beside(tmp_path: Path) -> None:
    doc = Document(Photo(coffee()[:200, :300]))  # a pasted or aged photo: no file of its own
    accepted(doc, (100, 100, 140, 130))
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    files = export_project(tmp_path / "p.tratteggio", tmp_path / "out.png")
    record = json.loads(files["record"].read_text())
    assert record["master"]["file"] == "out.master.tif"
    assert record["master"]["sha256"] == sha256_file(tmp_path / "out.master.tif")
    assert main(["rerun", str(files["record"]), "-o", str(tmp_path / "again.png")]) == 0
    assert sha256_file(tmp_path / "again.png") == sha256_file(tmp_path / "out.png")


def test_journals_left_unlocked_are_offered_and_locked_ones_are_not(master: Path, tmp_path: Path) -> None:
    doc = Document(load_photo(master), master)
    doc.mask[0:10, 0:10] = True
    path, lock = new_journal()
    sync = ProjectSync(doc, path)
    project = tmp_path / "p.tratteggio"
    sync.write(sync.pending({"project": str(project.resolve())}))
    assert orphans() == [] and pending_for(project) is None  # this studio still holds it
    lock.release()  # as if the studio had been killed
    (found,) = orphans()
    assert found.mask_pixels == 100 and found.interventions == 0 and found.project == str(project.resolve())
    assert pending_for(project) == found
    summary = summarize_project(create_project(master, project))
    assert summary["recovery"]["pending"] and summary["recovery"]["mask_pixels"] == 100
    sync.close()
    remove_journal(path, JournalLock(path))
    assert orphans() == []


def test_a_revival_of_colours_is_saved_with_the_fills_and_composes_after_them(
    master: Path, tmp_path: Path
) -> None:
    from tratteggio.core.color.estimate import ReviveRequest, estimate
    from tratteggio.core.kinds.revive import ReviveIntervention

    doc = Document(load_photo(master), master)
    accepted(doc, (100, 100, 140, 130))
    transform = estimate(doc.photo.pixels, ReviveRequest("neutral", point=(30, 40))).at_strength(0.7)
    doc.add(
        ReviveIntervention(
            transform, ReviveRequest("neutral", point=(30, 40), strength=0.7), doc.photo.shape2d
        )
    )
    accepted(doc, (300, 200, 330, 260))
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    again, _ = read_project(tmp_path / "p.tratteggio")
    kinds = [type(i).__name__ for i in again.interventions]
    assert kinds == ["Intervention", "ReviveIntervention", "Intervention"]
    assert [i.id for i in again.interventions] == [1, 2, 3]
    revival = again.interventions[1]
    assert revival.request == doc.interventions[1].request and revival.transform == transform
    assert np.array_equal(again.composite(), doc.composite())
    region = Box(280, 180, 360, 280)
    assert np.array_equal(again.composite_region(region), doc.composite()[region.slices])


def test_a_taught_detector_is_kept_in_the_project_and_scores_as_before(master: Path, tmp_path: Path) -> None:
    from tests.core.test_teach import crack_and_joint
    from tratteggio.core.lab.detect import DetectRequest, propose_lines, search_lines
    from tratteggio.core.lab.detector import LineDetector

    pixels, crack, joint = crack_and_joint()
    search = search_lines(pixels)
    head = search.teach(crack, joint)  # the crack marked "damage", the joint "not damage"
    taught = search.detector.taught_with(head)
    doc = Document(load_photo(master), master)
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    revision = doc.revision
    doc.set_detector(taught.to_bytes())
    assert doc.revision == revision + 1 and sync.dirty()  # the project has unsaved work
    pending = sync.pending()
    assert pending.detector_changed and not sync.pending().detector_changed
    sync.write(pending)
    sync.close()
    again, _ = read_project(tmp_path / "p.tratteggio")
    assert again.detector == doc.detector
    kept = LineDetector.from_bytes(again.detector or b"")
    request = DetectRequest(sensitivity=0.6, min_length=40)
    before = propose_lines(search.score(head), request)
    after = propose_lines(search_lines(pixels, detector=kept).score(kept.head), request)
    default = propose_lines(search.score(), request)
    assert np.array_equal(before, after) and (after & joint).sum() < (default & joint).sum() / 5
    doc.set_detector(None)  # "forget teaching" takes it out of the project too
    sync = ProjectSync.for_loaded(doc, tmp_path / "p.tratteggio")
    doc.set_detector(None)
    assert not sync.dirty()
