"""Reading photos and masks from disk, keeping bit depth, alpha, orientation and ICC profile.

Format is decided by the file's first bytes, not its name. TIFF goes through tifffile (Pillow silently
reduces 48-bit RGB to 8-bit); 16-bit PNG goes through OpenCV for the same reason; everything else
through Pillow. Any failure raises `ImageLoadError` naming the file and the problem.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tratteggio.core.errors import ImageLoadError, MaskError
from tratteggio.core.io.limits import DEFAULT_MAX_PIXELS, TooLarge, check_size, check_tiff, max_pixels
from tratteggio.core.mask import Mask, check_mask_shape
from tratteggio.core.photo import Photo

FORMATS = "PNG, JPEG, TIFF, WebP, BMP"
__all__ = ["DEFAULT_MAX_PIXELS", "FORMATS", "load_mask", "load_photo", "max_pixels"]


def load_photo(path: str | Path, *, limit: int | None = None) -> Photo:
    """Load a photo upright, at its own bit depth, with its ICC profile."""
    path = Path(path)
    head = _read_head(path)
    before, digest = _identity(path), _sha256(path)
    kind = sniff_format(head)
    if kind is None:
        raise ImageLoadError(f"{path.name}: not a supported image (supported: {FORMATS})")
    limit = limit or max_pixels()
    try:
        if kind == "tiff":
            pixels, icc, orientation = _load_tiff(path, limit)
        elif kind == "png" and head[24] == 16:
            pixels, icc, orientation = _load_png16(path, head, limit)
        else:
            pixels, icc, orientation = _load_pillow(path, limit)
    except ImageLoadError:
        raise
    except MemoryError:
        raise ImageLoadError(f"{path.name}: not enough memory to open this photo") from None
    except Exception as exc:  # decoders raise many types; all mean the same to a user
        raise ImageLoadError(f"{path.name}: corrupt or truncated {kind.upper()} file ({exc})") from exc
    pixels = np.ascontiguousarray(apply_orientation(pixels, orientation))
    if _identity(path) != before:  # replaced or rewritten meanwhile: the hash may not be of these pixels
        raise ImageLoadError(f"{path.name}: the file changed while it was being read; try again")
    return Photo(pixels=pixels, icc_profile=icc or None, source=path.resolve(), sha256=digest)


def _identity(path: Path) -> tuple[int, ...]:
    """What changes when a file is replaced or rewritten (inode, size, modification time; not the
    change time, which a hard link made by someone else's backup moves too)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ImageLoadError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes: a record names the master by the bytes that were decoded."""
    import hashlib

    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise ImageLoadError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None


def sniff_format(head: bytes) -> str | None:
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM"):
        return "bmp"
    return None


def apply_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF/TIFF orientation (1..8) so the pixels are upright."""
    ops = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: np.swapaxes(a, 0, 1),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),
        8: lambda a: np.rot90(a, 1),
    }
    op = ops.get(orientation)
    return op(pixels) if op else pixels


def check_regular_file(path: Path, what: str = "file") -> None:
    """Refuse anything that is not a readable regular file, before opening it: a FIFO or a device
    would block a read forever, a folder or a symlink loop would fail obscurely."""
    import errno
    import stat

    noun = f"an {what}" if what[:1] in "aeiou" else f"a {what}"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImageLoadError(f"{path}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImageLoadError(f"{path}: a symbolic link loop, not {noun}") from None
        raise ImageLoadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError:
        raise ImageLoadError(f"{path!r}: not a usable file name") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageLoadError(f"{path}: is a folder, not {noun}")
    if not stat.S_ISREG(info.st_mode):
        raise ImageLoadError(f"{path}: is not a regular file (a pipe, socket or device); refusing to read it")


def _read_head(path: Path) -> bytes:
    check_regular_file(path, "image")
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise ImageLoadError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if not head:
        raise ImageLoadError(f"{path.name}: the file is empty")
    return head


def _load_tiff(path: Path, limit: int) -> tuple[np.ndarray, bytes | None, int]:
    import tifffile

    with tifffile.TiffFile(path) as tif:
        page = check_tiff(path, tif, limit)
        photometric = int(page.photometric)
        try:
            pixels = page.asarray()
        except ImageLoadError as exc:  # raised by a bounded decoder, which knows no file name
            raise ImageLoadError(f"{path.name}: {exc}") from None
        if page.planarconfig == 2 and pixels.ndim == 3:
            pixels = np.moveaxis(pixels, 0, -1)
        icc = page.tags.valueof(34675)
        orientation = int(page.tags.valueof(274) or 1)
    pixels = _normalise_dtype(path, pixels)
    if photometric == 0:
        pixels = _invert(pixels)
    return pixels, bytes(icc) if icc else None, orientation


def _invert(pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype.kind == "f":
        return 1.0 - pixels
    return np.iinfo(pixels.dtype).max - pixels


def _normalise_dtype(path: Path, pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype == bool:
        return pixels.astype(np.uint8) * 255
    if pixels.dtype in (np.uint8, np.uint16, np.float32):
        return pixels
    if pixels.dtype == np.float16:
        return pixels.astype(np.float32)  # exact: every half-float is a float
    raise ImageLoadError(f"{path.name}: {pixels.dtype} samples are not supported (8/16-bit or float)")


def _load_png16(path: Path, head: bytes, limit: int) -> tuple[np.ndarray, bytes | None, int]:
    import cv2

    # OpenCV prints its decoder's complaints on stderr; ours (ImageLoadError) replaces them
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    width = int.from_bytes(head[16:20], "big")
    height = int.from_bytes(head[20:24], "big")
    check_size(path, height, width, limit)
    data = np.fromfile(path, dtype=np.uint8)
    pixels = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise ImageLoadError(f"{path.name}: corrupt or truncated PNG file")
    color_type = head[25]
    if pixels.ndim == 3 and color_type == 4:  # gray + alpha arrives as BGRA
        pixels = np.stack([pixels[:, :, 0], pixels[:, :, 3]], axis=-1)
    elif pixels.ndim == 3:
        pixels = pixels[:, :, [2, 1, 0, 3][: pixels.shape[2]]]
    icc, orientation = _pillow_metadata(path)
    return pixels, icc, orientation


def _pillow_metadata(path: Path) -> tuple[bytes | None, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.info.get("icc_profile"), int(im.getexif().get(0x0112, 1) or 1)


_PILLOW_MODES = {"1": "L", "P": "RGB", "PA": "RGBA", "CMYK": "RGB", "YCbCr": "RGB", "LAB": "RGB"}


def _load_pillow(path: Path, limit: int) -> tuple[np.ndarray, bytes | None, int]:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # our own limit, checked before decoding, replaces Pillow's
    with warnings.catch_warnings(), Image.open(path) as opened:
        warnings.simplefilter("ignore")
        check_size(path, opened.height, opened.width, limit)
        opened.load()
        icc = opened.info.get("icc_profile")
        orientation = int(opened.getexif().get(0x0112, 1) or 1)
        im: Image.Image = opened
        if im.mode == "P" and "transparency" in im.info:
            im = im.convert("RGBA")
        if im.mode in ("CMYK", "LAB"):
            icc = None  # the profile describes the old colour space
        if im.mode in _PILLOW_MODES:
            im = im.convert(_PILLOW_MODES[im.mode])
        pixels = _pillow_array(im)
    return pixels, icc, orientation


def _pillow_array(im: object) -> np.ndarray:
    from PIL import Image

    assert isinstance(im, Image.Image)
    if im.mode in ("I;16", "I;16B", "I;16L"):
        return np.asarray(im).astype(np.uint16)
    if im.mode == "I":
        arr = np.asarray(im)
        return arr.astype(np.uint16) if arr.max(initial=0) <= 65535 else (arr >> 16).astype(np.uint16)
    if im.mode == "F":
        return np.asarray(im, dtype=np.float32)
    if im.mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGB")
    return np.asarray(im).copy()


def load_mask(
    path: str | Path, shape: tuple[int, int], on_warning: Callable[[str], None] | None = None
) -> Mask:
    """Load a mask image for a photo of (height, width) `shape`; sizes must match exactly.

    A mask larger than the photo is refused from its header, before it is decoded. Any non-zero
    pixel is damage; `on_warning` hears how many pixels were neither black nor white (a mask saved
    as JPEG grows by its compression noise)."""
    path = Path(path)
    try:
        values = load_photo(path, limit=shape[0] * shape[1]).pixels
    except TooLarge as exc:
        check_mask_shape((exc.height, exc.width), shape, path.name)
        raise MaskError(str(exc)) from None
    check_mask_shape(values.shape[:2], shape, path.name)
    impure = impure_pixels(values)
    if impure and on_warning is not None:
        on_warning(
            f"{path.name}: {impure:,} mask pixels are neither black nor white (a lossy format?); "
            "every one that is not black counts as damage"
        )
    return Mask.from_array(values)


def impure_pixels(values: np.ndarray) -> int:
    """Pixels with a channel that is neither 0 nor full white (the alpha channel included)."""
    full = 1.0 if values.dtype.kind == "f" else np.iinfo(values.dtype).max
    odd = (values != 0) & (values != full)
    return int(np.count_nonzero(odd if odd.ndim == 2 else odd.any(axis=2)))
