"""`tratteggio models list | download ID | remove ID`: the catalog and the local hub cache."""

from __future__ import annotations

import argparse
import shutil

from tratteggio.core.errors import ModelError
from tratteggio.core.models import CATALOG, HUB_ID, cached_snapshot, offline


def add_models_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "models",
        help="list, download or remove diffusion models",
        description="The catalog of known inpainting models and the local cache.",
    )
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    sub.add_parser(
        "list",
        help="show the catalog and what is already downloaded",
        description="Show the catalog of inpainting models and which are in the local cache.",
    )
    down = sub.add_parser(
        "download",
        help="download a model (resumes an interrupted download)",
        description="Download a hub model into the local cache, with a progress bar; "
        "an interrupted download resumes where it stopped.",
    )
    down.add_argument("id", metavar="ID", help="hub model id, e.g. " + CATALOG[0].id)
    down.add_argument("--revision", help="branch, tag or commit (default: main)")
    rm = sub.add_parser(
        "remove",
        help="delete a downloaded model from the cache",
        description="Delete a model's files from the local hub cache.",
    )
    rm.add_argument("id", metavar="ID", help="hub model id")


def cmd_models(args: argparse.Namespace) -> int:
    action = args.models_command
    if action == "list":
        return _list()
    if not HUB_ID.match(args.id):
        raise ModelError(f"{args.id}: not a hub model id (owner/name)")
    if action == "download":
        return _download(args.id, args.revision)
    return _remove(args.id)


def _list() -> int:
    print(f"{'model':52} {'family':9} {'size':>7} {'VRAM':>5}  {'cached':6}  licence")
    for entry in CATALOG:
        cached = "yes" if cached_snapshot(entry.id) else "no"
        print(
            f"{entry.id:52} {entry.family:9} {entry.size_gb:5.1f}GB {entry.vram_gb:3.0f}GB  {cached:6}  "
            f"{entry.licence}"
        )
    print("\nAny hub id, local diffusers folder or .safetensors file also works with --model.")
    return 0


def _download(model_id: str, revision: str | None) -> int:
    if offline():
        raise ModelError(
            f"cannot download {model_id}: HF_HUB_OFFLINE is set; unset it on a machine "
            "with a network connection"
        )
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(model_id, revision=revision)
    except Exception as exc:
        raise ModelError(
            f"could not download {model_id}: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'no details'}"
        ) from None
    print(f"downloaded {model_id} to {path}")
    return 0


def _remove(model_id: str) -> int:
    snapshot = cached_snapshot(model_id)
    if snapshot is None:
        raise ModelError(f"{model_id} is not in the local cache")
    repo_folder = snapshot.parent.parent  # .../models--owner--name/snapshots/<rev>
    shutil.rmtree(repo_folder)
    print(f"removed {model_id} ({repo_folder})")
    return 0
