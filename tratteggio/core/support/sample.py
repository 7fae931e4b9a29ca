"""A first photo to try: a public-domain photo, an aged copy and its damage mask, in one step.

The photo is scikit-image's `coffee` (Rachel Michetti, CC0: no copyright restrictions), kept in the
package's resources because an installed app does not carry scikit-image's data files. The damage
is the lab's forward process with a fixed seed, so every machine gets the same sample.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tratteggio.core.errors import ImageSaveError, RequestError
from tratteggio.core.io.fileset import FileSet, check_targets
from tratteggio.core.io.loading import load_photo
from tratteggio.core.io.saving import write_photo
from tratteggio.core.lab.aging import AgingRequest, age
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.resources import resource

PHOTO = "sample/coffee.jpg"
CREDIT = "Coffee cup, photographed by Rachel Michetti (CC0, via scikit-image)"
# no stains: a stain tints a wide area an inpainting should not replace (restoring it lowers fidelity)
AGING = AgingRequest(kinds=("cracks", "scratches", "losses", "dust"), severity=0.5, seed=7)


@dataclass(frozen=True)
class SampleFiles:
    photo: Path  # the undamaged photo (what a perfect restoration gives back)
    aged: Path  # the damaged copy to restore
    mask: Path  # its damage mask


def sample_folder() -> Path:
    """Where the studio's Help ▸ Open Sample keeps the sample (the user's data folder)."""
    from platformdirs import user_data_path

    return user_data_path("tratteggio", appauthor=False) / "sample"


def sample_files(folder: Path) -> SampleFiles:
    return SampleFiles(folder / "sample.png", folder / "sample-aged.png", folder / "sample-aged.mask.png")


def write_sample(folder: Path, *, replace: bool = False) -> SampleFiles:
    """Write the sample into `folder` (created if needed); the three files appear together or not at
    all. A file of the same name already there is refused unless `replace`."""
    files = sample_files(folder)
    targets = [files.photo, files.aged, files.mask]
    there = [t for t in targets if os.path.lexists(t)]
    if there and not replace:
        raise ImageSaveError(f"{there[0]}: already exists; pass --force to replace the sample's files")
    if folder.exists() and not folder.is_dir():
        raise RequestError(f"{folder}: -o names a folder for the sample, and this is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImageSaveError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    check_targets(targets)
    photo = load_photo(resource(PHOTO))
    aged = age(photo, AGING)
    with FileSet(targets) as out:
        out.write_with(files.photo, lambda tmp: write_photo(photo, tmp, "png"))
        out.write_with(files.aged, lambda tmp: write_photo(Photo(aged.pixels, photo.icc_profile), tmp, "png"))
        out.write_with(files.mask, lambda tmp: write_photo(Photo(Mask(aged.mask).to_image()), tmp, "png"))
    return files
