"""The studio's responsiveness: start-up to first paint, brush dab to repaint on a 50 MP photo, and
the longest event-loop stall while a CPU diffusion run streams its layers.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_studio.py [--model DIR] [--steps N]
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # the studio's settings stay out of the user's

STARTUP = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tratteggio.gui.main_window import MainWindow
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(repr(time.time())); sys.stdout.flush(); app.exit(0)
        return False
w = MainWindow()
w.canvas.installEventFilter(FirstPaint(w))
w.show()
app.exec()
"""


def startup(repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]) - start)
    return times


def brush_latency(height: int, width: int, dabs: int) -> dict[str, list[float]]:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tratteggio.core import Photo
    from tratteggio.core.studio.document import Document
    from tratteggio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 65536, size=(height, width, 3), dtype=np.uint16)
    window = MainWindow()
    window.projects.ask_save = lambda name: "discard"  # closing asks nothing: the run is unattended
    window.resize(1400, 900)
    window.show()
    window.session.set_document(Document(Photo(pixels)))
    app.processEvents()
    canvas = window.canvas
    canvas.brush_radius = 20
    results: dict[str, list[float]] = {}
    for label, zoom in (("fit", None), ("100%", 1.0)):
        if zoom is None:
            canvas.fit()
        else:
            canvas.set_zoom(zoom)
        app.processEvents()
        center = QPoint(canvas.width() // 2, canvas.height() // 2)
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=center)
        canvas.repaint()
        times = []
        for i in range(dabs):
            point = QPoint(center.x() - 200 + (i * 7) % 400, center.y() - 150 + (i * 3) % 300)
            start = time.perf_counter()
            QTest.mouseMove(canvas, point)
            canvas.repaint()
            times.append((time.perf_counter() - start) * 1000)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=center)
        results[label] = times
    window.close()
    return results


def _watch(app: object, busy: object, seconds_limit: float = 900) -> tuple[float, float]:
    """Run the event loop while busy(); the longest gap (ms) between ticks of a 5 ms timer."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    with _StallSampler(ticks):
        while busy() and time.perf_counter() - started < seconds_limit:  # type: ignore[operator]
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.001)
    timer.stop()
    gaps = np.diff(ticks) * 1000 if len(ticks) > 1 else np.zeros(1)
    return float(gaps.max()), time.perf_counter() - started


class _StallSampler:
    """While a tick is over 50 ms late, samples the GUI thread's stack every 10 ms; on exit, prints
    to stderr the places it was caught in most (what to move off the GUI thread)."""

    def __init__(self, ticks: list[float]) -> None:
        self.ticks, self.seen, self.done = ticks, collections.Counter[str](), threading.Event()
        self.gui = threading.get_ident()

    def __enter__(self) -> _StallSampler:
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(0.01):
            if self.ticks and time.perf_counter() - self.ticks[-1] > 0.05:
                frame = sys._current_frames().get(self.gui)
                where = traceback.extract_stack(frame, limit=4)[::-1] if frame is not None else []
                self.seen[" < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in where)] += 1

    def __exit__(self, *_: object) -> None:
        self.done.set()
        for where, count in self.seen.most_common(3):
            print(f"  GUI thread caught {count}x (10 ms samples) at {where}", file=sys.stderr)


def event_loop_stall(model: str, steps: int) -> list[tuple[str, float, int, float]]:
    """Longest event-loop stall while the studio loads a chosen model, then during two runs."""
    import skimage.data
    from PySide6.QtWidgets import QApplication

    from tratteggio.core import Photo
    from tratteggio.core.studio.document import Document
    from tratteggio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.projects.ask_save = lambda name: "discard"  # closing asks nothing: the run is unattended
    window.resize(1400, 900)
    window.show()
    doc = Document(Photo(skimage.data.astronaut()))
    doc.mask[180:330, 160:340] = True
    window.session.set_document(doc)
    idle_from = time.perf_counter()
    window.panel.steps.setValue(steps)
    stall, seconds = _watch(app, lambda: time.perf_counter() - idle_from < 10)
    idle = ("the window idle, nothing running (control)", stall, 0, seconds)
    loaded: list[object] = []
    window.session.runner.ended.connect(loaded.append)
    window.panel.add_model(model)  # choosing it starts loading it on the worker
    stall, seconds = _watch(app, lambda: not loaded)
    results = [idle, ("choosing the model (imports and loads it)", stall, 0, seconds)]
    for label in ("first run", "second run"):
        window.runs.start()
        stall, seconds = _watch(app, window.session.runner.busy)
        previews = len(window.runs.candidates[0].previews) if window.runs.candidates else 0
        results.append((label, stall, previews, seconds))
    window.close()
    window.session.engines.close()  # the studio ends its diffusion worker when it quits
    return results


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--model", help="diffusers inpainting folder for the stall test (default: build the tiny test model)"
    )
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--stall-only", action="store_true", help="only the stall while loading and running")
    args = parser.parse_args()
    if args.stall_only:
        print_stall(args.model, args.steps)
        return
    times = startup(5)
    print("## Studio responsiveness\n")
    print(
        f"Start-up to first painted window: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {len(times)} starts (target <= 1.0 s)\n"
    )
    lat = brush_latency(5774, 8660, 120)
    print("Brush dab to repaint on a 50 MP (8660x5774) 16-bit RGB photo, 120 dabs, radius 20 px:\n")
    print("| view | median (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|")
    for label, values in lat.items():
        print(
            f"| {label} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} "
            f"| {max(values):.1f} |"
        )
    print_stall(args.model, args.steps)


def print_stall(model: str | None, steps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if model is None:
            from tests.tiny_models import build_sd_inpaint

            model = str(build_sd_inpaint(Path(tmp) / "tiny", sample_size=64))
        runs = event_loop_stall(model, steps)
    print(
        f"\nLongest event-loop stall in the studio with a CPU diffusion model ({Path(model).name}, "
        f"{steps} steps; gap between ticks of a 5 ms timer; target <= 50 ms during a run):\n"
    )
    print("| phase | longest stall (ms) | layers | seconds |\n|---|---|---|---|")
    for label, stall, previews, seconds in runs:
        print(f"| {label} | {stall:.1f} | {previews} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
