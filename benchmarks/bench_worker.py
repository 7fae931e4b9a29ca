"""The studio's diffusion worker (issue 23): per-step time against this process's model, cancel at
each phase, the studio's memory after a run, and kill -9 of the worker mid-run, again and again.

    python benchmarks/bench_worker.py overhead --model DIR [--steps N --repeats R]
    python benchmarks/bench_worker.py cancel --model DIR
    python benchmarks/bench_worker.py memory --model DIR
    python benchmarks/bench_worker.py kills --model DIR [--times 20]
    python benchmarks/bench_worker.py cold --model DIR [--repeats R]   (what the CLI would pay)

The GUI-thread stall while choosing, loading and running a model: bench_studio.py --stall-only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def job(model: str, steps: int, side: int = 512) -> Any:
    from tratteggio.core.engines.model_call import ModelJob
    from tratteggio.core.request import RestorationRequest

    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (side, side, 3), np.uint8)
    mask = np.zeros((side, side), np.uint8)
    mask[side // 4 : 3 * side // 4, side // 4 : 3 * side // 4] = 255
    request = RestorationRequest(engine="diffusion", model=model, steps=steps, device="cpu")
    return ModelJob(image, mask, request)


def gaps(model: Any, the_job: Any) -> tuple[list[float], float, np.ndarray]:
    """Seconds between consecutive steps of one run, the run's seconds, and its fill."""
    times: list[float] = []
    started = time.perf_counter()
    out = model.run(the_job, lambda *_: times.append(time.perf_counter()), lambda: None)
    return list(np.diff(times)), time.perf_counter() - started, out


def overhead(model_dir: str, steps: int, repeats: int) -> None:
    import torch

    from tratteggio.core.engines.local_model import LocalModel
    from tratteggio.core.engines.worker import WorkerModel

    torch.set_num_threads(1)
    the_job = job(model_dir, steps)
    local, worker = LocalModel(), WorkerModel()
    local.prepare(the_job.request)
    worker.prepare(the_job.request)
    sides: dict[str, tuple[list[float], list[float], list[np.ndarray]]] = {
        "in-process": ([], [], []),
        "worker": ([], [], []),
    }
    for _ in range(repeats):  # alternating, so both sides see the same load
        for name, model in (("in-process", local), ("worker", worker)):
            step_gaps, seconds, out = gaps(model, the_job)
            sides[name][0].extend(step_gaps)
            sides[name][1].append(seconds)
            sides[name][2].append(out)
    worker.close()
    same = all(np.array_equal(a, b) for a, b in zip(sides["in-process"][2], sides["worker"][2], strict=True))
    step = {k: statistics.median(v[0]) * 1000 for k, v in sides.items()}
    run = {k: statistics.median(v[1]) for k, v in sides.items()}
    print(
        f"| {Path(model_dir).name} | {steps} | {repeats} | {step['in-process']:.1f} | {step['worker']:.1f} | "
        f"{(step['worker'] / step['in-process'] - 1) * 100:+.1f}% | {run['in-process']:.2f} | "
        f"{run['worker']:.2f} | {(run['worker'] / run['in-process'] - 1) * 100:+.1f}% | "
        f"{'yes' if same else 'NO'} |"
    )


def timed_cancel(fn: Any, after_s: float) -> tuple[float, str]:
    """Run `fn(cancel)`; ask for a cancel `after_s` in; seconds from the ask to fn's end, and how it ended."""
    from tratteggio.core.errors import Cancelled

    asked: list[float] = []
    timer = threading.Timer(after_s, lambda: asked.append(time.perf_counter()))
    timer.start()
    try:
        fn(lambda: bool(asked))
        outcome = "finished first"
    except Cancelled:
        outcome = "cancelled"
    timer.cancel()
    return (time.perf_counter() - asked[0] if asked else float("nan")), outcome


def cancel(model_dir: str, repeats: int, only: str = "") -> None:
    from tratteggio.core import Mask, Photo, restore
    from tratteggio.core.engines import Engines
    from tratteggio.core.engines.model_call import cancelled_by
    from tratteggio.core.engines.worker import WorkerModel
    from tratteggio.core.errors import Cancelled
    from tratteggio.core.request import RestorationRequest

    request = RestorationRequest(engine="diffusion", model=model_dir, steps=50, device="cpu")
    the_job = job(model_dir, 50)
    big = Photo(np.random.default_rng(0).integers(0, 65535, (4000, 4000, 3), np.uint16))
    bits = np.zeros((4000, 4000), bool)
    bits[200:3800, 200:3800] = True  # one region of about 16 MP with its context

    def loading(model: WorkerModel, cancel: Any) -> None:
        with cancelled_by(cancel):
            model.prepare(request)

    def running(model: WorkerModel, cancel: Any) -> None:
        def check() -> None:
            if cancel():
                raise Cancelled()

        model.run(the_job, lambda *_: None, check)

    def region(model: WorkerModel, cancel: Any) -> None:
        on_worker = Engines()
        on_worker.use_model(model)
        restore(big, Mask(bits), request, cancel=cancel, engines=on_worker)

    print("| cancel | asked after (s) | photo back within (ms): median / max | worker ended | outcomes |")
    print("|---|---|---|---|---|")
    for label, fn, delays in (
        ("while the model loads (a new worker)", loading, [0.5, 1.0, 2.0]),
        ("at the start of a run", running, [0.0, 0.005, 0.02]),
        ("inside a step", running, [0.7, 1.3, 2.9]),
        ("on a 16 MP region", region, [0.5, 2.0, 4.0]),
    ):
        if only not in label:
            continue
        times, outcomes, ended = [], [], 0
        for k in range(repeats):
            model = WorkerModel()
            if fn is not loading:
                model.prepare(request)
            seconds, outcome = timed_cancel(lambda c, m=model, f=fn: f(m, c), delays[k % len(delays)])
            times.append(seconds * 1000)
            outcomes.append(outcome)
            model.settle()  # the verdict on the worker (confirmed, or ended) comes on its own thread
            ended += model.ended_on_cancel
            model.close()
        given = ", ".join(f"{d:g}" for d in delays[:repeats])
        print(
            f"| {label} | {given} | {statistics.median(times):.0f} / {max(times):.0f} | {ended} of "
            f"{len(times)} | {', '.join(sorted(set(outcomes)))} |",
            flush=True,
        )


