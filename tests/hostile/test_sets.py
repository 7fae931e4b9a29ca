"""Issue 16, case 2: a set of files (output, loss map, mask, record) is replaced whole or not at
all. A failure while staging (a sidecar that is a folder, a full disk) or while moving the files
into place leaves the old set as it was, and no temporary file."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import corpus
from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask

SET = ("out.png", "out.lossmap.png", "out.mask.png", "out.record.json")


@pytest.fixture
def old_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    assert cli("restore", "photo.png", "--mask", "mask.png", "-o", "out.png", "--engine", "telea").code == 0
    other = corpus.mask()
    other[:4, :4] = 255
    (tmp_path / "mask2.png").write_bytes(corpus.encode(other, "png"))  # a new run writes other bytes
    return tmp_path


def _again(*extra: str) -> list[str]:
    return [
        "restore",
        "photo.png",
        "--mask",
        "mask2.png",
        "-o",
        "out.png",
        "--engine",
        "navier-stokes",
        *extra,
    ]


def test_a_sidecar_that_is_a_folder_keeps_the_old_output(old_set: Path) -> None:
    (old_set / "out.lossmap.png").unlink()
    (old_set / "out.lossmap.png").mkdir()
    before = fingerprint(old_set)
    one_refusal(cli(*_again()), "out.lossmap.png")
    assert fingerprint(old_set) == before


def test_a_failed_move_puts_back_every_file_already_moved(
    old_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fingerprint(old_set)
    real_replace, calls = os.replace, []

    def flaky(src: object, dst: object) -> None:
        calls.append(dst)
        if str(dst).endswith("out.mask.png") and len(calls) < 10:  # the third file of the set
            raise OSError(5, "Input/output error")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", flaky)
    said = cli(*_again())
    monkeypatch.undo()
    one_refusal(said)
    assert fingerprint(old_set) == before
    assert not [p for p in old_set.iterdir() if p.name.endswith(".part")]


def _limited(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("limit", [300, 2_000])
def test_a_full_disk_while_staging_keeps_the_old_set(old_set: Path, limit: int) -> None:
    """A file size limit stands in for a full disk: 300 bytes fail on the output, 2,000 on the
    record (the output, loss map and mask of this small photo are smaller)."""
    before = fingerprint(old_set)
    done = subprocess.run(
        [sys.executable, "-m", "tratteggio", *_again()],
        capture_output=True,
        text=True,
        preexec_fn=lambda: _limited(limit),
        env={**os.environ, "PYTHONPATH": os.getcwd() + os.pathsep + str(Path(__file__).parents[2])},
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert fingerprint(old_set) == before
    assert sorted(p.name for p in old_set.iterdir()) == sorted(["photo.png", "mask.png", "mask2.png", *SET])


def test_the_next_write_removes_parts_a_killed_write_left(old_set: Path) -> None:
    stale = [old_set / ".out.png.x1y2z3.part", old_set / ".out.record.json.abcdef.part"]
    for part in stale:
        part.write_bytes(b"half of a file")
    assert cli(*_again()).code == 0
    assert not any(p.exists() for p in stale)
    assert cli("verify", "out.record.json").code == 0
