"""What a server is started with, checked before it listens: where, who may call, what it serves."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from tratteggio.core.engines.wire import Limits, read_token
from tratteggio.core.errors import RequestError


@dataclass(frozen=True)
class ServerConfig:
    """`token` None: no token (allowed on a loopback address only). `models`: the names a client may
    ask for, exactly as listed by the server (hub ids or folders on the server)."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = field(default=None, repr=False)
    device: str = "auto"
    models: tuple[str, ...] = ()
    limits: Limits = Limits()
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @property
    def tls(self) -> bool:
        return self.ssl_certfile is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost. Any other name may resolve to an outside address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def make_config(
    host: str = "127.0.0.1",
    port: int = 8765,
    token_file: str | Path | None = None,
    ssl_certfile: str | Path | None = None,
    ssl_keyfile: str | Path | None = None,
    device: str = "auto",
    models: tuple[str, ...] = (),
    limits: Limits | None = None,
) -> ServerConfig:
    """A checked config; RequestError with one line for anything that must not start."""
    token = read_token(token_file) if token_file else None
    if token is None and not is_loopback(host):
        raise RequestError(
            f"refusing to listen on {host} without a token: anyone who can reach it could use this "
            "computer's GPU; pass --token-file FILE (or use 127.0.0.1 and an SSH tunnel)"
        )
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise RequestError("TLS needs both --ssl-certfile and --ssl-keyfile")
    for path in (ssl_certfile, ssl_keyfile):
        if path is not None and not Path(path).is_file():
            raise RequestError(f"{path}: no such file")
    if not 0 <= port <= 65535:
        raise RequestError(f"port must be between 0 and 65535, got {port}")
    return ServerConfig(
        host=host,
        port=port,
        token=token,
        device=device,
        models=tuple(models),
        limits=limits or Limits(),
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )


def served_models(names: tuple[str, ...]) -> tuple[str, ...]:
    """The models the server offers: `names` (each must resolve: ModelError otherwise), or every
    diffusers pipeline in the hub cache. RequestError if there is none."""
    from tratteggio.core.engines.models import cached_snapshot, resolve_model

    if names:
        for name in names:
            resolve_model(name)
        return names
    from tratteggio.core.engines.hub import cached_models

    found = tuple(
        m.id
        for m in cached_models()
        if (snapshot := cached_snapshot(m.id)) is not None and (snapshot / "model_index.json").is_file()
    )
    if not found:
        raise RequestError(
            "no models to serve: download one (tratteggio models download ID) or name diffusers "
            "folders with --models"
        )
    return found
