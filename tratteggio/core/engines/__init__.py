"""Engines by name. The diffusion engine is imported only when asked for (it loads torch)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tratteggio.core.errors import RequestError
from tratteggio.core.request import DIFFUSION_ENGINE, ENGINE_NAMES, RestorationRequest

if TYPE_CHECKING:
    from tratteggio.core.engines.base import Engine, FillContext
    from tratteggio.core.engines.diffusion import DiffusionEngine
    from tratteggio.core.engines.remote import RemoteModel, RemoteTarget
    from tratteggio.core.engines.worker import WorkerModel

_CLASSICAL: dict[str, Engine] = {}  # made on first use: importing a sibling module stays light
_REMOTE: DiffusionEngine | None = None


def _classical() -> dict[str, Engine]:
    if not _CLASSICAL:
        from tratteggio.core.engines.auto import AutoEngine
        from tratteggio.core.engines.classical import BiharmonicEngine, HybridEngine, OpenCVEngine
        from tratteggio.core.engines.fsr import FsrEngine
        from tratteggio.core.engines.onnx_eraser import OnnxEraser
        from tratteggio.core.engines.patchmatch import PatchMatchEngine

        _CLASSICAL.update(
            {
                "auto": AutoEngine(),
                "fsr": FsrEngine("fsr", "FAST"),
                "fsr-best": FsrEngine("fsr-best", "BEST"),
                "patchmatch": PatchMatchEngine(),
                **{name: OnnxEraser(name) for name in ("migan", "lama")},
                "hybrid": HybridEngine(),
                "biharmonic": BiharmonicEngine(),
                "telea": OpenCVEngine("telea", "INPAINT_TELEA"),
                "navier-stokes": OpenCVEngine("navier-stokes", "INPAINT_NS"),
            }
        )
    return _CLASSICAL


def get_engine(name: str) -> Engine:
    """The engine called `name`; RequestError for a name we do not know."""
    classical = _classical()
    if name in classical:
        return classical[name]
    if name == DIFFUSION_ENGINE:
        if _REMOTE is not None:
            return _REMOTE
        from tratteggio.core.engines.diffusion import diffusion_engine

        return diffusion_engine()
    raise RequestError(f"unknown engine '{name}' (choose from {', '.join(ENGINE_NAMES)})")


def run_diffusion_on(target: RemoteTarget | None) -> RemoteModel | None:
    """Where diffusion's model runs from now on: on a Tratteggio server, or (None) on this computer.

    Everything else of a restoration (crops, colour match, blend, paste-back, record) stays here.
    Returns the remote model, whose `on_notice` hears queue positions. A run in progress keeps the
    engine it started with.
    """
    global _REMOTE
    if target is None:
        _REMOTE = None
        return None
    from tratteggio.core.engines.diffusion import DiffusionEngine
    from tratteggio.core.engines.remote import RemoteModel

    model = RemoteModel(target)
    _REMOTE = DiffusionEngine(model)
    return model


def run_diffusion_in_worker(idle_s: float) -> WorkerModel:
    """Diffusion's model runs in a worker process of this one from now on (the studio): started on
    first use, ended after `idle_s` seconds without a call. The worker already chosen is kept (its
    idle time applies from its next start)."""
    global _REMOTE
    from tratteggio.core.engines.diffusion import DiffusionEngine
    from tratteggio.core.engines.worker import WorkerModel

    model = getattr(_REMOTE, "model", None)
    if not isinstance(model, WorkerModel):
        model = WorkerModel(idle_s)
        _REMOTE = DiffusionEngine(model)
    model.idle_s = idle_s
    return model


@contextmanager
def diffusion_on(target: RemoteTarget | None) -> Iterator[RemoteModel | None]:
    """`run_diffusion_on(target)` for the length of a `with` block (one command)."""
    global _REMOTE
    before = _REMOTE
    try:
        yield run_diffusion_on(target)
    finally:
        _REMOTE = before


def warm_engine(request: RestorationRequest) -> None:
    """Load what `request`'s engine needs (a diffusion pipeline) now, so the first run starts warm."""
    engine = get_engine(request.engine)
    engine.context_size(request)  # the diffusion engine loads its pipeline to answer


__all__ = [
    "Engine",
    "FillContext",
    "diffusion_on",
    "get_engine",
    "run_diffusion_in_worker",
    "run_diffusion_on",
    "warm_engine",
]


def __getattr__(name: str) -> Any:  # PEP 562: the base classes load on first use
    if name in ("Engine", "FillContext"):
        from tratteggio.core.engines import base

        return getattr(base, name)
    raise AttributeError(f"module 'tratteggio.core.engines' has no attribute {name!r}")
