"""Issue 28, cases 5 and 9 and the server's lows: what a hostile or broken client sends mid-run, a
client that leaves, foreign web origins and Host names, nesting bombs."""

from __future__ import annotations

import json
import logging
import socket
import time

from fastapi.testclient import TestClient

from tests.serving import running_server
from tratteggio.core.engines.remote import RemoteTarget, _connect
from tratteggio.core.engines.wire import RUN_PATH, encode_png
from tratteggio.server.calls import ServerState
from tratteggio.server.config import ServerConfig
from tratteggio.server.run import uvicorn_options

from .conftest import TOKEN, crop, request
from .test_protocol import next_of, send_fill, state_of

LONG = 300  # steps: a run that would take minutes if nothing stopped it


def wait_idle(state: ServerState, seconds: float) -> bool:
    """The device is free again (its model call has really ended) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not state.queue.busy:
            return True
        time.sleep(0.02)
    return False


def test_a_non_object_message_mid_run_leaves_cancel_working(client: TestClient, sd_model: str) -> None:
    image, mask = crop()
    with client.websocket_connect(RUN_PATH) as ws:
        send_fill(ws, request(sd_model, steps=LONG, device="cpu"), image, mask)
        next_of(ws, "step")
        ws.receive_bytes()
        for junk in ("[1]", "1", '"cancel"', "null", "not json", "[" * 50_000):
            ws.send_text(junk)
        ws.send_json({"op": "cancel"})
        seen = 1
        while (message := ws.receive_json())["type"] == "step":
            ws.receive_bytes()
            seen += 1
            assert seen < 40, "the cancel was ignored"
        assert message["type"] == "cancelled"
    assert wait_idle(state_of(client), 10)


def test_a_client_that_leaves_mid_run_stops_the_model_at_the_next_step(config: ServerConfig) -> None:
    """A real uvicorn: a plain close, a close after a message the server could not read, and a
    socket dropped without a close frame. Each time the device is free again within seconds, and
    the server logs one line, no traceback."""
    image, mask = crop()
    fill = {"op": "fill", "request": request(config.models[0], steps=LONG, device="cpu").to_dict()}
    fill |= {"width": image.shape[1], "height": image.shape[0]}
    heard = Heard()
    for name in ("uvicorn.error", "tratteggio.server"):
        logging.getLogger(name).addHandler(heard)
    try:
        with running_server(config) as server:
            target = RemoteTarget(server.url, TOKEN)
            for junk, abrupt in ((None, False), ("[1]", False), ("[1]", True)):
                with _connect(target) as ws:
                    ws.send(json.dumps(fill))
                    ws.send(encode_png(image))
                    ws.send(encode_png(mask))
                    while not isinstance(ws.recv(timeout=60), bytes):
                        pass  # until the first step's preview
                    if junk is not None:
                        ws.send(junk)
                    if abrupt:
                        ws.socket.shutdown(socket.SHUT_RDWR)
                left = time.monotonic()
                assert wait_idle(server.state, 10), f"computing {time.monotonic() - left:.0f} s after"
            assert wait_logged(server.state, 3)
            assert [c.outcome for c in server.state.calls] == ["disconnected"] * 3
    finally:
        for name in ("uvicorn.error", "tratteggio.server"):
            logging.getLogger(name).removeHandler(heard)
    assert not [r for r in heard.records if r.exc_info or "Traceback" in r.getMessage()], heard.records


class Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def wait_logged(state: ServerState, count: int) -> bool:
    deadline = time.monotonic() + 10
    while len(state.calls) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return len(state.calls) >= count


def test_a_deeply_nested_or_huge_first_message_is_a_clean_refusal(client: TestClient) -> None:
    for text in ("[" * 100_000 + "]" * 100_000, '{"op": "info", "x": [' + "1," * 600_000 + "1]}"):
        with client.websocket_connect(RUN_PATH) as ws:
            ws.send_text(text)
            reply = ws.receive_json()
        assert reply["type"] == "error" and reply["kind"] == "request", reply
        assert "internal" not in reply["message"], reply


def test_a_client_that_vanishes_without_closing_is_found_within_20_s(config: ServerConfig) -> None:
    options = uvicorn_options(config)
    assert options["ws_ping_interval"] + options["ws_ping_timeout"] <= 20
