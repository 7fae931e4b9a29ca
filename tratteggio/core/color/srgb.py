"""Convert a crop between the master's ICC colour space and sRGB, which diffusion models expect."""

from __future__ import annotations

import io

import numpy as np


class SrgbConverter:
    """No-op without a profile or with an sRGB one; else an LCMS transform each way (8-bit)."""

    def __init__(self, icc: bytes | None) -> None:
        self._to = self._back = None
        if not icc or b"sRGB" in icc[:512]:
            return
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            self._to = ImageCms.buildTransform(source, srgb, "RGB", "RGB")
            self._back = ImageCms.buildTransform(srgb, source, "RGB", "RGB")
        except Exception:  # an unusable profile: treat the pixels as sRGB, as most viewers do
            self._to = self._back = None

    def to_srgb8(self, rgb8: np.ndarray) -> np.ndarray:
        if self._to is None:
            return rgb8
        from PIL import Image, ImageCms

        return np.asarray(ImageCms.applyTransform(Image.fromarray(rgb8), self._to))

    def from_srgb01(self, rgb01: np.ndarray) -> np.ndarray:
        if self._back is None:
            return rgb01
        from PIL import Image, ImageCms

        rgb8 = np.clip(np.rint(rgb01 * 255.0), 0, 255).astype(np.uint8)
        return (
            np.asarray(ImageCms.applyTransform(Image.fromarray(rgb8), self._back)).astype(np.float32) / 255.0
        )
