"""Issue 28 (the third hostile probe): the command-line surfaces. Every case here failed before its
fix: an output that replaced an input, a run that lost a photo without saying so, a record that
named bytes it never read, an exit status that hid a difference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask
from tests.hostile.projects import WORKED_EDITS


def no_work(*args: object, **kwargs: object) -> object:
    raise AssertionError("the work started before the outputs were checked")


@pytest.mark.parametrize("command", ["extend", "imagine"])
def test_previews_never_replace_an_input_or_an_output_and_are_checked_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """`extend d/step-000.png --previews d` replaced the master and exited 0; imagine's previews
    replaced its own output. Both are refused, one line, exit 2, before the model is touched."""
    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    (tmp_path / "d").mkdir()
    shutil.copy("photo.png", "d/step-000.png")
    monkeypatch.setattr(f"tratteggio.core.pipeline.{command}.{command}", no_work)  # imported at dispatch
    model = ["--model", str(tmp_path / "model")]  # never loaded: the refusals come first
    before = fingerprint(tmp_path)
    if command == "extend":
        said = cli("extend", "d/step-000.png", "--right", "16", "-o", "d/o.png", "--previews", "d", *model)
        one_refusal(said, "step-000.png", "input")
        wide = ["extend", "photo.png", "--right", "16", *model]
        one_refusal(cli(*wide, "-o", "d/step-001.png", "--previews", "d"))
        one_refusal(cli(*wide, "-o", "o.png", "--previews", "photo.png"))
    else:
        one_refusal(cli("imagine", "city", "-o", "d/step-002.png", "--previews", "d", *model), "step-002.png")
        one_refusal(cli("imagine", "city", "-o", "o.png", "--previews", "photo.png", *model))
    assert fingerprint(tmp_path) == before


def test_extend_previews_are_part_of_the_documented_set(
    sd_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview that cannot be written leaves no output, no record, no preview: all or nothing."""
    from tratteggio.core.pipeline import layers

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    real = layers.sequence_writers

    def failing_last(*args: object) -> list[tuple[Path, layers.Writer]]:
        files = real(*args)  # type: ignore[arg-type]

        def fail(tmp: Path) -> None:
            raise OSError(28, "No space left on device")

        return [*files[:-1], (files[-1][0], fail)]

    monkeypatch.setattr("tratteggio.core.pipeline.layers.sequence_writers", failing_last)
    before = fingerprint(tmp_path)
    args = ["--model", sd_model, "--steps", "2", "--dtype", "float32", "--previews", "L"]
    one_refusal(cli("extend", "photo.png", "--right", "8", "-o", "o.png", *args), "No space left")
    assert fingerprint(tmp_path) == before


def test_batch_refuses_a_run_where_one_photos_sidecar_is_another_photos_result(tmp_path: Path) -> None:
    """`scan.png`'s loss map would be `scan.lossmap.png`'s result (and the other way round)."""
    from tests.collection import aged_collection

    photos, masks = aged_collection(tmp_path, 1)
    for folder in (photos, masks):
        shutil.copy(folder / "photo00.png", folder / "photo00.lossmap.png")
    before = fingerprint(tmp_path)
    said = cli("batch", photos, "-o", tmp_path / "out", "--masks", masks, "--engine", "telea")
    one_refusal(said, "photo00.png", "photo00.lossmap.png", "would both write")
    assert fingerprint(tmp_path) == before and not (tmp_path / "out").exists()


def test_batch_resume_does_not_hang_on_a_photo_replaced_by_a_fifo(tmp_path: Path) -> None:
    """The resume check hashed the photo before looking at what it is: a FIFO blocked forever."""
    import os
    import subprocess
    import sys

    from tests.collection import aged_collection, outcomes

    photos, masks = aged_collection(tmp_path, 2)
    args = ["batch", str(photos), "-o", str(tmp_path / "out"), "--masks", str(masks), "--engine", "telea"]
    assert cli(*args).code == 0
    (photos / "photo01.png").unlink()
    os.mkfifo(photos / "photo01.png")
    run = [sys.executable, "-m", "tratteggio", *args]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60, env=os.environ)
    assert done.returncode == 1, done.stderr
    assert "photo01.png" in done.stderr and "regular file" in done.stderr
    assert outcomes(tmp_path / "out") == {"photo00.png": "skipped", "photo01.png": "failed"}


