"""Damage masks proposed by the detectors, for a batch: the union of each kind's proposal.

A proposal is never a verdict: a batch restores from one only with `--accept-unreviewed` (and the
record says so), or writes it for review (`--detect-only`): `NAME.proposal.png` and, last, as the
commit marker, `NAME.proposal.json` naming the photo's hash and how the proposal was made.

`--detector D.npz` is a detector file as `tratteggio detect --save-detector` writes it (a taught
detector, plain arrays, read by the lab's `load_detector`): it scores the line kind it was taught
for (cracks or scratches); other kinds keep the built-in detectors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tratteggio.core.batch.settings import Detection
from tratteggio.core.errors import RequestError, TratteggioError
from tratteggio.core.io.fileset import FileSet
from tratteggio.core.io.saving import encode_png
from tratteggio.core.lab.detect import DETECT_KINDS, LINE_KINDS, DetectRequest, detect
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.record.describe import sha256_bytes, sha256_file

if TYPE_CHECKING:
    from tratteggio.core.lab.detector import LineDetector

PROPOSAL_SCHEMA = "tratteggio.proposal/1"
PROPOSAL_MASK, PROPOSAL_NOTE = ".proposal.png", ".proposal.json"


def detection_settings(kinds: str, sensitivity: float, detector: Path | None) -> Detection:
    """Validated detection settings; the detector file is loaded once here to refuse a bad one early."""
    names = tuple(dict.fromkeys(k.strip() for k in kinds.split(",") if k.strip()))
    unknown = [k for k in names if k not in DETECT_KINDS]
    if not names or unknown:
        raise RequestError(f"--detect {kinds}: choose kinds from {', '.join(DETECT_KINDS)}")
    DetectRequest(kind=names[0], sensitivity=sensitivity)  # checks the sensitivity's range
    if detector is not None and not set(names) & set(LINE_KINDS):
        raise RequestError("--detector replaces the crack detector: it needs --detect cracks or scratches")
    path = detector if detector is not None else _built_in()
    if detector is not None and (kind := load_detector(detector).kind) not in names:
        raise RequestError(f"{detector.name} was taught for {kind}: name {kind} in --detect")
    return Detection(names, sensitivity, str(detector) if detector else None, sha256_file(path))


def load_detector(path: Path) -> LineDetector:
    """The detector stored in `path`; RequestError (one line) if it is not one."""
    from tratteggio.core.io.loading import check_regular_file
    from tratteggio.core.lab.detector import load_detector as read_detector

    try:
        check_regular_file(path, "detector file")
        return read_detector(Path(path))
    except TratteggioError as exc:
        raise RequestError(str(exc)) from None


def _built_in() -> Path:
    from tratteggio.core.lab.crackscore import MODEL

    return Path(MODEL)


def propose(pixels: np.ndarray, detection: Detection) -> Mask:
    """The union of the proposals of every kind `detection` names."""
    bits = np.zeros(pixels.shape[:2], bool)
    for kind in detection.kinds:
        request = DetectRequest(kind=kind, sensitivity=detection.sensitivity)
        taught = None
        if kind in LINE_KINDS and detection.detector is not None:
            taught = load_detector(Path(detection.detector))
        bits |= detect(
            pixels, request, detector=taught if taught is not None and taught.kind == kind else None
        )
    return Mask(bits)


def proposal_paths(output: Path) -> tuple[Path, Path]:
    stem = output.with_suffix("").name
    return output.with_name(stem + PROPOSAL_MASK), output.with_name(stem + PROPOSAL_NOTE)


def write_proposal(output: Path, photo: Photo, photo_path: Path, mask: Mask, detection: Detection) -> None:
    """Write the proposal's mask, then its note (the commit marker)."""
    mask_file, note_file = proposal_paths(output)
    data = encode_png(mask.to_image())
    box = mask.bbox()
    note = {
        "schema": PROPOSAL_SCHEMA,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "master": {"file": photo_path.name, "sha256": sha256_file(photo_path)},
        "size": [photo.width, photo.height],
        "damage": detection.describe(),
        "mask": {
            "file": mask_file.name,
            "sha256": sha256_bytes(data),
            "pixel_count": mask.pixel_count,
            "bbox": box.to_list() if box else None,
        },
    }
    with FileSet([mask_file, note_file], [photo_path]) as files:
        files.write_bytes(mask_file, data)
        files.write_bytes(note_file, (json.dumps(note, indent=2) + "\n").encode())


def proposal_finished(output: Path, photo_path: Path, detection: Detection) -> bool:
    """A proposal of the same photo by the same detection is already written."""
    mask_file, note_file = proposal_paths(output)
    try:
        note = json.loads(note_file.read_text(encoding="utf-8"))
        same = note["schema"] == PROPOSAL_SCHEMA and note["damage"] == detection.describe()
        return bool(same and mask_file.is_file() and note["master"]["sha256"] == sha256_file(photo_path))
    except (OSError, ValueError, KeyError, TypeError):
        return False
