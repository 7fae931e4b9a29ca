"""The learned erasers `lama` and `migan`: one published ONNX file each, run with onnxruntime.

The contracts of the published files, from their reference code (the exporters' scripts and the
runners of IOPaint, Carve's demo and the MI-GAN repository's `scripts/create_onnx_pipeline.py`):

`lama`: Big-LaMa, `Carve/LaMa-ONNX` `lama_fp32.onnx` (208,044,816 bytes).
  inputs  `image` float32 [1, 3, 512, 512]: RGB, sRGB values 0..1;
          `mask`  float32 [1, 1, 512, 512]: 1 = the hole to fill, 0 = known (binary; the network
          blanks the hole itself); the batch axis may be symbolic.
  output  float32 [1, 3, 512, 512]: the whole picture, RGB 0..255 (not 0..1).
  Fixed working size 512 x 512: the crop is padded to a square (edge pixels repeated, marked
  known) so its aspect survives, resized to 512 (area), and the answer resized back (cubic).

`migan`: MI-GAN, `andraniksargsyan/migan` `migan_pipeline_v2.onnx` (28,079,181 bytes).
  inputs  `image` uint8 [1, 3, H, W]: RGB 0..255, any H, W;
          `mask`  uint8 [1, 1, H, W]: 255 = known, 0 = the hole (the reverse of lama's; every value
          below 255 counts as hole).
  output  uint8 [1, 3, H, W] (`result`): the whole picture with the hole filled. The graph does
  its own crop: a square around the hole's bounding box plus 128 px each side, at least 512,
  clamped to the picture; resized to its working size 512 x 512 (bilinear, mask nearest), run,
  resized back, and composited through the hole grown 1 px and blurred (Gaussian 5 x 5, sigma 1).

Here, for both: the crop the pipeline plans (at least 512 px a side, the same crop, context and
8-bit sRGB conversion as diffusion), one call, the colour matched to the ring of known pixels as
for diffusion, converted back to the photo's bit depth, and only the masked pixels taken: every
pixel outside the mask is the input's, bit for bit, 16-bit included. No seed: the graphs hold no
random operators, so the same input gives the same pixels. Files are checked before use: they must
parse, load with onnxruntime's standard operators only (no custom-op library is ever registered),
and take exactly the inputs above; catalog files must also match their pinned SHA-256.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.color.colormatch import match_to_ring
from tratteggio.core.color.srgb import SrgbConverter
from tratteggio.core.engines.base import FillContext
from tratteggio.core.engines.diffusion import from_rgb01, model_mask, to_rgb8
from tratteggio.core.engines.eraser_models import eraser_file, eraser_model, file_sha256
from tratteggio.core.errors import Cancelled, ModelError
from tratteggio.core.request import RestorationRequest

WORKING_SIZE = 512
MISSING = "the learned erasers need onnxruntime: pip install 'tratteggio[erasers]'"
PROVIDERS = ("CUDAExecutionProvider", "CoreMLExecutionProvider", "CPUExecutionProvider")


@dataclass(frozen=True)
class Port:
    name: str
    dtype: str  # onnxruntime's type string, e.g. "tensor(float)"
    channels: int
    side: int | None  # fixed height and width, or None for any


@dataclass(frozen=True)
class Contract:
    inputs: tuple[Port, Port]
    output_dtype: str

    def describe(self) -> str:
        return ", ".join(
            f"{p.name} {p.dtype[7:-1]} [1,{p.channels},{p.side or 'H'},{p.side or 'W'}]" for p in self.inputs
        )


CONTRACTS = {
    "lama": Contract(
        (Port("image", "tensor(float)", 3, WORKING_SIZE), Port("mask", "tensor(float)", 1, WORKING_SIZE)),
        "tensor(float)",
    ),
    "migan": Contract(
        (Port("image", "tensor(uint8)", 3, None), Port("mask", "tensor(uint8)", 1, None)), "tensor(uint8)"
    ),
}


def onnxruntime() -> Any:
    try:
        import onnxruntime as ort
    except ImportError:
        raise ModelError(MISSING) from None
    return ort


def check_contract(session: Any, engine: str, name: str) -> None:
    """ModelError unless the session takes exactly `engine`'s inputs and gives its output."""
    contract = CONTRACTS[engine]
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = session.get_outputs()
    named = set(inputs) == {p.name for p in contract.inputs} and bool(outputs)
    if (
        named
        and all(_fits(inputs[p.name], p) for p in contract.inputs)
        and _fits_output(outputs[0], contract)
    ):
        return
    have = ", ".join(f"{i.name} {i.type} {i.shape}" for i in inputs.values())
    raise ModelError(
        f"{name} does not take the {engine} eraser's inputs ({contract.describe()}); it takes {have}"
    )


def _fixed(dim: Any, want: int | None) -> bool:
    """A graph dimension fits: symbolic, or the number wanted (any number where None)."""
    return not isinstance(dim, int) or want is None or dim == want


def _fits(arg: Any, port: Port) -> bool:
    shape = list(arg.shape)
    return (
        arg.type == port.dtype
        and len(shape) == 4
        and _fixed(shape[0], 1)
        and shape[1] == port.channels
        and all(_fixed(d, port.side) for d in shape[2:])
    )


def _fits_output(arg: Any, contract: Contract) -> bool:
    shape = list(arg.shape)
    return arg.type == contract.output_dtype and len(shape) == 4 and _fixed(shape[1], 3)