def test_batch_names_and_counts_a_folder_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests run as root, whom chmod 000 does not stop: listing `sub` is made to fail instead,
    as it does for a user without the permission."""
    import json
    import os

    from tests.collection import aged_collection

    photos, masks = aged_collection(tmp_path, 3)
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.path.basename(os.fspath(path)) == "sub" and "photos" in os.fspath(path):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    said = cli("batch", photos, "-o", tmp_path / "out", "--masks", masks, "--engine", "telea")
    assert said.code == 1, said
    assert "unreadable" in said.err and "sub" in said.err and "Permission denied" in said.err
    assert "1 folder(s) unreadable" in said.out
    report = json.loads((tmp_path / "out" / "_batch" / "summary.json").read_text())
    assert len(report["unreadable"]) == 1 and report["counts"] == {"done": 2}


def test_the_record_names_the_master_that_was_read_not_the_one_there_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The master is replaced while the restoration runs: the record keeps the hash of the bytes
    restored, so `verify` and `rerun` agree that the master has changed since."""
    import hashlib

    from tests.hostile import corpus
    from tratteggio.core.pipeline import restore as command  # the command imports it when it runs

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    read = hashlib.sha256(Path("photo.png").read_bytes()).hexdigest()
    real = command.restore

    def replaced_meanwhile(*args: object, **kwargs: object) -> object:
        Path("photo.png").write_bytes(corpus.encode(255 - corpus.photo(), "png"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "restore", replaced_meanwhile)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "o.png", "--engine", "telea").code == 0
    monkeypatch.setattr(command, "restore", real)
    import json

    assert json.loads(Path("o.record.json").read_text())["master"]["sha256"] == read
    one_refusal(cli("verify", "o.record.json"), "photo.png", "master")
    one_refusal(cli("rerun", "o.record.json", "-o", "again.png"), "photo.png", "master")


def test_rerun_says_differs_with_a_non_zero_exit_and_verify_refuses_an_edited_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """telea -> hybrid in the record's request: `rerun` printed DIFFERS and exited 0, and `verify`
    passed the record. The record says which engine ran: the edit no longer agrees with it."""
    import json

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "o.png", "--engine", "telea").code == 0
    assert cli("verify", "o.record.json").code == 0
    record = json.loads(Path("o.record.json").read_text())
    record["interventions"][0]["request"]["engine"] = "hybrid"
    Path("o.record.json").write_text(json.dumps(record))
    one_refusal(cli("verify", "o.record.json"), "hybrid", "telea")
    one_refusal(cli("rerun", "o.record.json", "-o", "again.png"), "hybrid", "telea")
    # a rerun that runs but does not match: the output is kept, and the exit status says so
    record["interventions"][0]["request"]["engine"] = "telea"
    record["output"]["sha256"] = "0" * 64
    Path("o.record.json").write_text(json.dumps(record))
    said = cli("rerun", "o.record.json", "-o", "again.png")
    assert said.code == 3 and "DIFFERS" in said.out, said


@pytest.fixture(scope="module")
def doctored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.hostile import projects

    folder = tmp_path_factory.mktemp("projects")
    projects.build(folder)
    return folder


@pytest.mark.parametrize("name", sorted(WORKED_EDITS))
def test_a_doctored_project_is_one_line_exit_2_never_an_internal_error(
    doctored: Path, tmp_path: Path, name: str
) -> None:
    """Patch boxes outside the photo, odd embedded-master names, a list in `origin`, rows whose
    numbers are text: exit 1 before; now a clean refusal (or, where the edit is harmless, a result)."""
    for argv in (["project", "show"], ["project", "export"]):
        target = doctored / f"{name}.tratteggio"
        said = cli(*argv, target, *(["-o", tmp_path / "x.png"] if argv[1] == "export" else []))
        if said.code != 0:
            one_refusal(said)
            assert list(tmp_path.iterdir()) == []


