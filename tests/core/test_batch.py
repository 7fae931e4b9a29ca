"""`tratteggio batch` in this process: the same files as `tratteggio restore`, failures reported while
the rest go on, resume without redoing anything, the journal in OUT/_batch/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.collection import (
    aged_collection,
    assert_same_as_restore,
    corrupt,
    names,
    outcomes,
    stamps,
    status_lines,
    summary,
    wrong_size_mask,
)
from tratteggio.cli import main
from tratteggio.core import Photo, load_photo, save_photo


def batch(photos: Path, out: Path, masks: Path, *extra: str) -> int:
    return main(["batch", str(photos), "-o", str(out), "--masks", str(masks), *extra])


def test_results_are_the_files_tratteggio_restore_writes(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 4)
    out, one = tmp_path / "out", tmp_path / "one"
    assert batch(photos, out, masks, "--engine", "telea", "--blend", "2") == 0
    assert_same_as_restore(photos, masks, out, one, "--engine", "telea", "--blend", "2")
    lines = status_lines(out)
    assert [line["photo"] for line in lines] == names(photos)
    assert {line["outcome"] for line in lines} == {"done"}
    assert all(line["worker"] and line["seconds"] > 0 for line in lines)
    report = summary(out)
    assert report["counts"] == {"done": 4} and report["photos"] == 4 and report["workers"] == 1
    assert report["failures"] == [] and report["lost"] == [] and report["backend"] == "in-process"


def test_failing_photos_are_reported_and_the_rest_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos, masks = aged_collection(tmp_path, 6)
    corrupt(photos / "photo00.png")
    wrong_size_mask(masks / "photo01.png")
    (masks / "photo03.png").unlink()
    out = tmp_path / "out"
    assert batch(photos, out, masks) == 1
    assert outcomes(out) == {
        "photo00.png": "failed",
        "photo01.png": "failed",
        "sub/photo02.png": "done",
        "photo03.png": "failed",
        "photo04.png": "done",
        "sub/photo05.png": "done",
    }
    messages = {f["photo"]: f["message"] for f in summary(out)["failures"]}
    assert "corrupt or truncated PNG" in messages["photo00.png"]
    assert "the mask is 20x10 but the photo is 96x72" in messages["photo01.png"]
    assert messages["photo03.png"] == f"no mask named photo03.* in {masks}"
    err = capsys.readouterr().err
    for message in (messages["photo00.png"], messages["photo01.png"]):  # these name the file already
        assert f"tratteggio: failed: {message}\n" in err
    assert f"tratteggio: failed: photo03.png: {messages['photo03.png']}\n" in err
    tracebacks = sorted(p.name for p in (out / "_batch" / "errors").iterdir())
    assert tracebacks == ["photo00.png.txt", "photo01.png.txt", "photo03.png.txt"]
    assert "Traceback" in (out / "_batch" / "errors" / "photo00.png.txt").read_text()
    assert not (out / "photo00.png").exists() and not (out / "photo00.record.json").exists()


def test_a_second_run_redoes_nothing_and_a_changed_input_only_itself(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 4)
    out = tmp_path / "out"
    assert batch(photos, out, masks) == 0
    before = stamps(out)
    assert batch(photos, out, masks) == 0
    assert set(outcomes(out).values()) == {"skipped"} and stamps(out) == before
    photo = load_photo(photos / "photo01.png").pixels.copy()
    photo[0, 0] ^= 1
    save_photo(Photo(photo), photos / "photo01.png")
    mask = load_photo(masks / "photo03.png").pixels.copy()
    mask[5:9, 5:9] = 255
    save_photo(Photo(mask), masks / "photo03.png")
    assert batch(photos, out, masks) == 0
    redone = {"photo01.png": "done", "photo03.png": "done"}
    assert outcomes(out) == {"photo00.png": "skipped", "sub/photo02.png": "skipped", **redone}
    assert batch(photos, out, masks, "--seed", "3") == 0  # another request: every result is stale
    assert set(outcomes(out).values()) == {"done"}
    assert batch(photos, out, masks, "--seed", "3", "--redo") == 0
    assert set(outcomes(out).values()) == {"done"}


def test_verify_outputs_redoes_an_edited_output(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 3)
    out = tmp_path / "out"
    assert batch(photos, out, masks) == 0
    (out / "photo00.png").write_bytes((out / "photo01.png").read_bytes())
    assert batch(photos, out, masks) == 0
    assert outcomes(out)["photo00.png"] == "skipped"  # the record and the photo still agree
    assert batch(photos, out, masks, "--verify-outputs") == 0
    assert outcomes(out) == {"photo00.png": "done", "photo01.png": "skipped", "sub/photo02.png": "skipped"}
    os.remove(out / "photo01.png")
    assert batch(photos, out, masks) == 0
    assert outcomes(out)["photo01.png"] == "done"


def test_stopping_after_max_failures_reports_the_rest_as_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos, masks = aged_collection(tmp_path, 4)
    corrupt(photos / "photo00.png")
    out = tmp_path / "out"
    assert batch(photos, out, masks, "--max-failures", "1") == 1
    report = summary(out)
    assert report["counts"] == {"failed": 1}
    assert report["lost"] == ["photo01.png", "photo03.png", "sub/photo02.png"]
    assert report["stopped"] == "stopped after 1 failures (--max-failures)"
    assert len(status_lines(out)) == 1
    err = capsys.readouterr().err
    assert "tratteggio: lost: photo01.png (no status line and no record)" in err
    # finished photos are not lost, even without a status line in this run
    assert batch(photos, out, masks) == 1
    assert batch(photos, out, masks, "--max-failures", "1") == 1
    report = summary(out)
    assert report["lost"] == [] and report["unreported"] == ["photo01.png", "photo03.png", "sub/photo02.png"]


def test_a_list_names_the_photos(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 3)
    listing = photos / "todo.txt"
    listing.write_text("# restore these first\nsub/photo02.png\n\nphoto00.png\n")
    out = tmp_path / "out"
    assert main(["batch", str(listing), "-o", str(out), "--masks", str(masks)]) == 0
    assert outcomes(out) == {"sub/photo02.png": "done", "photo00.png": "done"}
    assert (out / "sub" / "photo02.record.json").is_file()


def test_results_in_another_format(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 2)
    out = tmp_path / "out"
    assert batch(photos, out, masks, "--format", "tif") == 0
    assert load_photo(out / "photo00.tif").pixels.shape == load_photo(photos / "photo00.png").pixels.shape
