"""Reproduce a result from its conservation record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tratteggio.core.errors import TratteggioError
from tratteggio.core.loading import load_photo
from tratteggio.core.mask import Mask, load_mask
from tratteggio.core.photo import Photo
from tratteggio.core.record import sha256_file
from tratteggio.core.request import RestorationRequest


def read_record(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TratteggioError(f"{path}: no such record") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TratteggioError(f"{path.name}: not a readable conservation record ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("tratteggio.record/"):
        raise TratteggioError(f"{path.name}: not a Tratteggio conservation record")
    return data


def inputs_from_record(path: str | Path) -> tuple[Photo, Path, Mask, RestorationRequest]:
    """The master, its path, the mask and the request a record describes, checked against it."""
    path = Path(path)
    record = read_record(path)
    master_info = record["master"]
    master = Path(master_info["path"])
    if not master.exists():
        master = path.parent / master_info["file"]
    photo = load_photo(master)
    if sha256_file(master) != master_info["sha256"]:
        raise TratteggioError(f"{master.name}: the master has changed since the record was written")
    mask = load_mask(path.parent / record["mask"]["file"], photo.shape2d)
    request = RestorationRequest.from_dict(record["request"])
    return photo, master, mask, request
