"""Content Credentials on a documented set: sign the staged output, and check a signed one.

The record names the unsigned output's bytes (`output.sha256`, what `rerun` reproduces to the byte)
and, when signed, the pixels' hash and the signer: a signed file holds the same pixels but other
bytes (the manifest, its signature and time). `verify` checks the signature, that the manifest's
record is this record, and that the pixels are still the ones it names: one changed pixel fails.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import numpy as np

from tratteggio.core.credentials.identity import CredentialsError, Identity
from tratteggio.core.credentials.read import Credentials, read_credentials
from tratteggio.core.credentials.sign import manifest_for, sign_staged
from tratteggio.core.errors import TratteggioError
from tratteggio.core.io.fileset import FileSet
from tratteggio.core.io.loading import load_photo
from tratteggio.core.io.pixelhash import pixels_sha256
from tratteggio.core.kinds.registry import c2pa_actions
from tratteggio.core.record.schema import ConservationRecord

__all__ = ["pixels_sha256", "sign_output", "signed_problems", "verify_signed_file"]


def pixels_hash_soon(pixels: np.ndarray) -> Future[str]:
    """`pixels_sha256(pixels)` computed on another thread (hashlib lets go of the GIL), so that it
    runs beside the writing of the set's files instead of after them."""
    future: Future[str] = Future()

    def work() -> None:
        try:
            future.set_result(pixels_sha256(pixels))
        except BaseException as exc:  # handed to whoever waits for the result
            future.set_exception(exc)

    threading.Thread(target=work, name="pixels-sha256", daemon=True).start()
    return future


def staged_pixels_hash(part: Path, soon: Future[str] | None) -> str:
    """The pixels a reader of the written file gets: those hashed `soon` when the format holds
    them exactly, else (None) what the staged file decodes to (JPEG, or fewer bits)."""
    return soon.result() if soon is not None else pixels_sha256(load_photo(part).pixels)


def signed_record(record: ConservationRecord, pixels_hash: str, identity: Identity) -> ConservationRecord:
    output = replace(
        record.output, pixels_sha256=pixels_hash, credentials=f"C2PA, signed by {identity.describe()}"
    )
    return replace(record, output=output)


def sign_output(
    staged: FileSet, output: Path, kind: str, record: ConservationRecord, identity: Identity
) -> None:
    """Replace the staged output by a signed copy carrying `record` (before the record is staged)."""
    manifest = manifest_for(record.to_dict(), output.name, c2pa_actions())
    staged.restage(output, lambda unsigned, part: sign_staged(unsigned, part, kind, manifest, identity))


def signed_problems(file: Path, record: ConservationRecord) -> list[str]:
    """Why a signed output disagrees with its record (empty: signed, intact, the same pixels)."""
    try:
        found = read_credentials(file)
    except CredentialsError as exc:
        return [str(exc)]
    problems = credential_problems(file, found)
    if found.record is not None and found.record != json.loads(record.to_json()):
        problems.append(f"{file.name}: its Content Credentials carry another record than this one")
    return problems + pixel_problems(file, record.output.pixels_sha256)


def credential_problems(file: Path, found: Credentials) -> list[str]:
    if found.valid:
        return []
    why = "; ".join(found.failures[:3]) or found.state
    return [f"{file.name}: its Content Credentials are not valid ({why})"]


def pixel_problems(file: Path, expected: str | None) -> list[str]:
    if not expected:
        return []
    if pixels_sha256(load_photo(file).pixels) != expected:
        return [f"{file.name}: its pixels differ from the ones the record names (edited since it was signed)"]
    return []


def verify_signed_file(file: Path, trust: bytes | None = None) -> tuple[Credentials, list[str]]:
    """A photo's Content Credentials and what is wrong with them: not valid, or pixels that differ
    from the ones the record inside names."""
    found = read_credentials(file, trust)
    problems = credential_problems(file, found)
    if found.record is not None:
        try:
            record = ConservationRecord.from_dict(found.record)
        except TratteggioError as exc:
            return found, [*problems, f"{file.name}: the record inside is malformed ({exc})"]
        problems += pixel_problems(file, record.output.pixels_sha256)
    return found, problems
