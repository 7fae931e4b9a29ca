"""SHA-256 of each classical engine's output on fixed cases (8/16-bit, float, gray, RGBA), to compare
two OpenCV builds: run once per build (e.g. PYTHONPATH=/other/cv2:. python scripts/engine_bytes.py)
and diff the outputs."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core import Mask, Photo, RestorationRequest, restore  # noqa: E402
from tratteggio.core.lab.aging import AgingRequest, age  # noqa: E402

ENGINES = sys.argv[1].split(",") if len(sys.argv) > 1 else ["hybrid", "biharmonic", "telea", "navier-stokes"]


def cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    out = []
    for name in ("coffee", "camera"):
        aged = age(Photo(getattr(skimage.data, name)()), AgingRequest(seed=3))
        out.append((f"{name} 8-bit", aged.pixels, aged.mask))
        out.append((f"{name} 16-bit", aged.pixels.astype(np.uint16) * 257 + 3, aged.mask))
        out.append((f"{name} float", aged.pixels.astype(np.float32) / 255, aged.mask))
    rgba = skimage.data.astronaut()
    rgba = np.dstack([rgba, np.full(rgba.shape[:2], 200, np.uint8)])
    aged = age(Photo(rgba), AgingRequest(seed=4))
    out.append(("astronaut RGBA", aged.pixels, aged.mask))
    return out


if __name__ == "__main__":
    import cv2

    print(f"# cv2 {cv2.__version__} from {Path(cv2.__file__).parent}")
    for label, pixels, bits in cases():
        for engine in ENGINES:
            result = restore(Photo(pixels), Mask(bits), RestorationRequest(engine=engine))
            print(f"{label:16s} {engine:14s} {hashlib.sha256(result.pixels.tobytes()).hexdigest()}")
