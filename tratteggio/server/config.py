"""What a server is started with, checked before it listens: where, who may call, what it serves."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tratteggio.core.engines.wire import Limits, read_token
from tratteggio.core.errors import RequestError


@dataclass(frozen=True)
class ServerConfig:
    """`token` None: no token (allowed on a loopback address only). `models`: the names a client may
    ask for, exactly as listed by the server (hub ids or folders on the server). `allow_origins`:
    the web origins whose pages may call (none: a browser's handshake is refused); `allow_hosts`:
    the names a tokenless server answers to besides the loopback ones (DNS rebinding)."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = field(default=None, repr=False)
    device: str = "auto"
    models: tuple[str, ...] = ()
    limits: Limits = Limits()
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    allow_origins: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()

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
    allow_origins: tuple[str, ...] = (),
    allow_hosts: tuple[str, ...] = (),
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
        allow_origins=tuple(o.rstrip("/") for o in allow_origins),
        allow_hosts=tuple(h.lower() for h in allow_hosts),
    )


def foreign(headers: Mapping[str, str], config: ServerConfig) -> str | None:
    """Why a request must be refused for where it comes from, or None. A web page's request carries
    its Origin (our client sends none); a DNS-rebound name reaches a loopback server with that name
    as Host, which only matters without a token (with one, the page cannot send the token)."""
    origin = headers.get("origin")
    if origin is not None and origin.rstrip("/") not in config.allow_origins:
        return f"requests from web pages ({origin}) are refused; allow one with serve --allow-origin"
    if config.token is not None:
        return None
    name = urlsplit(f"//{headers.get('host', '')}").hostname or ""
    if not (is_loopback(name) or name in config.allow_hosts):
        return f"this server answers to loopback names only, not {name or 'no Host'} (serve --allow-host)"
    return None


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
