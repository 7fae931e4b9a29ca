"""A level-0 IIIF server for the tests and the benchmark: a static tile set generated from an
array (info.json and full-resolution tiles on disk), served by http.server on 127.0.0.1, with an
optional latency per request and faults by path.

    python -m tests.iiif.server FOLDER [--latency S]     # serve a tile set made before; prints the URL
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import cv2
import numpy as np

Fault = Callable[[BaseHTTPRequestHandler], None]
IMAGE = "iiif/image"


def make_tileset(
    folder: Path, pixels: np.ndarray, *, version: int = 2, tile: int = 512, base: str = ""
) -> Path:
    """Write the tiles of `pixels` (RGB or gray, 8 or 16 bits) as PNG, and info.json naming `base`."""
    height, width = pixels.shape[:2]
    root = folder / IMAGE
    bgr = pixels[..., ::-1] if pixels.ndim == 3 else pixels
    for y in range(0, height, tile):
        for x in range(0, width, tile):
            w, h = min(tile, width - x), min(tile, height - y)
            size = f"{w},{h}" if version == 3 else f"{w},"
            path = root / f"{x},{y},{w},{h}" / size / "0" / "default.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(
                cv2.imencode(".png", np.ascontiguousarray(bgr[y : y + h, x : x + w]))[1].tobytes()
            )
    write_info(root, width, height, version=version, tile=tile, base=base)
    return root


def write_info(
    root: Path, width: int, height: int, *, version: int, tile: int, base: str, **more: object
) -> None:
    if version == 3:
        info = {
            "@context": "http://iiif.io/api/image/3/context.json",
            "id": f"{base}/{IMAGE}",
            "type": "ImageService3",
            "profile": "level0",
            "extraFormats": ["png"],
        }
    else:
        info = {
            "@context": "http://iiif.io/api/image/2/context.json",
            "@id": f"{base}/{IMAGE}",
            "profile": ["http://iiif.io/api/image/2/level0.json", {"formats": ["png"]}],
        }
    info.update(width=width, height=height, tiles=[{"width": tile, "scaleFactors": [1]}], **more)
    (root / "info.json").write_text(json.dumps(info))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as museum servers do

    def __init__(
        self, *args: object, root: Path, latency: float, faults: dict[str, Fault], **kw: object
    ) -> None:
        self.root, self.latency, self.faults = root, latency, faults
        super().__init__(*args, **kw)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            self._answer()

    def _answer(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if self.latency:
            time.sleep(self.latency)
        for pattern, fault in self.faults.items():
            if pattern in path:
                fault(self)
                return
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_file() or self.root.resolve() not in file.parents:
            self.send_error(404)
            return
        data = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if file.suffix == ".json" else "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(root: Path, latency: float = 0.0, faults: dict[str, Fault] | None = None) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 in a thread; yields the base URL."""
    handler = partial(_Handler, root=root, latency=latency, faults=faults or {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str]) -> int:
    latency = float(argv[argv.index("--latency") + 1]) if "--latency" in argv else 0.0
    with serving(Path(argv[0]), latency) as url:
        print(url, flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
