"""A Qt release must not leak or drop references when signals carry Python objects.

PySide6 6.12.0 dropped one reference to `True` on every `Signal(int, object).emit` (500 emits: -500),
and a long studio session aborted with "Fatal Python error: bool_dealloc". pyproject.toml excludes
that release; this test keeps a future one from bringing it back silently.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    pair = Signal(int, object)
    triple = Signal(int, float, float, str)
    single = Signal(object)


def test_ten_thousand_emits_leave_the_refcounts_of_the_singletons_alone(qtbot: object) -> None:
    emitter = Emitter()
    received: list[object] = []
    emitter.pair.connect(lambda i, value: received.append(value))
    emitter.single.connect(lambda value: None)
    emitter.triple.connect(lambda i, a, b, text: None)
    singletons = (True, False, None)
    before = [sys.getrefcount(s) for s in singletons]
    for i in range(10_000):
        emitter.pair.emit(i, True if i % 2 else None)
        emitter.single.emit(False)
        emitter.triple.emit(i, 1.0, 2.0, "x")
    received.clear()
    after = [sys.getrefcount(s) for s in singletons]
    drift = [a - b for a, b in zip(after, before, strict=True)]
    assert all(abs(d) < 100 for d in drift), f"refcount drift of True/False/None: {drift}"
