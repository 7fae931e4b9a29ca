"""Issue 28, the remote client's lows: a server that answers nonsense gets one line naming it (exit 2
on the command line), an image larger than the crop sent is refused from its PNG header before
anything is decoded, and a token about to cross the network unencrypted is warned about."""

from __future__ import annotations

import contextlib
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.hostile.common import cli, one_refusal
from tratteggio.core.engines.model_call import ModelJob
from tratteggio.core.engines.remote import RemoteError, RemoteModel, RemoteTarget
from tratteggio.core.engines.wire import PNG_SIGNATURE, encode_png

from .conftest import request


def png_header(width: int, height: int) -> bytes:
    """A PNG's signature and IHDR for a 16-bit RGB image of that size, and no pixels."""
    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return PNG_SIGNATURE + struct.pack(">I", 13) + body + struct.pack(">I", zlib.crc32(body))


@contextmanager
def fake_server(replies: list[str | bytes]) -> Iterator[RemoteTarget]:
    """A WebSocket server on 127.0.0.1 that reads the client's messages and sends `replies`."""
    from websockets.sync.server import serve

    def handler(ws: Any) -> None:
        with contextlib.suppress(Exception):  # the client hangs up when it has heard enough
            ws.recv()
            for reply in replies:
                ws.send(reply)
            for _ in range(2):
                ws.recv(timeout=5)

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield RemoteTarget(f"http://127.0.0.1:{server.socket.getsockname()[1]}", None)
        finally:
            server.shutdown()


def job() -> ModelJob:
    image = np.zeros((64, 64, 3), np.uint8)
    mask = np.zeros((64, 64), np.uint8)
    mask[20:40, 20:40] = 255
    return ModelJob(image, mask, request("tiny"))


def info(m: RemoteModel) -> object:
    return m.info()


def prepare(m: RemoteModel) -> object:
    return m.prepare(request("tiny"))


def fill(m: RemoteModel) -> object:
    return m.run(job(), lambda *a: None, lambda: None)


WRONG_FILL = encode_png(np.zeros((32, 32, 3), np.uint16))
CASES: dict[str, tuple[list[str | bytes], Callable[[RemoteModel], object]]] = {
    "not-json": (["{oops"], info),
    "a-list": (["[1]"], info),
    "nested": (["[" * 100_000], info),
    "info-types": (['{"type": "info", "software": 5, "queue": []}'], info),
    "no-model-info": (['{"type": "prepared"}'], prepare),
    "bad-model-info": (['{"type": "prepared", "info": {"native_size": "x"}}'], prepare),
    "queue-position": (['{"type": "queued", "position": "x"}'], info),
    "step-without-number": (['{"type": "step"}', png_header(8, 8)], fill),
    "huge-preview": (['{"type": "step", "step": 0}', png_header(8192, 8192)], fill),
    "fill-wrong-size": (['{"type": "done"}', WRONG_FILL], fill),
    "not-a-png": (['{"type": "done"}', b"\x89PNG junk"], fill),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_reply_is_one_line_naming_the_server(name: str) -> None:
    replies, call = CASES[name]
    with fake_server(replies) as target:
        model = RemoteModel(target)
        model.on_notice = lambda text: None
        with pytest.raises(RemoteError) as refused:
            call(model)
    assert "127.0.0.1" in str(refused.value) and "\n" not in str(refused.value)


def test_the_command_line_says_a_malformed_reply_in_one_line_with_exit_2(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    (photo, mask), out = inputs, tmp_path / "o.png"
    with fake_server(["[1]"]) as target:
        argv = ["restore", photo, "--mask", mask, "-o", out, "--engine", "diffusion", "--model", "tiny"]
        said = cli(*argv, "--remote", target.url)
    one_refusal(said, "127.0.0.1")
    assert not out.exists()


def test_a_token_over_plain_http_to_another_host_is_warned_about(
    token_file: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    assert RemoteTarget.parse("http://gpu.lan:8765", token_file).insecure
    assert "unencrypted" in str(RemoteTarget.parse("gpu.lan:8765", token_file).insecure)
    assert RemoteTarget.parse("https://gpu.lan:8765", token_file).insecure is None
    assert RemoteTarget.parse("http://127.0.0.1:8765", token_file).insecure is None
    assert RemoteTarget.parse("http://gpu.lan:8765").insecure is None  # no token to leak
    (photo, mask), out = inputs, tmp_path / "o.png"
    argv = ["restore", photo, "--mask", mask, "-o", out, "--engine", "diffusion", "--model", "tiny"]
    said = cli(*argv, "--remote", "http://nowhere.invalid:1", "--token-file", token_file)
    assert said.code == 2 and "warning: the token goes to nowhere.invalid:1 unencrypted" in said.err, said
