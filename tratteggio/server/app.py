"""The FastAPI application: GET /v1/info and the WebSocket /v1/run, both behind the bearer token."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import PlainTextResponse

from tratteggio.core.engines.model_call import DiffusionModel
from tratteggio.core.engines.wire import INFO_PATH, RUN_PATH
from tratteggio.server.calls import Call, ServerState
from tratteggio.server.config import ServerConfig, foreign, served_models
from tratteggio.server.device import DeviceQueue, DeviceThread

UNAUTHORIZED = "a valid bearer token is required (Authorization: Bearer TOKEN)"


def create_app(config: ServerConfig, model: DiffusionModel | None = None) -> FastAPI:
    """The server's application. Loads torch (to name the device and versions) but no model: the
    first call for a model loads it, on the device thread."""
    from tratteggio.core.engines.local_model import local_model, start_device
    from tratteggio.core.record.describe import software_versions

    device = start_device(config.device)
    state = ServerState(
        config=config,
        model=model or local_model(),
        device=device,
        served=served_models(config.models),
        software=software_versions(),
        queue=DeviceQueue(config.limits.max_queue),
        thread=DeviceThread(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.thread.shutdown()

    app = FastAPI(
        title="Tratteggio diffusion server",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.tratteggio = state

    def require_token(request: Request) -> None:
        refusal = foreign(request.headers, config)
        if refusal is not None:
            raise HTTPException(403, refusal)
        if not authorized(request.headers, config.token):
            raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})

    @app.get(INFO_PATH, dependencies=[Depends(require_token)])
    def info() -> dict[str, Any]:
        return state.info()

    @app.websocket(RUN_PATH)
    async def run(ws: WebSocket) -> None:
        refusal = foreign(ws.headers, config)
        if refusal is not None:
            await refuse(ws, 403, refusal)
            return
        if not authorized(ws.headers, config.token):
            await refuse(ws)
            return
        await ws.accept()
        await Call(ws, state).serve()

    return app


def authorized(headers: Mapping[str, str], token: str | None) -> bool:
    """No token configured (loopback only), or `Authorization: Bearer <token>`. Compared as hashes
    with hmac.compare_digest: constant time, whatever the lengths."""
    if token is None:
        return True
    scheme, _, given = headers.get("authorization", "").partition(" ")
    given_hash, expected = hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest()
    return scheme.lower() == "bearer" and hmac.compare_digest(given_hash, expected)


async def refuse(ws: WebSocket, status: int = 401, text: str = UNAUTHORIZED) -> None:
    """HTTP 401 (or `status`) instead of the WebSocket handshake (or a policy close where the
    server cannot)."""
    try:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        await ws.send_denial_response(PlainTextResponse(text, status, headers=headers))
    except RuntimeError:
        await ws.close(code=1008, reason="unauthorized" if status == 401 else "forbidden")
