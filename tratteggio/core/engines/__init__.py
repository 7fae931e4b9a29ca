"""Engines by name, for whoever runs them. The diffusion engine is imported only when asked for
(it loads torch).

Each engine is declared once, in `tratteggio.core.engine_catalog`; an `Engines` object builds the
implementations and says where diffusion's model runs (this process, a worker process of the studio,
or a Tratteggio server). Whoever runs holds one (a command, a batch worker, the studio session, the
server) and passes it to `restore()`, `imagine()` and `extend()`; without one they run here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tratteggio.core.engine_catalog import BY_NAME, DIFFUSION_ENGINE, ENGINE_NAMES
from tratteggio.core.errors import RequestError
from tratteggio.core.request import RestorationRequest

if TYPE_CHECKING:
    from tratteggio.core.engines.base import Engine, FillContext
    from tratteggio.core.engines.diffusion import DiffusionEngine
    from tratteggio.core.engines.model_call import DiffusionModel
    from tratteggio.core.engines.remote import RemoteModel, RemoteTarget
    from tratteggio.core.engines.worker import WorkerModel

_BUILT: dict[str, Engine] = {}  # the engines without a model, built on first use and shared


def _built(name: str) -> Engine:
    engine = _BUILT.get(name)
    if engine is None:
        engine = _BUILT[name] = BY_NAME[name].build()
    return engine


class Engines:
    """The engines one holder runs with: the catalog's engines, and diffusion's model where the holder
    says (this process unless told otherwise). A run keeps the engine it started with."""

    def __init__(self) -> None:
        self._diffusion: DiffusionEngine | None = None  # None: this process's model, made on first use

    def get(self, name: str) -> Engine:
        """The engine called `name`; RequestError for a name the catalog does not know."""
        known = BY_NAME.get(name)
        if known is None:
            raise RequestError(f"unknown engine '{name}' (choose from {', '.join(ENGINE_NAMES)})")
        if name != DIFFUSION_ENGINE:
            return _built(name)
        if self._diffusion is None:
            from tratteggio.core.engines.local_model import local_model

            self._diffusion = known.build(local_model())
        return self._diffusion

    @property
    def model(self) -> Any:
        """Diffusion's model as chosen so far (None: this process's, not made yet)."""
        return getattr(self._diffusion, "model", None)

    def run_diffusion_on(self, target: RemoteTarget | None) -> RemoteModel | None:
        """Diffusion's model runs on a Tratteggio server from now on, or (None) on this computer.

        Everything else of a restoration (crops, colour match, blend, paste-back, record) stays here.
        Returns the remote model, whose `on_notice` hears queue positions.
        """
        if target is None:
            self._diffusion = None
            return None
        from tratteggio.core.engines.remote import RemoteModel

        model = RemoteModel(target)
        self.use_model(model)
        return model

    def run_diffusion_in_worker(self, idle_s: float) -> WorkerModel:
        """Diffusion's model runs in a worker process of this one from now on (the studio): started on
        first use, ended after `idle_s` seconds without a call. The worker already chosen is kept (its
        idle time applies from its next start)."""
        from tratteggio.core.engines.worker import WorkerModel

        model = self.model
        if not isinstance(model, WorkerModel):
            model = WorkerModel(idle_s)
            self.use_model(model)
        model.idle_s = idle_s
        return model

    def use_model(self, model: DiffusionModel) -> None:
        """Diffusion runs on `model` from now on (a worker's, a server's, or one a test brings)."""
        if self is LOCAL:
            raise RuntimeError("the default engines run here: make an Engines() of your own to switch")
        self._diffusion = BY_NAME[DIFFUSION_ENGINE].build(model)

    @contextmanager
    def diffusion_on(self, target: RemoteTarget | None) -> Iterator[RemoteModel | None]:
        """`run_diffusion_on(target)` for the length of a `with` block (one command)."""
        before = self._diffusion
        try:
            yield self.run_diffusion_on(target)
        finally:
            self._diffusion = before

    def warm(self, request: RestorationRequest) -> None:
        """Load what `request`'s engine needs (a diffusion pipeline) now, so the first run starts warm."""
        self.get(request.engine).context_size(request)  # the diffusion engine loads its pipeline to answer

    def pipeline_loads(self) -> int:
        """How many diffusion pipelines this process's model has loaded (0 elsewhere; no torch import)."""
        cache = getattr(self.model, "cache", None)  # a LocalModel's pipelines
        return int(cache.loads) if cache is not None else 0

    def settle(self) -> None:
        """A cancelled run's verdict on a diffusion worker (confirmed, or ended) is in when this returns."""
        settle = getattr(self.model, "settle", None)
        if settle is not None:
            settle()

    def close(self) -> None:
        """End a diffusion worker process now (the studio quits)."""
        from tratteggio.core.engines.worker import WorkerModel

        if isinstance(self.model, WorkerModel):
            self.model.close()


LOCAL = Engines()  # "local, this process": what restore(), imagine() and extend() use when given none;
# it is never switched (use_model refuses), so no module holds a process-wide choice


def engines_or_local(engines: Engines | None) -> Engines:
    return LOCAL if engines is None else engines


def get_engine(name: str) -> Engine:
    """The engine called `name`, running here; RequestError for a name we do not know."""
    return LOCAL.get(name)


def warm_engine(request: RestorationRequest, engines: Engines | None = None) -> None:
    """Load what `request`'s engine needs now (see `Engines.warm`)."""
    engines_or_local(engines).warm(request)


__all__ = [
    "LOCAL",
    "Engine",
    "Engines",
    "FillContext",
    "engines_or_local",
    "get_engine",
    "warm_engine",
]


def __getattr__(name: str) -> Any:  # PEP 562: the base classes load on first use
    if name in ("Engine", "FillContext"):
        from tratteggio.core.engines import base

        return getattr(base, name)
    raise AttributeError(f"module 'tratteggio.core.engines' has no attribute {name!r}")
