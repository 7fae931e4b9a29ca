"""Certificates for the credentials tests: a good pair, and the ones C2PA must refuse."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tratteggio.core.credentials.certs import make_pair

PEM = serialization.Encoding.PEM


def bundle(path: Path, chain: bytes, key: bytes) -> Path:
    path.write_bytes(chain + key)
    return path


def good(org: str = "Museo Prova") -> dict[str, bytes]:
    return make_pair(org, 30)


def expired(folder: Path) -> Path:
    pair = good()
    root_cert = x509.load_pem_x509_certificate(pair["root"])
    root_key = serialization.load_pem_private_key(pair["root_key"], None)
    key = ec.generate_private_key(ec.SECP256R1())
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10)
    cert = _cert(_name("Old signer", "Museo Prova"), root_cert.subject, key, root_key, past, days=5)
    return bundle(folder / "expired.pem", cert.public_bytes(PEM) + pair["root"], _private(key))


def self_signed(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Alone", "Museo Prova")
    now = datetime.datetime.now(datetime.UTC)
    cert = _cert(name, name, key, key, now - datetime.timedelta(days=1), days=30)
    return bundle(folder / "self.pem", cert.public_bytes(PEM), _private(key))


def wrong_key(folder: Path) -> Path:
    return bundle(folder / "wrong.pem", good()["chain"], good()["key"])


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, common), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)]
    )


def _cert(subject, issuer, key, signing_key, start, days):  # type: ignore[no-untyped-def]
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .sign(signing_key, hashes.SHA256())
    )


def _private(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
