"""`tratteggio serve`, and the client's `--remote URL --token-file F` for the commands that restore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.engines.wire import Limits

if TYPE_CHECKING:
    from tratteggio.core.engines import Engines

Command = Callable[[argparse.Namespace], int]


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    p = sub.add_parser(
        "serve",
        help="run diffusion for Tratteggio on other computers (needs tratteggio[server])",
        description="Serve this computer's diffusion models to Tratteggio clients (`--remote URL` on "
        "the command line, Preferences in the studio). Only the model call runs here; the client "
        "keeps the crops, colour match, paste-back and record. Listens on 127.0.0.1 unless told "
        "otherwise; any other address needs --token-file.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument("--token-file", type=Path, metavar="F", help="file holding the bearer token clients send")
    p.add_argument("--ssl-certfile", type=Path, metavar="C", help="TLS certificate (PEM), with --ssl-keyfile")
    p.add_argument("--ssl-keyfile", type=Path, metavar="K", help="TLS private key (PEM)")
    p.add_argument("--device", default="auto", metavar="D", help="auto, cuda, cuda:1, mps or cpu")
    p.add_argument(
        "--models",
        nargs="+",
        default=[],
        metavar="M",
        help="hub ids or diffusers folders clients may use (default: every pipeline in the hub cache)",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web origin (https://host[:port]) whose pages may call this server; repeatable "
        "(default: none, so a web page the user visits cannot drive it)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name a server without a token answers to besides 127.0.0.1, ::1 and localhost; repeatable",
    )
    defaults = Limits()
    for flag, default, metavar, text in (
        ("--max-side", defaults.max_side, "PX", "the largest crop side a client may send"),
        ("--max-steps", defaults.max_steps, "N", "the most denoising steps of one run"),
        ("--max-queue", defaults.max_queue, "N", "the most runs waiting for the device"),
    ):
        p.add_argument(flag, type=int, default=default, metavar=metavar, help=f"{text} (default: {default})")
    return {"serve": cmd_serve}


def cmd_serve(args: argparse.Namespace) -> int:
    from tratteggio.server.config import make_config
    from tratteggio.server.run import serve

    limits = Limits(args.max_side, args.max_steps, Limits().max_prompt, args.max_queue)
    config = make_config(
        args.host,
        args.port,
        args.token_file,
        args.ssl_certfile,
        args.ssl_keyfile,
        args.device,
        tuple(args.models),
        limits,
        tuple(args.allow_origin),
        tuple(args.allow_host),
    )
    serve(config)
    return 0


def add_remote_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("remote diffusion (a `tratteggio serve` on another computer)")
    group.add_argument(
        "--remote",
        metavar="URL",
        help="run the diffusion model on this server (http(s)://HOST:PORT); the rest stays here",
    )
    group.add_argument("--token-file", type=Path, metavar="F", help="file holding the server's bearer token")


@contextmanager
def remote_from_args(args: argparse.Namespace) -> Iterator[Engines]:
    """The engines of one command: diffusion on `--remote` if given; queue notices go to stderr."""
    from tratteggio.core.engines import Engines
    from tratteggio.core.engines.remote import RemoteTarget
    from tratteggio.core.errors import RequestError

    engines = Engines()
    if args.remote is None:
        if args.token_file is not None:
            raise RequestError("--token-file goes with --remote URL")
        yield engines
        return
    target = RemoteTarget.parse(args.remote, args.token_file)
    if target.insecure:
        print(f"tratteggio: warning: {target.insecure}", file=sys.stderr)
    model = engines.run_diffusion_on(target)
    assert model is not None
    model.on_notice = lambda text: print(f"tratteggio: {text}", file=sys.stderr)
    yield engines
