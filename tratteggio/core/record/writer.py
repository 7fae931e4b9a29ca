"""The one writer of documented results: the photo, its loss map, its masks and its conservation
record, replaced as a set (or not at all), the record last.

DIR/NAME.EXT              the restored photo (bit depth and ICC of the master)
DIR/NAME.record.json      the conservation record (hashes of every file of the set)
DIR/NAME.lossmap.png      every pixel the interventions changed or may have changed
DIR/NAME.mask.png         the damage mask as given (the union, with several interventions)
DIR/NAME.mask-K.png       intervention K's own mask, when there are several (what `rerun` replays)
DIR/NAME.master.EXT       the master itself, when it has no file of its own (pasted, aged in the studio)
DIR/NAME.visible.png      with `visible_copy`: restored areas hatched and outlined

CLI restore, rerun, studio export and project export all write through `write_documented`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from tratteggio.core.credentials.identity import Identity
from tratteggio.core.errors import ImageSaveError
from tratteggio.core.iiif.fetch import master_source
from tratteggio.core.io.fileset import FileSet
from tratteggio.core.io.saving import check_exact, encode_png, inexact_reason, output_format, write_photo
from tratteggio.core.kinds.base import Documented, record_source_type
from tratteggio.core.kinds.fill import Fill as Fill  # the entry of a fill (its kind's module owns it)
from tratteggio.core.kinds.schema import RECORD_SUFFIX, ConservationRecord, MaskInfo, MasterInfo, OutputInfo
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.record.describe import (
    describe_mask,
    describe_master,
    sha256_file,
    software_versions,
    xmp_packet,
)
from tratteggio.core.record.visible import tratteggio_view

VISIBLE_SUFFIX = ".visible.png"  # the documentation copy (was NAME.tratteggio.png: read as a project)


def sidecar(output: Path, suffix: str) -> Path:
    """`DIR/NAME.EXT` -> `DIR/NAME{suffix}`."""
    return output.with_name(output.with_suffix("").name + suffix)


def record_path(output: Path) -> Path:
    return sidecar(output, RECORD_SUFFIX)


@dataclass(frozen=True)
class Plan:
    """The files one documented write will produce."""

    output: Path
    lossmap: Path
    mask: Path
    record: Path
    fill_masks: tuple[Path, ...]
    master: Path | None
    visible: Path | None
    extras: tuple[Path, ...] = ()  # files the caller adds to the set (the layers of time)

    def targets(self) -> list[Path]:
        files = [self.output, self.lossmap, self.mask, *self.fill_masks]
        files += [p for p in (self.master, self.visible) if p is not None]
        return [*files, *self.extras, self.record]  # the record last: it is the commit marker


def plan(
    output: Path, fills: int, *, master_ext: str | None, visible_copy: bool, extras: Sequence[Path] = ()
) -> Plan:
    output = Path(output)
    return Plan(
        output=output,
        lossmap=sidecar(output, ".lossmap.png"),
        mask=sidecar(output, ".mask.png"),
        record=record_path(output),
        fill_masks=tuple(sidecar(output, f".mask-{k}.png") for k in range(1, fills + 1)) if fills > 1 else (),
        master=sidecar(output, f".master{master_ext}") if master_ext else None,
        visible=sidecar(output, VISIBLE_SUFFIX) if visible_copy else None,
        extras=tuple(Path(p) for p in extras),
    )


def check_output(
    output: Path,
    photo: Photo,
    inputs: Sequence[Path],
    *,
    master: Path | None = None,
    fills: int = 1,
    has_master_file: bool = True,
    visible_copy: bool = False,
    lossy: bool = False,
    extras: Sequence[Path] = (),
    signer: Identity | None = None,
) -> Plan:
    """Fail before any work if any file of the set (with the caller's `extras`) cannot be
    written, would replace an input, cannot hold the master's pixels exactly (unless `lossy`), or
    cannot carry Content Credentials (with a `signer`)."""
    kind = output_format(output)
    if signer is not None:
        from tratteggio.core.credentials.sign import mime_for, require_c2pa

        require_c2pa()
        mime_for(kind)
    check_exact(photo, output, lossy)
    master_ext = None if has_master_file else ".tif"
    files = plan(output, fills, master_ext=master_ext, visible_copy=visible_copy, extras=extras)
    from tratteggio.core.io.fileset import check_targets

    check_targets(files.targets(), inputs, master)
    return files


def write_documented(
    output: Path,
    pixels: np.ndarray,
    photo: Photo,
    master_path: Path | None,
    fills: Sequence[Documented],
    *,
    inputs: Sequence[Path] = (),
    visible_copy: bool = False,
    lossy: bool = False,
    notes: dict[str, object] | None = None,
    extras: Sequence[tuple[Path, Callable[[Path], object]]] = (),
    signer: Identity | None = None,
) -> dict[str, Path]:
    """Write `pixels` (the restored photo) with its documentation; returns the files by role.

    `photo` is the master (its depth, ICC and identity); without `master_path` the master is
    written into the set too, so the record always names a file and its hash. `extras` are more
    files of the set, each with the function that writes it, called in order: they are committed
    with the others, or not at all. With a `signer` the output carries Content Credentials
    (signed inside the set, before the record is staged; see tratteggio.core.record.signed).
    """
    if not fills:
        raise ImageSaveError("nothing to export: accept a restoration first")
    creates = fills[0].creates
    damaged = [f for f in fills if f.damage is not None]
    files = check_output(
        output,
        photo,
        inputs,
        master=master_path,
        fills=len(damaged),
        has_master_file=master_path is not None or creates,
        visible_copy=visible_copy,
        lossy=lossy,
        extras=[target for target, _ in extras],
        signer=signer,
    )
    source = record_source_type(list(fills))
    fetched = master_source(master_path, photo.pixels)
    if fetched is not None:  # a master fetched from an IIIF server: the record names its source
        notes = {**(notes or {}), "master_source": fetched}
    losses = _accumulate(fills, photo, lambda f: f.losses)
    union = _accumulate(fills, photo, lambda f: f.damage)
    hashes: dict[Path, str] = {}
    exact = inexact_reason(photo, output_format(files.output)) is None
    soon = _pixels_hash_soon(pixels, exact) if signer is not None else None
    with FileSet(files.targets(), inputs, master_path) as staged:

        def put(target: Path, data: bytes) -> None:
            hashes[target] = sha256_file(staged.write_bytes(target, data))

        restored, kind = Photo(pixels, photo.icc_profile), output_format(files.output)
        unsigned = staged.write_with(  # when signed, a signed copy replaces it: no flush to disk
            files.output,
            lambda tmp: write_photo(restored, tmp, kind, xmp=xmp_packet(source)),
            durable=signer is None,
        )
        hashes[files.output] = sha256_file(unsigned)
        put(files.lossmap, encode_png(losses.to_image()))
        put(files.mask, encode_png(union.to_image()))
        for path, fill in zip(files.fill_masks, damaged if files.fill_masks else (), strict=True):
            assert fill.damage is not None
            put(path, encode_png(fill.damage.to_image()))
        if files.master is not None:
            part = staged.write_with(files.master, lambda tmp: write_photo(photo, tmp, "tiff"))
            hashes[files.master] = sha256_file(part)
        if files.visible is not None:
            put(files.visible, encode_png(tratteggio_view(pixels, losses.bits)))
        for target, writer in extras:
            staged.write_with(target, writer)
        master = _master_info(photo, master_path, files, hashes)
        record = _record(master, files, fills, hashes, (losses, union), exact, notes)
        if signer is not None:
            from tratteggio.core.record import signed

            record = signed.signed_record(record, signed.staged_pixels_hash(unsigned, soon), signer)
            signed.sign_output(staged, files.output, kind, record, signer)
        staged.write_bytes(files.record, record.to_json().encode())
    out = {"output": files.output, "lossmap": files.lossmap, "mask": files.mask, "record": files.record}
    if files.master is not None:
        out["master"] = files.master
    if files.visible is not None:
        out["visible"] = out["tratteggio"] = files.visible  # "tratteggio": the key's old name, still read
    return out


def _pixels_hash_soon(pixels: np.ndarray, exact: bool) -> Future[str] | None:
    """The signed output's pixel hash, started now on another thread when the format holds
    `pixels` exactly (else it is taken from the written file, later)."""
    from tratteggio.core.record.signed import pixels_hash_soon

    return pixels_hash_soon(pixels) if exact else None


def _accumulate(fills: Sequence[Documented], photo: Photo, part: Callable[[Documented], Mask | None]) -> Mask:
    """The union of each intervention's `part`, carried onto every canvas that follows it."""
    bits = np.zeros(photo.shape2d, dtype=bool)
    for fill in fills:
        mask = part(fill)
        if fill.creates or fill.placed is not None:
            before, bits = bits, np.zeros(fill.losses.shape, dtype=bool)
            if fill.placed is not None:
                bits[fill.placed.slices] = before
        if mask is not None:
            bits |= mask.bits
    return Mask(bits)


def _master_info(photo: Photo, master_path: Path | None, files: Plan, hashes: dict[Path, str]) -> MasterInfo:
    if master_path is not None:  # the bytes that were read, not whatever is at the path by now
        read = photo.sha256 if photo.source == Path(master_path).resolve() else None
        return describe_master(photo, master_path, read)
    if files.master is None:  # created from noise: there is no master, only the picture's shape
        return describe_master(photo, None)
    return replace(describe_master(photo, None), file=files.master.name, sha256=hashes[files.master])


def _record(
    master: MasterInfo,
    files: Plan,
    fills: Sequence[Documented],
    hashes: dict[Path, str],
    masks: tuple[Mask, Mask],
    exact: bool,
    notes: dict[str, object] | None,
) -> ConservationRecord:
    losses, union = masks
    damaged = [f for f in fills if f.damage is not None]
    mask_files = dict(zip(map(id, damaged), files.fill_masks or (files.mask,), strict=False))
    generative = [f for f in fills if f.generative]

    def mask_info(fill: Documented) -> MaskInfo | None:
        path = mask_files.get(id(fill))
        if path is None or fill.damage is None:
            return None
        return describe_mask(fill.damage, path.name, hashes[path])

    return ConservationRecord(
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        master=master,
        interventions=[f.record(mask_info(f)) for f in fills],
        loss_map=describe_mask(losses, files.lossmap.name, hashes[files.lossmap]),
        mask=describe_mask(union, files.mask.name, hashes[files.mask]),
        output=OutputInfo(files.output.name, hashes[files.output], files.output.suffix[1:].lower(), exact),
        software=software_versions(),
        device=str(generative[0].device or "cpu") if generative else "cpu",
        digital_source_type=record_source_type(list(fills)),
        documentation_copy=files.visible.name if files.visible else None,
        notes=dict(notes or {}),
    )
