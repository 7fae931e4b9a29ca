"""`tratteggio models list | download ID | remove ID`: the catalog and the local hub cache."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Container

from tratteggio.cli.options import progress_bar
from tratteggio.core.engines.eraser_models import ERASER_MODELS, download_eraser, eraser_model
from tratteggio.core.engines.hub import cached_models, download_model, remove_model
from tratteggio.core.engines.models import CATALOG, HUB_ID
from tratteggio.core.errors import ModelError


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    p = sub.add_parser(
        "models",
        help="list, download or remove diffusion models",
        description="The catalog of known inpainting models and the local cache.",
    )
    actions = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    actions.add_parser(
        "list",
        help="show the catalog and what is already downloaded",
        description="Show the catalog of inpainting models and which are in the local cache.",
    )
    down = actions.add_parser(
        "download",
        help="download a model (resumes an interrupted download)",
        description="Download a hub model into the local cache, with a progress bar; "
        "an interrupted download resumes where it stopped.",
    )
    down.add_argument("id", metavar="ID", help="hub model id, e.g. " + CATALOG[0].id + "; or lama, migan")
    down.add_argument("--revision", help="branch, tag or commit (default: main)")
    rm = actions.add_parser(
        "remove",
        help="delete a downloaded model from the cache",
        description="Delete a model's files from the local hub cache.",
    )
    rm.add_argument("id", metavar="ID", help="hub model id; or lama, migan")
    return {"models": cmd_models}


def cmd_models(args: argparse.Namespace) -> int:
    action = args.models_command
    if action == "list":
        return _list()
    eraser = eraser_model(args.id)
    if eraser is not None and action == "download":
        with progress_bar(f"downloading {eraser.label}") as update:
            path = download_eraser(eraser, on_progress=update)
        print(f"downloaded {eraser.label} to {path} (SHA-256 checked)")
        return 0
    if eraser is not None:
        args.id = eraser.repo
    if not HUB_ID.match(args.id):
        raise ModelError(f"{args.id}: not a hub model id (owner/name)")
    if action == "download":
        with progress_bar(f"downloading {args.id}") as update:
            path = download_model(args.id, args.revision, on_progress=update)
        print(f"downloaded {args.id} to {path}")
        return 0
    freed = remove_model(args.id)
    print(f"removed {args.id} ({freed / 2**30:.1f} GB freed)")
    return 0


def _list() -> int:
    cached = {m.id: m for m in cached_models()}
    print(f"{'model':52} {'family':9} {'size':>7} {'VRAM':>5}  {'cached':6}  licence")
    for entry in CATALOG:
        have = "yes" if entry.id in cached else "no"
        print(
            f"{entry.id:52} {entry.family:9} {entry.size_gb:5.1f}GB {entry.vram_gb:3.0f}GB  {have:6}  "
            f"{entry.licence}"
        )
    others = [m for m in cached.values() if m.id not in {e.id for e in CATALOG}]
    for model in others:
        print(
            f"{model.id:52} {'':9} {model.size_bytes / 2**30:5.1f}GB {'':5}  {'yes':6}  (not in the catalog)"
        )
    print("\nAny hub id, local diffusers folder or .safetensors file also works with --model.")
    _list_erasers(cached)
    return 0


def _list_erasers(cached: Container[str]) -> None:
    print(f"\n{'learned eraser':52} {'size':>7}  {'cached':6}  licence")
    for model in ERASER_MODELS:
        have = "yes" if model.repo in cached else "no"
        print(f"{model.label:52} {model.size_bytes / 2**20:5.0f}MB  {have:6}  {model.licence}")
        print(f"  {model.note}")
    print("Download one with `tratteggio models download lama` (or migan); nothing is fetched unasked.")
