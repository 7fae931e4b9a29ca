"""What an IIIF Image API server declares (info.json, version 2 or 3), and what a Presentation
manifest says about an image: its service, label, rights and attribution."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tratteggio.core.errors import TratteggioError


class IIIFError(TratteggioError):
    """An IIIF source is unreachable, refuses us, lies, or is not IIIF."""


@dataclass(frozen=True)
class Tile:
    """One region of the full-resolution image, and the size parameter that asks for it whole."""

    x: int
    y: int
    width: int
    height: int
    size: str

    @property
    def name(self) -> str:
        return f"{self.x}_{self.y}_{self.width}_{self.height}"


@dataclass(frozen=True)
class ImageService:
    """An Image API service: its base URL (`id`), full size, limits and what it can send."""

    id: str
    version: int  # 2 or 3
    width: int
    height: int
    tile_width: int | None
    tile_height: int | None
    scale_factors: tuple[int, ...]
    max_width: int | None
    max_height: int | None
    max_area: int | None
    formats: tuple[str, ...]
    level: int
    extra: dict[str, Any] = field(default_factory=dict)

    def tile_format(self) -> str:
        """The best lossless format the server offers (png, then tif), else jpg."""
        for kind in ("png", "tif"):
            if kind in self.formats:
                return kind
        return "jpg"

    def tiles(self, fallback: int = 512) -> list[Tile]:
        """The full-resolution regions, each within the server's limits; a level-0 server is asked
        only for the tiles it declares (scale factor 1)."""
        width, height = self._tile_size(fallback)
        tiles = []
        for y in range(0, self.height, height):
            for x in range(0, self.width, width):
                w, h = min(width, self.width - x), min(height, self.height - y)
                tiles.append(Tile(x, y, w, h, self._size(w, h)))
        return tiles

    def _tile_size(self, fallback: int) -> tuple[int, int]:
        if self.tile_width and 1 in self.scale_factors:
            width, height = self.tile_width, self.tile_height or self.tile_width
        elif self.level == 0 and self.tile_width is None:
            width, height = self.width, self.height  # nothing but the whole image
        elif self.level == 0:
            raise IIIFError(f"{self.id}: a level-0 service without full-resolution tiles (scale factor 1)")
        else:
            width = height = fallback
        max_height = self.max_height or self.max_width  # maxWidth alone bounds both (Image API 3)
        width, height = min(width, self.max_width or width), min(height, max_height or height)
        if self.max_area and width * height > self.max_area:
            side = max(1, math.isqrt(self.max_area))
            width, height = min(width, side), min(height, side)
        return width, height

    def _size(self, w: int, h: int) -> str:
        if self.version >= 3:
            return f"{w},{h}"
        return f"{w},"

    def tile_url(self, tile: Tile, kind: str) -> str:
        quality = "default"
        return f"{self.id}/{tile.x},{tile.y},{tile.width},{tile.height}/{tile.size}/0/{quality}.{kind}"


def parse_info(data: Any, where: str) -> ImageService:
    """An ImageService from an info.json object; IIIFError naming what is missing."""
    if not isinstance(data, dict):
        raise IIIFError(f"{where}: not an IIIF info.json (not a JSON object)")
    version = (
        3
        if "iiif.io/api/image/3" in str(data.get("@context", "")) or data.get("type") == "ImageService3"
        else 2
    )
    ident = data.get("id") or data.get("@id")
    width, height = data.get("width"), data.get("height")
    if not isinstance(ident, str) or not isinstance(width, int) or not isinstance(height, int):
        raise IIIFError(f"{where}: not an IIIF info.json (no id, width and height)")
    if not _positive(width) or not _positive(height):
        raise IIIFError(f"{where}: not an IIIF info.json (no id, width and height)")
    tiles = data.get("tiles") or [{}]
    first = tiles[0] if isinstance(tiles, list) and tiles and isinstance(tiles[0], dict) else {}
    profile, level = _profile(data.get("profile"), version)
    formats = [*profile.get("formats", []), *data.get("extraFormats", []), *data.get("preferredFormats", [])]
    if level == 0 or not formats:
        formats.append("jpg")
    return ImageService(
        id=ident.rstrip("/"),
        version=version,
        width=width,
        height=height,
        tile_width=_int(first.get("width")),
        tile_height=_int(first.get("height")),
        scale_factors=tuple(int(s) for s in first.get("scaleFactors", [1]) if _positive(s)),
        max_width=_int(data.get("maxWidth", profile.get("maxWidth"))),
        max_height=_int(data.get("maxHeight", profile.get("maxHeight"))),
        max_area=_int(data.get("maxArea", profile.get("maxArea"))),
        formats=tuple(str(f).lower().replace("tiff", "tif") for f in formats),
        level=level,
        extra={k: data[k] for k in ("rights", "license", "attribution", "requiredStatement") if k in data},
    )


def _profile(profile: Any, version: int) -> tuple[dict[str, Any], int]:
    items = profile if isinstance(profile, list) else [profile]
    level, merged = 2, {}
    for item in items:
        if isinstance(item, str) and "level" in item:
            level = int(next((c for c in reversed(item) if c.isdigit()), "2"))
        elif isinstance(item, dict):
            merged.update(item)
    return merged, level


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _int(value: Any) -> int | None:
    return int(value) if _positive(value) else None
