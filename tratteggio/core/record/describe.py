"""The conservation record: what was done, to which master, with what, by which software.

AIC's Code of Ethics asks that compensation for loss be documented in written and graphic form; the
record (JSON) and the loss map (PNG) beside every result are that documentation.
"""

from __future__ import annotations

import hashlib
import io
import platform
import sys
from pathlib import Path
from typing import Any

from tratteggio import __version__
from tratteggio.core.kinds.schema import (
    CLASSICAL_SOURCE,
    GENERATIVE_SOURCE,
    IPTC,
    MasterInfo,
    describe_mask,
    digital_source_type,
)
from tratteggio.core.photo import Photo

# the source types and masks are described with the record's shape (kinds build their own entries)
__all__ = [
    "CLASSICAL_SOURCE",
    "GENERATIVE_SOURCE",
    "IPTC",
    "describe_mask",
    "describe_master",
    "digital_source_type",
    "icc_description",
    "sha256_bytes",
    "sha256_file",
    "software_versions",
    "xmp_packet",
]


def sha256_file(path: Path) -> str:
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def icc_description(icc: bytes | None) -> str | None:
    if not icc:
        return None
    try:
        from PIL import ImageCms

        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.getProfileDescription(profile).strip() or "unnamed profile"
    except Exception:
        return "unreadable profile"


def describe_master(photo: Photo, path: Path | None, sha256: str | None = None) -> MasterInfo:
    """The master's identity; `sha256` saves hashing a file the caller has just hashed."""
    info: dict[str, Any] = {
        "width": photo.width,
        "height": photo.height,
        "channels": photo.channels,
        "bit_depth": photo.bit_depth,
        "dtype": str(photo.pixels.dtype),
        "icc_description": icc_description(photo.icc_profile),
    }
    if path is not None:
        info.update(file=Path(path).name, path=str(Path(path).resolve()), sha256=sha256 or sha256_file(path))
    return MasterInfo(**info)


def software_versions() -> dict[str, str]:
    """Versions of everything that can change a result's bytes (torch and diffusers when loaded)."""
    import cv2
    import numpy
    import PIL
    import skimage
    import tifffile

    versions = {
        "tratteggio": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "opencv": cv2.__version__,
        "scikit-image": str(getattr(skimage, "__version__", "?")),
        "pillow": PIL.__version__,
        "tifffile": tifffile.__version__,
    }
    for name in ("torch", "diffusers", "transformers"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = str(getattr(module, "__version__", "?"))
    return versions


def xmp_packet(source_type: str) -> bytes:
    """A minimal XMP packet naming the IPTC digital source type (no dates: same input, same bytes)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'    Iptc4xmpExt:DigitalSourceType="{source_type}"\n'
        f'    xmp:CreatorTool="Tratteggio {__version__}"/>\n'
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()
