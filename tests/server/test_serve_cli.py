"""`tratteggio serve` as users start it: refusals at start, TLS, and a server killed mid-run (real
processes, 127.0.0.1, free ports)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.serving import running_server
from tratteggio.cli import main
from tratteggio.core.engines.remote import RemoteError, RemoteModel, RemoteTarget
from tratteggio.server.config import ServerConfig, make_config

ENV = {
    **os.environ,
    "OMP_NUM_THREADS": "1",
    "HF_HUB_OFFLINE": "1",
    "PYTHONPATH": str(Path(__file__).parents[2]),
}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "gpu-box.example.org"])
def test_a_non_loopback_host_without_a_token_is_refused_at_start(
    host: str, sd_model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", host, "--models", sd_model]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"refusing to listen on {host} without a token" in err[0], err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_token_and_any_host_may_listen_with_one(host: str, token_file: Path) -> None:
    assert make_config(host=host).token is None
    assert make_config(host="0.0.0.0", token_file=token_file).token is not None


def test_a_short_token_and_half_a_tls_pair_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = tmp_path / "short"
    short.write_text("abc")
    assert main(["serve", "--token-file", str(short)]) == 2
    assert "at least 16 characters" in capsys.readouterr().err
    assert main(["serve", "--ssl-certfile", str(short)]) == 2
    assert "needs both --ssl-certfile and --ssl-keyfile" in capsys.readouterr().err


def test_tls_through_uvicorn_with_the_client_trusting_the_certificate(
    config: ServerConfig, token_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = make_config(
        token_file=token_file, device="cpu", models=config.models, ssl_certfile=cert, ssl_keyfile=key
    )
    with running_server(tls) as server:
        target = RemoteTarget.parse(server.url, token_file)
        assert target.url.startswith("https://")
        with pytest.raises(RemoteError, match="cannot reach.*CERTIFICATE_VERIFY_FAILED"):
            RemoteModel(target).info()
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert RemoteModel(target).info()["device"] == "cpu"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_killed_server_gives_the_client_one_clear_line_and_nothing_is_written(
    sd_model: str, token_file: Path, tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    port = free_port()
    serve = [
        sys.executable,
        "-m",
        "tratteggio",
        "serve",
        "--port",
        str(port),
        "--token-file",
        str(token_file),
    ]
    serve += ["--device", "cpu", "--models", sd_model, "--max-steps", "1000"]
    server = subprocess.Popen(serve, env=ENV, stderr=subprocess.PIPE, text=True)
    target = RemoteTarget.parse(f"127.0.0.1:{port}", token_file)
    (photo, mask), out = inputs, tmp_path / "o.png"
    client = None
    try:
        assert wait_until(lambda: _answers(target), 120), "the server did not start"
        restore = [sys.executable, "-m", "tratteggio", "restore", str(photo), "--mask", str(mask)]
        restore += ["-o", str(out)]
        restore += ["--engine", "diffusion", "--model", sd_model, "--steps", "1000", "--dtype", "float32"]
        restore += ["--remote", target.url, "--token-file", str(token_file)]
        client = subprocess.Popen(restore, env=ENV, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert wait_until(lambda: RemoteModel(target).info()["queue"]["running"], 120)
        time.sleep(1.5)  # past the model's loading, into the steps
        assert RemoteModel(target).info()["queue"]["running"]
        server.kill()
        _, err = client.communicate(timeout=60)
    finally:
        server.kill()
        server.wait()
        if client is not None and client.poll() is None:
            client.kill()
    lines = err.strip().splitlines()
    assert client.returncode == 2 and len(lines) == 1, err
    assert lines[0] == (
        f"tratteggio: error: lost the connection to the diffusion server at 127.0.0.1:{port} "
        "(was it stopped, or the network cut?)"
    )
    assert not out.exists() and not list(tmp_path.glob("o.*"))


def _answers(target: RemoteTarget) -> bool:
    try:
        RemoteModel(target).info()
    except RemoteError:
        return False
    return True


def test_the_command_line_options_reach_the_server_config(
    sd_model: str, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tratteggio.server.run

    started: list[ServerConfig] = []
    monkeypatch.setattr(tratteggio.server.run, "serve", started.append)
    args = [
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
        "--token-file",
        str(token_file),
        "--device",
        "cpu",
    ]
    assert (
        main([*args, "--max-side", "1024", "--max-steps", "80", "--max-queue", "2", "--models", sd_model])
        == 0
    )
    (config,) = started
    assert (config.host, config.port, config.device, config.models) == ("0.0.0.0", 9000, "cpu", (sd_model,))
    assert (config.limits.max_side, config.limits.max_steps, config.limits.max_queue) == (1024, 80, 2)
    assert config.token == token_file.read_text().strip() and config.token not in repr(config)
