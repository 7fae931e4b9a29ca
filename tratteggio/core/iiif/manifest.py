"""A Presentation manifest (version 2 or 3): its canvases' image services, label, rights and
attribution, as the master's identity names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tratteggio.core.iiif.service import IIIFError


@dataclass(frozen=True)
class CanvasImage:
    """What a manifest says about the image of one canvas."""

    service: str  # the Image API service's base URL
    label: str
    rights: str | None
    attribution: str | None
    canvases: int


def is_manifest(data: Any) -> bool:
    kind = str(data.get("type") or data.get("@type") or "") if isinstance(data, dict) else ""
    return kind in ("Manifest", "sc:Manifest")


def canvas_image(data: dict[str, Any], canvas: int | None, where: str) -> CanvasImage:
    """The image service of canvas number `canvas` (1-based; None: the only one); IIIFError if
    there is none, or several and no choice."""
    canvases = _canvases(data)
    if canvas is None and len(canvases) > 1:
        raise IIIFError(f"{where}: the manifest has {len(canvases)} canvases; choose one with --canvas N")
    canvas = canvas or 1
    if not canvases:
        raise IIIFError(f"{where}: the manifest has no canvas")
    if not 1 <= canvas <= len(canvases):
        raise IIIFError(f"{where}: --canvas {canvas} is out of range; the manifest has {len(canvases)}")
    service = _service(canvases[canvas - 1])
    if service is None:
        raise IIIFError(f"{where}: canvas {canvas} has no IIIF image service")
    label = _text(canvases[canvas - 1].get("label")) or _text(data.get("label")) or ""
    rights = data.get("rights") or data.get("license")
    attribution = _text(data.get("attribution")) or _statement(data.get("requiredStatement"))
    return CanvasImage(service.rstrip("/"), label, _text(rights), attribution, len(canvases))


def _canvases(data: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(data.get("items"), list):  # version 3
        return [c for c in data["items"] if isinstance(c, dict)]
    sequences = data.get("sequences") or [{}]
    first = sequences[0] if isinstance(sequences, list) and isinstance(sequences[0], dict) else {}
    return [c for c in first.get("canvases", []) if isinstance(c, dict)]


def _service(canvas: dict[str, Any]) -> str | None:
    for body in _bodies(canvas):
        services = body.get("service") or []
        for service in services if isinstance(services, list) else [services]:
            if isinstance(service, dict):
                ident = service.get("id") or service.get("@id")
                if isinstance(ident, str):
                    return ident
    return None


def _bodies(canvas: dict[str, Any]) -> list[dict[str, Any]]:
    bodies = [image.get("resource") for image in canvas.get("images", []) if isinstance(image, dict)]
    for page in canvas.get("items", []):
        for annotation in page.get("items", []) if isinstance(page, dict) else []:
            if isinstance(annotation, dict):
                bodies.append(annotation.get("body"))
    return [b for b in bodies if isinstance(b, dict)]


def _text(value: Any) -> str | None:
    """A label in any of IIIF's spellings: a string, a language map, a v2 list of @value."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        texts = [t for items in value.values() for t in (items if isinstance(items, list) else [items])]
        return "; ".join(str(t) for t in texts) or None
    if isinstance(value, list):
        return "; ".join(filter(None, (_text(v) for v in value))) or None
    return str(value)


def _statement(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    label, text = _text(value.get("label")), _text(value.get("value"))
    return f"{label}: {text}" if label and text else text
