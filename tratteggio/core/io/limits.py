"""What a file declares, checked before a pixel is decoded: sizes, TIFF layouts, inflating strips.

A 1.6 MB TIFF can declare 40000x40000 pixels, and one compressed strip of a small TIFF can inflate
to gigabytes: decoding first and checking after costs the memory the check exists to protect. So
the pixel limit is applied to the sizes headers declare, TIFF layouts that are not one image
(pages, volumes, more samples than gray or RGB plus alpha, 64-bit or integer samples) are refused
naming what was found, and every deflate or LZMA strip is inflated once with a bounded output
before tifffile decodes it (tifffile's own fallback, without imagecodecs, ignores the size it
expects).
"""

from __future__ import annotations

import lzma
import math
import os
import zlib
from pathlib import Path
from typing import Any

from tratteggio.core.errors import ImageLoadError, TratteggioError

DEFAULT_MAX_PIXELS = 200_000_000
LIMIT_VARIABLE = "TRATTEGGIO_MAX_PIXELS"
_SAMPLES = {0: (1, 2), 1: (1, 2), 2: (3, 4)}  # photometric -> samples we keep exactly
_PHOTOMETRIC = {0: "gray", 1: "gray", 2: "RGB"}
_DTYPES = ("uint8", "uint16", "float16", "float32", "bool")
_DEFLATE, _ADOBE_DEFLATE, _LZMA = 8, 32946, 34925
_CHUNK = 1 << 22


class TooLarge(ImageLoadError):
    """The declared size is over the limit; carries the size so a mask can say what it should be."""

    def __init__(self, message: str, height: int, width: int) -> None:
        super().__init__(message)
        self.height, self.width = height, width


