"""Starting the server with uvicorn, after every check that can refuse to start has passed."""

from __future__ import annotations

import sys
from typing import Any

from tratteggio.core.errors import TratteggioError
from tratteggio.server.config import ServerConfig

PING_S = 10.0


class MissingExtra(TratteggioError):
    """FastAPI or uvicorn is not installed."""


def require_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            f"the server needs the optional extra: pip install 'tratteggio[server]' ({exc.name} is missing)"
        ) from None


def serve(config: ServerConfig) -> None:
    """Listen until interrupted (Ctrl+C). The app is built first, so a bad device or model list
    fails before the port opens."""
    require_extra()
    import uvicorn

    from tratteggio.server.app import create_app

    app = create_app(config)
    state = app.state.tratteggio
    print(
        f"Tratteggio diffusion server on {config.url} (device {state.device}; "
        f"{'bearer token required' if config.token else 'no token: this computer only'}); "
        f"models: {', '.join(state.served)}",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, **uvicorn_options(config))


def uvicorn_options(config: ServerConfig) -> dict[str, Any]:
    return {
        "host": config.host,
        "port": config.port,
        "ssl_certfile": config.ssl_certfile,
        "ssl_keyfile": config.ssl_keyfile,
        "ws_max_size": config.limits.message_bytes(),
        "ws_per_message_deflate": False,  # PNG on the wire: compressing it again is wasted time
        # a client that vanishes without closing (network cut, laptop asleep) is found by a missed
        # ping: within 20 s (uvicorn's default, 20 + 20 s, left the device computing up to 45 s)
        "ws_ping_interval": PING_S,
        "ws_ping_timeout": PING_S,
        "log_level": "info",
        "timeout_graceful_shutdown": 5,
    }
