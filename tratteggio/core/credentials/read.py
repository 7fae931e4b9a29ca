"""Read the Content Credentials of a file: valid or not, who signed, what was done, and the
conservation record they carry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tratteggio.core.credentials.identity import CredentialsError
from tratteggio.core.credentials.sign import MASTER_HASH, RECORD_LABEL, context, require_c2pa

UNTRUSTED_CODE = "signingCredential.untrusted"
_SNIFF = {
    b"\x89PNG": "image/png",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
    b"\xff\xd8\xff": "image/jpeg",
}


@dataclass(frozen=True)
class Credentials:
    """The active manifest as a reader sees it. `state` is C2PA's: Valid (signed and intact, the
    root not in any trust list), Trusted, or Invalid (then `failures` says why)."""

    state: str
    failures: list[str]
    signer: str
    issuer: str
    signed_at: str | None
    actions: list[str]
    master_sha256: str | None
    record: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.state in ("Valid", "Trusted") and not self.failures


def read_credentials(path: Path, trust: bytes | None = None) -> Credentials:
    """CredentialsError when `path` carries none or they cannot be decoded at all. `trust`: PEM
    roots to trust (a lab's own root.pem); without it a valid signature is Valid, not Trusted."""
    c2pa = require_c2pa()
    try:
        with path.open("rb") as stream:
            reader = c2pa.Reader(_mime(path), stream, context=context(trust))
            manifest = reader.get_active_manifest() or {}
            state = reader.get_validation_state() or "Invalid"
            results = reader.get_validation_results() or {}
    except OSError as exc:
        raise CredentialsError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    except c2pa.C2paError as exc:
        text = str(exc)
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in text:
            raise CredentialsError(f"{path.name}: carries no Content Credentials") from None
        raise CredentialsError(f"{path.name}: its Content Credentials are corrupt ({text})") from None
    return _described(manifest, state, results)


def _mime(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(12)
    for magic, mime in _SNIFF.items():
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise CredentialsError(f"{path.name}: not a PNG, TIFF, JPEG or WebP file")


def _described(manifest: dict[str, Any], state: str, results: dict[str, Any]) -> Credentials:
    info = manifest.get("signature_info") or {}
    failures = [f"{f.get('code')}: {f.get('explanation', '')}" for f in _failures(results)]
    assertions = {a.get("label"): a.get("data") for a in manifest.get("assertions", [])}
    actions = (assertions.get("c2pa.actions.v2") or assertions.get("c2pa.actions") or {}).get("actions", [])
    ingredients = manifest.get("ingredients") or [{}]
    record = _record(assertions.get(RECORD_LABEL))
    return Credentials(
        state=state,
        failures=failures,
        signer=str(info.get("common_name") or "unknown"),
        issuer=str(info.get("issuer") or "unknown"),
        signed_at=info.get("time"),
        actions=[_action_text(a) for a in actions],
        master_sha256=(ingredients[0].get("metadata") or {}).get(MASTER_HASH),
        record=record,
    )


def _record(data: Any) -> dict[str, Any] | None:
    try:
        record = json.loads(data["record"])
    except (TypeError, KeyError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _failures(results: dict[str, Any]) -> list[dict[str, Any]]:
    """What makes the manifest invalid; an untrusted signer is not a fault of the file."""
    active = results.get("activeManifest") or {}
    return [f for f in active.get("failure") or [] if f.get("code") != UNTRUSTED_CODE]


def _action_text(action: dict[str, Any]) -> str:
    source = str(action.get("digitalSourceType") or "").rsplit("/", 1)[-1]
    text = str(action.get("action", "?"))
    if action.get("description"):
        text = f"{text}: {action['description']}"
    return f"{text} [{source}]" if source else text
