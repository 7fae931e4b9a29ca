"""The Interventions panel's inspector describes every kind: selecting a revival of colours shows
its parameters (it raised AttributeError: a revival has no fill result)."""

from __future__ import annotations

from tratteggio.core.color.estimate import ReviveRequest
from tratteggio.core.color.revive import ReviveTransform
from tratteggio.core.kinds.revive import ReviveIntervention
from tratteggio.gui.panels.interventions_panel import describe


def test_a_revival_is_described_by_its_kind_and_parameters() -> None:
    revival = ReviveIntervention(
        ReviveTransform(black=(0.1, 0.2, 0.3), strength=0.5), ReviveRequest(reference="auto"), (40, 60)
    )
    page = describe(revival)
    assert revival.label in page and "revive" in page
    assert "transform: black" in page and "(0.1, 0.2, 0.3)" in page and "transform: strength" in page
    assert "request: reference" in page and "algorithmicallyEnhanced" not in page or "Source type" in page
    revival.visible = False
    assert "hidden" in describe(revival)
