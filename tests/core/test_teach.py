"""Teaching the line detector by example: marks refit a head on cached features, deterministically;
taught detectors are plain .npz files, and a damaged or foreign one is refused with one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tratteggio.core.lab.crackscore import DetectorFileError
from tratteggio.core.lab.detect import DetectRequest, propose_lines, propose_taught, search_lines
from tratteggio.core.lab.detector import LineDetector, default_detector, load_detector
from tratteggio.core.lab.marksim import Tally, near, simulate, split_labels, stroke_on, tally
from tratteggio.core.lab.teach import INPUTS, fit_head


def crack_and_joint() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grey wall with two jagged dark lines alike but for their direction: a diagonal crack and a
    level one standing for a look-alike (a drawn line, a joint): (pixels, crack, joint)."""
    import cv2

    rng = np.random.default_rng(5)
    pixels = np.clip(rng.normal(175, 3, (260, 360)), 0, 255).astype(np.uint8)
    lines = []
    for start, end in (((20, 230), (250, 30)), ((10, 200), (350, 200))):
        bits = np.zeros(pixels.shape, np.uint8)
        points = np.linspace(start, end, 40)
        points += rng.normal(0, 3.0, points.shape)
        cv2.polylines(bits, [points.astype(np.int32)], False, 1, 2)
        pixels[bits > 0] = 90
        lines.append(bits > 0)
    return np.repeat(pixels[:, :, None], 3, axis=2), lines[0], lines[1] & ~near(lines[0], 3)


def test_marks_refit_the_proposal_without_touching_what_they_do_not_concern() -> None:
    pixels, crack, joint = crack_and_joint()
    request = DetectRequest(sensitivity=0.8, min_length=40)
    search = search_lines(pixels)
    default = propose_lines(search.score(), request)
    assert (default & near(joint, 2)).sum() > 100 and (default & near(crack, 2)).sum() > 100
    clean = np.zeros(joint.shape, bool)
    clean[195:206, 260:340] = True  # a "not damage" stroke over the right quarter of the look-alike
    damage = np.zeros(joint.shape, bool)
    damage[60:120, 150:220] = near(crack, 3)[60:120, 150:220]  # a "damage" stroke along the crack
    head = search.teach(damage, clean)
    assert head is not None and len(head.labels) and 0 < head.labels.mean() < 1  # both kinds learnt
    taught = propose_taught(search, request, head, damage, clean)
    assert not (taught & clean).any() and (default & clean).any()
    assert (
        search.marked(damage, clean).any() and (taught & damage).sum() >= search.marked(damage, clean).sum()
    )
    assert (taught & near(crack, 2)).sum() >= 0.95 * (default & near(crack, 2)).sum()
    assert not np.array_equal(search.score(head), search.score())


def test_the_refit_is_deterministic_for_a_given_set_of_marks() -> None:
    pixels, crack, joint = crack_and_joint()
    damage, clean = np.zeros(crack.shape, bool), np.zeros(crack.shape, bool)
    damage[100:140, 100:160] = crack[100:140, 100:160]
    clean[195:206, 260:340] = True
    heads = [search_lines(pixels).teach(damage, clean) for _ in range(2)]
    assert heads[0] is not None and heads[1] is not None
    assert np.array_equal(heads[0].weights, heads[1].weights) and heads[0].bias == heads[1].bias
    request = DetectRequest(sensitivity=0.8, min_length=40)
    search = search_lines(pixels)
    first, second = (propose_lines(search.score(h), request, clean) for h in heads)
    assert np.array_equal(first, second)


def test_without_marks_nothing_is_taught() -> None:
    pixels, crack, _ = crack_and_joint()
    nothing = np.zeros(crack.shape, bool)
    assert search_lines(pixels).teach(nothing, nothing) is None
    assert fit_head(np.zeros((0, INPUTS), np.float16), np.zeros(0, np.uint8)) is None


