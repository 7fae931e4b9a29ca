"""A signing identity: a signer certificate issued by a root, and its private key, in PEM.

C2PA rejects a self-signed signer, and a certificate without an organisation (O=) fails with a
misleading signature mismatch, so `load_identity` checks all of it before any work, each problem as
one line. `new_identity` makes a lab's own root and signer; viewers show its signatures as valid but
untrusted until that root is added to their trust list.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tratteggio.core.errors import TratteggioError

CHAIN_FILE, KEY_FILE, ROOT_FILE, ROOT_KEY_FILE = "chain.pem", "signer.key", "root.pem", "root.key"
MAX_PEM_BYTES = 1 << 20


class CredentialsError(TratteggioError):
    """A signing identity is unusable, or Content Credentials are missing, invalid or disagree."""


@dataclass(frozen=True)
class Identity:
    """What signs: the chain (signer first, then its issuers) and the signer's key, both PEM."""

    chain_pem: bytes
    key_pem: bytes
    alg: str  # the C2PA signing algorithm: es256, es384, es512, ps256, ed25519
    organization: str
    common_name: str

    def describe(self) -> str:
        return f"{self.common_name} ({self.organization})"


def _crypto() -> Any:
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - cryptography comes with the credentials extra
        raise CredentialsError(
            "signing needs the credentials extra: pip install 'tratteggio[credentials]'"
        ) from None
    return x509


def load_identity(path: str | Path) -> Identity:
    """A folder made by `credentials new` (chain.pem and signer.key), or one PEM file holding the
    chain and the key; CredentialsError with one line for anything C2PA would refuse."""
    path = Path(path)
    if path.is_dir():
        chain, key = read_pem(path / CHAIN_FILE), read_pem(path / KEY_FILE)
    elif path.is_file():
        chain = key = read_pem(path)
    else:
        raise CredentialsError(f"{path}: no such signing identity (a folder or a PEM file)")
    return _checked(path, chain, key)


def read_pem(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_PEM_BYTES:
            raise CredentialsError(f"{path}: too large to be a PEM file")
        return path.read_bytes()
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _checked(where: Path, chain_pem: bytes, key_pem: bytes) -> Identity:
    x509 = _crypto()
    from cryptography.hazmat.primitives import serialization

    try:
        certs = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise CredentialsError(f"{where}: holds no PEM certificate") from None
    try:
        key = serialization.load_pem_private_key(_key_block(key_pem, where), password=None)
    except (ValueError, TypeError) as exc:
        raise CredentialsError(f"{where}: the private key cannot be read ({exc})") from None
    signer = certs[0]
    _check_chain(where, certs)
    if _public_der(key.public_key()) != _public_der(signer.public_key()):
        raise CredentialsError(f"{where}: the private key does not belong to the signer certificate")
    org, name = _name(signer, "ORGANIZATION_NAME"), _name(signer, "COMMON_NAME")
    if not org:
        raise CredentialsError(f"{where}: the signer certificate names no organisation (O=), C2PA needs one")
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    return Identity(chain, _key_block(key_pem, where), _alg(where, key), org, name or org)


def _key_block(pem: bytes, where: Path) -> bytes:
    start = pem.find(b"-----BEGIN")
    while start >= 0 and b"PRIVATE KEY-----" not in pem[start : pem.find(b"\n", start)]:
        start = pem.find(b"-----BEGIN", start + 1)
    if start < 0:
        raise CredentialsError(f"{where}: holds no PEM private key")
    end = pem.find(b"-----END", start)
    return pem[start : pem.find(b"-----", end + 8) + 5] + b"\n"


def _check_chain(where: Path, certs: list[Any]) -> None:
    now = datetime.datetime.now(datetime.UTC)
    for cert in certs:
        if cert.not_valid_after_utc < now:
            raise CredentialsError(
                f"{where}: the certificate {_subject(cert)} expired on {cert.not_valid_after_utc:%Y-%m-%d}"
            )
        if cert.not_valid_before_utc > now:
            raise CredentialsError(
                f"{where}: the certificate {_subject(cert)} is not valid "
                f"before {cert.not_valid_before_utc:%Y-%m-%d}"
            )
    if certs[0].issuer == certs[0].subject:
        raise CredentialsError(
            f"{where}: the signer certificate is self-signed; C2PA needs one issued by a root "
            "(make a pair with `tratteggio credentials new`)"
        )
    if len(certs) < 2:
        raise CredentialsError(
            f"{where}: the chain has the signer only; add its issuer's certificate after it"
        )
    from cryptography.exceptions import InvalidSignature

    for cert, issuer in zip(certs, certs[1:], strict=False):
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise CredentialsError(
                f"{where}: {_subject(cert)} was not issued by {_subject(issuer)} ({type(exc).__name__})"
            ) from None


def _alg(where: Path, key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(key, ec.EllipticCurvePrivateKey):
        algs = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if key.curve.name in algs:
            return algs[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048:
        return "ps256"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise CredentialsError(
        f"{where}: C2PA signs with EC P-256/384/521, RSA (2048 bits or more) or Ed25519 keys"
    )


def _public_der(public: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(
        public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _name(cert: Any, attribute: str) -> str:
    from cryptography.x509.oid import NameOID

    values = cert.subject.get_attributes_for_oid(getattr(NameOID, attribute))
    return str(values[0].value) if values else ""


def _subject(cert: Any) -> str:
    return str(cert.subject.rfc4514_string())


def new_identity(organization: str, folder: str | Path, *, days: int = 730) -> dict[str, Path]:
    """Make a root (root.pem, root.key) and a signer it issued (chain.pem, signer.key) in `folder`;
    never overwrites a file. Returns the files by role."""
    organization = organization.strip()
    if not organization:
        raise CredentialsError("--org must name the lab or museum that signs")
    folder = Path(folder)
    files = {
        role: folder / name
        for role, name in (
            ("chain", CHAIN_FILE),
            ("key", KEY_FILE),
            ("root", ROOT_FILE),
            ("root_key", ROOT_KEY_FILE),
        )
    }
    for path in files.values():
        if path.exists():
            raise CredentialsError(f"{path}: already exists; refusing to overwrite a signing identity")
    from tratteggio.core.credentials.certs import make_pair

    pems = make_pair(organization, days)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for role, path in files.items():
            _write_new(path, pems[role], secret=role.endswith("key"))
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return files


def _write_new(path: Path, data: bytes, *, secret: bool) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if secret else 0o644)
    except FileExistsError:
        raise CredentialsError(f"{path}: already exists; refusing to overwrite a signing identity") from None
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
