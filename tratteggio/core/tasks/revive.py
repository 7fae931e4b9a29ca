"""Revive faded colours of a file: one global, monotone, invertible transform, documented."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.tasks.common import signer_from

if TYPE_CHECKING:
    import numpy as np

    from tratteggio.core.color.estimate import Estimate, ReviveRequest
    from tratteggio.core.credentials.identity import Identity


@dataclass(frozen=True)
class Revived:
    files: dict[str, Path]  # by role; with `preview_only`, {"preview": NAME.preview.png}


def revive_file(
    photo_path: Path,
    output: Path,
    request: ReviveRequest,
    *,
    lossy: bool = False,
    preview_only: bool = False,
    signer: Identity | Path | str | None = None,
    on_estimate: Callable[[Estimate], object] | None = None,
) -> Revived:
    """Estimate how the photo faded and invert it; write `output` with its record, loss map and
    mask, or with `preview_only` just NAME.preview.png (before | after). `on_estimate` hears the
    estimate before anything is written."""
    from tratteggio.core.color.estimate import estimate_with_evidence
    from tratteggio.core.io.atomic import write_bytes_atomic
    from tratteggio.core.io.fileset import check_targets
    from tratteggio.core.io.loading import load_photo
    from tratteggio.core.io.saving import encode_png
    from tratteggio.core.record.entries import Revival
    from tratteggio.core.record.writer import check_output, sidecar, write_documented

    preview = sidecar(output, ".preview.png")
    identity = None
    if preview_only:
        check_targets([preview], [photo_path])
    else:
        identity = signer_from(signer)
    photo = load_photo(photo_path)
    if not preview_only:
        check_output(output, photo, [photo_path], lossy=lossy, signer=identity)
    started = time.perf_counter()
    found = estimate_with_evidence(photo.pixels, request)
    revived = found.transform.apply(photo.pixels)
    if on_estimate is not None:
        on_estimate(found)
    if preview_only:
        write_bytes_atomic(preview, encode_png(before_after(photo.pixels, revived)))
        return Revived({"preview": preview})
    seconds = time.perf_counter() - started
    entry = Revival(1, found.transform, request, photo.shape2d, seconds, evidence=found.to_dict())
    files = write_documented(
        output, revived, photo, photo_path, [entry], inputs=[photo_path], lossy=lossy, signer=identity
    )
    return Revived(files)


def before_after(before: np.ndarray, after: np.ndarray, max_side: int = 1024) -> np.ndarray:
    """The photo's left half as it was and right half revived, 8-bit RGB, with a white divider."""
    import cv2

    from tratteggio.core.pipeline.layers import rgb8

    left, right = rgb8(before), rgb8(after)
    height, width = left.shape[:2]
    out = left.copy()
    out[:, width // 2 :] = right[:, width // 2 :]
    out[:, max(0, width // 2 - 1) : width // 2 + 1] = 255
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        out = cv2.resize(
            out, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
        )
    return out
