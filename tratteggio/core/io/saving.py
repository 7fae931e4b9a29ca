"""Writing photos: format from the extension, bit depth and ICC kept where the format allows.

All writes are atomic. PNG and TIFF also carry an XMP packet when one is given.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tratteggio.core.errors import ImageSaveError
from tratteggio.core.io.atomic import write_bytes_atomic, write_with
from tratteggio.core.io.pngchunks import iccp_chunk, insert_after_ihdr, xmp_chunk
from tratteggio.core.photo import Photo

SAVE_FORMATS = {
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".webp": "webp",
    ".bmp": "bmp",
}


def output_format(path: Path) -> str:
    if Path(path).is_dir():
        raise ImageSaveError(
            f"{path}: is a folder; name a file to write (e.g. {Path(path) / 'restored.png'})"
        )
    kind = SAVE_FORMATS.get(path.suffix.lower())
    if kind is None:
        names = ", ".join(sorted(SAVE_FORMATS))
        raise ImageSaveError(f"{path.name}: unknown output format '{path.suffix}' (use {names})")
    return kind


def save_photo(photo: Photo, path: str | Path, *, xmp: bytes | None = None) -> None:
    """Write `photo` to `path` atomically in the format its extension names."""
    path = Path(path)
    kind = output_format(path)
    write_with(path, lambda tmp: write_photo(photo, tmp, kind, xmp=xmp))


def write_photo(photo: Photo, path: Path, kind: str, *, xmp: bytes | None = None) -> None:
    """Write `photo` to `path` (not atomically: for files staged by a caller) as `kind`."""
    if kind == "tiff":
        _write_tiff(photo, path, xmp)
    elif kind == "png":
        path.write_bytes(encode_png(photo.pixels, photo.icc_profile, xmp))
    else:
        _write_pillow(photo, path, kind)


def inexact_reason(photo: Photo, kind: str) -> str | None:
    """Why `kind` cannot hold `photo`'s pixels exactly (None: it can). Measured by round trips of
    every dtype and channel count through our own writers and readers."""
    depth, channels = photo.pixels.dtype, photo.channels
    if kind == "tiff":
        return None
    if kind == "jpeg":
        return "JPEG is lossy" + (" and drops the alpha channel" if photo.has_alpha else "")
    if depth == np.float32:
        return f"{kind.upper()} cannot hold 32-bit float samples (use .tif)"
    if kind == "png":
        return "16-bit gray+alpha fits TIFF only" if depth == np.uint16 and channels == 2 else None
    if depth != np.uint8:
        return f"{kind.upper()} holds 8 bits per sample, the master has {photo.bit_depth} (use .png or .tif)"
    if kind == "webp" and channels < 3:
        return "WebP stores gray as RGB (use .png)"
    if kind == "bmp" and channels == 2:
        return "BMP has no gray+alpha (use .png)"
    return None


def check_exact(photo: Photo, path: Path, lossy: bool) -> str | None:
    """Refuse (ImageSaveError) an output format that would change the master's pixels, unless the
    user accepted it with `lossy`; return the reason when accepted."""
    reason = inexact_reason(photo, output_format(path))
    if reason and not lossy:
        raise ImageSaveError(
            f"{path.name}: {reason}, so pixels outside the restored area would change; choose a "
            "lossless format (.tif, .png) or pass --lossy to accept it"
        )
    return reason


def encode_png(pixels: np.ndarray, icc: bytes | None = None, xmp: bytes | None = None) -> bytes:
    """PNG bytes at 8 or 16 bits, with optional ICC profile and XMP."""
    import cv2

    if pixels.dtype == np.float32:
        pixels = np.clip(np.rint(pixels * 65535.0), 0, 65535).astype(np.uint16)
    if pixels.ndim == 3 and pixels.shape[2] == 2:
        return _encode_png_gray_alpha(pixels, icc, xmp)
    bgr = pixels
    if pixels.ndim == 3 and pixels.shape[2] >= 3:
        bgr = pixels[:, :, [2, 1, 0, 3][: pixels.shape[2]]]
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(bgr), [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ImageSaveError("PNG encoding failed")
    extra = (iccp_chunk(icc) if icc else b"") + (xmp_chunk(xmp) if xmp else b"")
    return insert_after_ihdr(buf.tobytes(), extra) if extra else buf.tobytes()


def _encode_png_gray_alpha(pixels: np.ndarray, icc: bytes | None, xmp: bytes | None) -> bytes:
    import io

    from PIL import Image

    if pixels.dtype != np.uint8:
        raise ImageSaveError("16-bit gray+alpha photos can be saved as TIFF only")
    buf = io.BytesIO()
    Image.fromarray(pixels, "LA").save(buf, "PNG", compress_level=3)
    extra = (iccp_chunk(icc) if icc else b"") + (xmp_chunk(xmp) if xmp else b"")
    return insert_after_ihdr(buf.getvalue(), extra) if extra else buf.getvalue()


def _write_tiff(photo: Photo, tmp: Path, xmp: bytes | None) -> None:
    import tifffile

    pixels = photo.pixels
    rgb = photo.color_channels == 3
    extratags = [(700, 1, len(xmp), xmp, True)] if xmp else []
    tifffile.imwrite(
        tmp,
        pixels,
        photometric="rgb" if rgb else "minisblack",
        extrasamples=("unassalpha",) if photo.has_alpha else None,
        iccprofile=photo.icc_profile,
        extratags=extratags,
        software="Tratteggio",
        metadata=None,
    )


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """Reduce to 8 bits for formats that hold no more (rounded, not truncated)."""
    if pixels.dtype == np.uint8:
        return pixels
    if pixels.dtype == np.uint16:
        import cv2

        if pixels.ndim == 2 or pixels.shape[2] <= 4:  # OpenCV rounds half to even, like np.rint
            return cv2.convertScaleAbs(np.ascontiguousarray(pixels), alpha=1 / 257.0)
        return np.rint(pixels / 257.0).astype(np.uint8)
    return np.clip(np.rint(pixels * 255.0), 0, 255).astype(np.uint8)


def _write_pillow(photo: Photo, tmp: Path, kind: str) -> None:
    from PIL import Image

    pixels = to_uint8(photo.pixels)
    mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[photo.channels]
    if kind == "jpeg" and photo.has_alpha:
        pixels, mode = (pixels[:, :, 0], "L") if photo.channels == 2 else (pixels[:, :, :3], "RGB")
    image = Image.fromarray(np.ascontiguousarray(pixels), mode)
    options: dict[str, object] = {}
    if photo.icc_profile and kind in ("jpeg", "webp"):
        options["icc_profile"] = photo.icc_profile
    if kind == "jpeg":
        options.update(quality=95, subsampling=0)
    if kind == "webp":
        options.update(lossless=True)
    image.save(tmp, {"jpeg": "JPEG", "webp": "WEBP", "bmp": "BMP"}[kind], **options)


def write_mask_png(bits: np.ndarray, path: Path, inputs: list[Path]) -> None:
    """A mask as a 1-bit PNG (white = damage), written atomically and never over an input."""
    import io

    from PIL import Image

    from tratteggio.core.io.fileset import check_targets

    if output_format(path) != "png":
        raise ImageSaveError(f"{path.name}: masks are saved as PNG (1 bit per pixel)")
    check_targets([path], inputs)
    buffer = io.BytesIO()
    Image.fromarray(bits.astype(np.uint8) * 255).convert("1").save(buffer, "PNG", optimize=True)
    write_bytes_atomic(path, buffer.getvalue())
