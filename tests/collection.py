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
    for i in range(count):
        name = f"sub/photo{i:02d}.png" if i % 3 == 2 else f"photo{i:02d}.png"
        aged_photo(photos / name, masks / name, size, i)
    return photos, masks


def aged_photo(photo: Path, mask: Path, size: tuple[int, int], seed: int) -> None:
    """A crop of one of SOURCES (scaled up when `size` asks for more) aged with `seed`."""
    import cv2

    height, width = size
    image = getattr(skimage.data, SOURCES[seed % len(SOURCES)])()
    scale = max(1.0, 1.25 * height / image.shape[0], 1.25 * width / image.shape[1])
    if scale > 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    y, x = (seed * 37) % (image.shape[0] - height), (seed * 53) % (image.shape[1] - width)
    request = AgingRequest(kinds=("cracks", "scratches", "dust"), severity=0.6, seed=seed)
    aged = age(Photo(image[y : y + height, x : x + width].copy()), request)
    for path in (photo, mask):
        path.parent.mkdir(parents=True, exist_ok=True)
    save_photo(Photo(aged.pixels), photo)
    save_photo(Photo(Mask(aged.mask).to_image()), mask)


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


def assert_same_as_restore(photos: Path, masks: Path, out: Path, one: Path, *options: str) -> None:
    """Each photo's files in `out` are the ones `tratteggio restore` writes for it into `one`."""
    from tratteggio.cli import main

    for name in names(photos):
        stem = Path(name).with_suffix("")
        (one / stem).parent.mkdir(parents=True, exist_ok=True)
        args = [str(photos / name), "--mask", str(masks / name), "-o", str(one / name), *options]
        assert main(["restore", *args]) == 0
        for suffix in ("", ".lossmap", ".mask"):
            file = f"{stem}{suffix}.png"
            assert (out / file).read_bytes() == (one / file).read_bytes(), file
        record = f"{stem}.record.json"
        assert comparable_record(out / record) == comparable_record(one / record)


def stamps(out: Path) -> dict[str, int]:
    """Every result file's modification time: a run that rewrites nothing leaves them all alone."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and "_batch" not in p.parts
    }


def corrupt(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def wrong_size_mask(path: Path) -> None:
    save_photo(Photo(np.zeros((10, 20), np.uint8)), path)
