"""Engines by name. The diffusion engine is imported only when asked for (it loads torch)."""

from __future__ import annotations

from tratteggio.core.engines.auto import AutoEngine
from tratteggio.core.engines.base import Engine, FillContext
from tratteggio.core.engines.classical import BiharmonicEngine, HybridEngine, OpenCVEngine
from tratteggio.core.engines.fsr import FsrEngine
from tratteggio.core.errors import RequestError
from tratteggio.core.request import DIFFUSION_ENGINE, ENGINE_NAMES, RestorationRequest

_CLASSICAL: dict[str, Engine] = {
    "auto": AutoEngine(),
    "fsr": FsrEngine("fsr", "FAST"),
    "fsr-best": FsrEngine("fsr-best", "BEST"),
    "hybrid": HybridEngine(),
    "biharmonic": BiharmonicEngine(),
    "telea": OpenCVEngine("telea", "INPAINT_TELEA"),
    "navier-stokes": OpenCVEngine("navier-stokes", "INPAINT_NS"),
}


def get_engine(name: str) -> Engine:
    """The engine called `name`; RequestError for a name we do not know."""
    if name in _CLASSICAL:
        return _CLASSICAL[name]
    if name == DIFFUSION_ENGINE:
        from tratteggio.core.engines.diffusion import diffusion_engine

        return diffusion_engine()
    raise RequestError(f"unknown engine '{name}' (choose from {', '.join(ENGINE_NAMES)})")


def warm_engine(request: RestorationRequest) -> None:
    """Load what `request`'s engine needs (a diffusion pipeline) now, so the first run starts warm."""
    engine = get_engine(request.engine)
    engine.context_size(request)  # the diffusion engine loads its pipeline to answer


__all__ = ["Engine", "FillContext", "get_engine", "warm_engine"]