def memory(model_dir: str) -> None:
    import skimage.data

    from tratteggio.core import Photo, save_photo

    with tempfile.TemporaryDirectory() as tmp:
        photo, mask = Path(tmp) / "coffee.png", Path(tmp) / "mask.png"
        save_photo(Photo(skimage.data.coffee()), photo)
        bits = np.zeros((400, 600), np.uint8)
        bits[150:190, 250:330] = 255
        save_photo(Photo(bits), mask)
        script = ROOT / "tests" / "gui" / "studio_no_torch.py"
        out = subprocess.run(
            [sys.executable, str(script), str(photo), str(mask), model_dir, str(Path(tmp) / "s")],
            capture_output=True,
            text=True,
            check=True,
        )
    print(out.stdout.strip().splitlines()[-1])


KILLS = """
import json, os, signal, sys, time
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QSettings
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[3])
app = QApplication([])
import skimage.data
from tratteggio.core import Photo
from tratteggio.core.studio.document import Document
from tratteggio.gui.main_window import MainWindow
w = MainWindow(); w.show(); w.projects.ask_save = lambda n: "discard"
doc = Document(Photo(skimage.data.astronaut())); doc.mask[180:330, 160:340] = True
w.session.set_document(doc); w.panel.add_model(sys.argv[1]); w.panel.steps.setValue(40)
problems, outcome = [], []
w.session.problem.connect(problems.append)
w.runs.stopped.connect(lambda t: outcome.append("stopped"))
w.runs.finished.connect(lambda: outcome.append("done"))
steps = []
w.runs.stepsArrived.connect(steps.extend)
def until(cond, limit=240):
    end = time.monotonic() + limit
    while not cond() and time.monotonic() < end:
        app.processEvents(); time.sleep(0.005)
    return cond()
survived = worked = 0
for k in range(int(sys.argv[2])):
    outcome.clear(); steps.clear(); w.panel.steps.setValue(40); w.runs.start()
    until(lambda: steps)
    os.kill(w.session.engines.model.pid, signal.SIGKILL)
    survived += until(lambda: outcome == ["stopped"]) and len(problems) == k + 1 and "SIGKILL" in problems[-1]
    outcome.clear(); w.panel.steps.setValue(2); w.runs.start()
    worked += until(lambda: outcome == ["done"])
    print(k, survived, worked, outcome, problems[-1:], file=sys.stderr, flush=True)
report = {"kills": int(sys.argv[2]), "survived": survived, "next_run_worked": worked}
print(json.dumps({**report, "line": problems[-1]}))
w.session.engines.close(); w.close()
"""


def kills(model_dir: str, times: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", KILLS, model_dir, str(times), str(Path(tmp) / "s")],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
    print(out.stdout.strip().splitlines()[-1])


COLD = """
import sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[3])
from bench_worker import job
from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.worker import WorkerModel
model = WorkerModel() if sys.argv[2] == "worker" else LocalModel()
model.run(job(sys.argv[1], 2), lambda *_: None, lambda: None)
print(time.perf_counter() - started)
"""


def cold(model_dir: str, repeats: int) -> None:
    """A command's whole model call from a fresh process: in it, or in a worker it starts."""
    seconds: dict[str, list[float]] = {"in-process": [], "worker": []}
    for _ in range(repeats):
        for name in seconds:
            args = [sys.executable, "-c", COLD, model_dir, name, str(Path(__file__).parent)]
            out = subprocess.run(args, capture_output=True, text=True, check=True)
            seconds[name].append(float(out.stdout.strip().splitlines()[-1]))
    print("| fresh process, 2 steps | in-process (s) | worker (s) |\n|---|---|---|")
    print(
        f"| median of {repeats} | {statistics.median(seconds['in-process']):.2f} | "
        f"{statistics.median(seconds['worker']):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["overhead", "cancel", "memory", "kills", "cold"])
    parser.add_argument("--model", required=True)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--only", default="", help="cancel: only the phases whose name holds this")
    args = parser.parse_args()
    if args.what == "overhead":
        overhead(args.model, args.steps, args.repeats)
    elif args.what == "cancel":
        cancel(args.model, args.repeats, args.only)
    elif args.what == "cold":
        cold(args.model, args.repeats)
    elif args.what == "memory":
        memory(args.model)
    else:
        kills(args.model, args.times)


if __name__ == "__main__":
    main()
