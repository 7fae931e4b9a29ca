"""The README's teaching screenshot: the Detect tab in teach mode on a real photo, after a user's marks.

    xvfb-run -a python scripts/screenshot_teach.py PHOTO LABELS [OUT.png]

LABELS is the photo's label image (white = crack, another grey = a look-alike such as a board joint):
it only tells the script where a user would put the marks, as the simulated marks of
`tratteggio evaluate-detector` do: one "not damage" stroke over the largest false part of the
proposal, and one "damage" stroke along the longest crack stretch it misses.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import load_photo  # noqa: E402
from tratteggio.core.lab.marksim import STROKE_REACH, near, split_labels  # noqa: E402
from tratteggio.gui.app import make_window  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(window: object) -> None:
    for _ in range(600):
        wait(100)
        if not window.session.runner.busy():  # type: ignore[attr-defined]
            break
    wait(300)


def path_along(part: np.ndarray) -> list[tuple[int, int]]:
    """Points along the largest piece of `part` near its middle, ordered by their main direction."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(part.astype(np.uint8), connectivity=8)
    if count <= 1:
        return []
    largest = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    ys, xs = np.nonzero(largest)
    cy, cx = np.median(ys), np.median(xs)
    nearest = int(np.argmin((ys - cy) ** 2 + (xs - cx) ** 2))  # a curved piece's middle may lie off it
    cy, cx = ys[nearest], xs[nearest]
    inside = (ys - cy) ** 2 + (xs - cx) ** 2 <= STROKE_REACH**2
    ys, xs = ys[inside], xs[inside]
    order = np.argsort(ys if np.ptp(ys) > np.ptp(xs) else xs)
    return [(int(xs[i]), int(ys[i])) for i in order[:: max(1, len(order) // 12)]]


def brush(window: object, points: list[tuple[int, int]]) -> None:
    canvas = window.canvas  # type: ignore[attr-defined]

    def at(x: int, y: int) -> QPoint:
        return QPoint(
            round((x - canvas.origin.x()) * canvas.zoom), round((y - canvas.origin.y()) * canvas.zoom)
        )

    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at(*points[0]))
    for x, y in points[1:]:
        QTest.mouseMove(canvas, at(x, y))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at(*points[-1]))


def main() -> None:
    photo, label_path = Path(sys.argv[1]), Path(sys.argv[2])
    out = Path(sys.argv[3] if len(sys.argv) > 3 else "docs/screenshots/studio-teach.png")
    labels = load_photo(label_path).pixels
    truth, _ = split_labels(labels[:, :, 0] if labels.ndim == 3 else labels)
    app = QApplication.instance() or QApplication([])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(tempfile.mkdtemp())))
    window = make_window(str(photo), None)
    window.resize(1400, 900)
    wait(400)
    window.tabs.setCurrentWidget(window.detect_panel)
    window.detect_panel.detect_button.click()
    settle(window)
    window.canvas.brush_radius = 3
    found = window.canvas.proposal_bits
    proposal = found if found is not None else np.zeros_like(truth)
    false = proposal & ~near(truth, 2)
    for value, target in (("teach not damage", false), ("teach damage", truth & ~near(proposal, 2))):
        (button,) = [b for b in window.detect_panel.tools.buttons() if b.property("tool") == value]
        button.click()
        points = path_along(target)
        if len(points) >= 2:
            brush(window, points)
            settle(window)
    QTest.mouseMove(window.canvas, QPoint(window.canvas.width() - 5, 5))
    wait(300)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"wrote {out}")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
