"""What the command line reads of a project: its summary (creating and exporting one are tasks:
tratteggio.core.tasks.project)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tratteggio.core.errors import ProjectError
from tratteggio.core.project.journal import pending_for
from tratteggio.core.project.store import SUFFIX, ProjectStore


def check_project_path(path: Path) -> None:
    if Path(path).suffix.lower() != SUFFIX:
        raise ProjectError(f"{Path(path).name}: a project file ends in {SUFFIX}")


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
