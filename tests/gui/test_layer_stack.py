"""The timeline draws its model, the layer stack: what changes the model shows in the strip, the
slider and the buttons, and the user's scrubbing and choosing change the model."""

from __future__ import annotations

import numpy as np

from tratteggio.gui.layer_stack import IDLE_TITLE, LayerActions, LayerStack
from tratteggio.gui.timeline import Timeline


def pictures(count: int) -> list[np.ndarray]:
    return [np.full((8, 12, 3), 40 * i, np.uint8) for i in range(count)]


def test_the_model_alone_keeps_its_position_within_the_layers() -> None:
    stack, moved = LayerStack(), []
    stack.positionChanged.connect(moved.append)
    stack.show(pictures(4), ["a", "b", "c"], "three", owner="age")
    assert stack.labels == ("before", "a", "b", "c") and stack.position == stack.last == 3
    assert stack.actions == LayerActions.ALL and moved == [3]
    stack.set_position(99)
    stack.set_position(-5)
    assert moved == [3, 0] and stack.position == 0
    stack.clear()
    assert (stack.owner, stack.title, stack.pictures, stack.actions) == (
        "",
        IDLE_TITLE,
        (),
        LayerActions.NONE,
    )


def test_the_widget_follows_the_model_and_scrubbing_moves_it(qtbot: object) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)  # type: ignore[attr-defined]
    stack, steps = timeline.model, []
    timeline.stepSelected.connect(steps.append)
    stack.show(pictures(3), ["step 1", "final"], "a run", owner="restore")
    assert timeline.strip.count() == 3 and timeline.strip.item(2).text() == "final"
    assert (
        timeline.slider.maximum() == 2 and timeline.slider.value() == 2 and timeline.strip.currentRow() == 2
    )
    assert timeline.title.text() == "a run" and timeline.owner == "restore" and steps == [2]
    assert timeline.accept_button.isEnabled() and timeline.play_button.isEnabled()
    stack.set_actions(LayerActions.PLAY)
    assert timeline.play_button.isEnabled() and not timeline.accept_button.isEnabled()
    assert timeline.strip.count() == 3 and steps == [2]  # the buttons alone: nothing scrubbed
    timeline.slider.setValue(0)
    assert stack.position == 0 and timeline.strip.currentRow() == 0 and steps == [2, 0]
    timeline.strip.setCurrentRow(1)
    assert stack.position == 1 and timeline.slider.value() == 1 and steps == [2, 0, 1]
    chosen: list[int] = []
    timeline.candidateChanged.connect(chosen.append)
    stack.set_candidates(["candidate 1", "candidate 2"])
    assert timeline.candidates.count() == 2 and not timeline.candidates.isHidden() and chosen == []
    timeline.candidates.setCurrentIndex(1)
    assert stack.candidate == 1 and chosen == [1]
    timeline.clear()
    assert (
        timeline.strip.count() == 0 and timeline.title.text() == IDLE_TITLE and timeline.candidates.isHidden()
    )
    assert not timeline.play_button.isEnabled() and timeline.owner == ""
