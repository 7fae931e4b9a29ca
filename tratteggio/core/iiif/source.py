"""Where an IIIF image comes from: an info.json, a service's base URL or a manifest's canvas,
resolved to the service, with what identifies it (the info.json's hash, rights, attribution)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from tratteggio.core.iiif.http import check_url, get
from tratteggio.core.iiif.manifest import CanvasImage, canvas_image, is_manifest
from tratteggio.core.iiif.service import IIIFError, ImageService, parse_info

MAX_JSON_BYTES = 16 << 20


@dataclass(frozen=True)
class Source:
    url: str
    info_url: str
    info_sha256: str
    service: ImageService
    canvas: int | None = None
    image: CanvasImage | None = None

    def identity(self) -> dict[str, Any]:
        """What the master's identity names about its source (FILE.source.json)."""
        extra = self.service.extra
        return {
            "url": self.url,
            "info_url": self.info_url,
            "info_sha256": self.info_sha256,
            "service": self.service.id,
            "image_api": self.service.version,
            "canvas": self.canvas,
            "label": self.image.label if self.image else None,
            "rights": (self.image.rights if self.image else None)
            or _plain(extra.get("rights") or extra.get("license")),
            "attribution": (self.image.attribution if self.image else None)
            or _plain(extra.get("attribution")),
        }


def resolve(url: str, canvas: int | None, timeout: float) -> Source:
    """The service `url` leads to; a manifest needs `canvas` unless it has a single one."""
    check_url(url)
    if not url.rstrip("/").endswith(".json") and "manifest" not in url:
        return _service(url, url.rstrip("/") + "/info.json", timeout, None, None)
    data, raw = _json(url, timeout)
    if is_manifest(data):
        image = canvas_image(data, canvas, url)
        return _service(url, image.service + "/info.json", timeout, canvas or 1, image)
    if canvas is not None:
        raise IIIFError(f"{url}: --canvas applies to a manifest, and this is an info.json")
    return Source(url, url, hashlib.sha256(raw).hexdigest(), parse_info(data, url))


def _service(
    url: str, info_url: str, timeout: float, canvas: int | None, image: CanvasImage | None
) -> Source:
    data, raw = _json(info_url, timeout)
    return Source(url, info_url, hashlib.sha256(raw).hexdigest(), parse_info(data, info_url), canvas, image)


def _json(url: str, timeout: float) -> tuple[Any, bytes]:
    raw = get(url, limit=MAX_JSON_BYTES, timeout=timeout)
    try:
        return json.loads(raw), raw
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise IIIFError(f"{url}: not JSON (neither an IIIF info.json nor a manifest)") from None


def _plain(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else json.dumps(value)


__all__ = ["Source", "asdict", "resolve"]
