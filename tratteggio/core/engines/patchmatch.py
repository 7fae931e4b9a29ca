"""`patchmatch`: exemplar-based texture synthesis (Barnes et al. 2009, PatchMatch) for losses, from
the photo's own undamaged pixels near the loss, with PyPatchMatch (MIT; a compiled library that
links OpenCV statically, about 1.6 MB).

Chosen against an implementation of our own by measurement (benchmarks/RESULTS.md, issue 24). The
library takes 8-bit RGB only: 8-bit crops go as they are; 16-bit and float crops are mapped to 8 bits
through the range of their own known pixels, as for frequency-selective reconstruction, and only
masked pixels are taken back, so every other pixel keeps the master's bits. Its random search starts
from the seed it is given before each call: the request's seed, so a rerun gives the same bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.classical import OneShotEngine
from tratteggio.core.engines.fsr import to_levels
from tratteggio.core.engines.tiles import fill_in_tiles
from tratteggio.core.errors import RequestError
from tratteggio.core.request import RestorationRequest

# patches of 7 x 7 px (the library's examples); 11 x 11 took twice as long and lost 0.4-3.4 dB in-mask
# PSNR on four textures for a little more grain on two (benchmarks/RESULTS.md, issue 24)
PATCH_RADIUS = 3
CONTEXT = 160  # px: the smallest crop side, so a loss finds texture to copy around it
MARGIN = 64  # px of context each tile of a large crop sees

_SEED = threading.Condition()
_STATE = {"seed": -1, "calls": 0}


class PatchMatchEngine(OneShotEngine):
    """PyPatchMatch's inpainting on each crop, tile by tile on large ones."""

    name = "patchmatch"

    def context_size(self, request: RestorationRequest) -> int:
        return CONTEXT

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        levels, back = to_levels(image, mask)

        def one(crop: np.ndarray, bits: np.ndarray) -> np.ndarray:
            return patchmatch_levels(crop, bits, request.seed)

        filled = fill_in_tiles(levels, mask, one, ctx.check, MARGIN)
        out = image.copy()
        out[mask] = back(filled[mask])
        return out

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        return {
            "method": "PatchMatch exemplar inpainting (PyPatchMatch)",
            "patch_radius": PATCH_RADIUS,
            "seed": request.seed,
            "pypatchmatch": _version(),
        }


def patchmatch_levels(levels: np.ndarray, mask: np.ndarray, seed: int) -> np.ndarray:
    """Float32 0..255 `levels` (H, W) or (H, W, 3) with masked pixels filled by PatchMatch."""
    if not mask.any() or mask.all():
        return levels.copy()
    source = np.clip(np.rint(levels), 0, 255).astype(np.uint8)
    rgb = np.ascontiguousarray(np.dstack([source] * 3) if source.ndim == 2 else source)
    library = _library()
    with _seeded(library, seed % 2**32):
        filled = library.inpaint(rgb, mask.view(np.uint8), patch_size=PATCH_RADIUS)
    out = levels.copy()
    picked = filled[mask].astype(np.float32)
    out[mask] = picked.mean(axis=1) if levels.ndim == 2 else picked
    return out


@contextmanager
def _seeded(library: Any, seed: int) -> Iterator[None]:
    """Hold the library's one global seed at `seed` for a call; calls with the same seed run at
    once (each starts its random search from the seed), a different seed waits for them to end."""
    with _SEED:
        while _STATE["calls"] and _STATE["seed"] != seed:
            _SEED.wait()
        if _STATE["seed"] != seed:
            library.set_random_seed(seed)
            _STATE["seed"] = seed
        _STATE["calls"] += 1
    try:
        yield
    finally:
        with _SEED:
            _STATE["calls"] -= 1
            _SEED.notify_all()


def _library() -> Any:
    try:
        from patchmatch import patch_match
    except ImportError as exc:
        raise RequestError(
            "the patchmatch engine needs PyPatchMatch: pip install 'pypatchmatch>=2.2'"
        ) from exc
    if not patch_match.patchmatch_available:
        raise RequestError("PyPatchMatch is installed but its native library did not load")
    return patch_match


def available() -> bool:
    """Whether PyPatchMatch imports and its library loads (auto falls back without it)."""
    try:
        _library()
    except RequestError:
        return False
    return True


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypatchmatch")
    except PackageNotFoundError:
        return "?"
