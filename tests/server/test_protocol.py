"""The server in-process (TestClient): the token, the refusals, the stream of steps, cancel and the
queue, against the tiny random-weight SD pipeline."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from tratteggio.core.engines.local_model import LocalModel
from tratteggio.core.engines.model_call import ModelJob
from tratteggio.core.engines.wire import INFO_PATH, RUN_PATH, decode_png, encode_png
from tratteggio.core.request import RestorationRequest
from tratteggio.server.calls import ServerState

from .conftest import TOKEN, crop, request


def state_of(client: TestClient) -> ServerState:
    return client.app.state.tratteggio  # type: ignore[attr-defined,no-any-return]


def outcomes_soon(state: ServerState, count: int) -> list[str]:
    """The calls' outcomes once `count` calls have been logged (a call logs just after its last send)."""
    deadline = time.monotonic() + 10
    while len(state.calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return [c.outcome for c in state.calls]


def send_fill(ws: object, req: RestorationRequest, image: np.ndarray, mask: np.ndarray) -> None:
    height, width = image.shape[:2]
    ws.send_json({"op": "fill", "request": req.to_dict(), "width": width, "height": height})  # type: ignore[attr-defined]
    ws.send_bytes(encode_png(image))  # type: ignore[attr-defined]
    ws.send_bytes(encode_png(mask))  # type: ignore[attr-defined]


def next_of(ws: object, kind: str, skip: tuple[str, ...] = ("queued", "started")) -> dict[str, object]:
    """The next message of `kind`, skipping queue notices (and images, if `skip` names steps)."""
    while True:
        raw = ws.receive()  # type: ignore[attr-defined]
        if raw.get("bytes") is not None and "step" in skip:
            continue
        message = json.loads(raw["text"])
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
        assert message["type"] in skip, message


def test_info_names_the_device_software_models_and_limits(client: TestClient, sd_model: str) -> None:
    info = client.get(INFO_PATH).json()
    assert info["device"] == "cpu" and info["models"] == [sd_model]
    assert info["software"]["torch"].startswith("2.") and "diffusers" in info["software"]
    assert info["limits"]["max_steps"] == 400 and info["queue"] == {"running": False, "waiting": 0}
    assert [client.get(path).status_code for path in ("/docs", "/openapi.json", "/")] == [404] * 3


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_bad_token_is_refused_with_401_and_nothing_runs(
    client: TestClient, sd_model: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    anonymous = TestClient(client.app)
    response = anonymous.get(INFO_PATH, headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        anonymous.websocket_connect(RUN_PATH, headers=headers),
    ):
        pass
    assert denied.value.status_code == 401
    assert list(state_of(client).calls) == [] and state_of(client).model.cache._loaded is None  # type: ignore[attr-defined]


def test_a_fill_streams_one_preview_per_step_and_matches_a_local_model_call(
    client: TestClient, sd_model: str
) -> None:
    image, mask = crop()
    req = request(sd_model, device="cpu")
    with client.websocket_connect(RUN_PATH) as ws:
        send_fill(ws, req, image, mask)
        steps = []
        while (message := next_of(ws, "step") if len(steps) < 3 else next_of(ws, "done"))["type"] == "step":
            steps.append((message["step"], decode_png(ws.receive_bytes(), 3, np.uint16)))
        fill = decode_png(ws.receive_bytes(), 3, np.uint16, (256, 256))
    assert [s for s, _ in steps] == [0, 1, 2] and all(p.shape == (32, 32, 3) for _, p in steps)
    local = LocalModel().run(ModelJob(image, mask, req), lambda *a: None, lambda: None)
    assert fill.tobytes() == local.tobytes()
    assert outcomes_soon(state_of(client), 1) == ["done"] and state_of(client).calls[-1].steps == 3


@pytest.mark.parametrize(
    ("changes", "size", "expected"),
    [
        ({}, 1024, "at most 512 px on a side"),
        ({"steps": 1000}, 256, "steps: 1000 is more than this server allows (400)"),
        ({"prompt": "x" * 201}, 256, "prompt is longer than this server allows (200 characters)"),
        ({"model": "someone/else"}, 256, "model someone/else is not served here"),
        ({"device": "cuda:3"}, 256, "this server runs on cpu; the request asks for cuda:3"),
        ({"engine": "telea", "model": None}, 256, "diffusion engine only"),
    ],
)
def test_oversize_crops_absurd_steps_and_foreign_models_are_refused_with_a_message(
    client: TestClient, sd_model: str, changes: dict[str, object], size: int, expected: str
) -> None:
    image, mask = np.zeros((size, size, 3), np.uint8), np.zeros((size, size), np.uint8)
    with client.websocket_connect(RUN_PATH) as ws:
        send_fill(ws, request(sd_model).replace(**changes), image, mask)
        reply = ws.receive_json()
    assert reply["type"] == "error" and reply["kind"] == "request" and expected in reply["message"]
    assert outcomes_soon(state_of(client), 1) == ["refused"]
    assert state_of(client).model.cache._loaded is None  # type: ignore[attr-defined]  # nothing ran


def test_a_crop_that_is_not_what_the_header_announced_is_refused(client: TestClient, sd_model: str) -> None:
    image, mask = crop()
    with client.websocket_connect(RUN_PATH) as ws:
        ws.send_json({"op": "fill", "request": request(sd_model).to_dict(), "width": 256, "height": 128})
        ws.send_bytes(encode_png(image))
        ws.send_bytes(encode_png(mask))
        reply = ws.receive_json()
    assert reply["type"] == "error" and "not the announced 256x128" in reply["message"]


def test_a_client_cannot_grant_itself_pickle_nor_name_a_config_folder(
    client: TestClient, sd_model: str
) -> None:
    with client.websocket_connect(RUN_PATH) as ws:
        ws.send_json({"op": "prepare", "request": {**request(sd_model).to_dict(), "model_config": "/etc"}})
        reply = ws.receive_json()
    assert reply["type"] == "error" and "model_config" in reply["message"]
    with client.websocket_connect(RUN_PATH) as ws:
        ws.send_json({"op": "prepare", "request": {**request(sd_model).to_dict(), "allow_pickle": True}})
        prepared = next_of(ws, "prepared")
    assert prepared["info"]["native_size"] == 256  # type: ignore[index]


def test_cancel_stops_within_a_step_while_the_next_run_waits_its_turn_then_runs(
    client: TestClient, sd_model: str
) -> None:
    image, mask = crop()
    long = request(sd_model, steps=300, device="cpu")
    with client.websocket_connect(RUN_PATH) as first, client.websocket_connect(RUN_PATH) as second:
        send_fill(first, long, image, mask)
        next_of(first, "step")
        first.receive_bytes()
        second.send_json({"op": "prepare", "request": request(sd_model).to_dict()})
        assert second.receive_json() == {"type": "queued", "position": 1}
        seen = 1
        first.send_json({"op": "cancel"})
        while (message := first.receive_json())["type"] == "step":
            first.receive_bytes()
            seen += 1
        assert message["type"] == "cancelled"
        assert int(message["step"]) <= seen + 1 < 300  # type: ignore[call-overload]  # within a step
        assert next_of(second, "prepared")["info"]["preview_steps"] == 3  # type: ignore[index]
    with client.websocket_connect(RUN_PATH) as third:
        send_fill(third, request(sd_model, device="cpu"), image, mask)
        for _ in range(3):
            next_of(third, "step")
            third.receive_bytes()
        assert next_of(third, "done") == {"type": "done"}
        third.receive_bytes()
    assert outcomes_soon(state_of(client), 3) == ["cancelled", "done", "done"]


def test_a_full_queue_is_refused_and_a_client_that_leaves_the_queue_frees_its_place(
    client: TestClient, sd_model: str
) -> None:
    state = state_of(client)
    state.queue.max_waiting = 1
    image, mask = crop()
    with client.websocket_connect(RUN_PATH) as running:
        send_fill(running, request(sd_model, steps=300, device="cpu"), image, mask)
        next_of(running, "step")
        with client.websocket_connect(RUN_PATH) as waiting:
            waiting.send_json({"op": "prepare", "request": request(sd_model).to_dict()})
            assert waiting.receive_json() == {"type": "queued", "position": 1}
            with client.websocket_connect(RUN_PATH) as refused:
                refused.send_json({"op": "prepare", "request": request(sd_model).to_dict()})
                reply = refused.receive_json()
            assert reply["kind"] == "busy" and "1 runs are waiting" in reply["message"]
        running.send_json({"op": "cancel"})
        next_of(running, "cancelled", skip=("step",))
    assert client.get(INFO_PATH).json()["queue"] == {"running": False, "waiting": 0}


def test_a_model_described_before_is_answered_at_once_while_the_device_is_busy(
    client: TestClient, sd_model: str
) -> None:
    image, mask = crop()
    with client.websocket_connect(RUN_PATH) as ws:
        ws.send_json({"op": "prepare", "request": request(sd_model).to_dict()})
        next_of(ws, "prepared")
    with client.websocket_connect(RUN_PATH) as running:
        send_fill(running, request(sd_model, steps=300, device="cpu"), image, mask)
        next_of(running, "step")
        with client.websocket_connect(RUN_PATH) as ws:
            ws.send_json({"op": "prepare", "request": request(sd_model, seed=8, prompt="sky").to_dict()})
            assert ws.receive_json()["type"] == "prepared"  # no queue: the same model, steps, strength
        running.send_json({"op": "cancel"})
        next_of(running, "cancelled", skip=("step", "started"))


def test_a_first_message_that_is_not_json_is_refused(client: TestClient) -> None:
    with client.websocket_connect(RUN_PATH) as ws:
        ws.send_bytes(b"\x89PNG")
        reply = ws.receive_json()
    assert reply == {
        "type": "error",
        "kind": "request",
        "message": "the first message must be a JSON object with an op",
    }
