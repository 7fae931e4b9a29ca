"""The remote engine against a real uvicorn on 127.0.0.1 (a free port), through the command line and
core's restore(): the same bytes as a local run, the record naming the server, the token, cancel."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.core.helpers import coffee
from tests.serving import Running, running_server
from tratteggio.cli import main
from tratteggio.core import Cancelled, Photo, StepPreview, restore
from tratteggio.core.engines import Engines
from tratteggio.core.engines.model_call import ModelJob
from tratteggio.core.engines.remote import RemoteError, RemoteModel, RemoteTarget
from tratteggio.core.errors import RequestError
from tratteggio.server.config import ServerConfig

from .conftest import loss_mask, request


@pytest.fixture
def server(config: ServerConfig) -> Iterator[Running]:
    with running_server(config) as running:
        yield running


def wait_for_calls(running: Running, count: int) -> list[str]:
    deadline = time.monotonic() + 20
    while len(running.state.calls) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return [f"{c.op}:{c.outcome}" for c in running.state.calls]


def test_a_remote_restore_gives_the_bytes_of_a_local_one_and_the_record_names_the_server(
    server: Running, sd_model: str, token_file: Path, tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    photo, mask = inputs
    common = [str(photo), "--mask", str(mask), "--engine", "diffusion", "--model", sd_model, "--steps", "3"]
    common += ["--dtype", "float32", "--device", "cpu", "--seed", "5", "--prompt", "plaster"]
    assert main(["restore", *common, "-o", str(tmp_path / "local.png")]) == 0
    remote = ["--remote", server.url, "--token-file", str(token_file)]
    assert main(["restore", *common, "-o", str(tmp_path / "remote.png"), *remote]) == 0
    assert (tmp_path / "remote.png").read_bytes() == (tmp_path / "local.png").read_bytes()
    record = json.loads((tmp_path / "remote.record.json").read_text())
    engine = record["interventions"][0]["engine"]
    assert engine["remote"]["host"] == server.url.split("://")[1] and engine["device"] == "cpu"
    assert (
        engine["remote"]["software"]["torch"] == engine["torch"]
        and "diffusers" in engine["remote"]["software"]
    )
    assert record["device"] == "cpu" and TOKEN_NOT_IN(record)
    local_record = json.loads((tmp_path / "local.record.json").read_text())
    assert record["interventions"][0]["request"] == local_record["interventions"][0]["request"]
    rerun = ["rerun", str(tmp_path / "remote.record.json"), "-o", str(tmp_path / "again.png"), *remote]
    assert main(rerun) == 0
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "local.png").read_bytes()


def TOKEN_NOT_IN(record: dict[str, object]) -> bool:  # noqa: N802
    from .conftest import TOKEN

    return TOKEN not in json.dumps(record)


def test_the_client_with_a_bad_token_gets_one_line_and_nothing_runs(
    server: Running,
    sd_model: str,
    tmp_path: Path,
    inputs: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = tmp_path / "wrong-token"
    wrong.write_text("not-the-token-0123456789")
    photo, mask = inputs
    args = ["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "o.png"), "--engine"]
    args += ["diffusion", "--model", sd_model, "--remote", server.url, "--token-file", str(wrong)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused the token (401)" in err[0], err
    assert list(server.state.calls) == [] and not (tmp_path / "o.png").exists()


def test_cancel_stops_the_server_within_a_step_and_it_serves_the_next_run(
    server: Running, sd_model: str, token_file: Path
) -> None:
    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    target = RemoteTarget.parse(server.url, token_file)
    seen: list[StepPreview] = []
    remote = Engines()
    remote.run_diffusion_on(target)
    with pytest.raises(Cancelled):
        restore(
            photo,
            mask,
            request(sd_model, steps=300),
            on_step=seen.append,
            cancel=lambda: len(seen) >= 2,
            engines=remote,
        )
    assert wait_for_calls(server, 2) == ["prepare:done", "fill:cancelled"]
    assert server.state.calls[-1].steps <= len(seen) + 2  # the server stopped within a step
    again = restore(photo, mask, request(sd_model, device="cpu"), engines=remote)
    local = restore(photo, mask, request(sd_model, device="cpu"))
    assert again.pixels.tobytes() == local.pixels.tobytes()


def test_a_waiting_client_hears_its_place_in_the_queue(
    server: Running, sd_model: str, token_file: Path
) -> None:
    target = RemoteTarget.parse(server.url, token_file)
    first_step, stop = threading.Event(), threading.Event()

    def long_run() -> None:
        remote = Engines()
        remote.run_diffusion_on(target)
        with pytest.raises(Cancelled):
            restore(
                Photo(coffee()[:200, :300]),
                loss_mask(),
                request(sd_model, steps=300),
                on_step=lambda _: first_step.set(),
                cancel=stop.is_set,
                engines=remote,
            )

    runner = threading.Thread(target=long_run)
    runner.start()
    try:
        assert first_step.wait(60)
        waiting = RemoteModel(target)
        notices: list[str] = []
        waiting.on_notice = lambda text: (notices.append(text), stop.set())  # type: ignore[func-returns-value]
        info = waiting.prepare(request(sd_model, steps=4, seed=9))
    finally:
        stop.set()
        runner.join(60)
    assert notices == ["waiting for the diffusion server: 1 run ahead"]
    assert info.preview_steps == 4 and info.engine["remote"]["server"]


def test_an_unreachable_server_is_one_line(sd_model: str, token_file: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    target = RemoteTarget.parse(f"127.0.0.1:{port}", token_file)
    remote = Engines()
    remote.run_diffusion_on(target)
    with pytest.raises(RemoteError) as raised:
        restore(Photo(coffee()[:200, :300]), loss_mask(), request(sd_model), engines=remote)
    assert (
        str(raised.value)
        == f"cannot reach the diffusion server at http://127.0.0.1:{port} (Connection refused)"
    )


def test_a_crop_the_server_refuses_comes_back_as_its_message(
    server: Running, sd_model: str, token_file: Path
) -> None:
    model = RemoteModel(RemoteTarget.parse(server.url, token_file))
    big = ModelJob(np.zeros((1024, 1024, 3), np.uint8), np.zeros((1024, 1024), np.uint8), request(sd_model))
    with pytest.raises(RequestError) as raised:
        model.run(big, lambda *a: None, lambda: None)
    assert str(raised.value) == (
        f"diffusion server {model.target.host}: the crop is 1024x1024: this server takes at most 512 px "
        "on a side"
    )
    assert wait_for_calls(server, 1) == ["fill:refused"]
