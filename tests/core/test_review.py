"""A damage proposal under review is part of the document: rejections and teaching marks are undo
steps in the one history, so Ctrl+Z takes back what the user did last, in order."""

from __future__ import annotations

import numpy as np

from tratteggio.core import Photo
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import Edit
from tratteggio.core.studio.maskedit import Stroke
from tratteggio.core.studio.review import MarkKind

from .helpers import coffee


def two_parts(shape: tuple[int, int]) -> np.ndarray:
    found = np.zeros(shape, bool)
    found[50, 20:200] = True  # part A
    found[150, 20:200] = True  # part B
    return found


def labels(bits: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.connectedComponents(bits.astype(np.uint8), connectivity=8)[1]


def brush(doc: Document, plane: np.ndarray, points: list[tuple[float, float]], kind: str) -> None:
    stroke = Stroke(plane, 3, True)
    for x, y in points:
        stroke.to(x, y)
    change = stroke.finish(kind)
    if plane is doc.mask:
        doc.record_mask_change(change)
    else:
        doc.record_mark(change)


def test_undo_takes_back_the_last_rejection_not_an_earlier_brush_stroke() -> None:
    doc = Document(Photo(coffee()))
    brush(doc, doc.mask, [(300, 300), (350, 320)], "brush")
    stroke = doc.mask.copy()
    review = doc.begin_review("cracks", two_parts(doc.mask.shape))
    doc.reject(review.part_at(100, 50, labels(review.shown)))  # A
    doc.reject(review.part_at(100, 151, labels(review.shown)))  # B, clicked 1 px off
    assert not review.shown.any()
    assert doc.undo()  # B comes back, the stroke stays
    assert review.shown[150, 100] and not review.shown[50, 100] and np.array_equal(doc.mask, stroke)
    assert doc.undo()  # then A
    assert review.shown[50, 100] and review.shown[150, 100] and np.array_equal(doc.mask, stroke)
    assert doc.undo()  # only then the brush stroke
    assert not doc.mask.any() and review.shown[50, 100]
    assert doc.redo() and doc.redo() and not review.shown[50, 100] and review.shown[150, 100]


def test_teaching_marks_are_undo_steps_and_a_known_proposal_comes_back_at_once() -> None:
    doc = Document(Photo(coffee()))
    found = two_parts(doc.mask.shape)
    review = doc.begin_review("cracks", found, taught=True)
    events: list[Edit] = []
    doc.listeners.append(lambda edit, box: events.append(edit))
    brush(doc, review.plane(MarkKind.CLEAN), [(100, 150), (120, 150)], "teach not damage")
    assert not review.known() and review.clean[150, 110]
    refit = found.copy()
    refit[150] = False  # what a refit answers: the whole part B goes, not just under the mark
    assert review.show(refit, review.applied) and review.known() and not review.shown[150, 190]
    brush(doc, review.plane(MarkKind.DAMAGE), [(60, 100), (80, 100)], "teach damage")
    assert not review.show(found, ())  # a refit for an older state of the marks is dropped
    doc.undo()  # the damage mark goes: the proposal taught without it is shown again at once
    assert review.known() and not review.damage.any() and np.array_equal(review.shown, refit)
    doc.undo()
    assert not review.has_marks() and np.array_equal(review.shown, found)
    assert events.count(Edit.MARKS) == 4


def test_merge_and_discard_are_undo_steps_that_bring_the_review_back() -> None:
    doc = Document(Photo(coffee()))
    review = doc.begin_review("cracks", two_parts(doc.mask.shape))
    doc.reject(review.part_at(100, 50, labels(review.shown)))
    doc.end_review(merge=True)
    assert doc.review is None and doc.mask[150, 100] and not doc.mask[50, 100]
    doc.undo()
    assert doc.review is review and not doc.mask.any() and review.clean[50, 100]
    doc.end_review(merge=False)
    assert doc.review is None and not doc.mask.any()
    doc.undo()
    assert doc.review is review
    doc.undo()  # the rejection
    assert review.shown[50, 100]


def test_a_new_detection_of_the_same_kind_keeps_the_marks() -> None:
    doc = Document(Photo(coffee()))
    review = doc.begin_review("cracks", two_parts(doc.mask.shape))
    doc.reject(review.part_at(100, 50, labels(review.shown)))
    again = doc.begin_review("cracks", two_parts(doc.mask.shape))
    assert again is review and review.clean.any() and not review.shown[50, 100]
    other = doc.begin_review("dust", two_parts(doc.mask.shape))
    assert other is not review and not other.has_marks()
