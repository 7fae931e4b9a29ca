"""Small aged collections for the batch tests: photos cut from scikit-image's public-domain images,
aged by `tratteggio age`'s own code, each with its ground-truth mask under the same name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import skimage.data

from tratteggio.core import Photo, save_photo
from tratteggio.core.lab.aging import AgingRequest, age
from tratteggio.core.mask import Mask

SOURCES = ("astronaut", "coffee", "chelsea", "rocket")


def aged_collection(root: Path, count: int, size: tuple[int, int] = (72, 96)) -> tuple[Path, Path]:
    """`count` aged photos in root/photos (every third in a subfolder) and masks in root/masks."""
    photos, masks = root / "photos", root / "masks"
    height, width = size
    for i in range(count):
        image = getattr(skimage.data, SOURCES[i % len(SOURCES)])()
        y, x = (i * 37) % (image.shape[0] - height), (i * 53) % (image.shape[1] - width)
        aged = age(
            Photo(image[y : y + height, x : x + width].copy()),
            AgingRequest(kinds=("cracks", "scratches", "dust"), severity=0.6, seed=i),
        )
        name = f"sub/photo{i:02d}.png" if i % 3 == 2 else f"photo{i:02d}.png"
        (photos / name).parent.mkdir(parents=True, exist_ok=True)
        (masks / name).parent.mkdir(parents=True, exist_ok=True)
        save_photo(Photo(aged.pixels), photos / name)
        save_photo(Photo(Mask(aged.mask).to_image()), masks / name)
    return photos, masks


def names(photos: Path) -> list[str]:
    return sorted(p.relative_to(photos).as_posix() for p in photos.rglob("*.png"))


def status_lines(out: Path, run: int = -1) -> list[dict[str, Any]]:
    """The status lines of the `run`-th run (default: the last) in OUT/_batch/status.jsonl."""
    lines = [json.loads(line) for line in (out / "_batch" / "status.jsonl").read_text().splitlines()]
    runs = list(dict.fromkeys(line["run"] for line in lines))
    return [line for line in lines if line["run"] == runs[run]]


def summary(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "_batch" / "summary.json").read_text())
    return data


def outcomes(out: Path) -> dict[str, str]:
    return {line["photo"]: line["outcome"] for line in status_lines(out)}


def comparable_record(path: Path) -> dict[str, Any]:
    """A record without what differs between two runs of the same restoration (date, seconds)."""
    record: dict[str, Any] = json.loads(path.read_text())
    record.pop("date")
    for intervention in record["interventions"]:
        intervention.pop("seconds")
    return record


def corrupt(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def wrong_size_mask(path: Path) -> None:
    save_photo(Photo(np.zeros((10, 20), np.uint8)), path)
