"""Projects at the scale of a museum master (50 MP, 16-bit RGB):

- a save after one brush stroke: the time the GUI thread spends (taking what changed) and the time
  the writer spends (packing the stroke's tiles, one SQLite transaction), median of N strokes;
- opening a project with 20 interventions to a painted window, against opening the bare photo,
  measured alternately in fresh processes.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_project.py [--strokes 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WIDTH, HEIGHT = 8660, 5774  # 50 MP


def master(folder: Path) -> Path:
    """A smooth 50 MP 16-bit RGB TIFF (a photo, enlarged: compresses and loads like a real scan)."""
    import cv2
    import skimage.data

    from tratteggio.core import Photo, save_photo

    small = skimage.data.astronaut().astype(np.uint16) * 257
    pixels = cv2.resize(small, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    path = folder / "master.tif"
    save_photo(Photo(pixels), path)
    return path


def project(folder: Path, photo: Path, interventions: int) -> Path:
    from tratteggio.core import RestorationRequest, load_photo, restore
    from tratteggio.core.project.sync import ProjectSync
    from tratteggio.core.studio.document import Document

    doc = Document(load_photo(photo), photo)
    rng = np.random.default_rng(0)
    for _ in range(interventions):
        x, y = int(rng.integers(0, WIDTH - 300)), int(rng.integers(0, HEIGHT - 300))
        doc.mask[y : y + int(rng.integers(20, 200)), x : x + int(rng.integers(20, 200))] = True
        result = restore(doc.photo, doc.mask_object(), RestorationRequest(engine="telea"))
        doc.accept(result, doc.mask_object())
    path = folder / "conservation-work.tratteggio"  # not beside as master.tratteggio: no question asked
    sync = ProjectSync(doc, path)
    sync.write(sync.pending())
    sync.close()
    return path


def save_after_strokes(photo: Path, path: Path, strokes: int) -> tuple[list[float], list[float], list[int]]:
    """GUI-thread ms, writer ms and tiles written for each stroke-then-save."""
    from tratteggio.core import load_photo
    from tratteggio.core.project.load import read_project
    from tratteggio.core.project.sync import ProjectSync
    from tratteggio.core.studio.maskedit import Stroke

    doc, _ = read_project(path, verify=False)
    sync = ProjectSync.for_loaded(doc, path)
    gui, writer, tiles = [], [], []
    rng = np.random.default_rng(1)
    del load_photo
    for _ in range(strokes):
        stroke = Stroke(doc.mask, 12, True)
        x, y = float(rng.integers(100, WIDTH - 400)), float(rng.integers(100, HEIGHT - 400))
        for step in range(30):
            stroke.to(x + step * 8, y + step * 3)
        doc.record_mask_change(stroke.finish("brush"))
        start = time.perf_counter()
        pending = sync.pending({"view": {"zoom": 0.1}})
        gui.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        sync.write(pending)
        writer.append((time.perf_counter() - start) * 1000)
        tiles.append(len(pending.tiles))
    sync.close()
    return gui, writer, tiles


OPEN = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tratteggio.gui.main_window import MainWindow
w = MainWindow(); w.resize(1400, 900); w.show(); app.processEvents()
w.projects.ask_save = lambda name: "discard"
target = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
w.files.open_path(target, background=True)
while w.session.doc is None or w.session.runner.busy("open"):
    app.processEvents(); time.sleep(0.001)
w.canvas.repaint()
print(repr(time.perf_counter() - start), repr(time.process_time() - cpu), len(w.session.doc.interventions))
w.close()
"""


def open_times(photo: Path, path: Path, repeats: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds to a painted window; CPU time (all threads) is what shared cores blur least."""
    times: dict[str, list[tuple[float, float]]] = {"bare photo": [], "project, 20 interventions": []}
    env = {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(), "XDG_STATE_HOME": tempfile.mkdtemp()}
    env["PYTHONPATH"] = str(Path(__file__).parents[1])
    for _ in range(repeats):
        for label, target in (("bare photo", photo), ("project, 20 interventions", path)):
            done = subprocess.run(
                [sys.executable, "-c", OPEN, str(target)], capture_output=True, text=True, env=env, check=True
            )
            seconds, cpu, _count = done.stdout.strip().splitlines()[-1].split()
            times[label].append((float(seconds), float(cpu)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strokes", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    photo = master(folder)
    path = project(folder, photo, 20)
    print(f"master {photo.stat().st_size / 2**20:.0f} MiB, project {path.stat().st_size / 2**20:.1f} MiB")
    gui, writer, tiles = save_after_strokes(photo, path, args.strokes)
    print("### A save after one brush stroke (50 MP 16-bit master, 20 interventions)\n")
    print("| | median | p95 | max |\n|---|---|---|---|")
    for label, values in (("GUI thread (ms)", gui), ("writer thread (ms)", writer)):
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(f"| {label} | {statistics.median(values):.2f} | {p95:.2f} | {max(values):.2f} |")
    all_tiles = -(-WIDTH // 512) * -(-HEIGHT // 512)
    print(f"\ntiles written per stroke: {statistics.median(tiles):.0f} (of {all_tiles})\n")
    times = open_times(photo, path, args.repeats)
    print("### Opening to a painted window (fresh process each time, alternating)\n")
    print("| what | median wall (s) | median CPU (s) | wall runs |\n|---|---|---|---|")
    medians = {}
    for label, values in times.items():
        wall, cpu = statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)
        medians[label] = (wall, cpu)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {', '.join(f'{v[0]:.2f}' for v in values)} |")
    work, bare = medians["project, 20 interventions"], medians["bare photo"]
    wall, cpu = work[0] / bare[0], work[1] / bare[1]
    print(f"\nratio project / bare photo: wall {wall:.2f}, CPU {cpu:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
