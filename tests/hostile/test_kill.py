"""Issue 16, case 2: `kill -9` during a write. Whatever the moment, the files beside the record are
the old set, the new set, or a mix that `verify` reports as torn, never a mix it accepts; the next
write leaves no temporary file and a set that verifies.

    python -m tests.hostile.test_kill      # the same campaign, printing its counts (RESULTS.md)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import tifffile

from tests.hostile import corpus
from tests.hostile.common import cli

SET = ("out.tif", "out.lossmap.png", "out.mask.png", "out.record.json")
SIZE = (1500, 2000)  # 18 MB of 16-bit RGB: a write long enough to be caught in the middle
POINTS = [("midwrite", 1), ("staged", 1), ("midwrite", 2), ("staged", 3), ("midwrite", 4)]
POINTS += [("replace", n) for n in (1, 2, 3, 4)]
FRACTIONS = (0.0, 0.25, 0.5, 0.75, 0.9, 0.97, 1.5)  # of the time a write takes, measured first


def _hashes(folder: Path) -> dict[str, str | None]:
    return {
        n: hashlib.sha256((folder / n).read_bytes()).hexdigest() if (folder / n).exists() else None
        for n in SET
    }


def _masks(folder: Path) -> tuple[Path, Path]:
    first, second = corpus.mask(*SIZE), corpus.mask(*SIZE)
    second[100:140, 200:260] = 255
    (folder / "a.png").write_bytes(corpus.encode(first, "png"))
    (folder / "b.png").write_bytes(corpus.encode(second, "png"))
    return folder / "a.png", folder / "b.png"


def prepare(root: Path) -> tuple[list[str], dict[str, str | None], dict[str, str | None]]:
    """The old set in root/old, the new set's hashes from root/ref, and the command that writes it."""
    pixels = np.zeros((*SIZE, 3), np.uint16)
    pixels[...] = (np.arange(SIZE[1], dtype=np.uint16) * 31)[None, :, None]
    tifffile.imwrite(root / "photo.tif", pixels, photometric="rgb")
    old_mask, new_mask = _masks(root)
    for name, mask in (("old", old_mask), ("ref", new_mask)):
        (root / name).mkdir()
        said = cli(
            "restore", root / "photo.tif", "--mask", mask, "-o", root / name / "out.tif", "--engine", "telea"
        )
        assert said.code == 0, said.err
    argv = ["restore", str(root / "photo.tif"), "--mask", str(new_mask), "--engine", "telea"]
    return argv, _hashes(root / "old"), _hashes(root / "ref")


def judge(folder: Path, old: dict[str, str | None], new: dict[str, str | None]) -> str:
    now = _hashes(folder)
    if now == old:
        return "old set"
    verified = cli("verify", folder / "out.record.json")
    pixels = ("out.tif", "out.lossmap.png", "out.mask.png")
    if all(now[n] == new[n] for n in pixels) and now["out.record.json"] not in (None, old["out.record.json"]):
        return "new set" if verified.code == 0 else "new set that verify refuses"
    return "torn, flagged by verify" if verified.code == 2 else "MIX THAT VERIFY ACCEPTS"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}


def _kill_at(point: str, n: int, argv: list[str], folder: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "tests.hostile.killpoint",
        point,
        str(n),
        *argv,
        "-o",
        str(folder / "out.tif"),
    ]
    done = subprocess.run(command, capture_output=True, env=_env(), timeout=300)
    assert done.returncode == -signal.SIGKILL, (point, n, done.returncode, done.stderr[-500:])


def _kill_after(delay: float | None, argv: list[str], folder: Path) -> float:
    """Kill the write `delay` seconds after its output starts being staged (None: let it finish);
    return how long it ran from that moment."""
    command = [sys.executable, "-m", "tratteggio", *argv, "-o", str(folder / "out.tif")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    while process.poll() is None and not any(p.name.startswith(".out.tif.") for p in folder.iterdir()):
        time.sleep(0.001)
    started = time.perf_counter()
    if delay is not None:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    process.wait()
    return time.perf_counter() - started


def campaign(root: Path) -> Counter[str]:
    argv, old, new = prepare(root)
    shutil.copytree(root / "old", root / "timing")
    writing = _kill_after(None, argv, root / "timing")
    outcomes: Counter[str] = Counter()
    kills = [("point", point, n) for point, n in POINTS]
    kills += [("delay", str(f * writing), 0) for f in FRACTIONS]
    for index, (kind, what, n) in enumerate(kills):
        folder = root / f"kill-{index}"
        shutil.copytree(root / "old", folder)
        if kind == "point":
            _kill_at(what, n, argv, folder)
        else:
            _kill_after(float(what), argv, folder)
        outcomes[judge(folder, old, new)] += 1
        outcomes["runs"] += 1
        said = cli(*argv, "-o", folder / "out.tif")  # the next write after the kill
        assert said.code == 0, said.err
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".part")]
        outcomes["parts left after the next write"] += len(leftovers)
        outcomes["next write verifies"] += cli("verify", folder / "out.record.json").code == 0
    return outcomes


def test_kill_9_during_a_write_leaves_the_old_set_the_new_set_or_a_flagged_tear(tmp_path: Path) -> None:
    outcomes = campaign(tmp_path)
    runs = len(POINTS) + len(FRACTIONS)
    assert outcomes["runs"] == runs
    assert outcomes["MIX THAT VERIFY ACCEPTS"] == 0 and outcomes["new set that verify refuses"] == 0, outcomes
    assert outcomes["torn, flagged by verify"] >= 3, outcomes  # the kills inside the commit
    assert outcomes["old set"] >= 5, outcomes  # the kills while staging
    assert outcomes["parts left after the next write"] == 0 and outcomes["next write verifies"] == runs


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        counts = campaign(Path(root))
    print(dict(counts), f"{time.perf_counter() - started:.0f} s")
