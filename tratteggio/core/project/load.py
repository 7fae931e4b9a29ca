"""Reading a project back into a Document: the master (by path and SHA-256, or embedded), the mask,
every intervention in order with its visibility, an aged photo's truth."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tratteggio.core.errors import MasterMissing, ProjectError, TratteggioError
from tratteggio.core.geometry import Box
from tratteggio.core.io.loading import load_photo
from tratteggio.core.kinds.base import DocIntervention
from tratteggio.core.kinds.registry import kind_named
from tratteggio.core.mask import CroppedMask, Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import Patch
from tratteggio.core.project.codec import tile_box, unpack_bits
from tratteggio.core.project.store import ProjectStore
from tratteggio.core.project.sync import master_stat
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.studio.document import Document
from tratteggio.core.studio.edits import MasterRef


def read_project(
    path: Path,
    master: Path | None = None,
    verify: bool | str = True,
    on_warning: Callable[[str], None] | None = None,
) -> tuple[Document, dict[str, Any]]:
    """The document a project holds, and its meta. `master` overrides where to find the master
    (a moved master, found by the user); it must have the recorded SHA-256.

    `verify`: True hashes the master now; "fast" skips the hash when the master's size and
    modification time are the ones recorded (the caller then checks the hash in the background:
    `doc.master.verified` is False); False trusts it (reading a recovery journal). `on_warning`
    hears that a master is used unchecked, when the project names no hash to check it by."""
    try:
        with ProjectStore(path) as store:
            meta = store.meta()
            if not isinstance(meta.get("view", {}), dict):  # only where the studio was looking: drop it
                meta["view"], meta["view_dropped"] = {}, True
            photo, master_path = _master(store, meta, master, verify)
            if verify and master_path is not None and not meta.get("master_sha256") and on_warning:
                on_warning(f"{Path(path).name} names no hash of its master: {master_path} is used unchecked")
            doc = Document(photo, master_path)
            _read_mask(store, doc)
            doc.add_loaded(_interventions(store, doc.photo))
            doc.truth, doc.reference = store.extra("truth"), store.extra("reference")
            kept = store.extra("detector")
            doc.detector = kept.tobytes() if kept is not None else None
            doc.origin = _origin(meta)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{Path(path).name}: the project is damaged or truncated ({exc})") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        # a doctored file: whatever field lies, it is a damaged project, never an internal error
        raise ProjectError(
            f"{Path(path).name}: the project is damaged ({type(exc).__name__}: {exc})"
        ) from None
    doc.master = MasterRef(meta.get("master_sha256"), verified=verify is True or doc.path is None)
    doc.history.clear()
    return doc, meta


def _master(
    store: ProjectStore, meta: dict[str, Any], override: Path | None, verify: bool | str
) -> tuple[Photo, Path | None]:
    recorded, sha = meta.get("master_path"), meta.get("master_sha256")
    candidate = override or (Path(recorded) if recorded else None)
    if candidate is not None and candidate.is_file():
        unchanged = override is None and master_stat(candidate) == meta.get("master_stat")
        if verify and sha and not (verify == "fast" and unchanged) and sha256_file(candidate) != sha:
            raise ProjectError(f"{candidate.name}: not the project's master (its SHA-256 differs)")
        photo = load_photo(candidate)
        _check_shape(photo, meta)
        return photo, candidate.resolve()
    embedded = store.master_bytes()
    if embedded is not None:
        return _embedded(embedded, meta), None
    raise MasterMissing(str(recorded), str(sha))


def _origin(meta: dict[str, Any]) -> dict[str, Any]:
    origin = meta.get("origin") or {}
    if not isinstance(origin, dict):
        raise ProjectError(f"the project's origin is a {type(origin).__name__}, not an object")
    return dict(origin)


def _embedded(embedded: tuple[str, bytes], meta: dict[str, Any]) -> Photo:
    _name, data = embedded  # the stored name is not trusted as a file name ('..', '', NUL, a folder)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "embedded-master"
        file.write_bytes(data)
        photo = load_photo(file)
    _check_shape(photo, meta)
    return Photo(photo.pixels, photo.icc_profile)


def _check_shape(photo: Photo, meta: dict[str, Any]) -> None:
    size = meta.get("master_size")
    if size and [photo.width, photo.height] != list(size):
        raise ProjectError(
            f"the master is {photo.width}x{photo.height}, the project's is {size[0]}x{size[1]}"
        )


def _read_mask(store: ProjectStore, doc: Document) -> None:
    height, width = doc.mask.shape
    for ty, tx, bits in store.mask_tiles():
        box = tile_box(ty, tx, height, width)
        if box.width <= 0 or box.height <= 0 or ty < 0 or tx < 0:
            raise ProjectError(f"a mask tile ({ty}, {tx}) lies outside the {width}x{height} photo")
        doc.mask[box.slices] = unpack_bits(bits, (box.height, box.width))


def _interventions(store: ProjectStore, photo: Photo) -> list[DocIntervention]:
    out: list[DocIntervention] = []
    for fill_id, _position, visible, info in store.intervention_rows():
        try:
            out.append(_intervention(_Stored(store, photo, fill_id, visible, info)))
        except (TratteggioError, KeyError, TypeError, ValueError) as exc:
            raise ProjectError(f"intervention {fill_id} in the project is damaged ({exc})") from None
    return out


def _intervention(stored: _Stored) -> DocIntervention:
    """The intervention as its kind decodes it (a row without a kind is a fill: the first projects')."""
    if not isinstance(stored.params, dict):
        raise ProjectError(f"intervention {stored.id}: its description is not an object")
    name = stored.params.get("kind", "fill")
    kind = kind_named(name)
    if kind is None or not kind.kept:
        raise ProjectError(f"intervention {stored.id}: unknown kind '{name}'")
    return kind.decode(stored)


class _Stored:
    """One intervention's row; its patches and mask are read from the store when its kind asks."""

    def __init__(self, store: ProjectStore, photo: Photo, id: int, visible: bool, params: Any) -> None:
        self.store, self.photo, self.id, self.visible, self.params = store, photo, id, visible, params

    def mask(self) -> Mask:
        return _full_mask(self.store, self.id, self.photo.shape2d)

    def patches(self) -> list[Patch]:
        out = []
        for box_list, pixels, wheres, shape in self.store.patches(self.id):
            box = _inside(Box(*map(int, box_list)), self.photo.shape2d, "a patch")
            if pixels.shape[:2] != (box.height, box.width) or list(shape[:2]) != [box.height, box.width]:
                raise ProjectError(
                    f"a patch of {pixels.shape[:2]} pixels does not fill its box {box.to_list()}"
                )
            out.append(Patch(box, pixels, unpack_bits(wheres, (shape[0], shape[1]))))
        return out


def _full_mask(store: ProjectStore, fill_id: int, shape: tuple[int, int]) -> Mask:
    """The intervention's mask, kept as its box and bits (no full-size array until one is needed)."""
    box_list, bits = store.mask_of(fill_id)
    if not box_list or bits is None:
        return CroppedMask(shape, None, None)
    box = _inside(Box(*map(int, box_list)), shape, "a mask")
    return CroppedMask(shape, box, unpack_bits(bits, (box.height, box.width)))


def _inside(box: Box, shape: tuple[int, int], what: str) -> Box:
    """`box`, when it is a non-empty box inside a photo of (height, width) `shape`."""
    height, width = shape
    if not (0 <= box.x0 < box.x1 <= width and 0 <= box.y0 < box.y1 <= height):
        raise ProjectError(f"{what} box {box.to_list()} lies outside the {width}x{height} photo")
    return box
