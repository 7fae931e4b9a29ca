"""`tratteggio batch` on a Ray cluster of 2 CPU workers: the same files as `tratteggio restore`, failures
reported while the rest finish, resume, a worker killed mid-run, one engine load per worker, and the
tiny diffusion pipeline."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.collection import (
    aged_collection,
    aged_photo,
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

pytestmark = pytest.mark.cluster
pytest.importorskip("ray")


def batch(photos: Path, out: Path, masks: Path, *extra: str) -> int:
    return main(["batch", str(photos), "-o", str(out), "--masks", str(masks), "--cluster", "auto", *extra])


def workers(out: Path) -> list[dict[str, Any]]:
    """The workers.jsonl lines of the last run."""
    lines = [json.loads(line) for line in (out / "_batch" / "workers.jsonl").read_text().splitlines()]
    return [line for line in lines if line["run"] == lines[-1]["run"]]


def test_20_photos_on_2_workers_are_the_files_restore_writes_one_by_one(
    ray_cluster: dict[str, str], tmp_path: Path
) -> None:
    photos, masks = aged_collection(tmp_path, 20)
    out, one = tmp_path / "out", tmp_path / "one"
    assert batch(photos, out, masks, "--workers", "2") == 0
    assert_same_as_restore(photos, masks, out, one)
    started = workers(out)
    assert len(started) == 2 and len({w["pid"] for w in started}) == 2  # one engine load each
    assert all(w["pid"] != os.getpid() for w in started)
    rows = status_lines(out)
    assert {row["outcome"] for row in rows} == {"done"} and len(rows) == 20
    assert {row["worker"] for row in rows} == {w["worker"] for w in started}  # both did work
    assert summary(out)["backend"] == "ray" and summary(out)["workers"] == 2


def test_failures_are_reported_while_the_other_18_finish_and_a_rerun_redoes_only_changes(
    ray_cluster: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos, masks = aged_collection(tmp_path, 20)
    corrupt(photos / "photo04.png")
    wrong_size_mask(masks / "photo07.png")
    out = tmp_path / "out"
    assert batch(photos, out, masks) == 1
    failed = {"photo04.png", "photo07.png"}
    assert {n for n, o in outcomes(out).items() if o == "failed"} == failed
    assert sum(o == "done" for o in outcomes(out).values()) == 18
    assert {f["photo"] for f in summary(out)["failures"]} == failed and summary(out)["lost"] == []
    err = capsys.readouterr().err
    assert "tratteggio: failed: photo04.png: corrupt or truncated PNG" in err
    assert "tratteggio: failed: photo07.png: the mask is 20x10" in err
    before = stamps(out)
    assert batch(photos, out, masks) == 1  # the two failures fail again; nothing else is redone
    assert sum(o == "skipped" for o in outcomes(out).values()) == 18 and stamps(out) == before
    aged_photo(photos / "photo10.png", tmp_path / "unused-mask.png", (72, 96), 10 + 100)
    assert batch(photos, out, masks) == 1
    changed = {n: o for n, o in outcomes(out).items() if o not in ("skipped", "failed")}
    assert changed == {"photo10.png": "done"}


def test_a_worker_killed_mid_run_still_finishes_every_photo(
    ray_cluster: dict[str, str], tmp_path: Path
) -> None:
    photos, masks = aged_collection(tmp_path, 12)
    aged_photo(photos / "photo00.png", masks / "photo00.png", (1000, 1300), 0)  # seconds: killed in it
    out = tmp_path / "out"
    codes: list[int] = []
    runner = threading.Thread(target=lambda: codes.append(batch(photos, out, masks)))
    runner.start()
    victim = _busy_worker(out)
    os.kill(victim, signal.SIGKILL)
    runner.join(timeout=600)
    assert codes == [0]
    report = summary(out)
    assert report["counts"] == {"done": 12} and report["lost"] == [] and report["failures"] == []
    rows = {row["photo"]: row for row in status_lines(out)}
    assert rows["photo00.png"]["attempts"] == 2  # handed out again after its worker died
    assert all((out / Path(n).with_suffix(".record.json")).is_file() for n in names(photos))
    assert all(str(victim) != row["worker"].split(":")[1] for row in rows.values())


def _busy_worker(out: Path) -> int:
    """The pid of the worker still busy with photo00 once the other has reported a photo."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = out / "_batch" / "status.jsonl"
        if status.is_file() and status.read_text().strip():
            started = workers(out)
            reported = {json.loads(line)["worker"] for line in status.read_text().splitlines()}
            busy = [w["pid"] for w in started if w["worker"] not in reported]
            if len(started) == 2 and len(busy) == 1:
                return int(busy[0])
        time.sleep(0.02)
    raise AssertionError("no worker busy with photo00 seen")


def test_the_tiny_diffusion_pipeline_on_2_cpu_workers_loads_once_per_worker(
    ray_cluster: dict[str, str], sd_model: str, tmp_path: Path
) -> None:
    photos, masks = aged_collection(tmp_path, 6, size=(64, 64))
    out = tmp_path / "out"
    diffusion = ["--engine", "diffusion", "--model", sd_model, "--steps", "2", "--device", "cpu"]
    assert batch(photos, out, masks, *diffusion, "--dtype", "float32", "--workers", "2") == 0
    started = workers(out)
    assert len(started) == 2 and [w["engine_loads"] for w in started] == [1, 1]
    rows = status_lines(out)
    assert {row["outcome"] for row in rows} == {"done"} and len(rows) == 6
    assert {row["engine_loads"] for row in rows} == {1}  # still one load after several photos
    record = json.loads((out / "photo00.record.json").read_text())
    assert record["digital_source_type"].endswith("compositeWithTrainedAlgorithmicMedia")


def test_a_second_driver_attaches_by_address(ray_cluster: dict[str, str], tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 2)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "tratteggio", "batch", str(photos), "-o", str(out)]
    command += ["--masks", str(masks), "--cluster", ray_cluster["address"], "--workers", "1"]
    env = {**os.environ, "HOME": ray_cluster["HOME"]}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert summary(out)["counts"] == {"done": 2} and summary(out)["workers"] == 1


def test_local_starts_its_own_ray_and_stops_it(tmp_path: Path) -> None:
    photos, masks = aged_collection(tmp_path, 2)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "tratteggio", "batch", str(photos), "-o", str(out)]
    command += ["--masks", str(masks), "--cluster", "local", "--workers", "2"]
    scratch = Path(tempfile.mkdtemp(prefix="tr-ray-", dir="/tmp"))  # short: Ray's socket paths
    env = {**os.environ, "HOME": str(scratch), "RAY_TMPDIR": str(scratch)}
    env.pop("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")  # --cluster local sets it itself
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert summary(out)["counts"] == {"done": 2} and summary(out)["backend"] == "ray"