def test_a_taught_detector_round_trips_through_its_file_and_teaches_the_next_photo(tmp_path: Path) -> None:
    pixels, crack, joint = crack_and_joint()
    clean = np.zeros(joint.shape, bool)
    clean[195:206, 260:340] = True
    search = search_lines(pixels)
    head = search.teach(np.zeros_like(clean), clean)
    taught = search.detector.taught_with(head)
    taught.save(tmp_path / "wall.npz")
    loaded = load_detector(tmp_path / "wall.npz")
    assert loaded.head is not None and head is not None and np.array_equal(loaded.head.weights, head.weights)
    assert loaded.kind == "cracks" and len(loaded.scorer.stages) == len(default_detector().scorer.stages)
    again = search_lines(pixels, detector=loaded)  # the same wall photographed again: no marks needed
    assert np.array_equal(again.score(), search.score(head))
    more = again.teach(np.zeros_like(clean), clean)  # teaching on top keeps what was learnt before
    assert more is not None and len(more.labels) == 2 * len(head.labels)
    with np.load(tmp_path / "wall.npz", allow_pickle=False) as data:
        assert all(data[key].dtype != object for key in data.files)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a zip at all", "damaged or not an .npz"),
        (None, "not a Tratteggio detector file"),
        ("pickled", "pickled"),
        ("version", "format version 99"),
        ("truncated", "damaged or not an .npz"),
    ],
)
def test_a_corrupt_or_foreign_detector_file_is_one_clear_line(
    tmp_path: Path, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / "d.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        np.savez(path, weights=np.zeros(3))
    elif content == "pickled":
        np.savez(path, format=np.array(["tratteggio-line-detector", {"a": 1}], dtype=object))
    else:
        arrays = default_detector().arrays()
        if content == "version":
            arrays["version"] = np.array(99)
        np.savez(path, **arrays)
        if content == "truncated":
            path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(DetectorFileError) as caught:
        load_detector(path)
    message = str(caught.value)
    assert "\n" not in message and expected in message and str(path) in message


def test_detector_arrays_without_a_head_give_the_default_and_missing_keys_are_refused() -> None:
    arrays = default_detector("scratches").arrays()
    back = LineDetector.from_arrays(arrays)
    assert back.head is None and back.kind == "scratches" and back.negative
    del arrays["chain_stage0_mean"]
    with pytest.raises(DetectorFileError, match="holds no crack score|incomplete"):
        LineDetector.from_arrays(arrays)


def test_simulated_marks_improve_a_proposal_against_labels() -> None:
    pixels, crack, joint = crack_and_joint()
    request = DetectRequest(sensitivity=0.8, min_length=40)
    rounds = simulate(search_lines(pixels), crack, request, rounds=(0, 1, 3, 5))
    scores = {k: tally(r.proposal, crack, joint) for k, r in rounds.items()}
    assert rounds[3].clean.any() and not rounds[0].clean.any() and not rounds[0].damage.any()
    assert scores[0].lookalike_share > 0.1  # the default proposes the look-alike
    shares = [scores[k].lookalike_share for k in (0, 1, 3, 5)]
    assert shares == sorted(shares, reverse=True) and scores[3].f1 > scores[0].f1
    assert scores[5].lookalike_share < 0.02 and scores[5].f1 > 0.9  # each round takes more of it away
    pooled = scores[0] + scores[1]
    assert pooled.truth == 2 * crack.sum() and isinstance(pooled, Tally)


def test_labels_split_into_damage_and_lookalikes_and_strokes_follow_the_longest_part() -> None:
    grey = np.zeros((50, 60), np.uint8)
    grey[10, 5:55] = 255
    grey[30:32, :] = 204
    damage, lookalike = split_labels(grey)
    assert damage.sum() == 50 and lookalike.sum() == 120 and not (damage & lookalike).any()
    stroke = stroke_on(damage, np.ones(damage.shape))
    assert stroke is not None and stroke[10, 20] and stroke[13, 20] and not stroke[20, 20]
    assert stroke_on(np.zeros_like(damage), np.ones(damage.shape)) is None


def test_each_kind_refits_with_its_own_anchor_to_the_default() -> None:
    """Cracks give the default less weight where nothing is marked (chosen on uav75's train split),
    scratches keep more (creased prints: faces stay clear); the search passes its detector's kind."""
    from tratteggio.core.lab.teach import ANCHOR, teach

    pixels, crack, joint = crack_and_joint()
    damage, clean = np.zeros(crack.shape, bool), np.zeros(crack.shape, bool)
    damage[100:140, 100:160] = crack[100:140, 100:160]
    clean[195:206, 260:340] = True
    assert ANCHOR["cracks"] < ANCHOR["scratches"]
    for kind in ("cracks", "scratches"):
        search = search_lines(pixels, kind)
        head = search.teach(damage, clean)
        same = teach(search.features, damage, clean, None, kind)
        other = teach(search.features, damage, clean, None, "scratches" if kind == "cracks" else "cracks")
        assert head is not None and same is not None and other is not None
        assert np.array_equal(head.weights, same.weights) and not np.array_equal(head.weights, other.weights)
