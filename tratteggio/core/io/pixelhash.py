"""The hash of an image's pixels with their shape and type, not of any file's bytes: what a signed
output (other bytes, same pixels) and a stitched IIIF master are named by."""

from __future__ import annotations

import hashlib

import numpy as np


def pixels_sha256(pixels: np.ndarray) -> str:
    pixels = np.ascontiguousarray(pixels)
    digest = hashlib.sha256(f"{pixels.shape}:{pixels.dtype.str}:".encode())
    digest.update(pixels.reshape(-1).view(np.uint8).data)
    return digest.hexdigest()
