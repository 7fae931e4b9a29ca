"""A studio in its own process runs diffusion once and says whether torch came into it.

    python tests/gui/studio_no_torch.py PHOTO MASK MODEL SETTINGS_DIR

Prints one JSON line: torch imported, libtorch mapped, RSS before and after the run (MB), layers.
Used by test_worker_studio.py and benchmarks/bench_worker.py.
"""

from __future__ import annotations

import json
import os
import sys
import time


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def main() -> None:
    photo, mask, model, settings = sys.argv[1:5]
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app = QApplication([])
    from tratteggio.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.projects.ask_save = lambda name: "discard"
    window.files.open_path(photo, mask, background=False)
    window.panel.add_model(model)
    window.panel.steps.setValue(4)
    done: list[bool] = []
    window.runs.finished.connect(lambda: done.append(True))
    window.runs.stopped.connect(lambda text: done.append(False))
    deadline = time.monotonic() + 300
    while window.session.runner.busy() and time.monotonic() < deadline:  # the model loading
        app.processEvents()
        time.sleep(0.01)
    before = rss_mb()
    window.runs.start()
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    after = rss_mb()
    with open(f"/proc/{os.getpid()}/maps") as maps:
        mapped = any("libtorch" in line for line in maps)
    layers = len(window.runs.candidates[0].previews) if window.runs.candidates else 0
    report = {"done": done == [True], "torch": "torch" in sys.modules, "libtorch": mapped}
    report.update({"rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1), "layers": layers})
    print(json.dumps(report), flush=True)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
