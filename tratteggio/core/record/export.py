"""Write one restoration's result with its documentation (see writer.py for the files)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import Result
from tratteggio.core.record.writer import Fill, write_documented


def write_result(
    result: Result,
    photo: Photo,
    mask: Mask,
    output: str | Path,
    master: Path | None,
    *,
    inputs: Sequence[Path] = (),
    lossy: bool = False,
) -> dict[str, Path]:
    """Write the restored photo and its sidecars as one set; on any failure the old set is intact.

    `inputs` are the other files the command read (the mask, a record): none is ever written over.
    """
    return write_documented(
        Path(output), result.pixels, photo, master, [Fill(1, result, mask)], inputs=inputs, lossy=lossy
    )
