"""Start-up: `tratteggio open PHOTO --snapshot OUT` against a bare PySide6 script showing the same
photo in a QLabel (issue 22 item 6).

Each side is a fresh process that loads the photo, shows a window, waits for its first paint, grabs
the window to a PNG and quits: the whole process is timed, from start to exit. The sides run
interleaved (after one warm-up each, so bytecode is cached for both) on the offscreen platform; we
report the median wall time of each and their ratio (target <= 2).

    python benchmarks/bench_startup.py [--repeats N] [--side PX]
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

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
label = QLabel()
label.setPixmap(QPixmap(sys.argv[1]))
label.resize(1200, 800)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            label.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done():
    label.grab().save(sys.argv[2])
    app.quit()


first = FirstPaint()
label.installEventFilter(first)
label.show()
app.exec()
"""


def run(command: list[str], out: Path) -> float:
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=_env())
    took = time.perf_counter() - start
    if not out.is_file():
        raise SystemExit(f"{command[:4]} wrote no picture")
    return took


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def write_photo(path: Path, side: int) -> None:
    import cv2

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:side, 0 : side * 3 // 2]
    photo = np.stack([x % 256, y % 256, (x + y) % 256], axis=-1).astype(np.uint8)
    photo = np.clip(photo + rng.normal(0, 8, photo.shape), 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), photo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--side", type=int, default=1200, help="photo height in px (width 1.5x)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photo, bare_out, ours_out = folder / "photo.png", folder / "bare.png", folder / "ours.png"
        write_photo(photo, args.side)
        (folder / "home").mkdir()
        sides = {
            "bare": ([sys.executable, "-c", BARE, str(photo), str(bare_out)], bare_out),
            "tratteggio": (
                [sys.executable, "-m", "tratteggio", "open", str(photo), "--snapshot", str(ours_out)],
                ours_out,
            ),
        }
        for command, out in sides.values():
            run(command, out)  # warm-up: bytecode cached for both sides
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.repeats):
            for name, (command, out) in sides.items():
                times[name].append(run(command, out))
    bare, ours = (statistics.median(times[name]) for name in ("bare", "tratteggio"))
    print(f"start-up to the first painted window, {args.repeats} fresh processes each, interleaved (medians)")
    print(f"photo {args.side * 3 // 2}x{args.side}, offscreen, bytecode cached")
    print(f"bare PySide6 QLabel   {bare:6.3f} s")
    print(f"tratteggio open       {ours:6.3f} s")
    print(f"ratio                 {ours / bare:6.2f}x (target <= 2)")


if __name__ == "__main__":
    main()
