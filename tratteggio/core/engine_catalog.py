"""The engine catalog: every fill method declared once, with what people and the code ask about it.

The request's names and the command line's choices, the studio's Restore panel (labels, tips, which
engines take a seed), the advice before a run and `Engines` (which builds the implementations) all
read this list. Importing it loads no engine: each entry names the class that implements it, imported
when the engine is first built. A new engine is one entry here and its implementation; one whose
weights are fetched on demand names them with `weights` (the model manager's id).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class EngineEntry:
    """One engine as the catalog declares it.

    `thin`: made for thin damage (cracks, scratches, dust); it smears losses. `seeded`: the seed
    changes its pixels (the studio offers the seed and candidates only then). `deterministic`: the
    same request on the same photo gives the same bytes on any computer (a rerun matches bit for bit).
    `generative`: its pixels come from a trained generative model. `takes_model`: the request names
    the model it runs (`--model`); `weights`: the model manager's id of the file it fetches before
    its first run. `module`, `cls` and `args`: how to build the implementation (`cls(*args)`).
    """

    name: str
    label: str
    tip: str
    module: str
    cls: str
    args: tuple[str, ...] = ()
    thin: bool = False
    seeded: bool = False
    deterministic: bool = True
    generative: bool = False
    takes_model: bool = False
    weights: str | None = None

    @property
    def needs_download(self) -> bool:
        """It runs only once a model or weights are on this computer."""
        return self.takes_model or self.weights is not None

    def build(self, *more: Any) -> Any:
        """A new instance of the implementation: `cls(*args, *more)` (the diffusion engine takes
        the model it runs on as `more`)."""
        return getattr(import_module(self.module), self.cls)(*self.args, *more)


_HERE = "tratteggio.core.engines."

ENGINES: tuple[EngineEntry, ...] = (
    EngineEntry(
        "auto",
        "Automatic: the best fill for each region",
        "Per region: frequency-selective reconstruction for losses and thin damage as far as a time "
        "budget allows, biharmonic where a trial on undamaged pixels nearby shows it as good, the "
        "hybrid for the rest; the record says which filled what, and why",
        _HERE + "auto",
        "AutoEngine",
    ),
    EngineEntry(
        "hybrid",
        "Hybrid — thin cracks and scratches, fast",
        "Range-clipped biharmonic averaged with Telea: the fast fill for thin damage; losses smear",
        _HERE + "classical",
        "HybridEngine",
        thin=True,
    ),
    EngineEntry(
        "fsr",
        "FSR — continues texture into losses and cracks",
        "Frequency-selective reconstruction (OpenCV FSR_FAST): slower than the hybrid, better on "
        "losses and textured areas",
        _HERE + "fsr",
        "FsrEngine",
        ("fsr", "FAST"),
    ),
    EngineEntry(
        "fsr-best",
        "FSR best — finer FSR, 20x slower, rarely better",
        "FSR_BEST: about twenty times slower than FSR; on aged photos it was not better",
        _HERE + "fsr",
        "FsrEngine",
        ("fsr-best", "BEST"),
    ),
    EngineEntry(
        "patchmatch",
        "PatchMatch — copies texture into large losses",
        "Exemplar synthesis (PyPatchMatch): fills losses of 50 px and more with patches of the "
        "photo's own texture nearby, where smooth fills leave a blur; seeded",
        _HERE + "patchmatch",
        "PatchMatchEngine",
        seeded=True,
    ),
    EngineEntry(
        "migan",
        "MI-GAN — learned eraser for losses, fast (download)",
        "MI-GAN (28 MB, onnxruntime): paints losses with learned texture in well under a second; "
        "no seed; download it in Models…; trained on Places2 (research-only terms)",
        _HERE + "onnx_eraser",
        "OnnxEraser",
        ("migan",),
        deterministic=False,  # onnxruntime's float kernels differ between CPUs: same bytes on one
        generative=True,
        weights="migan",
    ),
    EngineEntry(
        "lama",
        "LaMa — learned eraser for large losses (download)",
        "Big-LaMa (200 MB, onnxruntime): paints large losses with learned texture; no seed; "
        "download it in Models…; trained on Places2 (research-only terms)",
        _HERE + "onnx_eraser",
        "OnnxEraser",
        ("lama",),
        deterministic=False,
        generative=True,
        weights="lama",
    ),
    EngineEntry(
        "biharmonic",
        "Biharmonic — smooth, for thin damage",
        "scikit-image's biharmonic fill: smooth, any bit depth",
        _HERE + "classical",
        "BiharmonicEngine",
        thin=True,
    ),
    EngineEntry(
        "telea",
        "Telea — fastest, smooth",
        "OpenCV's Telea: the fastest fill; smooth, blurs losses",
        _HERE + "classical",
        "OpenCVEngine",
        ("telea", "INPAINT_TELEA"),
        thin=True,
    ),
    EngineEntry(
        "navier-stokes",
        "Navier-Stokes — fast, follows edges",
        "OpenCV's Navier-Stokes fill: fast; continues edges a little",
        _HERE + "classical",
        "OpenCVEngine",
        ("navier-stokes", "INPAINT_NS"),
        thin=True,
    ),
    EngineEntry(
        "diffusion",
        "Diffusion",
        "Diffusion inpainting with this model",
        _HERE + "diffusion",
        "DiffusionEngine",
        seeded=True,
        deterministic=False,
        generative=True,
        takes_model=True,
    ),
)

BY_NAME = {entry.name: entry for entry in ENGINES}
ENGINE_NAMES = tuple(BY_NAME)
DIFFUSION_ENGINE = "diffusion"  # the engine that runs a diffusion model: imagine and extend use it
CLASSICAL_ENGINES = tuple(e.name for e in ENGINES if not e.takes_model)  # no model to name
THIN_ENGINES = tuple(e.name for e in ENGINES if e.thin)
SEEDED_ENGINES = tuple(e.name for e in ENGINES if e.seeded)


def entry(name: str) -> EngineEntry | None:
    """The catalog's entry for `name` (None for a name it does not know)."""
    return BY_NAME.get(name)
