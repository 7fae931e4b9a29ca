"""The README's screenshots of Revive Colours and New from Prompt: run the real studio, drive it as a
user would, grab the window.

xvfb-run -a python scripts/screenshots_create.py [OUT_DIR]

New from Prompt needs a diffusion model; none can be downloaded here, so a tiny random-weight SD
inpainting model is built (tests/tiny_models.py): its timeline is real, its picture is noise.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import skimage.data
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Photo, save_photo  # noqa: E402
from tratteggio.core.lab.fading import fade  # noqa: E402
from tratteggio.gui.app import make_window  # noqa: E402
from tratteggio.gui.main_window import MainWindow  # noqa: E402
from tratteggio.gui.panels.create_dialogs import PromptValues  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_idle(window: MainWindow, seconds: float = 120) -> None:
    for _ in range(int(seconds * 10)):
        wait(100)
        if not window.session.runner.busy():
            return


def revived(window: MainWindow, folder: Path, out: Path) -> None:
    """A yellowed, washed-out print revived with a picked gray point, shown split before | after."""
    path = folder / "chelsea-faded.png"
    save_photo(Photo(fade(skimage.data.chelsea(), "lab", 104, 0.9)), path)
    window.files.open_path(path, background=False)
    wait(300)
    window.revive.open()
    wait_idle(window)
    window.revive_dialog.choices.button(1).click()
    window.canvas.pointPicked.emit(172, 98)  # a spot of the wall behind the cat that was gray
    wait_idle(window)
    window.revive_dialog.apply_button.click()
    wait_idle(window)
    window.tabs.setCurrentWidget(window.interventions)
    window.canvas.split = 0.5
    window.canvas.fit()
    wait(400)
    window.grab().save(str(out / "studio-revive.png"))
    window.canvas.split = None


def created(window: MainWindow, out: Path) -> None:
    """New from Prompt with a tiny random-weight model: the timeline from noise to the picture."""
    from tests.tiny_models import build_sd_inpaint

    model = build_sd_inpaint(Path(tempfile.mkdtemp()) / "tiny-sd-inpaint")
    window.panel.add_model(str(model))
    wait_idle(window)
    window.creation.imagine(PromptValues("a city in the sky", "", (512, 384), steps=8, seed=4))
    wait_idle(window)
    wait(500)
    window.timeline.slider.setValue(4)
    wait(300)
    window.grab().save(str(out / "studio-create.png"))


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    window = make_window()
    window.resize(1400, 900)
    wait(400)
    revived(window, tmp, out)
    created(window, out)
    print(f"wrote {out}/studio-revive.png and studio-create.png")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
