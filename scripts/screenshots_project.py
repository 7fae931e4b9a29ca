"""The README's project screenshots: a saved project reopened (title, tool bar, the Interventions
inspector with the selected intervention highlighted), and the recovery offer after a crash.

xvfb-run -a python scripts/screenshots_project.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import skimage.data
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tratteggio.core import Photo, RestorationRequest, restore, save_photo
from tratteggio.core.project.journal import new_journal
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.studio.document import Document
from tratteggio.gui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import wait  # noqa: E402


def coins_project(folder: Path) -> Path:
    """The Pompeii coins with two losses restored: a saved project beside its master."""
    photo = folder / "coins.png"
    save_photo(Photo(skimage.data.coins()), photo)
    doc = Document(Photo(skimage.data.coins()), photo.resolve())
    for box, engine in (((60, 40, 95, 70), "hybrid"), ((220, 150, 250, 190), "telea")):
        x0, y0, x1, y1 = box
        doc.mask[y0:y1, x0:x1] = True
        doc.accept(
            restore(doc.photo, doc.mask_object(), RestorationRequest(engine=engine)), doc.mask_object()
        )
    doc.mask[250:262, 100:180] = True  # damage marked, not yet restored
    path = folder / "coins.tratteggio"
    sync = ProjectSync(doc, path)
    sync.write(sync.pending())
    sync.close()
    return path


def crashed_journal(folder: Path) -> None:
    """A journal left unlocked, as a killed studio leaves it."""
    photo = folder / "astronaut.png"
    save_photo(Photo(skimage.data.astronaut()), photo)
    doc = Document(Photo(skimage.data.astronaut()), photo.resolve())
    doc.mask[100:160, 200:320] = True
    path, lock = new_journal()
    sync = ProjectSync(doc, path)
    sync.write(sync.pending({"project": None, "saved_revision": -1}))
    sync.close()
    lock.release()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")
    app = QApplication.instance() or QApplication([])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    project = coins_project(tmp)
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.projects.ask_save = lambda name: "discard"
    window.files.open_path(project)
    for _ in range(100):
        wait(100)
        if window.session.doc is not None and not window.session.runner.busy():
            break
    window.canvas.fit()
    window.tabs.setCurrentWidget(window.interventions)
    window.interventions.list.setCurrentRow(0)
    wait(400)
    window.grab().save(str(out / "studio-project.png"))
    crashed_journal(tmp)
    QTimer.singleShot(600, lambda: _grab_dialog(out / "studio-recover.png"))
    window.projects.offer_recovery()
    print(f"wrote {out}/studio-project.png and studio-recover.png")
    window.close()
    app.quit()


def _grab_dialog(path: Path) -> None:
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    box.grab().save(str(path))
    box.reject()


if __name__ == "__main__":
    main()