@dataclass
class Loaded:
    session: Any
    path: Path
    sha256: str
    provider: str


def load_session(path: Path, engine: str, sha256: str | None = None) -> Loaded:
    """An onnxruntime session on `path`, checked against `engine`'s contract; ModelError if not.
    `sha256`: the file's hash where it is already known (a verified catalog file)."""
    ort = onnxruntime()
    if not path.is_file():
        raise ModelError(f"{path}: no such ONNX file")
    options = ort.SessionOptions()
    options.log_severity_level = 3  # onnxruntime's warnings are not the user's business
    providers = [p for p in PROVIDERS if p in ort.get_available_providers()]
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own classes for bad protobufs, graphs, ops
        first = (str(exc).strip().splitlines() or ["no details"])[0]
        raise ModelError(f"{path.name}: not an ONNX model onnxruntime can run ({first[:160]})") from None
    check_contract(session, engine, path.name)
    return Loaded(session, path, sha256 or file_sha256(path), session.get_providers()[0])


class OnnxEraser:
    """A learned eraser: `lama` or `migan`. Deterministic, exact outside the mask, any bit depth."""

    generative = True  # a trained model paints the pixels (IPTC: algorithmic media)
    exact_outside_mask = True
    threaded = False  # onnxruntime runs its own threads; regions go one by one, cancel between them

    def __init__(self, name: str) -> None:
        self.name = name
        self.model = eraser_model(name)
        self._loaded: dict[str, Loaded] = {}

    def preview_steps(self, request: RestorationRequest) -> int:
        return 0

    def context_size(self, request: RestorationRequest) -> int:
        return WORKING_SIZE

    def loaded(self, request: RestorationRequest) -> Loaded:
        """The session for `request.model` (a local .onnx the user chose) or the catalog file."""
        where = request.model or ""
        if where not in self._loaded:
            if where:
                loaded = load_session(Path(where).expanduser(), self.name)
            elif self.model is not None:
                loaded = load_session(eraser_file(self.model), self.name, self.model.sha256)
            else:  # pragma: no cover - every eraser engine has a catalog entry
                raise ModelError(f"{self.name}: no weights")
            self._loaded = {where: loaded}  # one file kept loaded
        return self._loaded[where]

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        loaded = self.loaded(request)
        srgb = SrgbConverter(ctx.icc_profile)
        rgb = srgb.to_srgb8(to_rgb8(image))
        ctx.check()
        run = run_lama if self.name == "lama" else run_migan
        full = run(lambda feeds: _call(loaded.session, feeds, ctx.check), rgb, mask)
        ctx.check()
        if request.color_match:
            full = match_to_ring(full, rgb.astype(np.float32) / 255.0, mask)
        painted = from_rgb01(srgb.from_srgb01(full), image.dtype, image.ndim)
        out = image.copy()
        out[mask] = painted[mask]
        return out

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        loaded = self.loaded(request)
        ort = onnxruntime()
        info: dict[str, Any] = {
            "method": f"learned eraser {self.name} (onnxruntime)",
            "file": loaded.path.name,
            "sha256": loaded.sha256,
            "provider": loaded.provider,
            "onnxruntime": ort.__version__,
            "working_size": WORKING_SIZE,
            "color_match": request.color_match,
        }
        if self.model is not None and not request.model:
            info.update(repo=self.model.repo, revision=self.model.revision, licence=self.model.licence)
        return info


Call = Callable[[dict[str, np.ndarray]], np.ndarray]


def _call(session: Any, feeds: dict[str, np.ndarray], check: Callable[[], None]) -> np.ndarray:
    """One run of the graph on a thread while `check` is polled; a cancel stops onnxruntime too."""
    from tratteggio.core.engines.workers import aside

    options = onnxruntime().RunOptions()
    try:
        return aside(lambda: session.run(None, feeds, options)[0], check, 1 << 30)
    except Cancelled:
        options.terminate = True
        raise


def run_lama(call: Call, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Big-LaMa on an 8-bit RGB crop: float32 RGB 0..1 at the crop's size."""
    import cv2

    height, width = mask.shape
    side = max(height, width)
    square = cv2.copyMakeBorder(rgb, 0, side - height, 0, side - width, cv2.BORDER_REPLICATE)
    hole = np.pad(mask, ((0, side - height), (0, side - width)))
    small = cv2.resize(square, (WORKING_SIZE, WORKING_SIZE), interpolation=cv2.INTER_AREA)
    small_hole = model_mask(hole, WORKING_SIZE, WORKING_SIZE) > 0
    out = call(
        {
            "image": np.ascontiguousarray(small.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0,
            "mask": small_hole[None, None].astype(np.float32),
        }
    )
    answer = np.clip(out[0].transpose(1, 2, 0) / 255.0, 0.0, 1.0).astype(np.float32)
    full = cv2.resize(answer, (side, side), interpolation=cv2.INTER_CUBIC)[:height, :width]
    return np.clip(full, 0.0, 1.0)


def run_migan(call: Call, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The MI-GAN pipeline on an 8-bit RGB crop (it crops and resizes itself): float32 RGB 0..1."""
    known = np.where(mask, 0, 255).astype(np.uint8)
    out = call({"image": np.ascontiguousarray(rgb.transpose(2, 0, 1)[None]), "mask": known[None, None]})
    if out.shape[2:] != mask.shape:
        raise ModelError(f"the migan graph answered {list(out.shape)} for a {list(mask.shape)} crop")
    return out[0].transpose(1, 2, 0).astype(np.float32) / 255.0
