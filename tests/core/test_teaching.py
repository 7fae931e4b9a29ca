"""What the detector is taught in the studio, tested without Qt: the carried detector, this photo's
head and the kept search; what a detection, a refit, the next photo, a loaded file and Forget do."""

from __future__ import annotations

import numpy as np

from tratteggio.core import Photo
from tratteggio.core.lab.detect import DetectRequest, propose_lines, propose_taught, search_lines
from tratteggio.core.lab.detector import LineDetector
from tratteggio.core.lab.lines import LineSearch
from tratteggio.core.lab.marksim import near
from tratteggio.core.lab.teach import TaughtHead
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.maskedit import Stroke
from tratteggio.core.studio.review import MarkKind, Review
from tratteggio.core.studio.teaching import Teaching, marks_for

from .test_teach import crack_and_joint

StudioTeaching = Teaching[LineSearch, TaughtHead, LineDetector]


def mark(doc: Document, kind: MarkKind, points: list[tuple[float, float]]) -> None:
    assert doc.review is not None
    stroke = Stroke(doc.review.plane(kind), 4, True)
    for x, y in points:
        stroke.to(x, y)
    doc.record_mark(stroke.finish(kind.value))


def reviewed() -> tuple[Document, Review, LineSearch, np.ndarray]:
    """A wall with a crack and a look-alike joint, its lines searched and proposed for review."""
    pixels, crack, _ = crack_and_joint()
    search = search_lines(pixels)
    found = propose_lines(search.score(), DetectRequest(sensitivity=0.8, min_length=40))
    doc = Document(Photo(pixels))
    return doc, doc.begin_review("cracks", found, taught=True), search, crack


def test_marks_teach_a_head_that_the_document_keeps_and_the_next_photo_carries() -> None:
    doc, review, search, _ = reviewed()
    teaching: StudioTeaching = Teaching()
    teaching.searched(("cracks", 1.0), search)
    assert teaching.search_for(("cracks", 1.0)) is search and teaching.search_for(("scratches", 1.0)) is None
    assert teaching.taught() is None and teaching.kept() is None and not teaching.teaches()
    mark(doc, MarkKind.CLEAN, [(270, 200), (330, 200)])  # "not damage" along the joint
    refit = teaching.refit(review, None)
    assert refit is not None and refit.search is search and refit.applied == review.applied
    assert np.array_equal(refit.clean, review.clean) and refit.clean is not review.clean
    teaching.head = refit.search.teach(refit.damage, refit.clean)
    assert teaching.head is not None and teaching.teaches()
    kept = teaching.kept()
    assert kept is not None and LineDetector.from_bytes(kept).head is not None
    assert teaching.detector("cracks") is None  # this photo's head is not carried until asked
    teaching.next_photo(carry=True)
    carried = teaching.detector("cracks")
    assert carried is not None and carried.to_bytes() == kept and teaching.detector("scratches") is None
    assert teaching.search_for(("cracks", 1.0)) is None and teaching.head is None
    assert teaching.taught() is carried  # what the next photo starts from


def test_a_photo_not_carried_forgets_its_head_and_forget_drops_everything() -> None:
    doc, review, search, crack = reviewed()
    teaching: StudioTeaching = Teaching()
    teaching.searched(("cracks",), search)
    damage = np.zeros(crack.shape, bool)
    damage[60:120, 150:220] = near(crack, 3)[60:120, 150:220]
    teaching.head = search.teach(damage, np.zeros_like(damage))
    teaching.next_photo(carry=False)
    assert teaching.carried is None and teaching.taught() is None
    loaded = search.detector.taught_with(search.teach(damage, np.zeros_like(damage)))
    teaching.use(loaded)
    assert teaching.detector("cracks") is loaded and teaching.kept() is not None
    teaching.forget()
    assert teaching.detector("cracks") is None and teaching.taught() is None and not teaching.teaches()


def test_a_refit_counts_the_mask_as_damage_when_asked_and_follows_undo() -> None:
    doc, review, search, _ = reviewed()
    teaching: StudioTeaching = Teaching()
    assert teaching.refit(review, None) is None  # no search kept: nothing to refit on
    teaching.searched(("cracks",), search)
    mark(doc, MarkKind.DAMAGE, [(150, 90), (200, 60)])
    doc.mask[10:20, 10:20] = True
    with_mask, without = teaching.refit(review, doc.mask), teaching.refit(review, None)
    assert with_mask is not None and without is not None
    assert with_mask.damage[15, 15] and not without.damage[15, 15] and without.damage[75, 180]
    marked = without.applied
    doc.undo()  # the mark goes: a refit is asked for the marks before it
    after = teaching.refit(review, None)
    assert after is not None and after.applied == () != marked and not after.damage.any()
    assert marks_for(review, "cracks") is None  # no marks left to carry into a new detection
    doc.redo()
    marks = marks_for(review, "cracks")
    assert marks is not None and marks[0].any() and marks_for(review, "scratches") is None
    head = search.teach(*marks)
    taught = propose_taught(search, DetectRequest(sensitivity=0.8, min_length=40), head, *marks)
    assert review.show(taught & ~review.clean, review.applied) and review.known()
    plain = Review.start("losses", review.found)  # a kind that is not taught
    assert teaching.refit(plain, None) is None


def test_the_review_numbers_its_parts_once_and_says_its_counts() -> None:
    doc, review, _, _ = reviewed()
    parts = review.parts()
    assert review.parts() is parts and parts.max() >= 1 and not parts[~review.shown].any()
    assert review.summary().startswith(f"{100 * review.shown.mean():.2f}% of the photo proposed. Click")
    mark(doc, MarkKind.CLEAN, [(270, 200), (330, 200)])
    assert review.parts() is not parts  # the proposal changed with the mark
    assert f"Marks: 0 px damage, {int(review.clean.sum())} px not damage." in review.summary()
