"""`tratteggio credentials new`, the `--sign IDENTITY` option, and what `verify PHOTO` prints."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tratteggio.core.credentials.identity import Identity, new_identity
from tratteggio.core.errors import TratteggioError

Command = Callable[[argparse.Namespace], int]
UNTRUSTED = (
    "viewers (Adobe's Verify, browsers' Content Credentials) show these signatures as from an unknown, "
    "untrusted signer until {root} is added to their trust list"
)


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "credentials",
        help="make a signing identity for Content Credentials (C2PA)",
        description="Content Credentials: a signed manifest inside an exported photo saying what was done. "
        "Needs the credentials extra: pip install 'tratteggio[credentials]'.",
    )
    actions = p.add_subparsers(dest="credentials_command", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="make a local root and a signer certificate for a lab or museum",
        description="Write DIR/root.pem and root.key (the lab's root: keep the key offline), and "
        "DIR/chain.pem and signer.key (what --sign DIR uses). Existing files are never replaced.",
    )
    new.add_argument("--org", required=True, metavar="NAME", help="the lab or museum that signs (O=)")
    new.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    new.add_argument("--days", type=int, default=730, help="how long the signer is valid (default 730)")
    return {"credentials": cmd_credentials}


def cmd_credentials(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise TratteggioError("--days must be at least 1")
    files = new_identity(args.org, args.output, days=args.days)
    print(f"wrote {files['chain']} and {files['key']} (sign with --sign {args.output})")
    print(f"wrote {files['root']} and {files['root_key']} (the root: keep root.key offline)")
    print(f"note: {UNTRUSTED.format(root=files['root'].name)}")
    return 0


def add_sign_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sign",
        type=Path,
        metavar="IDENTITY",
        help="sign the output with Content Credentials (C2PA): a folder made by `tratteggio credentials "
        "new`, or one PEM file with the certificate chain and key (needs tratteggio[credentials])",
    )


def identity_from_args(args: argparse.Namespace) -> Identity | None:
    """The checked identity --sign names (before any work), or None."""
    from tratteggio.core.tasks.common import signer_from

    return signer_from(signer_path(args))


def signer_path(args: argparse.Namespace) -> Path | None:
    """The identity --sign names, for a task to check before any work (None: unsigned)."""
    return getattr(args, "sign", None)


def add_trust_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--trust",
        type=Path,
        metavar="ROOT.pem",
        help="trust this root (a lab's root.pem) when reading credentials",
    )


def verify_photo(path: Path, trust: Path | None = None) -> int:
    """Print a photo's Content Credentials; TratteggioError (exit 2) when invalid or edited."""
    from tratteggio.core.credentials.identity import read_pem
    from tratteggio.core.record.signed import verify_signed_file

    found, problems = verify_signed_file(path, read_pem(trust) if trust else None)
    if problems:
        raise TratteggioError("; ".join(problems))
    print(f"{path.name}: Content Credentials valid" + (", trusted" if found.state == "Trusted" else ""))
    print(
        f"  signed by: {found.signer}, issued by {found.issuer}"
        + (f", at {found.signed_at}" if found.signed_at else "")
    )
    if found.state != "Trusted":
        print("  trust:     its root is in no trust list here (viewers show a lab's own root as untrusted)")
    if found.master_sha256:
        print(f"  master:    sha256 {found.master_sha256}")
    print("  actions:")
    for action in found.actions:
        print(f"    - {action}")
    if found.record is None:
        print("  record:    none inside (not signed by Tratteggio)")
    else:
        count = len(found.record.get("interventions", []))
        print(f"  record:    the conservation record is inside ({count} intervention(s)); pixels match it")
    return 0
