"""Colour revival's guard (issue 25): a linear model from statistics of the photo and of each
candidate transform to the predicted change of the error; a candidate is used only where it is
predicted to help clearly, else the photo is left as it is, and the estimate says which."""

from __future__ import annotations

import numpy as np
import skimage.data

from tratteggio.core.color.estimate import EstimateSettings, ReviveRequest, estimate_with_evidence
from tratteggio.core.color.guard import CANDIDATES, GUARD, NAMES, GuardModel
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.lab.anchors import delta_e
from tratteggio.core.lab.fading_families import FAMILIES, fade_family
from tratteggio.core.lab.fading_guard import as_python, chosen_ratios, fit_guard


def eight_bit(rgb: np.ndarray) -> np.ndarray:
    return np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def test_the_fit_learns_which_candidate_helps_and_leaves_alone_where_none_does() -> None:
    rng = np.random.default_rng(0)
    stats = rng.normal(size=(300, len(CANDIDATES), len(NAMES)))
    ratios = np.exp(0.5 * stats[..., 0])  # the first statistic says it all
    model = fit_guard(stats, ratios)
    predicted = np.array([[model.predict(s) for s in case] for case in stats])
    assert np.corrcoef(predicted.ravel(), np.log(ratios).ravel())[0, 1] > 0.99
    chosen = chosen_ratios(predicted, ratios, model.threshold)
    assert np.all(chosen <= 1.0) and np.mean(chosen < 1.0) > 0.5  # never worse, mostly better
    shipped: dict[str, object] = {}
    exec(as_python(model), {"np": np, "GuardModel": GuardModel}, shipped)  # the lines guard.py ships
    again = shipped["GUARD"]
    assert isinstance(again, GuardModel)
    assert abs(again.predict(stats[0, 0]) - model.predict(stats[0, 0])) < 1e-3


def test_a_guard_that_predicts_no_gain_leaves_the_photo_alone_and_says_so() -> None:
    rgb = skimage.data.coffee()[::4, ::4].astype(np.float32) / 255.0
    _, faded = fade_family(rgb, "varnish_paper", 1)
    pixels = eight_bit(faded)
    pessimist = GuardModel(np.zeros(len(NAMES)), np.ones(len(NAMES)), np.r_[np.zeros(len(NAMES)), 1.0], -0.1)
    found = estimate_with_evidence(pixels, ReviveRequest(), EstimateSettings(guard=pessimist))
    assert found.transform == ReviveTransform() and found.confidence == 0.0
    assert "left as it is" in found.describe()
    assert np.array_equal(found.transform.apply(pixels), pixels)


def test_the_shipped_guard_revives_a_clear_fading_and_names_its_choice() -> None:
    assert GUARD is not None
    rgb = skimage.data.moon()[::4, ::4, None].repeat(3, axis=2).astype(np.float32) / 255.0
    original, faded = fade_family(rgb, "dye_dark", 300)
    found = estimate_with_evidence(eight_bit(faded), ReviveRequest())
    assert any(name in found.describe() for name in GUARD.names), found.reasons
    revived = found.transform.apply(eight_bit(faded))
    assert delta_e(revived, original).median < 0.8 * delta_e(eight_bit(faded), original).median


def test_first_do_no_harm_on_photos_the_guard_never_saw() -> None:
    """Two held-out photos (never used to fit the guard) faded by every family: revive at its
    default makes none of them worse than the faded photo."""
    for name in ("chelsea", "stereo_motorcycle"):
        pixels = getattr(skimage.data, name)()
        pixels = pixels[0] if isinstance(pixels, tuple) else pixels
        rgb = pixels[::4, ::4].astype(np.float32) / 255.0
        for family in FAMILIES:
            original, faded = fade_family(rgb, family, 300)
            revived = estimate_with_evidence(eight_bit(faded), ReviveRequest()).transform.apply(
                eight_bit(faded)
            )
            before, after = delta_e(eight_bit(faded), original).median, delta_e(revived, original).median
            assert after <= before + 0.05, (name, family, before, after)