def max_pixels() -> int:
    """The largest photo we agree to open; set it with TRATTEGGIO_MAX_PIXELS (a whole number)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_PIXELS
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise TratteggioError(
            f"{LIMIT_VARIABLE}={raw!r} is not a positive whole number of pixels (e.g. 300000000)"
        )
    return value


def amount(pixels: int) -> str:
    """A pixel count people read: '4,800 pixels' below a megapixel, '400 MP' or '0.5 MP' above."""
    if pixels < 1_000_000:
        return f"{pixels:,} pixels"
    return f"{pixels / 1e6:,.1f}".removesuffix(".0") + " MP"


def check_size(path: Path, height: int, width: int, limit: int) -> None:
    if height <= 0 or width <= 0:
        raise ImageLoadError(f"{path.name}: the image has no pixels")
    if height * width > limit:
        raise TooLarge(
            f"{path.name}: {width}x{height} is {amount(height * width)}, over the limit of "
            f"{amount(limit)} (raise it with {LIMIT_VARIABLE})",
            height,
            width,
        )


def check_tiff(path: Path, tif: Any, limit: int) -> Any:
    """The first page of `tif` if the file is one image we can keep exactly; else ImageLoadError
    naming the pages, volume, samples or sample type found. Declared size and strips are checked."""
    page = tif.pages.first
    _check_pages(path, tif)
    if page.imagedepth > 1:
        raise ImageLoadError(
            f"{path.name}: a volume of {page.imagedepth} slices, not one image; save the slice to "
            "restore as its own TIFF"
        )
    photometric = int(page.photometric)
    if photometric not in _SAMPLES:  # miniswhite, minisblack, rgb
        raise ImageLoadError(f"{path.name}: TIFF colour model {photometric} is not supported")
    samples = int(page.samplesperpixel)
    if samples not in _SAMPLES[photometric]:
        extra = samples - (3 if photometric == 2 else 1)
        kind = _PHOTOMETRIC[photometric] + (f" + {extra} extra" if extra > 0 else "")
        raise ImageLoadError(
            f"{path.name}: {samples} samples per pixel ({kind}); Tratteggio restores gray, "
            "gray+alpha, RGB and RGBA images"
        )
    dtype = str(page.dtype) if page.dtype is not None else f"{page.bitspersample}-bit"
    if dtype not in _DTYPES:
        raise ImageLoadError(
            f"{path.name}: {dtype} samples are not supported (8 or 16-bit integers, or 32-bit float)"
        )
    check_size(path, int(page.imagelength), int(page.imagewidth), limit)
    if not bound_tiff_inflation():
        _check_strips(path, tif, page)
    return page


def bound_tiff_inflation() -> bool:
    """Make tifffile's deflate and LZMA decoders stop at the size it expects; True when they do.

    With the imagecodecs package they already do. Without it, tifffile falls back on
    `zlib.decompress`, which ignores the size it is given, so decoders honouring it are put in
    tifffile's table of decoders (a private dict: if a release renames it, every strip is checked
    by a bounded inflate before decoding instead, which costs a second inflate)."""
    import tifffile.tifffile as implementation

    if getattr(getattr(implementation, "imagecodecs", None), "__name__", "") == "imagecodecs":
        return True
    codecs = getattr(implementation.TIFF.DECOMPRESSORS, "_codecs", None)
    if not isinstance(codecs, dict):
        return False
    codecs.update({_DEFLATE: _inflate, _ADOBE_DEFLATE: _inflate, _LZMA: _inflate_lzma})
    return True


def _inflate(data: bytes, out: Any = None) -> bytes:
    if not isinstance(out, int):
        return zlib.decompress(data)
    inflated = zlib.decompressobj().decompress(data, out + 1)
    return _bounded(inflated, out)


def _inflate_lzma(data: bytes, out: Any = None) -> bytes:
    if not isinstance(out, int):
        return lzma.decompress(data)
    return _bounded(lzma.LZMADecompressor().decompress(data, out + 1), out)


def _bounded(inflated: bytes, size: int) -> bytes:
    if len(inflated) > size:
        raise ImageLoadError(
            f"a compressed strip inflates beyond the {size:,} bytes its header declares (a "
            "decompression bomb); refusing to decode it"
        )
    return inflated


def _check_pages(path: Path, tif: Any) -> None:
    """Pages beyond the first are refused unless they are reduced-resolution copies (thumbnails)."""
    count = len(tif.pages)
    extra = []
    for index in range(1, min(count, 64)):
        page = tif.pages[index]
        if not int(getattr(page, "subfiletype", 0)) & 1:
            extra.append(index + 1)
    if count > 64 or extra:
        named = f"pages 2-{count}" if count > 2 else "page 2"
        raise ImageLoadError(
            f"{path.name}: a TIFF of {count} images ({named} would be ignored); save the page to "
            "restore as its own file"
        )


def _check_strips(path: Path, tif: Any, page: Any) -> None:
    compression = int(page.compression)
    if compression not in (_DEFLATE, _ADOBE_DEFLATE, _LZMA):
        return  # uncompressed and PackBits cannot outgrow the size checked above much
    chunk = math.prod(int(n) for n in page.chunks) * max(1, page.dtype.itemsize if page.dtype else 1)
    handle = tif.filehandle
    for offset, count in zip(page.dataoffsets, page.databytecounts, strict=True):
        if count == 0:
            continue
        handle.seek(offset)
        data = handle.read(count)
        if _inflates_beyond(data, chunk, compression == _LZMA):
            raise ImageLoadError(
                f"{path.name}: a compressed strip inflates beyond the {chunk:,} bytes its header "
                "declares (a decompression bomb); refusing to decode it"
            )


def _inflates_beyond(data: bytes, limit: int, is_lzma: bool) -> bool:
    """Whether `data` inflates to more than `limit` bytes, holding at most 4 MB of output at once.
    Data that is not valid is left for the decoder to report."""
    try:
        return _lzma_beyond(data, limit) if is_lzma else _zlib_beyond(data, limit)
    except (zlib.error, lzma.LZMAError):
        return False


def _zlib_beyond(data: bytes, limit: int) -> bool:
    inflater = zlib.decompressobj()
    total, pending = 0, data
    while pending and not inflater.eof:
        total += len(inflater.decompress(pending, min(_CHUNK, limit + 1 - total)))
        if total > limit:
            return True
        pending = inflater.unconsumed_tail
    return False


def _lzma_beyond(data: bytes, limit: int) -> bool:
    inflater = lzma.LZMADecompressor()
    total, pending = 0, data
    while not inflater.eof:
        total += len(inflater.decompress(pending, min(_CHUNK, limit + 1 - total)))
        if total > limit:
            return True
        if inflater.needs_input:
            return False
        pending = b""
    return False
