"""The texture measure for large losses, and growing masks by a disc."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data

from tratteggio.core.lab.metrics import texture_ratios
from tratteggio.core.mask import distance_outside, grow_bits


def _brick_with_loss(size: int) -> tuple[np.ndarray, np.ndarray]:
    pixels = np.dstack([skimage.data.brick()] * 3)
    mask = np.zeros(pixels.shape[:2], bool)
    mask[200 : 200 + size, 200 : 200 + size] = True
    return pixels, mask


def test_the_original_keeps_its_texture_and_a_flat_fill_has_none() -> None:
    pixels, mask = _brick_with_loss(100)
    flat = pixels.copy()
    flat[mask] = pixels[mask].mean().astype(np.uint8)
    (original,) = texture_ratios(pixels, mask)
    (smooth,) = texture_ratios(flat, mask)
    assert original > 0.7
    assert smooth < 0.2  # only its edge, where the flat fill meets the bricks


def test_losses_narrower_than_the_threshold_are_not_scored() -> None:
    pixels, mask = _brick_with_loss(40)
    assert texture_ratios(pixels, mask) == []
    assert len(texture_ratios(pixels, mask, min_width=32)) == 1


def test_a_thin_line_as_long_as_a_loss_is_not_a_loss() -> None:
    pixels, _ = _brick_with_loss(0)
    mask = np.zeros(pixels.shape[:2], bool)
    mask[100:104, 50:400] = True  # its box is 350 px wide, its inscribed disc 4 px
    assert texture_ratios(pixels, mask) == []


@pytest.mark.parametrize("seed", range(5))
def test_grow_bits_is_the_distance_threshold(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bits = rng.random((61, 47)) < 0.01
    bits[0, 0] = True
    for radius in (1, 2, 3, 4, 7, 16, 17, 30):
        assert np.array_equal(grow_bits(bits, radius), distance_outside(bits) <= radius), radius
