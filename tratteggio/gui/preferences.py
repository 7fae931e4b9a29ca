"""Preferences ▸ Diffusion runs on: this computer, or a Tratteggio server (`tratteggio serve`) given by
its address and a token file, with a connection test that shows the server's device and models.
On this computer the model runs in a worker process (core/engines/worker.py) that ends itself after
the idle time set here (default 10 minutes), freeing its memory; the studio never loads torch.

Only the model call goes to the server; crops, colour match, blend, paste-back and the record stay
here. The choice is kept in the settings and applied when the studio starts. Also ▸ Canvas: whether
the mouse wheel zooms (the studio's first habit) or scrolls (Photoshop's, Krita's and GIMP's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tratteggio.core.errors import TratteggioError
from tratteggio.gui import settings as prefs
from tratteggio.gui.session import StudioSession

if TYPE_CHECKING:
    from tratteggio.core.engines.remote import RemoteModel, RemoteTarget
    from tratteggio.core.engines.worker import WorkerModel

DEFAULT_IDLE_MINUTES = prefs.WORKER_IDLE_MINUTES.default


def idle_minutes() -> int:
    """How long the diffusion worker may wait for a run before it ends (the setting, in minutes)."""
    return prefs.WORKER_IDLE_MINUTES.get()


class _Notices(QObject):
    """Carries the remote model's queue notices from the worker thread to the status bar."""

    text = Signal(str)


def apply_diffusion_preference(session: StudioSession) -> str | None:
    """Run diffusion where the settings say; returns a problem to show, or None. A server whose
    token file has gone is reported and diffusion falls back to this computer."""
    from tratteggio.core.engines.remote import RemoteTarget

    problem = None
    model: RemoteModel | WorkerModel | None = None
    if prefs.DIFFUSION_WHERE.get() == "remote":
        try:
            target = RemoteTarget.parse(prefs.DIFFUSION_URL.get(), prefs.DIFFUSION_TOKEN_FILE.get() or None)
            model = session.engines.run_diffusion_on(target)
        except TratteggioError as exc:
            problem = f"Diffusion runs on this computer: the server setting is unusable ({exc})"
    if model is None:
        session.engines.run_diffusion_on(None)
        model = session.engines.run_diffusion_in_worker(idle_minutes() * 60.0)
    notices = session.findChild(_Notices)
    if notices is None:
        notices = _Notices(session)
        notices.text.connect(session.say)  # queued: emitted on the worker thread
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(session.engines.close)  # its diffusion worker ends now
    model.on_notice = notices.text.emit
    return problem


