"""How long the studio's GUI thread is held while a user teaches the detector on a 10 MP photo:
detect, a "not damage" stroke, a click-away, undo, redo. A 2 ms heartbeat timer runs throughout; the
longest gap between its beats is the longest the window could not answer. Also the time from each
action until the refitted proposal is on the canvas.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_detect_real.py studio
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()


class Heartbeat:
    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self, since: float) -> float:
        beats = [since, *(b for b in self.beats if b >= since)]
        return max(np.diff(beats)) if len(beats) > 1 else 0.0


def studio_stalls(pixels: np.ndarray, truth: np.ndarray) -> None:
    from PySide6.QtWidgets import QApplication

    from tratteggio.core import Photo
    from tratteggio.core.lab.marksim import near
    from tratteggio.core.studio.document import Document
    from tratteggio.core.studio.review import mark_region
    from tratteggio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    import tempfile
    from pathlib import Path

    from tratteggio.core import load_photo, save_photo

    folder = Path(tempfile.mkdtemp())  # a photo from a file, as a user opens one (the recovery
    save_photo(Photo(pixels), folder / "wall.png")  # journal then never copies the master)
    window.session.set_document(Document(load_photo(folder / "wall.png"), folder / "wall.png"))
    heart = Heartbeat()
    runner = window.session.runner

    def settle() -> float:
        started = time.perf_counter()
        app.processEvents()
        while runner.is_running() and runner.active():
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        return time.perf_counter() - started

    rows: list[tuple[str, float, float]] = []

    def step(name: str, action: Callable[[], None]) -> None:
        since = time.perf_counter()
        action()
        settle()
        rows.append((name, time.perf_counter() - since, heart.longest_gap(since)))

    doc = window.session.doc
    assert isinstance(doc, Document)
    step("detect (score 10 MP on the worker)", window.detect_panel.detect_button.click)
    review = doc.review
    assert review is not None
    false = review.shown & ~near(truth, 2)
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(false.astype(np.uint8), connectivity=8)
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) if count > 1 else 0
    stroke = near(labels == largest, 3) if largest else np.zeros_like(false)
    step(
        "a not-damage stroke, refit on the worker",
        lambda: doc.record_mark(mark_region(review.clean, stroke, "teach")),
    )
    ys, xs = np.nonzero(review.shown & ~near(truth, 2))
    if len(ys):
        step("a click-away, refit", lambda: window.detection.reject_at(int(xs[0]), int(ys[0])))
    step("undo (known proposal shown again)", window.session.undo)
    step("redo", window.session.redo)
    step("merge into the mask", window.detect_panel.merge_button.click)
    print(f"\n### The studio while teaching on {pixels.shape[1]}x{pixels.shape[0]} (2 shared cores)\n")
    print("| action | until the canvas shows it (s) | longest GUI-thread stall (ms) |\n|---|---|---|")
    for name, wall, gap in rows:
        print(f"| {name} | {wall:.2f} | {gap * 1000:.0f} |")
    window.close()
