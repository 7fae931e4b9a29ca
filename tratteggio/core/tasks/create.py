"""Pictures a diffusion model paints: extend a photo beyond its edges, imagine one from noise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.tasks.common import Previews, Running, created_like, signer_from, steps

if TYPE_CHECKING:
    from tratteggio.core.credentials.identity import Identity
    from tratteggio.core.pipeline.extend import Extension, Margins
    from tratteggio.core.pipeline.imagine import Creation
    from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True)
class Extended:
    files: dict[str, Path]
    extension: Extension
    canvas: tuple[int, int]  # width, height
    previews: int


@dataclass(frozen=True)
class Imagined:
    files: dict[str, Path]
    creation: Creation
    previews: int


def extend_file(
    photo_path: Path,
    output: Path,
    margins: Margins,
    request: RestorationRequest,
    *,
    lossy: bool = False,
    signer: Identity | Path | str | None = None,
    previews: Previews | None = None,
    running: Running | None = None,
) -> Extended:
    """Put the photo on a larger canvas whose new area the model paints; write `output` with its
    record, loss map and mask (the created area) and the previews, as one set."""
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.pipeline.extend import extend
    from tratteggio.core.record.entries import Extended as ExtendedEntry
    from tratteggio.core.record.writer import check_output, write_documented

    shown = previews or Previews()
    inputs = [Path(photo_path)]
    extras = shown.check(inputs)
    identity = signer_from(signer)
    photo = load_photo(photo_path)
    planned = check_output(output, photo, [*inputs, *extras], lossy=lossy, signer=identity)
    shown.check_sequence(planned, inputs)
    with steps(running) as (on_step, engines):
        extension = extend(photo, margins, request, on_step=on_step, engines=engines)
    result = extension.result
    with shown.made():
        files = write_documented(
            output,
            extension.pixels,
            photo,
            photo_path,
            [ExtendedEntry(1, extension)],
            inputs=inputs,
            lossy=lossy,
            extras=shown.files(result.source, result.previews),
            signer=identity,
        )
    return Extended(files, extension, margins.canvas(photo.width, photo.height), len(result.previews))


def imagine_file(
    output: Path,
    request: RestorationRequest,
    size: tuple[int, int] | None = None,
    *,
    signer: Identity | Path | str | None = None,
    previews: Previews | None = None,
    running: Running | None = None,
) -> Imagined:
    """Create a picture of the request's prompt from noise; write `output` with its record (and
    the noise it started from as its master) and the previews, as one set."""
    from tratteggio.core.pipeline.imagine import imagine
    from tratteggio.core.record.entries import Created
    from tratteggio.core.record.writer import check_output, write_documented

    shown = previews or Previews()
    extras = shown.check([])
    identity = signer_from(signer)
    planned = check_output(output, created_like(), extras, fills=0, has_master_file=True, signer=identity)
    shown.check_sequence(planned, [])
    with steps(running) as (on_step, engines):
        creation = imagine(request, size, on_step=on_step, engines=engines)
    with shown.made():
        files = write_documented(
            output,
            creation.pixels,
            creation.photo,
            None,
            [Created(1, creation)],
            extras=shown.files(creation.noise, creation.previews),
            signer=identity,
        )
    return Imagined(files, creation, len(creation.previews))
