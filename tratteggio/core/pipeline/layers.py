"""The layers of time: every step of a restoration as a picture of the whole photo.

Frames start from the photo and paste each StepPreview's region over it, so a run with several
regions plays region after region. They are 8-bit RGB, downscaled to `max_side`, for the
`--previews` PNG sequence, the animated GIF and the studio's timeline thumbnails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from tratteggio.core.io.atomic import write_bytes_atomic, write_with
from tratteggio.core.io.saving import encode_png, to_uint8
from tratteggio.core.pipeline.restore import StepPreview


def rgb8(pixels: np.ndarray) -> np.ndarray:
    """Any photo pixels as 8-bit RGB (alpha dropped, gray repeated)."""
    values = to_uint8(pixels)
    if values.ndim == 2:
        return np.repeat(values[:, :, None], 3, axis=2)
    if values.shape[2] in (1, 2):
        return np.repeat(values[:, :, :1], 3, axis=2)
    return np.ascontiguousarray(values[:, :, :3])


def frames(source: np.ndarray, previews: Sequence[StepPreview], max_side: int = 1024) -> Iterator[np.ndarray]:
    """The photo before the run, then one frame per step."""

    height, width = source.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    canvas = rgb8(_shrunk(source, size)) if scale < 1 else rgb8(source)  # shrink first: 50 MP stays cheap
    yield canvas.copy()
    for preview in previews:
        box = preview.box
        x0, y0 = round(box.x0 * scale), round(box.y0 * scale)
        x1, y1 = max(x0 + 1, round(box.x1 * scale)), max(y0 + 1, round(box.y1 * scale))
        pixels = preview.pixels
        if (x1 - x0, y1 - y0) != (box.width, box.height):
            pixels = _shrunk(pixels, (x1 - x0, y1 - y0))
        canvas[y0:y1, x0:x1] = rgb8(pixels)
        yield canvas.copy()


def _shrunk(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Area-resample any photo pixels (OpenCV keeps 8/16-bit and float, up to 4 channels)."""
    import cv2

    out = cv2.resize(np.ascontiguousarray(pixels), size, interpolation=cv2.INTER_AREA)
    return out if out.ndim == pixels.ndim else out[:, :, None]


def write_png_sequence(folder: Path, source: np.ndarray, previews: Sequence[StepPreview]) -> int:
    """`folder/step-000.png` (the photo before), `step-001.png`, ...; returns the count written."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for count, frame in enumerate(frames(source, previews, max_side=2048), start=1):
        write_bytes_atomic(folder / f"step-{count - 1:03d}.png", encode_png(frame))
    return count


def write_animation(path: Path, source: np.ndarray, previews: Sequence[StepPreview], ms: int = 150) -> None:
    """An animated GIF or WebP (from the extension), holding the last frame a little longer."""
    write_with(path, animation_writer(path, source, previews, ms))


ANIMATION_SUFFIXES = (".gif", ".webp")
Writer = Callable[[Path], object]


def animation_writer(
    path: Path, source: np.ndarray, previews: Sequence[StepPreview], ms: int = 150
) -> Writer:
    """A function writing the animation of `previews` to the file it is given (a staged part)."""
    from PIL import Image

    kind = "WEBP" if path.suffix.lower() == ".webp" else "GIF"

    def write(tmp: Path) -> None:
        images = [Image.fromarray(frame) for frame in frames(source, previews, max_side=768)]
        durations = [ms] * (len(images) - 1) + [ms * 8]
        images[0].save(tmp, kind, save_all=True, append_images=images[1:], duration=durations, loop=0)

    return write


def is_sequence_name(name: str) -> bool:
    """Whether `name` is one `write_png_sequence` or `sequence_writers` may write."""
    stem, dot, ext = name.lower().partition(".")
    return ext == "png" and stem.startswith("step-") and stem[5:].isdigit() and len(stem) >= 8


def sequence_writers(
    folder: Path, source: np.ndarray, previews: Sequence[StepPreview]
) -> list[tuple[Path, Writer]]:
    """`folder/step-NNN.png` targets with functions writing them, to be called in order: each
    encodes the next frame only when called, so a long run never holds every frame at once."""
    pending = frames(source, previews, max_side=2048)

    def write(tmp: Path) -> None:
        tmp.write_bytes(encode_png(next(pending)))

    return [(folder / f"step-{index:03d}.png", write) for index in range(len(previews) + 1)]
