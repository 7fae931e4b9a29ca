"""Crops around damage: disjoint, padded, and covering every damaged pixel."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tratteggio.core import Box
from tratteggio.core.pipeline.regions import merge_overlapping, plan_regions


def test_far_apart_losses_get_separate_crops_and_near_ones_merge() -> None:
    bits = np.zeros((400, 600), bool)
    bits[10:20, 10:20] = True
    bits[300:310, 500:520] = True
    bits[25:30, 25:30] = True  # near the first: same crop
    boxes = plan_regions(bits, pad=8)
    assert boxes == [Box(2, 2, 38, 38), Box(492, 292, 528, 318)]


def test_min_size_widens_crops_inside_the_photo() -> None:
    bits = np.zeros((300, 300), bool)
    bits[5:10, 290:295] = True
    (box,) = plan_regions(bits, pad=4, min_size=128)
    assert (box.width, box.height) == (128, 128)
    assert box.x1 == 300 and box.y0 == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40))
def test_crops_are_disjoint_and_cover_all_damage(seed: int, pad: int) -> None:
    rng = np.random.default_rng(seed)
    bits = rng.random((90, 130)) > 0.995
    boxes = plan_regions(bits, pad=pad)
    covered = np.zeros_like(bits)
    for i, a in enumerate(boxes):
        assert all(not a.intersects(b) for b in boxes[i + 1 :])
        covered[a.slices] = True
    assert not (bits & ~covered).any()


def test_merge_overlapping_is_transitive() -> None:
    boxes = [Box(0, 0, 10, 10), Box(9, 9, 20, 20), Box(19, 0, 30, 10), Box(50, 50, 60, 60)]
    assert sorted(merge_overlapping(boxes)) == [Box(0, 0, 30, 20), Box(50, 50, 60, 60)]
