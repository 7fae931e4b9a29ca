"""The Age tab's work: age the open photo on the runner, show its forward layers of time, and compare
a restoration with the original it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from tratteggio.core.geometry import Box
from tratteggio.core.photo import Photo
from tratteggio.core.studio.document import Document
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.layer_stack import LayerActions
from tratteggio.gui.layers_owner import LayersOwner
from tratteggio.gui.panels.age_panel import AgePanel
from tratteggio.gui.session import StudioSession
from tratteggio.gui.timeline import Timeline, thumbnails

if TYPE_CHECKING:
    from tratteggio.core.lab.aging import AgedPhoto, AgingRequest
    from tratteggio.core.pipeline.restore import Result

OWNER = LayersOwner.AGE


class AgeController(QObject):
    def __init__(
        self,
        session: StudioSession,
        canvas: Canvas,
        timeline: Timeline,
        panel: AgePanel,
        chosen_result: Callable[[], Result | None],
    ) -> None:
        super().__init__(session)
        self.session, self.canvas, self.timeline, self.panel = session, canvas, timeline, panel
        self.chosen_result = chosen_result
        self._forward: tuple[np.ndarray, list[np.ndarray]] | None = None
        panel.ageRequested.connect(self.age)
        panel.compareRequested.connect(self.compare)
        timeline.stepSelected.connect(self._scrub_forward)
        session.documentChanged.connect(self._new_document)

    def _new_document(self, doc: Document | None) -> None:
        self.panel.reset(aged=doc is not None and doc.truth is not None)
        if doc is None or doc.truth is None:
            self._forward = None

    def age(self) -> None:
        doc = self.session.doc
        if doc is None or not self.session.may_replace():  # the aged photo opens as a new document
            return
        request, photo, source = self.panel.request(), doc.photo, doc.path
        self.session.runner.run(
            lambda ctx: _aged_with_thumbnails(photo, request),
            label="age",
            on_done=lambda value: self._show_aged(photo, source, request, *value),
            on_failed=self.session.warn,
        )
        self.session.say("Ageing the photo…")

    def _show_aged(
        self,
        original: Photo,
        source: object,
        request: AgingRequest,
        aged: AgedPhoto,
        pictures: list[np.ndarray],
    ) -> None:
        doc = Document(Photo(aged.pixels, original.icc_profile), None)
        doc.reference, doc.truth = aged.reference, aged.mask
        doc.origin = {
            "aged_from": str(source) if source else "an unsaved photo",
            "aging": {"kinds": list(request.kinds), "severity": request.severity, "seed": request.seed},
        }
        doc.mask[...] = aged.mask
        self._forward = (original.pixels, [pixels for _, pixels in aged.layers])
        self.session.set_document(doc)
        names = ", ".join(kind for kind, _ in aged.layers)
        labels = [kind for kind, _ in aged.layers]
        self.timeline.model.show(pictures, labels, f"Forward layers of time: {names}", owner=OWNER)
        self.timeline.model.set_actions(LayerActions.PLAY)
        self.session.say(f"Aged: {aged.mask.mean() * 100:.1f}% damaged; the mask is the ground truth.")

    def _scrub_forward(self, position: int) -> None:
        """While the timeline holds the forward (aging) layers, show the photo as it was at that layer."""
        doc = self.session.doc
        if self._forward is None or doc is None or self.timeline.owner != OWNER:
            return
        original, layers = self._forward
        pixels = original if position == 0 else layers[min(position, len(layers)) - 1]
        self.canvas.show_preview([(Box(0, 0, doc.photo.width, doc.photo.height), pixels)])

    def compare(self) -> None:
        """Fidelity of the chosen restoration (or the accepted ones) against the original."""
        from tratteggio.core.lab.metrics import fidelity

        doc = self.session.doc
        if doc is None or doc.reference is None or doc.truth is None:
            return
        chosen = self.chosen_result()
        restored = chosen.pixels if chosen is not None else doc.composite()
        score = fidelity(restored, doc.reference, doc.photo.pixels, doc.truth, np.ones_like(doc.truth))
        text = (
            f"In the damaged area: PSNR {score.psnr_mask:.2f} dB, SSIM {score.ssim_mask:.3f}, "
            f"mean abs error {score.mae_mask:.2f} / 255. Whole photo: PSNR {score.psnr_whole:.2f} dB."
        )
        self.panel.figures.setText(text)
        self.session.say(text)


def _aged_with_thumbnails(photo: Photo, request: AgingRequest) -> tuple[AgedPhoto, list[np.ndarray]]:
    """Runs on the worker: the aged photo and the timeline's pictures of its forward layers."""
    from tratteggio.core.lab.aging import age
    from tratteggio.core.pipeline.restore import StepPreview

    aged = age(photo, request)
    whole = Box(0, 0, photo.width, photo.height)
    layers = [
        StepPreview(step=i, total=len(aged.layers), region=0, box=whole, pixels=pixels)
        for i, (_, pixels) in enumerate(aged.layers)
    ]
    return aged, thumbnails(photo.pixels, layers)
