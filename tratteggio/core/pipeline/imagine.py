"""Create from noise: a picture made by a diffusion model from a prompt, every step kept as a layer.

An inpainting checkpoint given a fully masked blank canvas at strength 1 is a text-to-image model,
so every model in the catalog serves without a second download. The picture is 8-bit sRGB.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tratteggio.core.engines import Engines, FillContext, engines_or_local
from tratteggio.core.engines.model_call import cancelled_by
from tratteggio.core.errors import Cancelled, RequestError
from tratteggio.core.geometry import Box
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import CancelCheck, StepCallback, StepPreview
from tratteggio.core.request import DIFFUSION_ENGINE, RestorationRequest

MAX_SIDE = 4096


@dataclass(frozen=True, eq=False)
class Creation:
    """A picture created from noise: its pixels (8-bit RGB), the request that made it (prompt,
    model, seed...), its size, a picture of the starting noise and every step as a layer."""

    request: RestorationRequest
    pixels: np.ndarray
    noise: np.ndarray
    previews: tuple[StepPreview, ...]
    engine_info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def size(self) -> tuple[int, int]:
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])

    @property
    def photo(self) -> Photo:
        return Photo(self.pixels)


def parse_size(text: str) -> tuple[int, int]:
    """`WxH` -> (W, H)."""
    parts = text.lower().split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise RequestError(f"--size must be WIDTHxHEIGHT, e.g. 512x512, got '{text}'") from None
    return width, height


def imagine(
    request: RestorationRequest,
    size: tuple[int, int] | None = None,
    on_step: StepCallback | None = None,
    cancel: CancelCheck | None = None,
    engines: Engines | None = None,
) -> Creation:
    """Create a picture as `request` says (its prompt, model, seed, steps, guidance) at `size`
    (width, height; default the model's native square), with `engines` (default: here). Same request,
    same bytes."""
    with cancelled_by(cancel):
        return _imagine(request, size, on_step, cancel, engines_or_local(engines))


def _imagine(
    request: RestorationRequest,
    size: tuple[int, int] | None,
    on_step: StepCallback | None,
    cancel: CancelCheck | None,
    engines: Engines,
) -> Creation:
    from tratteggio.core.engines.diffusion import DiffusionEngine

    started = time.perf_counter()
    if request.engine != DIFFUSION_ENGINE:
        request = request.replace(engine=DIFFUSION_ENGINE)
    request = request.replace(strength=1.0)  # a blank canvas: only noise to start from
    request.validate()
    engine = engines.get(DIFFUSION_ENGINE)  # this process's model, the studio's worker or a server
    assert isinstance(engine, DiffusionEngine)
    native = engine.context_size(request)
    width, height = size or (native, native)
    check_size(width, height, engine.size_multiple(request))
    total = engine.preview_steps(request) + 1
    whole = Box(0, 0, width, height)
    previews: list[StepPreview] = []

    def emit(step: int, pixels: np.ndarray, timestep: float | None, final: bool) -> None:
        preview = StepPreview(step, total, 0, whole, pixels, timestep, final)
        previews.append(preview)
        if on_step is not None:
            on_step(preview)

    def check() -> None:
        if cancel is not None and cancel():
            raise Cancelled("creation cancelled")

    ctx = FillContext(report=lambda step, pixels, t: emit(step, pixels, t, False), check=check)
    check()
    pixels, noise = engine.create(width, height, request, ctx)
    check()
    emit(total - 1, pixels, None, True)
    return Creation(
        request=request,
        pixels=pixels,
        noise=noise if noise is not None else np.full_like(pixels, 127),
        previews=tuple(previews),
        engine_info=engine.describe(request),
        seconds=time.perf_counter() - started,
    )


def check_size(width: int, height: int, step: int) -> None:
    if not (step <= width <= MAX_SIDE and step <= height <= MAX_SIDE):
        raise RequestError(
            f"the size must be between {step} and {MAX_SIDE} on each side, got {width}x{height}"
        )
    if width % step or height % step:
        near = f"{round(width / step) * step or step}x{round(height / step) * step or step}"
        raise RequestError(f"this model makes pictures in multiples of {step} pixels: try {near}")
