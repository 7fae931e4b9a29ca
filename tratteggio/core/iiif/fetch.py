"""Fetch an IIIF image at full resolution: tiles within the server's limits, several at once,
stitched into one preallocated array, written as a lossless master with FILE.source.json naming
its source. Downloaded tiles wait in `.FILE.iiif-parts/` beside the output: a cancelled fetch
resumes from them; a failed one (refused, lying, truncated, timed out) removes them and writes
nothing; a finished one removes them after the master and its sidecar are committed together.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from tratteggio.core.errors import Cancelled
from tratteggio.core.iiif.http import KeptAlive
from tratteggio.core.iiif.service import IIIFError, Tile
from tratteggio.core.iiif.source import Source, resolve
from tratteggio.core.iiif.tiles import decode_tile, tile_limit
from tratteggio.core.io.fileset import FileSet, check_targets
from tratteggio.core.io.limits import amount, max_pixels
from tratteggio.core.io.pixelhash import pixels_sha256
from tratteggio.core.io.saving import output_format, write_photo
from tratteggio.core.photo import Photo

SOURCE_SUFFIX = ".source.json"
SCHEMA = "tratteggio.source/1"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Fetched:
    output: Path
    sidecar: Path
    width: int
    height: int
    tiles: int
    resumed: int  # tiles read back from an earlier, cancelled fetch
    identity: dict[str, object]


def source_sidecar(output: Path) -> Path:
    return output.with_name(output.name + SOURCE_SUFFIX)


def parts_folder(output: Path) -> Path:
    return output.with_name(f".{output.name}.iiif-parts")


def fetch_image(
    url: str,
    output: str | Path,
    *,
    canvas: int | None = None,
    connections: int = 4,
    timeout: float = 30.0,
    on_progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Fetched:
    output = Path(output)
    if output_format(output) not in ("png", "tiff"):
        raise IIIFError(f"{output.name}: a fetched master is written lossless: name a .png or .tif file")
    sidecar = source_sidecar(output)
    check_targets([output, sidecar])
    source = resolve(url, canvas, timeout)
    service = source.service
    if service.width * service.height > max_pixels():
        raise IIIFError(
            f"{url}: {service.width}x{service.height} is more than the {amount(max_pixels())} allowed "
            "(TRATTEGGIO_MAX_PIXELS)"
        )
    job = _Job(source, parts_folder(output), timeout, cancel or (lambda: False))
    pixels = job.run(max(1, connections), on_progress)
    identity = _identity(source, job, pixels)
    with FileSet([output, sidecar]) as staged:
        staged.write_with(output, lambda tmp: write_photo(Photo(pixels), tmp, output_format(output)))
        staged.write_bytes(sidecar, (json.dumps(identity, indent=2) + "\n").encode())
    shutil.rmtree(job.parts, ignore_errors=True)
    height, width = pixels.shape[:2]
    return Fetched(output, sidecar, width, height, len(job.tiles), job.resumed, identity)


def _identity(source: Source, job: _Job, pixels: np.ndarray) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "source": source.identity(),
        "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        "tile_format": job.kind,
        "tiles": len(job.tiles),
        "size": [int(pixels.shape[1]), int(pixels.shape[0])],
        "bit_depth": 16 if pixels.dtype == np.uint16 else 8,
        "pixels_sha256": pixels_sha256(pixels),
    }


class _Job:
    """The tiles of one fetch, downloaded by a pool of threads into one array."""

    def __init__(self, source: Source, parts: Path, timeout: float, cancel: Callable[[], bool]) -> None:
        self.source, self.parts, self.timeout, self.cancel = source, parts, timeout, cancel
        self.service = source.service
        self.tiles = self.service.tiles()
        self.kind = self.service.tile_format()
        self.canvas: np.ndarray | None = None
        self.resumed, self.done = 0, 0
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._http = KeptAlive(timeout)

    def run(self, connections: int, on_progress: Progress | None) -> np.ndarray:
        self._prepare_parts()
        try:
            self._place(self.tiles[0], self._tile(self.tiles[0]))  # its depth and channels size the canvas
            self._report(on_progress)
            with ThreadPoolExecutor(connections, thread_name_prefix="iiif") as pool:
                futures = [pool.submit(self._one, tile, on_progress) for tile in self.tiles[1:]]
                try:
                    finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
                except BaseException:  # Ctrl-C: stop the threads, keep what they fetched
                    self._stop.set()
                    raise
                self._stop.set()
                errors = [e for e in (f.exception() for f in finished) if e is not None]
                errors.sort(key=lambda e: isinstance(e, Cancelled))  # the cause first, not the stops
                if errors:
                    raise errors[0]
        except Cancelled:
            raise
        except BaseException as exc:
            if not isinstance(exc, KeyboardInterrupt):
                shutil.rmtree(self.parts, ignore_errors=True)
            raise
        assert self.canvas is not None
        return self.canvas

    def _prepare_parts(self) -> None:
        stamp = self.parts / "info.sha256"
        if self.parts.is_dir() and (
            not stamp.is_file() or stamp.read_text().strip() != self.source.info_sha256
        ):
            shutil.rmtree(self.parts, ignore_errors=True)  # another image's tiles: start afresh
        self.parts.mkdir(exist_ok=True)
        stamp.write_text(self.source.info_sha256 + "\n")

    def _one(self, tile: Tile, on_progress: Progress | None) -> None:
        if self._stop.is_set() or self.cancel():
            self._stop.set()
            raise Cancelled("fetch cancelled; the tiles fetched so far are kept to resume")
        self._place(tile, self._tile(tile))
        self._report(on_progress)

    def _tile(self, tile: Tile) -> np.ndarray:
        part = self.parts / f"{tile.name}.{self.kind}"
        url = self.service.tile_url(tile, self.kind)
        if part.is_file():
            data = part.read_bytes()
            with self._lock:
                self.resumed += 1
        else:
            data = self._http.get(url, limit=tile_limit(tile))
            scratch = part.with_suffix(".partial")
            scratch.write_bytes(data)
            scratch.replace(part)
        return decode_tile(data, tile, url)

    def _place(self, tile: Tile, pixels: np.ndarray) -> None:
        with self._lock:
            if self.canvas is None:
                shape = (self.service.height, self.service.width, *pixels.shape[2:])
                self.canvas = np.empty(shape, pixels.dtype)
            canvas = self.canvas
        if pixels.shape[2:] != canvas.shape[2:] or pixels.dtype != canvas.dtype:
            raise IIIFError(f"{self.service.id}: tiles differ in depth or channels ({tile.name})")
        canvas[tile.y : tile.y + tile.height, tile.x : tile.x + tile.width] = pixels

    def _report(self, on_progress: Progress | None) -> None:
        with self._lock:
            self.done += 1
            done = self.done
        if on_progress is not None:
            on_progress(done, len(self.tiles))


def master_source(master: Path | None, pixels: np.ndarray) -> dict[str, object] | None:
    """What MASTER.source.json says about where `master` was fetched from, if it is there and
    names these very pixels (a master edited since is no longer the museum's image)."""
    if master is None:
        return None
    sidecar = source_sidecar(Path(master))
    try:
        if not sidecar.is_file() or sidecar.stat().st_size > 1 << 20:
            return None
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return None
    if data.get("pixels_sha256") != pixels_sha256(pixels):
        return None
    return data