def test_a_project_whose_view_is_not_an_object_still_opens(doctored: Path) -> None:
    import shutil as files
    import sqlite3

    from tratteggio.core.project.load import read_project

    target = doctored.parent / "view.tratteggio"
    files.copy(doctored / "worked.tratteggio", target)
    with sqlite3.connect(target) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('view', '[1]')")
    db.close()
    _, meta = read_project(target)
    assert meta["view"] == {}


@pytest.mark.parametrize(
    "failure",
    [
        OSError(28, "No space left on device"),
        __import__("sqlite3").OperationalError("database or disk is full"),
        __import__("sqlite3").OperationalError("unable to open database file"),  # a read-only folder
    ],
)
def test_project_new_on_a_full_disk_or_a_read_only_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    """The tests run as root, whom a read-only folder does not stop: the failures SQLite and the
    disk report are raised where the project is written instead."""
    from tratteggio.core.project import sync

    def fails(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    monkeypatch.setattr(sync.ProjectSync, "write", fails)
    before = fingerprint(tmp_path)
    one_refusal(cli("project", "new", "photo.png", "-o", "p.tratteggio"), "p.tratteggio")
    assert fingerprint(tmp_path) == before


def test_a_project_without_a_master_hash_warns_that_the_master_is_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from tests.hostile import corpus

    monkeypatch.chdir(tmp_path)
    from tests.hostile.projects import worked_project

    photo_and_mask(tmp_path)
    worked_project(tmp_path).rename("p.tratteggio")
    with sqlite3.connect("p.tratteggio") as db:
        db.execute("DELETE FROM meta WHERE key = 'master_sha256'")
    db.close()
    Path("photo.png").write_bytes(corpus.encode(255 - corpus.photo(), "png"))  # another photo
    said = cli("project", "export", "p.tratteggio", "-o", "x.png")
    assert said.code == 0 and len(said.lines) == 1, said
    assert said.lines[0].startswith("tratteggio: warning:") and "photo.png" in said.lines[0]


def test_sample_never_replaces_a_file_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "sample-aged.png").write_bytes(b"the user's own scan")
    before = fingerprint(tmp_path)
    one_refusal(cli("sample", "-o", tmp_path), "sample-aged.png", "--force")
    assert fingerprint(tmp_path) == before
    assert cli("sample", "-o", tmp_path, "--force").code == 0
    assert (tmp_path / "sample-aged.png").read_bytes() != b"the user's own scan"


def test_a_record_with_more_interventions_than_the_cap_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from tratteggio.core.record.schema import MAX_INTERVENTIONS

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "o.png", "--engine", "telea").code == 0
    record = json.loads(Path("o.record.json").read_text())
    record["interventions"] *= MAX_INTERVENTIONS + 1
    Path("o.record.json").write_text(json.dumps(record))
    one_refusal(cli("verify", "o.record.json"), str(MAX_INTERVENTIONS), "interventions")
    one_refusal(cli("rerun", "o.record.json", "-o", "again.png"), str(MAX_INTERVENTIONS))


def test_a_write_removes_only_the_temporary_files_of_dead_writers(tmp_path: Path) -> None:
    """Two runs writing the same output: the second removed the first's temporary files as stale
    (3 of 8 races). A temporary file names its writer's process; only a dead one's is removed."""
    import os
    import subprocess
    import sys

    from tratteggio.core.io.atomic import make_part, remove_stale_parts

    target = tmp_path / "out.png"
    code = "import sys, time; from pathlib import Path; from tratteggio.core.io.atomic import make_part; "
    code += "print(make_part(Path(sys.argv[1])), flush=True); time.sleep(60)"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    other = subprocess.Popen(
        [sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert other.stdout is not None
        theirs = Path(other.stdout.readline().strip())
        mine = make_part(target)
        remove_stale_parts(target)
        assert theirs.exists() and mine.exists()  # both writers are alive
    finally:
        other.kill()
        other.wait()
    remove_stale_parts(target)
    assert not theirs.exists() and mine.exists()  # the killed writer's part is stale now
