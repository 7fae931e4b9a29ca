"""What the command line does with projects: create one, summarise one, export one."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tratteggio.core.credentials.identity import Identity
from tratteggio.core.errors import ProjectError
from tratteggio.core.io.fileset import check_targets
from tratteggio.core.io.loading import load_mask, load_photo
from tratteggio.core.project.journal import pending_for
from tratteggio.core.project.load import read_project
from tratteggio.core.project.store import SUFFIX, ProjectStore
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.record.docexport import export_document
from tratteggio.core.studio.document import Document


def check_project_path(path: Path) -> None:
    if Path(path).suffix.lower() != SUFFIX:
        raise ProjectError(f"{Path(path).name}: a project file ends in {SUFFIX}")


def create_project(photo: Path, output: Path, mask: Path | None = None, embed: bool = False) -> Path:
    """A new project for `photo` (never modified), with an optional mask; `embed` copies the master in."""
    check_project_path(output)
    inputs = [photo, *([mask] if mask else [])]
    check_targets([output], inputs)
    if output.exists():
        raise ProjectError(
            f"{output.name}: already exists; choose another name (a project is never replaced)"
        )
    doc = Document(load_photo(photo), Path(photo).resolve())
    if mask is not None:
        doc.mask[...] = load_mask(mask, doc.photo.shape2d).bits
    sync = ProjectSync(doc, output)
    try:
        sync.write(sync.pending())
        if embed:
            sync.embed_master()
    except BaseException as exc:
        with contextlib.suppress(OSError, sqlite3.Error):
            sync.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{output}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, OSError | sqlite3.Error):  # a full disk, a read-only folder
            why = getattr(exc, "strerror", None) or exc
            raise ProjectError(f"{output}: the project could not be written ({why})") from None
        raise
    sync.close()
    return output


def summarize_project(path: Path) -> dict[str, Any]:
    """A JSON-ready summary: master, size, mask, interventions, last saved, pending recovery. Only
    the project is read: the master's pixels are not decoded (and a missing master is reported)."""
    try:
        with ProjectStore(path) as store:
            meta = store.meta()
            embedded = store.master_bytes() is not None
            rows = store.intervention_rows()
            pixels = {i: store.intervention_pixels(i) for i, *_ in rows}
            masked = store.mask_pixel_count()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{Path(path).name}: the project is damaged or truncated ({exc})") from None
    pending = pending_for(path)
    recorded = meta.get("master_path")
    return {
        "project": str(Path(path).resolve()),
        "master": {
            "path": recorded,
            "found": bool(recorded and Path(recorded).is_file()),
            "sha256": meta.get("master_sha256"),
            "embedded": embedded,
            "size": meta.get("master_size"),
            "channels": meta.get("master_channels"),
            "dtype": meta.get("master_dtype"),
        },
        "mask_pixels": masked,
        "interventions": [
            {
                "id": fill_id,
                "engine": _request(path, fill_id, info).get("engine"),
                "model": _request(path, fill_id, info).get("model"),
                "mask_pixels": pixels[fill_id][0],
                "changed_pixels": pixels[fill_id][1],
                "visible": visible,
                "accepted": info.get("accepted"),
            }
            for fill_id, _position, visible, info in rows
        ],
        "created": meta.get("created"),
        "last_saved": meta.get("saved"),
        "recovery": {
            "pending": pending is not None,
            "journal": str(pending.path) if pending else None,
            "mask_pixels": pending.mask_pixels if pending else 0,
            "interventions": pending.interventions if pending else 0,
            "journaled": pending.saved if pending else None,
        },
    }


def _request(path: Path, fill_id: int, info: Any) -> dict[str, Any]:
    request = info.get("request") if isinstance(info, dict) else None
    if not isinstance(request, dict):
        raise ProjectError(f"{Path(path).name}: intervention {fill_id} has no readable request")
    return request


def export_project(
    path: Path,
    output: Path,
    *,
    visible_copy: bool = False,
    lossy: bool = False,
    on_warning: Callable[[str], None] | None = None,
    signer: Identity | None = None,
) -> dict[str, Path]:
    """The same files File ▸ Export writes from the studio, from a saved project."""
    doc, _ = read_project(path, on_warning=on_warning)
    return export_document(doc, output, visible_copy=visible_copy, inputs=[path], lossy=lossy, signer=signer)
