"""Masks: from images, grow/shrink/feather/invert, components, and size checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tratteggio.core import Box, Mask, MaskError, Photo, load_mask, save_photo

from .helpers import square_mask


def test_any_non_zero_pixel_is_damage_and_transparent_is_not() -> None:
    gray = np.array([[0, 1], [255, 0]], np.uint8)
    assert Mask.from_array(gray).bits.tolist() == [[False, True], [True, False]]
    rgba = np.zeros((1, 3, 4), np.uint8)
    rgba[0, 1] = (255, 255, 255, 255)
    rgba[0, 2] = (255, 255, 255, 0)  # painted colour under full transparency: not damage
    assert Mask.from_array(rgba).bits.tolist() == [[False, True, False]]


def test_grow_shrink_invert_and_count() -> None:
    mask = square_mask(50, 50, 20, 20, 10)
    assert mask.pixel_count == 100
    grown = mask.grow(3)
    assert grown.bbox() == Box(17, 17, 33, 33)
    assert not grown.bits[17, 17]  # Euclidean: the corner at distance 3*sqrt(2) stays out
    assert mask.shrink(2).pixel_count == 36
    assert mask.grow(0).pixel_count == 100
    assert mask.invert().pixel_count == 2500 - 100


def test_feather_is_one_inside_and_fades_to_zero_beyond_radius() -> None:
    mask = square_mask(40, 40, 15, 15, 10)
    alpha = mask.feather(4)
    assert alpha.dtype == np.float32
    assert (alpha[mask.bits] == 1).all()
    assert alpha[20, 14] == pytest.approx(0.8)
    assert alpha[20, 11] == pytest.approx(0.2)
    assert alpha[20, 10] == 0
    assert ((alpha > 0) == mask.grow(4).bits).all()


def test_components_have_boxes_and_counts() -> None:
    bits = square_mask(30, 60, 2, 2, 5).bits | square_mask(30, 60, 40, 10, 8).bits
    parts = sorted(Mask(bits).components(), key=lambda c: c.box)
    assert [c.box for c in parts] == [Box(2, 2, 7, 7), Box(40, 10, 48, 18)]
    assert [c.pixel_count for c in parts] == [25, 64]


def test_wrong_sized_mask_names_both_sizes(tmp_path: Path) -> None:
    save_photo(Photo(np.full((30, 40), 255, np.uint8)), tmp_path / "m.png")
    with pytest.raises(MaskError, match="40x30.*50x20"):
        load_mask(tmp_path / "m.png", (20, 50))
    assert load_mask(tmp_path / "m.png", (30, 40)).pixel_count == 1200


def test_mask_must_be_2d_boolean() -> None:
    with pytest.raises(MaskError):
        Mask(np.zeros((3, 3), np.uint8))
