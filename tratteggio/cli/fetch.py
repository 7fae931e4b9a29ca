"""`tratteggio fetch`: a museum's master at full resolution from its IIIF server."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tratteggio.cli.options import progress_bar
from tratteggio.core.errors import RequestError

Command = Callable[[argparse.Namespace], int]


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "fetch",
        help="download a master from a museum's IIIF server",
        description="Download the full-resolution image URL names (an IIIF info.json, an image service's "
        "base URL, or a Presentation manifest with --canvas) in tiles within the server's limits, and "
        "write it losslessly to OUT (.png or .tif; 16-bit when the server sends it) with OUT.source.json "
        "naming its source (URL, the info.json's SHA-256, rights, attribution, the pixels' SHA-256). "
        "Interrupted, it resumes from the tiles already fetched.",
    )
    p.add_argument(
        "url", metavar="URL", help="http(s) address of an info.json, an image service or a manifest"
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the master to write")
    p.add_argument("--canvas", type=int, metavar="N", help="which canvas of a manifest (1 is the first)")
    p.add_argument(
        "--connections", type=int, default=4, metavar="N", help="tiles fetched at once (default 4)"
    )
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for an answer")
    return {"fetch": cmd_fetch}


def cmd_fetch(args: argparse.Namespace) -> int:
    from tratteggio.core.iiif.fetch import fetch_image

    if not 1 <= args.connections <= 32:
        raise RequestError("--connections must be between 1 and 32")
    if args.timeout <= 0:
        raise RequestError("--timeout must be positive")
    with progress_bar("fetching tiles") as update:
        fetched = fetch_image(
            args.url,
            args.output,
            canvas=args.canvas,
            connections=args.connections,
            timeout=args.timeout,
            on_progress=update,
        )
    resumed = f", {fetched.resumed} resumed" if fetched.resumed else ""
    print(
        f"wrote {fetched.output} ({fetched.width}x{fetched.height}, {fetched.tiles} tiles{resumed}); "
        f"source: {fetched.sidecar.name}"
    )
    return 0
