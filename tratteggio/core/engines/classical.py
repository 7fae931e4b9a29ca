"""Classical fills: OpenCV's Telea and Navier-Stokes, scikit-image's biharmonic.

They are local methods and run on padded crops. Each returns the crop with only masked pixels
changed, at the crop's own dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tratteggio.core.engines.base import FillContext
from tratteggio.core.photo import dtype_max, to_dtype
from tratteggio.core.request import RestorationRequest

INPAINT_RADIUS = 3


class OpenCVEngine:
    """cv2.inpaint; 16-bit and float images are filled one channel at a time (OpenCV's limit)."""

    generative = False
    exact_outside_mask = True

    def __init__(self, name: str, flag_name: str) -> None:
        self.name = name
        self._flag_name = flag_name

    def preview_steps(self, request: RestorationRequest) -> int:
        return 0

    def context_size(self, request: RestorationRequest) -> int:
        return 0

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        import cv2

        flag = getattr(cv2, self._flag_name)
        mask8 = mask.view(np.uint8)
        if image.dtype == np.uint8 or image.ndim == 2:
            out = cv2.inpaint(np.ascontiguousarray(image), mask8, INPAINT_RADIUS, flag)
        else:
            planes = [
                cv2.inpaint(np.ascontiguousarray(image[:, :, c]), mask8, INPAINT_RADIUS, flag)
                for c in range(image.shape[2])
            ]
            out = np.stack(planes, axis=-1)
        return out

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        import cv2

        return {
            "method": f"cv2.inpaint {self._flag_name}",
            "inpaint_radius": INPAINT_RADIUS,
            "opencv": cv2.__version__,
        }


class BiharmonicEngine:
    """skimage.restoration.inpaint_biharmonic: smooth fills, best of the three on thin cracks."""

    name = "biharmonic"
    generative = False
    exact_outside_mask = True

    def preview_steps(self, request: RestorationRequest) -> int:
        return 0

    def context_size(self, request: RestorationRequest) -> int:
        return 0

    def fill(
        self, image: np.ndarray, mask: np.ndarray, request: RestorationRequest, ctx: FillContext
    ) -> np.ndarray:
        from skimage.restoration import inpaint_biharmonic

        top = dtype_max(image.dtype)
        scaled = image.astype(np.float64) / top
        filled = inpaint_biharmonic(scaled, mask, channel_axis=-1 if image.ndim == 3 else None)
        return to_dtype(filled * top, image.dtype)

    def describe(self, request: RestorationRequest) -> dict[str, Any]:
        import skimage

        return {
            "method": "skimage.restoration.inpaint_biharmonic",
            "scikit-image": str(getattr(skimage, "__version__", "?")),
        }
