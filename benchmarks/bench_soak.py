"""A long studio session: 1,000 restorations through the studio's own session, runner and
CandidateController (the code a user's Ctrl+Enter runs), then a clean exit.

Each job starts a run, waits for its candidates and their layers of time, then discards it, or
accepts it and undoes the accept (every tenth), cycling the classical engines and 1-3 candidates.
Measured: resident memory after 10, 100, 250, 500, 750 and 1,000 jobs, threads, Python objects,
the refcounts of True/False/None (PySide6 6.12.0 dropped one reference to True per signal emit:
"Fatal Python error: bool_dealloc" after about 500 runs), and the exit status of the process.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_soak.py [--jobs 1000] [--size 256x384]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ENGINES = ("telea", "navier-stokes", "biharmonic", "hybrid")
CHECKPOINTS = (10, 100, 250, 500, 750, 1000)


def soak(jobs: int, height: int, width: int) -> dict[str, object]:
    """Run inside the child process: the studio, `jobs` restorations, the figures."""
    import numpy as np
    import psutil
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from tratteggio.core import Photo
    from tratteggio.core.studio.document import Document
    from tratteggio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.show()
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    doc = Document(Photo(pixels))
    doc.mask[height // 3 : height // 3 + 12, width // 4 : width // 2] = True
    window.session.set_document(doc)
    process, rows, failures = psutil.Process(), [], []
    window.session.problem.connect(failures.append)
    singletons = (True, False, None)
    refs_before = [sys.getrefcount(s) for s in singletons]
    started = time.perf_counter()
    for job in range(1, jobs + 1):
        _one_job(app, window, job, QEventLoop, QTimer)
        if job in CHECKPOINTS or job == jobs:
            gc.collect()
            rows.append(
                {
                    "jobs": job,
                    "rss_mb": round(process.memory_info().rss / 2**20, 1),
                    "threads": process.num_threads(),
                    "python_threads": threading.active_count(),
                    "objects": len(gc.get_objects()),
                    "refs_true_false_none": [
                        sys.getrefcount(s) - b for s, b in zip(singletons, refs_before, strict=True)
                    ],
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    refs_after = [sys.getrefcount(s) for s in singletons]
    interventions = len(doc.interventions)
    window.close()
    app.processEvents()
    return {
        "checkpoints": rows,
        "refcount_drift_true_false_none": [a - b for a, b in zip(refs_after, refs_before, strict=True)],
        "failures": failures,
        "interventions_left": interventions,
    }


def _one_job(app: object, window: object, job: int, event_loop: type, timer: type) -> None:
    panel, runs = window.panel, window.runs  # type: ignore[attr-defined]
    panel.select_engine(ENGINES[job % len(ENGINES)], None)
    panel.candidates.setValue(1 + job % 3)
    loop, guard = event_loop(), timer()
    guard.setSingleShot(True)  # a bound on a stuck run; QTimer.singleShot would leave one per job
    guard.timeout.connect(loop.quit)
    runs.finished.connect(loop.quit)
    runs.stopped.connect(loop.quit)
    guard.start(60_000)
    runs.start()
    loop.exec()
    guard.stop()
    runs.finished.disconnect(loop.quit)
    runs.stopped.disconnect(loop.quit)
    while window.session.runner.busy():  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]  # the layers' thumbnails
    if job % 10 == 0:
        window.menus.actions["accept"].trigger()  # type: ignore[attr-defined]
        window.menus.actions["undo"].trigger()  # type: ignore[attr-defined]
    else:
        runs.discard()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--size", default="256x384", help="HxW of the photo")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    height, width = (int(v) for v in args.size.split("x"))
    if args.child:
        print(json.dumps(soak(args.jobs, height, width)))
        return 0
    env = {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(), "XDG_STATE_HOME": tempfile.mkdtemp()}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--jobs", str(args.jobs), "--size", args.size],
        capture_output=True,
        text=True,
        env=env,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
    result["exit_status"] = done.returncode
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["fatal_or_traceback_on_stderr"] = any(
        w in done.stderr for w in ("Fatal Python error", "Traceback")
    )
    print(json.dumps(result, indent=2))
    return 0 if done.returncode == 0 and not result["fatal_or_traceback_on_stderr"] else 1


if __name__ == "__main__":
    sys.exit(main())
