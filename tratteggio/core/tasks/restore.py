"""Restore a file (`tratteggio restore`, each photo of a batch) and rerun a record (`tratteggio rerun`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.tasks.common import Previews, Running, created_like, signer_from, steps

if TYPE_CHECKING:
    from tratteggio.core.credentials.identity import Identity
    from tratteggio.core.engines import Engines
    from tratteggio.core.mask import Mask
    from tratteggio.core.photo import Photo
    from tratteggio.core.pipeline.restore import Result
    from tratteggio.core.record.rerun import Replay
    from tratteggio.core.request import RestorationRequest

MaskSource = Path | Callable[["Photo"], "Mask"]  # a mask file, or what proposes one from the photo


@dataclass(frozen=True)
class Restored:
    """What a restore wrote (by role: output, record, lossmap, mask…) and the run it documents."""

    files: dict[str, Path]
    result: Result
    previews: int  # steps shown as layers


@dataclass(frozen=True)
class Rerun:
    files: dict[str, Path]
    job: Replay
    identical: bool  # the unsigned output's bytes are the ones the record names
    previews: int


@dataclass(frozen=True)
class RestoreOptions:
    """How a restore's set is written: all optional."""

    lossy: bool = False
    signer: Identity | Path | str | None = None
    previews: Previews = field(default_factory=Previews)
    details: dict[str, object] = field(default_factory=dict)  # the record's note on the intervention
    on_warning: Callable[[str], None] | None = None  # what reading the mask had to say
    skip_clean: bool = False  # a mask with no damage: write nothing, return None
    inputs: tuple[Path, ...] | None = None  # every file read (default: the photo and the mask file)
    engines: Engines | None = None  # who runs the engines (default: here; a running context may say)


def restore_file(
    photo_path: Path,
    mask: MaskSource,
    output: Path,
    request: RestorationRequest,
    options: RestoreOptions | None = None,
    *,
    running: Running | None = None,
) -> Restored | None:
    """Fill the damage `mask` marks in the photo at `photo_path`; write `output` with its record,
    loss map and mask (and the previews), every target checked before the photo is read."""
    from tratteggio.core.io.loading import load_mask, load_photo
    from tratteggio.core.pipeline.restore import restore
    from tratteggio.core.record.writer import Fill, check_output, write_documented

    o = options or RestoreOptions()
    inputs = list(o.inputs) if o.inputs is not None else [Path(photo_path)]
    if o.inputs is None and isinstance(mask, Path):
        inputs.append(mask)
    extras = o.previews.check(inputs)
    signer = signer_from(o.signer)
    photo = load_photo(photo_path)
    planned = check_output(output, photo, [*inputs, *extras], lossy=o.lossy, signer=signer)
    o.previews.check_sequence(planned, inputs)
    if isinstance(mask, Path):
        damage = load_mask(mask, photo.shape2d, on_warning=o.on_warning)
    else:
        damage = mask(photo)
    if o.skip_clean and not damage.pixel_count:
        return None
    with steps(running, o.engines) as (on_step, engines):
        result = restore(photo, damage, request, on_step=on_step, engines=engines)
    with o.previews.made():
        files = write_documented(
            output,
            result.pixels,
            photo,
            photo_path,
            [Fill(1, result, damage, o.details)],
            inputs=inputs,
            lossy=o.lossy,
            extras=o.previews.files(photo.pixels, result.previews),
            signer=signer,
        )
    return Restored(files, result, len(result.previews))


def rerun_record(
    record: Path,
    output: Path,
    *,
    allow_pickle: bool = False,
    lossy: bool = False,
    signer: Identity | Path | str | None = None,
    previews: Previews | None = None,
    running: Running | None = None,
) -> Rerun:
    """Run again every intervention `record` describes, on its master and masks (checked against
    their hashes); write the result to `output` with a record of its own."""
    from tratteggio.core.record.rerun import load_replay, master_photo, replay
    from tratteggio.core.record.schema import read_record
    from tratteggio.core.record.writer import Fill, check_output, write_documented

    shown = previews or Previews()
    job = load_replay(record, allow_pickle=allow_pickle)
    extras = shown.check(job.inputs)
    identity = signer_from(signer)
    planned = check_output(
        output,
        job.photo or created_like(),
        [*job.inputs, *extras],
        fills=job.mask_files,
        has_master_file=job.master is not None or job.photo is None,
        lossy=lossy,
        signer=identity,
    )
    shown.check_sequence(planned, job.inputs)
    with steps(running) as (on_step, engines):
        pixels, fills = replay(job, on_step=on_step, engines=engines)
    master = master_photo(job, fills)
    results = [f.result for f in fills if isinstance(f, Fill)]
    layers = [p for r in results for p in r.previews]
    with shown.made():
        files = write_documented(
            output,
            pixels,
            master,
            job.master,
            fills,
            inputs=job.inputs,
            lossy=lossy,
            extras=shown.files(master.pixels, layers),
            signer=identity,
        )
    same = read_record(files["record"]).output.sha256 == job.record.output.sha256  # unsigned bytes
    return Rerun(files, job, same, len(layers))
