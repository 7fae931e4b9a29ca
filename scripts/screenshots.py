"""Regenerate the README's screenshots: run the real studio, drive it as a user would, grab the window.

xvfb-run -a python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import skimage.data
from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tratteggio.core import Photo, save_photo
from tratteggio.gui.app import make_window


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def damaged_photo(folder: Path) -> Path:
    """The astronaut portrait with a synthetic crack network darkened to a quarter."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from common import cracks

    pixels = skimage.data.astronaut().copy()
    bits = cracks(*pixels.shape[:2], seed=4, coverage=0.012)
    pixels[bits] = (pixels[bits] * 0.25).astype(np.uint8)
    path = folder / "astronaut-cracked.png"
    save_photo(Photo(pixels), path)
    save_photo(Photo(bits.astype(np.uint8) * 255), folder / "cracks-mask.png")
    return path


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    photo = damaged_photo(tmp)
    window = make_window(str(photo), str(tmp / "cracks-mask.png"))
    window.resize(1400, 900)
    wait(400)
    canvas = window.canvas
    # paint one more stroke with the brush, as a user would, over a scratch on the right
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(canvas.width() // 2 + 120, 200))
    for step in range(12):
        QTest.mouseMove(canvas, QPoint(canvas.width() // 2 + 120 + step * 6, 200 + step * 9))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(canvas.width() // 2 + 186, 308))
    wait(200)
    window.grab().save(str(out / "studio-mask.png"))
    window.panel.candidates.setValue(1)
    window.runs.start()
    for _ in range(400):
        wait(100)
        if not window.session.runner.busy():
            break
    wait(300)
    window.timeline.slider.setValue(window.timeline.slider.maximum())
    wait(200)
    window.grab().save(str(out / "studio-restored.png"))
    window.runs.discard()
    window.menus.actions["clear"].trigger()
    window.tabs.setCurrentWidget(window.detect_panel)
    window.detect_panel.detect_button.click()
    for _ in range(100):
        wait(100)
        if window.canvas.proposal_bits is not None:
            break
    wait(300)
    window.grab().save(str(out / "studio-detect.png"))
    print(f"wrote {out}/studio-mask.png, studio-restored.png and studio-detect.png")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
