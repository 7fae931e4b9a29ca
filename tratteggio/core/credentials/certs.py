"""A lab's root certificate and a signer certificate it issues, as C2PA wants them: EC P-256
(ES256), the signer with O=, digitalSignature key usage and the emailProtection extended key usage."""

from __future__ import annotations

import datetime
from typing import Any


def make_pair(organization: str, days: int) -> dict[str, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    root_key, signer_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _root(organization, root_key, days * 5)
    signer = _signer(organization, signer_key, root, root_key, days)
    pem = serialization.Encoding.PEM

    def private(key: Any) -> bytes:
        return bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    return {
        "chain": signer.public_bytes(pem) + root.public_bytes(pem),
        "key": private(signer_key),
        "root": root.public_bytes(pem),
        "root_key": private(root_key),
    }


def _name(common: str, organization: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )


def _usage(*, sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign,
        crl_sign=sign,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(subject: Any, issuer: Any, public: Any, days: int) -> Any:
    from cryptography import x509

    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )


def _root(organization: str, key: Any, days: int) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    name = _name(f"{organization} Content Credentials root", organization)
    return (
        _builder(name, name, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .sign(key, hashes.SHA256())
    )


def _signer(organization: str, key: Any, root: Any, root_key: Any, days: int) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    name = _name(f"{organization} Tratteggio signer", organization)
    return (
        _builder(name, root.subject, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
