"""`tratteggio batch`: bad invocations (exit 2, one line, nothing written), detection proposals and
unreviewed restorations, and Ray never imported unless a cluster is asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.collection import aged_collection, outcomes, summary
from tratteggio.cli import main
from tratteggio.core import Photo, save_photo
from tratteggio.core.lab.crackscore import MODEL
from tratteggio.core.lab.detector import default_detector
from tratteggio.core.record.describe import sha256_file

from .helpers import coffee


@pytest.fixture
def collection(tmp_path: Path) -> tuple[Path, Path]:
    return aged_collection(tmp_path, 2)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--detect", "cracks"], "detection only proposes: add --detect-only"),
        (["--detect", "creases", "--detect-only"], "--detect creases: choose kinds from cracks"),
        (["--masks", "MASKS", "--detect-only"], "--detect-only needs --detect"),
        (["--masks", "MASKS", "--sensitivity", "0"], "--sensitivity needs --detect"),
        (["--detect", "dust", "--detect-only", "--detector", "MASKS"], "--detector replaces the crack"),
        (
            ["--detect", "cracks", "--detect-only", "--detector", "BROKEN"],
            "broken.npz: not a readable detector file",
        ),
        (["--detect", "cracks", "--detect-only", "--sensitivity", "2"], "sensitivity must be between 0"),
        (["--masks", "MASKS", "--workers", "2"], "--workers and --gpus-per-worker need --cluster"),
        (["--masks", "MASKS", "--cluster", "a b"], "--cluster a b: use none, local, auto or HOST:PORT"),
        (["--masks", "MASKS", "--format", "gif"], "--format gif: unknown format"),
        (["--masks", "MASKS", "--format", "jpg"], "2 results would be JPEG"),
        (["--masks", "MASKS", "--engine", "magic"], "unknown engine 'magic'"),
        (["--masks", "MASKS", "--max-failures", "0"], "--max-failures must be at least 1"),
        (["--masks", "NOWHERE"], "--masks names no folder"),
    ],
)
def test_bad_invocations_exit_2_with_one_line_and_write_nothing(
    collection: tuple[Path, Path],
    tmp_path: Path,
    extra: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    photos, masks = collection
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really")
    names = {"MASKS": str(masks), "BROKEN": str(tmp_path / "broken.npz"), "NOWHERE": str(tmp_path / "x")}
    out = tmp_path / "out"
    assert main(["batch", str(photos), "-o", str(out), *[names.get(a, a) for a in extra]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tratteggio: error: ") and message in err, err
    assert not out.exists()


def test_sources_that_cannot_be_planned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photos, masks = aged_collection(tmp_path, 2)
    save_photo(Photo(coffee()[:20, :20]), photos / "photo00.tif")
    cases = [
        (tmp_path / "nothing", tmp_path / "out", "no such folder or list"),
        (masks / "sub", tmp_path / "out", "no photos found"),
        (photos, photos, "the collection's own folder"),
        (photos, tmp_path / "out", "photo00.png and photo00.tif would both write"),
    ]
    (masks / "sub").mkdir(exist_ok=True)
    for source, out, message in cases:
        assert main(["batch", str(source), "-o", str(out), "--masks", str(masks)]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_detect_only_writes_proposals_for_review_and_resumes(tmp_path: Path) -> None:
    photos, _ = aged_collection(tmp_path, 2, size=(160, 200))
    out = tmp_path / "out"
    args = ["batch", str(photos), "-o", str(out), "--detect", "cracks,dust", "--detect-only"]
    assert main([*args, "--sensitivity", "0.7"]) == 0
    note = json.loads((out / "photo00.proposal.json").read_text())
    assert note["damage"] == {
        "found_by": "detection",
        "kinds": ["cracks", "dust"],
        "sensitivity": 0.7,
        "detector": "built-in",
        "detector_sha256": sha256_file(Path(MODEL)),
        "reviewed": False,
    }
    assert note["master"]["sha256"] == sha256_file(photos / "photo00.png")
    assert note["mask"]["sha256"] == sha256_file(out / "photo00.proposal.png")
    assert note["mask"]["pixel_count"] > 0
    assert not list(out.glob("*.record.json"))  # proposals only: nothing restored
    assert main([*args, "--sensitivity", "0.7"]) == 0
    assert set(outcomes(out).values()) == {"skipped"}
    assert main([*args, "--sensitivity", "0.6"]) == 0
    assert set(outcomes(out).values()) == {"done"}


def test_accept_unreviewed_records_the_detector_and_its_sensitivity(tmp_path: Path) -> None:
    photos, _ = aged_collection(tmp_path, 2, size=(160, 200))
    detector = tmp_path / "mine.npz"
    default_detector().save(detector)  # as `detect --save-detector` writes one
    out = tmp_path / "out"
    args = ["batch", str(photos), "-o", str(out), "--detect", "cracks", "--accept-unreviewed"]
    assert main([*args, "--detector", str(detector), "--sensitivity", "0.8"]) == 0
    record = json.loads((out / "photo00.record.json").read_text())
    damage = record["interventions"][0]["details"]["damage"]
    assert damage["reviewed"] is False and damage["found_by"] == "detection"
    assert damage["detector"] == "mine.npz" and damage["detector_sha256"] == sha256_file(detector)
    assert damage["sensitivity"] == 0.8 and damage["kinds"] == ["cracks"]
    assert set(outcomes(out).values()) <= {"done", "no damage"}
    assert main([*args, "--detector", str(detector), "--sensitivity", "0.8"]) == 0
    assert set(outcomes(out).values()) <= {"skipped", "no damage"}
    assert main([*args, "--sensitivity", "0.8"]) == 0  # the built-in detector: another result
    assert "done" in outcomes(out).values() and summary(out)["failures"] == []


BLOCK_RAY = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'ray':
            raise ImportError("No module named 'ray'", name='ray')
sys.meta_path.insert(0, Block())
from tratteggio.cli import main
code = main(sys.argv[1:])
print('RAY LOADED' if any(m.split('.')[0] == 'ray' for m in sys.modules) else 'NO RAY')
sys.exit(code)
"""


def run_without_ray(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK_RAY, *args], capture_output=True, text=True)


def test_in_process_never_imports_ray(collection: tuple[Path, Path], tmp_path: Path) -> None:
    photos, masks = collection
    done = run_without_ray("batch", str(photos), "-o", str(tmp_path / "out"), "--masks", str(masks))
    assert done.returncode == 0, done.stderr
    assert "NO RAY" in done.stdout


def test_a_cluster_without_ray_says_what_to_install(collection: tuple[Path, Path], tmp_path: Path) -> None:
    photos, masks = collection
    out = tmp_path / "out"
    done = run_without_ray("batch", str(photos), "-o", str(out), "--masks", str(masks), "--cluster", "local")
    assert done.returncode == 2
    assert done.stderr == "tratteggio: error: --cluster local needs Ray: pip install 'tratteggio[cluster]'\n"
    assert not out.exists()
