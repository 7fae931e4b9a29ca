"""The undo history as a list of steps, and jumping to any of them (the Undo History panel's API)."""

from __future__ import annotations

import numpy as np

from tratteggio.core import Photo
from tratteggio.core.studio.document import Document


def painted(doc: Document, rows: slice, label: str) -> None:
    bits = doc.mask.copy()
    bits[rows] = True
    doc.set_mask(bits, label)


def test_steps_position_and_jump() -> None:
    doc = Document(Photo(np.zeros((20, 30, 3), np.uint8)))
    calls: list[int] = []
    doc.history.listeners.append(lambda: calls.append(doc.history.position))
    for i, label in enumerate(("first", "second", "third")):
        painted(doc, slice(i * 5, i * 5 + 5), label)
    history = doc.history
    assert history.steps() == ["first", "second", "third"] and history.position == 3
    history.jump(1)  # back two steps at once
    assert history.position == 1 and doc.mask[:5].all() and not doc.mask[5:].any()
    assert history.steps() == ["first", "second", "third"]  # the undone steps stay listed
    assert calls == [1, 2, 3, 1]  # one notice per push, one per jump
    history.jump(3)
    assert doc.mask[:15].all()
    history.jump(0)
    assert not doc.mask.any()
    history.jump(99)  # clamped
    assert history.position == 3
    history.jump(2)
    painted(doc, slice(18, 20), "new")  # a new step drops the undone ones
    assert history.steps() == ["first", "second", "new"] and history.position == 3
