"""Pictures made in the studio: Extend Canvas and New from Prompt. Each runs on the runner with the
diffusion model its dialog names (offered only once a model is downloaded); the result opens as a
new document whose lineage documents how it was made, and the timeline shows its layers of time (the
new area filling in; the picture emerging from noise)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from tratteggio.core.errors import TratteggioError
from tratteggio.core.geometry import Box
from tratteggio.core.request import DIFFUSION_ENGINE, RestorationRequest
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.made import created_document, extended_document, source_of
from tratteggio.gui.canvas import Canvas
from tratteggio.gui.layer_stack import LayerActions
from tratteggio.gui.layers_owner import LayersOwner
from tratteggio.gui.panels.create_dialogs import ExtendDialog, PromptDialog, PromptValues
from tratteggio.gui.panels.restore_panel import RestorePanel
from tratteggio.gui.session import StudioSession
from tratteggio.gui.timeline import Timeline, layers_at, thumbnails

if TYPE_CHECKING:
    from tratteggio.core.pipeline.extend import Extension, Margins
    from tratteggio.core.pipeline.imagine import Creation
    from tratteggio.core.pipeline.restore import StepPreview

OWNER = LayersOwner.CREATE


class CreationController(QObject):
    made = Signal(object)  # the new Document, once it is open and its layers are on the way

    def __init__(
        self,
        session: StudioSession,
        canvas: Canvas,
        timeline: Timeline,
        panel: RestorePanel,
        dialogs: QWidget,
    ) -> None:
        super().__init__(session)
        self.session, self.canvas, self.timeline, self.panel = session, canvas, timeline, panel
        self.dialogs = dialogs
        self._layers: tuple[np.ndarray, list[StepPreview]] | None = None
        timeline.stepSelected.connect(self._scrub)

    # -- dialogs -------------------------------------------------------------------------------
    def extend_dialog(self) -> None:
        if self.session.doc is None:
            self.session.warn("Open a photo first.")
            return
        models = self.usable_models()
        if not models:
            return
        dialog = ExtendDialog(self.dialogs, models, self._panel_model())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                margins = dialog.margins()
            except TratteggioError as exc:
                self.session.warn(str(exc))
                return
            self.extend(margins, dialog.prompt.text(), dialog.model.currentData())

    def prompt_dialog(self) -> None:
        models = self.usable_models()
        if not models:
            return
        dialog = PromptDialog(self.dialogs, models, self._panel_model())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.imagine(dialog.values())

    def usable_models(self) -> list[str]:
        """The downloaded diffusion models (asked before a dialog is filled); none: say how to get one."""
        self.panel.mark_downloads()
        models = [m for m in self.panel.diffusion_models() if self.panel.downloaded(m)]
        if not models:
            self.session.warn(
                "No diffusion model is downloaded yet: open Models… in the Restore panel, select one and "
                "press Download (or add a local folder) first."
            )
        return models

    def _panel_model(self) -> str | None:
        kind, name = self.panel.engine.currentData()
        return str(name) if kind == DIFFUSION_ENGINE else None

    # -- work ----------------------------------------------------------------------------------
    def _request(self, model: str | None, **changes: object) -> RestorationRequest | None:
        model = model or self._panel_model()
        if model is None:
            self.session.warn("Choose a diffusion model in the Restore panel first (Models… adds one).")
            return None
        return self.panel.diffusion_request(model).replace(**changes)

    def extend(self, margins: Margins, prompt: str = "", model: str | None = None) -> None:
        from tratteggio.core.pipeline.extend import extend

        doc = self.session.doc
        request = self._request(model, prompt=prompt)
        if doc is None or request is None or not self.session.may_replace():  # a new document follows
            return
        source = source_of(doc)
        self.session.runner.run(
            lambda ctx: extend(source, margins, request, ctx.step, ctx.cancelled, self.session.engines),
            label="extend",
            on_step=self._progress,
            on_done=lambda extension: self._extended(doc, extension),
            on_cancelled=lambda: self._stopped("Cancelled: the photo is as it was."),
            on_failed=self._failed,
        )
        self.session.say("Extending the canvas…")

    def imagine(self, values: PromptValues) -> None:
        from tratteggio.core.pipeline.imagine import imagine

        request = self._request(
            values.model, prompt=values.prompt, negative_prompt=values.negative, steps=values.steps
        )
        if request is None or not self.session.may_replace():  # the creation opens as a new document
            return
        request = request.replace(seed=values.seed)
        self.session.runner.run(
            lambda ctx: imagine(request, values.size, ctx.step, ctx.cancelled, self.session.engines),
            label="imagine",
            on_step=self._progress,
            on_done=self._created,
            on_cancelled=lambda: self._stopped("Cancelled: nothing was created."),
            on_failed=self._failed,
        )
        self.session.say(f"Creating “{values.prompt}” from noise…")

    def _progress(self, steps: list[StepPreview]) -> None:
        last = steps[-1]
        self.session.show_progress(last.step + 1, last.total, f"step {last.step + 1}/{last.total}")

    def _failed(self, message: str) -> None:
        self._stopped(f"Failed: {message}")
        self.session.warn(message)

    def _stopped(self, text: str) -> None:
        self.session.show_progress(0, 0)
        self.session.say(text)

    def _extended(self, old: Document, extension: Extension) -> None:
        new = extended_document(old, extension)
        result = extension.result
        self._open(new, result.source, list(result.previews), "Extended: the new area, step by step")
        self.session.say(
            f"Extended: {extension.created.pixel_count} pixels created; the original is untouched."
        )

    def _created(self, creation: Creation) -> None:
        new = created_document(creation)
        self._open(new, creation.noise, list(creation.previews), f"“{creation.request.prompt}” from noise")
        self.session.say(f"Created from noise with seed {creation.request.seed}; scrub the layers below.")

    def _open(self, doc: Document, first: np.ndarray, previews: Sequence[StepPreview], title: str) -> None:
        self.session.show_progress(0, 0)
        self.session.set_document(doc)
        self._layers = (first, list(previews))
        self.session.runner.run(
            lambda ctx: thumbnails(first, previews),
            label="thumbnails",
            cancellable=False,
            on_done=lambda pictures: self._show(doc, pictures, previews, title),
        )
        self.made.emit(doc)

    def _show(
        self, doc: Document, pictures: list[np.ndarray], previews: Sequence[StepPreview], title: str
    ) -> None:
        if self.session.doc is not doc:
            return
        self.timeline.model.show(pictures, list(previews), title, owner=OWNER)
        self.timeline.model.set_actions(LayerActions.PLAY)

    def _scrub(self, position: int) -> None:
        doc = self.session.doc
        if self._layers is None or doc is None or self.timeline.owner != OWNER:
            return
        first, previews = self._layers
        if position == 0:
            self.canvas.show_preview([(Box(0, 0, doc.photo.width, doc.photo.height), first)])
        elif position >= len(previews):
            self.canvas.show_preview([])  # the last layer is the picture itself
        else:
            self.canvas.show_preview(layers_at(previews, position))