class PreferencesDialog(QDialog):
    modelChosen = Signal(str)  # a model the server offers, double-clicked

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Preferences")
        self.resize(560, 420)
        self.local = QRadioButton("this computer")
        self.remote = QRadioButton("a Tratteggio server (tratteggio serve):")
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://gpu-box:8765, or 127.0.0.1:8765 through an SSH tunnel")
        self.token = QLineEdit()
        self.token.setPlaceholderText("a file holding the server's token")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.wheel_zooms = QCheckBox("The mouse wheel zooms (unchecked: it scrolls; Ctrl+wheel zooms)")
        self.answer = QLabel("")
        self.answer.setWordWrap(True)
        self.models = QListWidget()
        self.models.setToolTip("The server's models; double-click one to use it")
        self.models.itemDoubleClicked.connect(lambda item: self.modelChosen.emit(item.text()))
        choice = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(choice.Ok | choice.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.remote.toggled.connect(self._enable)
        self.idle = QSpinBox()
        self.idle.setRange(1, 24 * 60)
        self.idle.setSuffix(" min")
        self.idle.setToolTip("Diffusion runs in a worker process; idle this long, it ends and frees memory")
        form = QFormLayout()
        form.addRow("Diffusion runs on", self.local)
        form.addRow("Worker ends when idle for", self.idle)
        form.addRow("", self.remote)
        form.addRow("Server", self.url)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token)
        token_row.addWidget(browse)
        form.addRow("Token file", token_row)
        form.addRow("", self.test_button)
        form.addRow("Canvas", self.wheel_zooms)

        form.addRow("Sign exports with", self._signing_row())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.answer)
        layout.addWidget(self.models)
        layout.addWidget(buttons)
        self._load()

    def _signing_row(self) -> QHBoxLayout:
        self.signing = QLineEdit()
        self.signing.setPlaceholderText("none; or a folder made by `tratteggio credentials new`")
        self.signing.setToolTip(
            "Exports then carry Content Credentials (C2PA) signed with this identity "
            "(needs pip install 'tratteggio[credentials]')"
        )
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_identity)
        row = QHBoxLayout()
        row.addWidget(self.signing)
        row.addWidget(browse)
        return row

    def _browse_identity(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Signing identity", self.signing.text() or prefs.last_folder()
        )
        if folder:
            self.signing.setText(folder)

    def _check_identity(self) -> bool:
        path = self.signing.text().strip()
        if path:
            try:
                from tratteggio.core.credentials.identity import load_identity
                from tratteggio.core.credentials.sign import require_c2pa

                require_c2pa()
                load_identity(path)
            except TratteggioError as exc:
                self.answer.setText(f"Cannot sign with this identity: {exc}")
                return False
        prefs.set_signing_identity(path)
        return True

    def _load(self) -> None:
        self.signing.setText(prefs.signing_identity())
        (self.remote if prefs.DIFFUSION_WHERE.get() == "remote" else self.local).setChecked(True)
        self.url.setText(prefs.DIFFUSION_URL.get())
        self.token.setText(prefs.DIFFUSION_TOKEN_FILE.get())
        self.wheel_zooms.setChecked(prefs.wheel_zooms())
        self.idle.setValue(idle_minutes())
        self._enable()

    def _enable(self) -> None:
        for widget in (self.url, self.token, self.test_button):
            widget.setEnabled(self.remote.isChecked())
        self.idle.setEnabled(self.local.isChecked())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Token file", self.token.text() or prefs.last_folder())
        if path:
            self.token.setText(path)

    def target(self) -> RemoteTarget:
        """The server the fields name; TratteggioError with one line if they do not."""
        from tratteggio.core.engines.remote import RemoteTarget

        return RemoteTarget.parse(self.url.text(), self.token.text().strip() or None)

    def test_connection(self) -> None:
        """Ask the server about itself on the downloads runner (a network wait blocks no fill)."""
        from tratteggio.core.engines.remote import RemoteModel

        try:
            target = self.target()
        except TratteggioError as exc:
            self._show_problem(str(exc))
            return
        self.answer.setText(f"Connecting to {target.host}…")
        self.test_button.setEnabled(False)
        self.session.downloads.run(
            lambda ctx: RemoteModel(target).info(),
            label="test connection",
            on_done=self._show_info,
            on_failed=self._show_problem,
            on_cancelled=lambda: self.test_button.setEnabled(True),
        )

    def _show_info(self, info: dict[str, Any]) -> None:
        self.test_button.setEnabled(self.remote.isChecked())
        software, queue = info.get("software", {}), info.get("queue", {})
        busy = "busy" if queue.get("running") else "idle"
        self.answer.setText(
            f"Connected: device {info.get('device')}, torch {software.get('torch', '?')}, "
            f"diffusers {software.get('diffusers', '?')}, Tratteggio {info.get('version')}; "
            f"{busy}, {queue.get('waiting', 0)} waiting. Models (double-click one to use it):"
        )
        self.models.clear()
        self.models.addItems([str(m) for m in info.get("models", [])])

    def _show_problem(self, message: str) -> None:
        self.test_button.setEnabled(self.remote.isChecked())
        self.answer.setText(f"Cannot use this server: {message}")
        self.models.clear()

    def accept(self) -> None:
        """Keep and apply the choice; a server setting or a signing identity that cannot be used
        keeps the dialog open."""
        if not self._check_identity():
            return
        if self.remote.isChecked():
            try:
                self.target()
            except TratteggioError as exc:
                self._show_problem(str(exc))
                return
        prefs.DIFFUSION_WHERE.set("remote" if self.remote.isChecked() else "local")
        prefs.DIFFUSION_URL.set(self.url.text().strip())
        prefs.DIFFUSION_TOKEN_FILE.set(self.token.text().strip())
        prefs.set_wheel_zooms(self.wheel_zooms.isChecked())
        prefs.WORKER_IDLE_MINUTES.set(self.idle.value())
        prefs.sync()
        problem = apply_diffusion_preference(self.session)
        if problem:
            self.session.warn(problem)
        where = f"the server at {self.target().host}" if self.remote.isChecked() else "this computer"
        self.session.say(f"Diffusion runs on {where}.")
        super().accept()
