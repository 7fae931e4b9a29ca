"""The studio with diffusion on a server (a real uvicorn on 127.0.0.1): Preferences and its connection
test, layers of time as they arrive, Esc cancelling on the server, a dropped connection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")

from tests.serving import Running, running_server  # noqa: E402
from tratteggio.core import Mask, load_mask, load_photo, restore  # noqa: E402
from tratteggio.core.engines import Engines  # noqa: E402
from tratteggio.core.engines.remote import RemoteModel  # noqa: E402
from tratteggio.gui import settings as prefs  # noqa: E402
from tratteggio.gui.main_window import MainWindow  # noqa: E402
from tratteggio.gui.preferences import PreferencesDialog  # noqa: E402
from tratteggio.server.config import make_config  # noqa: E402

TOKEN = "studio-token-0123456789abcdef"


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN)
    return path


@pytest.fixture
def server(sd_model: str, token_file: Path) -> Iterator[Running]:
    config = make_config(token_file=token_file, device="cpu", models=(sd_model,))
    with running_server(config) as running:
        yield running


def use_server(window: MainWindow, server: Running, token_file: Path) -> PreferencesDialog:
    window.menus.actions["preferences"].trigger()
    dialog = window.preferences
    dialog.remote.setChecked(True)
    dialog.url.setText(server.url)
    dialog.token.setText(str(token_file))
    return dialog


@pytest.fixture
def remote_studio(
    window: MainWindow, server: Running, token_file: Path, sd_model: str, photo_file: Path, mask_file: Path
) -> MainWindow:
    """The window with diffusion on the server, the photo and its mask open, the tiny model chosen."""
    use_server(window, server, token_file).accept()
    window.files.open_path(photo_file, mask_file)
    window.panel.add_model(sd_model)
    return window


def test_preferences_test_the_connection_show_the_server_and_keep_the_choice(
    qtbot: object, window: MainWindow, server: Running, token_file: Path, sd_model: str
) -> None:
    dialog = use_server(window, server, token_file)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.models.count() == 1, timeout=30_000)  # type: ignore[attr-defined]
    assert "Connected: device cpu" in dialog.answer.text() and "torch 2." in dialog.answer.text()
    assert dialog.models.item(0).text() == sd_model
    dialog.accept()
    model = window.session.engines.model
    assert isinstance(model, RemoteModel) and model.target.url == server.url
    assert prefs.DIFFUSION_WHERE.get() == "remote"
    assert "Diffusion runs on the server" in window.status.current_message()
    window.menus.actions["preferences"].trigger()
    assert window.preferences.remote.isChecked() and window.preferences.url.text() == server.url
    window.preferences.local.setChecked(True)
    window.preferences.accept()
    assert window.session.engines.model.__class__.__name__ == "WorkerModel"


def test_a_wrong_token_shows_why_in_the_dialog(
    qtbot: object, window: MainWindow, server: Running, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("x" * 20)
    dialog = use_server(window, server, wrong)
    dialog.test_connection()
    qtbot.waitUntil(lambda: "Cannot use" in dialog.answer.text(), timeout=30_000)  # type: ignore[attr-defined]
    assert "refused the token (401)" in dialog.answer.text() and dialog.models.count() == 0
    dialog.token.setText(str(tmp_path / "missing"))
    dialog.accept()
    assert dialog.isVisible() and "cannot read the token file" in dialog.answer.text()


def test_a_remote_run_streams_its_layers_and_gives_the_local_bytes(
    qtbot: object, remote_studio: MainWindow, server: Running, photo_file: Path, mask_file: Path
) -> None:
    window = remote_studio
    window.panel.steps.setValue(3)
    with qtbot.waitSignal(window.runs.finished, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    job = window.runs.candidates[0]
    assert job.result is not None and len(job.previews) == 4
    qtbot.waitUntil(lambda: window.timeline.strip.count() == 5, timeout=10_000)  # type: ignore[attr-defined]
    assert job.result.engine_info["remote"]["host"] == server.url.split("://")[1]
    photo = load_photo(photo_file)
    local = restore(photo, Mask(load_mask(mask_file, photo.shape2d).bits), job.request, engines=Engines())
    assert local.pixels.tobytes() == job.result.pixels.tobytes()


def test_esc_cancels_the_run_on_the_server(qtbot: object, remote_studio: MainWindow, server: Running) -> None:
    window = remote_studio
    window.panel.steps.setValue(150)
    with qtbot.waitSignal(window.runs.stepsArrived, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    with qtbot.waitSignal(window.runs.stopped, timeout=20_000):  # type: ignore[attr-defined]
        window.menus.actions["cancel"].trigger()
    cancelled = lambda: [c.outcome for c in server.state.calls][-1:] == ["cancelled"]  # noqa: E731
    qtbot.waitUntil(cancelled, timeout=20_000)  # type: ignore[attr-defined]
    assert server.state.calls[-1].op == "fill" and server.state.calls[-1].steps < 150
    assert window.canvas.preview == [] and window.doc is not None and window.doc.interventions == []


def test_a_dropped_connection_fails_the_run_with_one_message_and_leaves_the_photo(
    qtbot: object, remote_studio: MainWindow, server: Running
) -> None:
    window = remote_studio
    window.panel.steps.setValue(150)
    doc = window.doc
    assert doc is not None
    before = (doc.composite().copy(), doc.mask.copy())
    with qtbot.waitSignal(window.runs.stepsArrived, timeout=60_000):  # type: ignore[attr-defined]
        window.runs.start()
    with qtbot.waitSignal(window.runs.stopped, timeout=30_000) as stopped:  # type: ignore[attr-defined]
        server.stop()
    assert stopped.args[0].startswith("Restoration failed: lost the connection to the diffusion server")
    qtbot.waitUntil(lambda: hasattr(window, "last_warning"), timeout=5_000)  # type: ignore[attr-defined]
    assert "\n" not in window.last_warning and server.url.split("://")[1] in window.last_warning
    assert window.canvas.preview == [] and doc.interventions == []
    assert np.array_equal(doc.composite(), before[0]) and np.array_equal(doc.mask, before[1])
    assert window.panel.restore_button.isEnabled()
