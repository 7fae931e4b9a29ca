"""`restore()`: the one restoration pipeline. The CLI and the studio wrap it; neither re-implements it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tratteggio.core.engines import Engine, Engines, FillContext, engines_or_local
from tratteggio.core.engines.model_call import cancelled_by
from tratteggio.core.engines.workers import aside, in_order
from tratteggio.core.errors import Cancelled, MaskError
from tratteggio.core.geometry import Box
from tratteggio.core.mask import DISC_DILATION_UP_TO, Mask, check_mask_shape, grow_bits
from tratteggio.core.photo import Photo, color_view
from tratteggio.core.pipeline.composite import apply_patches, blend_alpha, paste_into
from tratteggio.core.pipeline.regions import plan_regions
from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True, eq=False)
class StepPreview:
    """One layer of the restoration: the region `box` as it looks after this step.

    `pixels` is the photo's crop at `box` (same dtype and channels as the photo) with the step's
    fill pasted in. `step` counts across all regions, 0-based, up to `total`.
    """

    step: int
    total: int
    region: int
    box: Box
    pixels: np.ndarray
    timestep: float | None = None
    final: bool = False


@dataclass(frozen=True, eq=False)
class Patch:
    """The restored pixels of one region (all channels, the photo's dtype), and `where`: the region's
    effective mask (the damage grown by the blend band), the only pixels that may differ. `notes`:
    what the engine said it did there (the automatic engine: which method filled which box, and why),
    boxes in photo coordinates."""

    box: Box
    pixels: np.ndarray
    where: np.ndarray
    notes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, eq=False)
class Result:
    """A restoration: the changed regions as patches over the untouched `source` photo.

    Keeping patches rather than a full copy makes a run's cost follow the damage; `pixels`
    composes the whole restored photo on first use (for saving).
    """

    source: np.ndarray
    patches: tuple[Patch, ...]
    mask: Mask
    request: RestorationRequest
    regions: tuple[Box, ...]
    previews: tuple[StepPreview, ...]
    engine_info: dict[str, Any] = field(default_factory=dict)
    generative: bool = False
    seconds: float = 0.0

    @property
    def effective_mask(self) -> Mask:
        """The mask grown by the blend band: outside it, `pixels` equals the input bit for bit."""
        cached = self.__dict__.get("_effective")
        if cached is None:
            bits = np.zeros(self.mask.shape, dtype=bool)
            for patch in self.patches:
                bits[patch.box.slices] = patch.where
            cached = Mask(bits)
            object.__setattr__(self, "_effective", cached)
        return cached

    @property
    def pixels(self) -> np.ndarray:
        cached = self.__dict__.get("_pixels")
        if cached is None:
            cached = self.source.copy()
            apply_patches(cached, self.patches)
            object.__setattr__(self, "_pixels", cached)
        return cached


StepCallback = Callable[[StepPreview], None]
CancelCheck = Callable[[], bool]


def restore(
    photo: Photo,
    mask: Mask,
    request: RestorationRequest,
    on_step: StepCallback | None = None,
    cancel: CancelCheck | None = None,
    engines: Engines | None = None,
) -> Result:
    """Fill the masked damage of `photo` as `request` says, with `engines` (default: here).

    Every pixel outside the returned effective mask is bit-identical to the input. `on_step` is
    called on the calling thread with each StepPreview; `cancel()` is polled between regions, at
    every engine step and, while threaded engines fill regions on worker threads, every 20 ms; a
    True answer raises `Cancelled`.
    """
    with cancelled_by(cancel):
        return _restore(photo, mask, request, on_step, cancel, engines_or_local(engines))


def _restore(
    photo: Photo,
    mask: Mask,
    request: RestorationRequest,
    on_step: StepCallback | None,
    cancel: CancelCheck | None,
    engines: Engines,
) -> Result:
    started = time.perf_counter()
    check_mask_shape(mask.shape, photo.shape2d, "mask")
    engine = engines.get(request.engine)
    pad = max(request.padding, request.blend + 1)
    regions = plan_regions(mask.bits, pad)  # the checks below come before any model loads
    if not regions:
        raise MaskError("the mask is empty: paint or load the damage to restore first")
    if regions == [Box(0, 0, photo.width, photo.height)] and mask.bits.all():
        raise MaskError("the mask covers the whole photo: no undamaged pixels are left to restore from")
    context = engine.context_size(request)
    if context:
        regions = plan_regions(mask.bits, pad, context)
    run = _Run(photo, mask, request, engine, regions, on_step, cancel)
    run.fill_all(regions)
    engine_info = engine.describe(request)
    if run.notes:
        engine_info["parts"] = run.notes
    return Result(
        source=photo.pixels,
        patches=tuple(run.patches),
        mask=mask,
        request=request,
        regions=tuple(regions),
        previews=tuple(run.previews),
        engine_info=engine_info,
        generative=engine.generative,
        seconds=time.perf_counter() - started,
    )


class _Run:
    def __init__(
        self,
        photo: Photo,
        mask: Mask,
        request: RestorationRequest,
        engine: Engine,
        regions: list[Box],
        on_step: StepCallback | None,
        cancel: CancelCheck | None,
    ) -> None:
        self.photo, self.mask, self.request, self.engine = photo, mask, request, engine
        self.on_step, self.cancel = on_step, cancel
        self.patches: list[Patch] = []
        self.per_region = engine.preview_steps(request) + 1
        self.total = len(regions) * self.per_region
        self.previews: list[StepPreview] = []
        self.notes: list[dict[str, Any]] = []

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def fill_all(self, regions: list[Box]) -> None:
        if not self.engine.threaded:
            for index, box in enumerate(regions):
                self.check()
                self._accept(index, box, self._fill(index, box))
            return
        # Threaded engines report no steps, so their regions can fill on worker threads while this
        # thread polls for cancel and emits each region's layer in order.
        tasks = [lambda index=index, box=box: self._fill(index, box) for index, box in enumerate(regions)]
        for index, patch in enumerate(in_order(tasks, self.check)):
            self.check()
            self._accept(index, regions[index], patch)

    def _fill(self, index: int, box: Box) -> Patch:
        """The patch of one region; on a worker thread for threaded engines."""
        self.check()
        source = self.photo.pixels[box.slices]
        mask = self.mask.bits[box.slices]
        blender = _Blender(source, mask, self.request.blend, self.check)

        def report(step: int, fill: np.ndarray, timestep: float | None) -> None:
            self._emit(index, box, step, blender.blended(fill), timestep, final=False)

        ctx = FillContext(report=report, check=self.check, icc_profile=self.photo.icc_profile)
        fill = self.engine.fill(color_view(source), mask, self.request, ctx)
        self.check()
        # Engines that leave unmasked pixels as they are have nothing to blend (the band would
        # mix equal values); taking their fill as is keeps cost on the damage, not the crop.
        pixels = blender.with_color(fill) if self.engine.exact_outside_mask else blender.blended(fill)
        # each region is padded by more than the blend radius, so the band stays inside it
        notes = tuple(_placed(note, box) for note in ctx.notes)
        return Patch(box, pixels, blender.grown(), notes)

    def _accept(self, index: int, box: Box, patch: Patch) -> None:
        self.patches.append(patch)
        self.notes.extend(patch.notes)
        self._emit(index, box, self.per_region - 1, patch.pixels, None, final=True)

    def _emit(
        self, index: int, box: Box, step: int, pixels: np.ndarray, timestep: float | None, final: bool
    ) -> None:
        preview = StepPreview(
            step=index * self.per_region + step,
            total=self.total,
            region=index,
            box=box,
            pixels=pixels,
            timestep=timestep,
            final=final,
        )
        self.previews.append(preview)
        if self.on_step is not None:
            self.on_step(preview)


class _Blender:
    """Pastes fills of one crop back over the source crop; the blend alpha is computed once, on demand.
    On a large crop each full-size call runs aside, so that a cancel does not wait for it."""

    def __init__(self, source: np.ndarray, mask: np.ndarray, blend: int, check: Callable[[], None]) -> None:
        self.source, self.mask, self.blend, self.check = source, mask, blend, check
        self._alpha: np.ndarray | None = None

    def aside(self, fn: Callable[[], np.ndarray]) -> np.ndarray:
        return aside(fn, self.check, self.mask.size)

    def grown(self) -> np.ndarray:
        """The effective mask: inline where a disc dilation does it in milliseconds (a thread
        handoff would cost more than the call), aside where it takes a distance transform."""
        if self.blend <= DISC_DILATION_UP_TO:
            return grow_bits(self.mask, self.blend)
        return self.aside(lambda: grow_bits(self.mask, self.blend))

    def blended(self, fill: np.ndarray) -> np.ndarray:
        if self._alpha is None:
            self._alpha = self.aside(lambda: blend_alpha(self.mask, self.blend))
        alpha = self._alpha
        pixels = self.aside(self.source.copy)
        self.aside(lambda: _pasted(pixels, fill, alpha))
        return pixels

    def with_color(self, fill: np.ndarray) -> np.ndarray:
        if fill.shape == self.source.shape:
            return fill
        pixels = self.source.copy()
        color_view(pixels)[...] = fill
        return pixels


def _pasted(pixels: np.ndarray, fill: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    paste_into(color_view(pixels), fill, alpha)
    return pixels


def _placed(note: dict[str, Any], region: Box) -> dict[str, Any]:
    """An engine's note with its crop-relative "box" moved into photo coordinates."""
    if "box" not in note:
        return dict(note)
    x0, y0, x1, y1 = note["box"]
    return {**note, "box": [x0 + region.x0, y0 + region.y0, x1 + region.x0, y1 + region.y0]}
