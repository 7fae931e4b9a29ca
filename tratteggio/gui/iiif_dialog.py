"""File ▸ Open from IIIF…: a museum's master fetched from its IIIF server on the downloads runner
(never the GUI thread), with a progress bar and Cancel; a cancelled fetch resumes next time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tratteggio.gui import settings as prefs
from tratteggio.gui.runner import Handle, TaskContext
from tratteggio.gui.session import StudioSession


class IIIFDialog(QDialog):
    """Asks for a URL and where to keep the master; opens it when fetched."""

    def __init__(
        self, session: StudioSession, on_fetched: Callable[[Path], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.on_fetched = session, on_fetched
        self.handle: Handle | None = None
        self.setWindowTitle("Open from IIIF")
        self.resize(620, 200)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…/info.json, an image service, or a manifest")
        self.url.textChanged.connect(self._suggest)
        self.output = QLineEdit(str(Path(prefs.last_folder() or Path.home()) / "iiif-master.png"))
        self.canvas = QLineEdit("")
        self.canvas.setPlaceholderText("for a manifest with several canvases: 1, 2, …")
        self.bar = QProgressBar()
        self.answer = QLabel("The full-resolution image is fetched in tiles and kept as a lossless master.")
        self.answer.setWordWrap(True)
        self.fetch_button = QPushButton("Fetch")
        self.fetch_button.clicked.connect(self.start)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.fetch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.cancel)
        form = QFormLayout()
        form.addRow("IIIF address", self.url)
        form.addRow("Canvas", self.canvas)
        form.addRow("Save master as", self.output)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.answer)
        layout.addWidget(self.buttons)

    def _suggest(self, url: str) -> None:
        parts = [
            p for p in urlsplit(url.strip()).path.split("/") if p and p not in ("info.json", "manifest.json")
        ]
        if parts:
            folder = Path(self.output.text()).parent
            self.output.setText(str(folder / f"{parts[-1][:60]}.png"))

    def start(self) -> None:
        url, output, canvas = (
            self.url.text().strip(),
            Path(self.output.text().strip()),
            self.canvas.text().strip(),
        )
        if not url:
            self.answer.setText("Give the address of an info.json, an image service or a manifest.")
            return
        choice = int(canvas) if canvas.isdigit() else None
        self.fetch_button.setEnabled(False)
        self.answer.setText(f"Fetching {url}…")
        self.handle = self.session.downloads.run(
            lambda ctx: _fetch(url, output, choice, ctx),
            label="iiif fetch",
            on_done=self._done,
            on_failed=self._failed,
            on_cancelled=self._cancelled,
            on_progress=self._progress,
        )

    def _progress(self, done: float, total: float, text: str) -> None:
        self.bar.setMaximum(int(total))
        self.bar.setValue(int(done))

    def _done(self, output: Path) -> None:
        self.handle = None
        prefs.set_last_folder(str(output.parent))
        self.session.say(f"Fetched {output.name} from IIIF")
        self.on_fetched(output)
        self.accept()

    def _failed(self, message: str) -> None:
        self.handle = None
        self.fetch_button.setEnabled(True)
        self.answer.setText(f"Cannot fetch: {message}")

    def _cancelled(self) -> None:
        self.handle = None
        self.fetch_button.setEnabled(True)
        self.answer.setText("Cancelled; the tiles fetched so far are kept, and Fetch resumes from them.")

    def cancel(self) -> None:
        """Cancel a running fetch (the dialog stays); with none running, close."""
        if self.handle is not None:
            self.handle.cancel()
        else:
            self.reject()


def _fetch(url: str, output: Path, canvas: int | None, ctx: TaskContext) -> Path:
    from tratteggio.core.iiif.fetch import fetch_image

    fetched = fetch_image(url, output, canvas=canvas, on_progress=ctx.progress, cancel=ctx.cancelled)
    return fetched.output
