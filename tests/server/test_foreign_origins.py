"""Issue 28, case 9: a web page the user visits must not drive the server. A browser sends its page's
Origin with every WebSocket handshake (cross-site WebSocket hijacking), and a DNS-rebound name
reaches a loopback server with that name in Host. Both are refused unless configured."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from tratteggio.cli import main
from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.wire import INFO_PATH, RUN_PATH
from tratteggio.server.app import create_app
from tratteggio.server.config import ServerConfig, make_config

from .conftest import LIMITS, TOKEN


def tokenless(sd_model: str, **options: object) -> ServerConfig:
    return make_config(device="cpu", models=(sd_model,), limits=LIMITS, **options)  # type: ignore[arg-type]


def answers(client: TestClient, headers: dict[str, str]) -> tuple[int, int]:
    """The info request's status, and the handshake's (101 when accepted)."""
    status = client.get(INFO_PATH, headers=headers).status_code
    try:
        url = str(client.base_url.copy_with(scheme="ws", path=RUN_PATH))  # its default Host is testserver
        with client.websocket_connect(url, headers=headers) as ws:
            ws.send_json({"op": "info"})
            assert ws.receive_json()["type"] == "info"
        return status, 101
    except WebSocketDenialResponse as denied:
        return status, denied.status_code


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8765", "null"])
def test_a_web_origin_is_refused_with_or_without_a_token(
    sd_model: str, config: ServerConfig, origin: str
) -> None:
    for served, auth in ((config, {"Authorization": f"Bearer {TOKEN}"}), (tokenless(sd_model), {})):
        app = create_app(served, LocalModel())
        with TestClient(app, base_url="http://127.0.0.1:8765") as client:
            assert answers(client, auth) == (200, 101)
            assert answers(client, {**auth, "Origin": origin}) == (403, 403)
        assert [c.op for c in app.state.tratteggio.calls] == ["info"]  # the refused one never ran


FOREIGN = ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "192.168.1.9"]


@pytest.mark.parametrize("host", FOREIGN)
def test_a_foreign_host_name_is_refused_by_a_tokenless_server(sd_model: str, host: str) -> None:
    with TestClient(create_app(tokenless(sd_model), LocalModel()), base_url=f"http://{host}") as client:
        assert answers(client, {}) == (403, 403)


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.1"])
def test_loopback_host_names_are_served(sd_model: str, host: str) -> None:
    with TestClient(create_app(tokenless(sd_model), LocalModel()), base_url=f"http://{host}") as client:
        assert answers(client, {}) == (200, 101)


def test_origins_and_host_names_can_be_allowed(sd_model: str) -> None:
    allowed = tokenless(sd_model, allow_origins=("https://lab.example",), allow_hosts=("gpu.lan",))
    with TestClient(create_app(allowed, LocalModel()), base_url="http://gpu.lan:8765") as client:
        assert answers(client, {"Origin": "https://lab.example"}) == (200, 101)
        assert answers(client, {"Origin": "https://evil.example"}) == (403, 403)


def test_the_allow_options_reach_the_server_config(monkeypatch: pytest.MonkeyPatch, sd_model: str) -> None:
    import tratteggio.server.run

    started: list[ServerConfig] = []
    monkeypatch.setattr(tratteggio.server.run, "serve", started.append)
    argv = ["serve", "--device", "cpu", "--models", sd_model, "--allow-origin", "https://a.example"]
    assert main([*argv, "--allow-origin", "https://b.example", "--allow-host", "gpu.lan"]) == 0
    (config,) = started
    assert config.allow_origins == ("https://a.example", "https://b.example")
    assert config.allow_hosts == ("gpu.lan",)
