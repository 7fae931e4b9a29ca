"""Write a result with its documentation: the photo, the conservation record, the loss map, the mask.

DIR/NAME.EXT            the restored photo (bit depth and ICC of the master)
DIR/NAME.record.json    the conservation record
DIR/NAME.lossmap.png    the effective mask: every pixel the restoration changed or may have
DIR/NAME.mask.png       the damage mask as given, so `rerun` can reproduce the result
"""

from __future__ import annotations

import json
from pathlib import Path

from tratteggio.core.atomic import write_bytes_atomic
from tratteggio.core.errors import ImageSaveError
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.record import build_record, digital_source_type, xmp_packet
from tratteggio.core.restore import Result
from tratteggio.core.saving import encode_png, output_format, save_photo


def sidecar_paths(output: Path) -> dict[str, Path]:
    stem = output.with_suffix("")
    return {
        "output": output,
        "record": stem.with_name(stem.name + ".record.json"),
        "lossmap": stem.with_name(stem.name + ".lossmap.png"),
        "mask": stem.with_name(stem.name + ".mask.png"),
    }


def check_output(output: Path, master: Path | None) -> None:
    """Fail before any work if the output cannot be written or would overwrite the master."""
    output_format(output)
    if master is not None and output.resolve() == Path(master).resolve():
        raise ImageSaveError(f"{output.name}: refusing to overwrite the master photo")
    parent = output.resolve().parent
    if not parent.is_dir():
        raise ImageSaveError(f"{output}: the folder {parent} does not exist")


def write_result(
    result: Result, photo: Photo, mask: Mask, output: str | Path, master: Path | None
) -> dict[str, Path]:
    """Write the restored photo and its sidecars; on any failure, leave none of them behind."""
    output = Path(output)
    check_output(output, master)
    files = sidecar_paths(output)
    restored = Photo(result.pixels, photo.icc_profile)
    written: list[Path] = []
    try:
        save_photo(restored, output, xmp=xmp_packet(digital_source_type(result)))
        written.append(output)
        write_bytes_atomic(files["lossmap"], encode_png(result.effective_mask.to_image()))
        written.append(files["lossmap"])
        write_bytes_atomic(files["mask"], encode_png(mask.to_image()))
        written.append(files["mask"])
        record = build_record(result, photo, master, mask, files)
        write_bytes_atomic(files["record"], (json.dumps(record, indent=2) + "\n").encode())
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return files
