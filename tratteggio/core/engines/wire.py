"""What goes between a Tratteggio client and a Tratteggio server: JSON text messages and PNG images
on one WebSocket per model call, never pickle. Shared by both sides, so they cannot drift.

    client -> {"op": "info"}                                   server -> {"type": "info", ...}
    client -> {"op": "prepare", "request": {...}}              server -> {"type": "prepared", ...}
    client -> {"op": "fill", "request": {...}, "width": W, "height": H}, PNG image, PNG mask
              server -> {"type": "step", "step": i, "timestep": t}, PNG preview    (one per step)
              server -> {"type": "done"}, PNG fill
    client -> {"op": "cancel"} at any time        server -> {"type": "cancelled", "step": i}

While a call waits for the device the server sends {"type": "queued", "position": n} (n runs ahead
of it); {"type": "started"} when it has the device. A refusal is {"type": "error", "kind": ...,
"message": ...}; every message of the server carries "type".
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tratteggio.core.errors import RequestError

if TYPE_CHECKING:
    import numpy as np

PROTOCOL = 1
INFO_PATH = "/v1/info"
RUN_PATH = "/v1/run"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_TOKEN_CHARS = 16
MAX_JSON_CHARS = 1 << 20  # a text message: a request, an info reply; far more than either needs


@dataclass(frozen=True)
class Limits:
    """What one call may ask of a server: larger crops, more steps or longer prompts are refused with
    a message before anything runs."""

    max_side: int = 2048
    max_steps: int = 150
    max_prompt: int = 1000
    max_queue: int = 16

    def message_bytes(self) -> int:
        """The largest WebSocket message a client may send: a worst-case PNG of the largest crop."""
        return self.max_side * self.max_side * 3 + (1 << 20)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def parse_message(text: str | bytes | None, what: str = "a message") -> dict[str, Any]:
    """A text message as a JSON object; RequestError for anything else (not JSON, not an object,
    larger than MAX_JSON_CHARS, nested deeper than the parser's recursion limit), never more."""
    if not isinstance(text, str):
        raise RequestError(f"{what} must be a JSON object, not binary data")
    if len(text) > MAX_JSON_CHARS:
        raise RequestError(f"{what} is longer than {MAX_JSON_CHARS:,} characters")
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else "not JSON"
        raise RequestError(f"{what} must be a JSON object ({why})") from None
    if not isinstance(value, dict):
        raise RequestError(f"{what} must be a JSON object, not {type(value).__name__}")
    return value


def encode_png(pixels: np.ndarray, compression: int = 1) -> bytes:
    """uint8 or uint16 gray or RGB as PNG bytes (RGB in RGB order: any viewer shows it right).

    Compression 1: the images are small or noisy, and on a fast link the time goes into deflate."""
    import cv2
    import numpy as np

    array = pixels[:, :, ::-1] if pixels.ndim == 3 else pixels
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(array), [cv2.IMWRITE_PNG_COMPRESSION, compression])
    if not ok:
        raise RequestError("could not encode an image for the wire")
    return buf.tobytes()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header, read before decoding anything."""
    if len(data) < 33 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise RequestError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def decode_png(
    data: bytes, channels: int, dtype: type, size: tuple[int, int] | None = None, max_side: int = 8192
) -> np.ndarray:
    """The image in `data`: `channels` channels of `dtype`, `size` (width, height) if given, no side
    over `max_side`; RequestError otherwise. The size is read from the header first, so a small
    message cannot decompress into a huge image."""
    import cv2
    import numpy as np

    width, height = png_size(data)
    if size is not None and (width, height) != size:
        raise RequestError(f"the image is {width}x{height}, not the announced {size[0]}x{size[1]}")
    if max(width, height) > max_side:
        raise RequestError(f"the image is {width}x{height}: larger than {max_side} px on a side")
    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    shape = (height, width, channels) if channels > 1 else (height, width)
    if array is None or array.shape != shape or array.dtype != dtype:
        got = "undecodable" if array is None else f"{array.shape} {array.dtype}"
        raise RequestError(f"the image must be {shape} {np.dtype(dtype)}, got {got}")
    return np.ascontiguousarray(array[:, :, ::-1]) if channels > 1 else array


def read_token(path: str | Path) -> str:
    """The bearer token in a file (surrounding whitespace ignored); RequestError if it is missing,
    unreadable or too short to be a secret."""
    path = Path(path).expanduser()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestError(f"{path}: cannot read the token file ({exc.__class__.__name__})") from None
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
        raise RequestError(
            f"{path}: a token must be one word of at least {MIN_TOKEN_CHARS} characters; make one with "
            'python -c "import secrets; print(secrets.token_urlsafe(32))" > FILE'
        )
    return token
