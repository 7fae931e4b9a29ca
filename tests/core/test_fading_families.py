"""The fading families of the lab: each changes the photo, is deterministic and stays in range."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data

from tratteggio.core.errors import RequestError
from tratteggio.core.lab.anchors import delta_e
from tratteggio.core.lab.fading_families import FAMILIES, OLD_MODELS, fade_family, severity_for


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return skimage.data.astronaut()[::4, ::4].astype(np.float32) / 255.0


def test_there_are_at_least_seven_families() -> None:
    assert len(FAMILIES) >= 7


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_changes_the_photo_deterministically_within_range(photo: np.ndarray, family: str) -> None:
    original, faded = fade_family(photo, family, seed=3)
    again = fade_family(photo, family, seed=3)
    assert np.array_equal(faded, again[1]) and np.array_equal(original, again[0])
    assert faded.shape == photo.shape and faded.dtype == np.float32
    assert faded.min() >= 0.0 and faded.max() <= 1.0
    assert delta_e(faded, original).median > 1.0  # visibly faded
    other = fade_family(photo, family, seed=4)[1]
    assert not np.array_equal(faded, other)  # the seed draws the parameters


@pytest.mark.parametrize("family", ["toning", "mirroring"])
def test_silver_prints_were_neutral(photo: np.ndarray, family: str) -> None:
    original, faded = fade_family(photo, family, seed=1)
    assert np.ptp(original, axis=2).max() < 1e-5
    assert np.ptp(faded, axis=2).mean() > 0.01  # the fading tinted them


def test_cyanotype_was_blue(photo: np.ndarray) -> None:
    original = fade_family(photo, "cyanotype", seed=0)[0]
    assert original[..., 2].mean() > original[..., 0].mean() + 0.1


def test_severity_is_drawn_in_a_wide_range() -> None:
    values = [severity_for(s) for s in range(200)]
    assert min(values) < 0.3 and max(values) > 0.9


def test_unknown_family_is_refused(photo: np.ndarray) -> None:
    with pytest.raises(RequestError, match="unknown fading family"):
        fade_family(photo, "sunburn", seed=0)


def test_issue_12s_models_are_extra_families_outside_the_nine(photo: np.ndarray) -> None:
    assert set(OLD_MODELS) == {"old_varnish", "old_dye", "old_lab"} and not set(OLD_MODELS) & set(FAMILIES)
    for name in OLD_MODELS:
        original, faded = fade_family(photo, name, 5)
        again = fade_family(photo, name, 5)[1]
        assert np.array_equal(faded, again) and np.abs(faded - original).mean() > 0.01
