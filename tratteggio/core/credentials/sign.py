"""Sign a staged photo: a C2PA manifest naming the master as its parent ingredient, one action per
intervention with its IPTC digital source type, and the conservation record as a custom assertion.

The manifest is built from the record's JSON (this room sits below `record`); `sign_staged` copies
the unsigned file into a signed one, so the writer can stage it inside its file set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tratteggio import __version__
from tratteggio.core.credentials.identity import CredentialsError, Identity

RECORD_LABEL = "org.tratteggio.conservation-record"
MASTER_HASH = "org.tratteggio.sha256"
MIME = {"png": "image/png", "tiff": "image/tiff", "jpeg": "image/jpeg", "webp": "image/webp"}
MISSING = "Content Credentials need the credentials extra: pip install 'tratteggio[credentials]'"
CREATED = "c2pa.created"
_MASTER_MIME = {
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def require_c2pa() -> Any:
    """The `c2pa` module, or CredentialsError with the one line that says how to install it."""
    try:
        import c2pa
    except ImportError:
        raise CredentialsError(MISSING) from None
    return c2pa


def context(trust: bytes | None = None) -> Any:
    """A c2pa context without thumbnails (a 24 MP thumbnail costs seconds and shows nothing new),
    trusting the roots in the PEM `trust` if given."""
    settings: dict[str, Any] = {"builder": {"thumbnail": {"enabled": False}}}
    if trust:
        settings["trust"] = {"trust_anchors": trust.decode("ascii", "replace")}
    return require_c2pa().Context.from_dict(settings)


def mime_for(kind: str) -> str:
    """The media type C2PA embeds into, for an output format; CredentialsError for BMP."""
    if kind not in MIME:
        raise CredentialsError(
            f"a {kind.upper()} file cannot carry Content Credentials; export PNG, TIFF, JPEG or WebP"
        )
    return MIME[kind]


def manifest_for(record: dict[str, Any], title: str, actions: Mapping[str, str]) -> dict[str, Any]:
    """The manifest of an output whose conservation record is `record` (its JSON object); `actions`
    names each intervention kind's C2PA action (a kind whose action is `CREATED` makes the picture
    from nothing; a kind not named is "c2pa.edited")."""
    master, items = record["master"], record["interventions"]
    created = bool(items) and actions.get(items[0]["kind"]) == CREATED
    ingredients, first = [], {"action": CREATED, "digitalSourceType": record["digital_source_type"]}
    if not created:
        ingredients = [_ingredient(master)]
        first = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["master"]}}
    steps = [_action(item, actions) for item in items if actions.get(item["kind"]) != CREATED]
    return {
        "claim_generator_info": [{"name": "Tratteggio", "version": __version__}],
        "title": title,
        "ingredients": ingredients,
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": [first, *steps]}},
            # as JSON text: c2pa would turn lists of small integers (a mask's box) into byte strings
            {"label": RECORD_LABEL, "data": {"media_type": "application/json", "record": json.dumps(record)}},
        ],
    }


def _ingredient(master: dict[str, Any]) -> dict[str, Any]:
    name = master.get("file") or "master"
    return {
        "title": name,
        "format": _MASTER_MIME.get(Path(name).suffix.lower(), "image/tiff"),
        "relationship": "parentOf",
        "instance_id": "master",
        "metadata": {MASTER_HASH: master.get("sha256") or ""},
    }


def _action(item: dict[str, Any], actions: Mapping[str, str]) -> dict[str, Any]:
    pixels = item.get("effective_mask", {}).get("pixel_count", 0)
    engine = item.get("engine", {}).get("name") or item.get("kind")
    return {
        "action": actions.get(item["kind"], "c2pa.edited"),
        "digitalSourceType": item["digital_source_type"],
        "softwareAgent": {"name": "Tratteggio", "version": __version__},
        "description": f"intervention {item['id']}: {item['kind']} by {engine}, {pixels} pixels",
    }


def sign_staged(source: Path, target: Path, kind: str, manifest: dict[str, Any], identity: Identity) -> None:
    """Write `source` (an unsigned photo of `kind`) to `target` with `manifest` signed by `identity`."""
    c2pa = require_c2pa()
    mime = mime_for(kind)
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(identity.alg.encode(), identity.chain_pem, identity.key_pem, None)
        )
        builder = c2pa.Builder(json.dumps(manifest), context())
        with source.open("rb") as src, target.open("w+b") as dst:
            builder.sign(signer, mime, src, dst)
    except c2pa.C2paError as exc:
        raise CredentialsError(f"could not sign with {identity.describe()}: {exc}") from None
