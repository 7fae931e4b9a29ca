"""Command-line options generated from the request schema, and progress bars (tqdm).

`add_request_options` and `request_from_args` read `RestorationRequest`'s field specs, so the CLI
cannot drift from the dataclass: a test checks both against the schema.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tratteggio.core.request import RestorationRequest, Spec, specs

GROUP_TITLES = {"restore": None, "diffusion": "diffusion (--engine diffusion)"}
MODEL_TITLES = {"restore": None, "diffusion": "the diffusion model and its settings"}  # no --engine
_PARSERS = {"int": int, "float": float}


def add_request_options(
    parser: argparse.ArgumentParser,
    skip: tuple[str, ...] = (),
    *,
    titles: dict[str, str | None] | None = None,
    required: tuple[str, ...] = (),
) -> None:
    """One option per request field that has a flag (or a negative flag), grouped as the spec says
    (`titles` renames the groups: a command without --engine has no "--engine diffusion"); the
    fields in `required` are marked required, in the usage line too."""
    groups: dict[str, Any] = {}
    defaults = {f.name: f.default for f in dataclasses.fields(RestorationRequest)}
    types = {f.name: str(f.type) for f in dataclasses.fields(RestorationRequest)}
    for name, s in specs().items():
        if name in skip or not (s.flag or s.negative_flag):
            continue
        title = (titles or GROUP_TITLES).get(s.group, GROUP_TITLES[s.group])
        if s.group not in groups:
            groups[s.group] = parser.add_argument_group(title) if title else parser
        _add_option(groups[s.group], name, s, defaults[name], types[name], name in required)


def _add_option(group: Any, name: str, s: Spec, default: Any, kind: str, required: bool = False) -> None:
    if s.negative_flag:
        group.add_argument(s.negative_flag, dest=name, action="store_false", help=f"do not {s.help}")
        return
    assert s.flag is not None
    if kind == "bool":
        group.add_argument(s.flag, dest=name, action="store_true", help=s.help)
        return
    options: dict[str, Any] = {"dest": name, "default": default, "help": _help(s, default)}
    if required:
        options["required"] = True
    if kind in _PARSERS:
        options["type"] = _PARSERS[kind]
    if s.metavar:
        options["metavar"] = s.metavar
    if s.choices and name != "engine":  # the engine's unknown names get our own one-line message
        options["choices"] = list(s.choices)
    group.add_argument(s.flag, **options)


def _help(s: Spec, default: Any) -> str:
    text = s.help
    if s.choices and "choose" not in text:
        text = f"{text}; one of: {', '.join(s.choices)}"
    if default not in (None, "") and "default" not in text:
        text = f"{text} (default: {default})"
    return text


def request_from_args(args: argparse.Namespace, **overrides: Any) -> RestorationRequest:
    """The request the parsed options describe; fields without an option keep their default."""
    values = {name: getattr(args, name) for name in specs() if hasattr(args, name)}
    values.update(overrides)
    return RestorationRequest(**values)


def add_preview_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--previews", type=Path, metavar="DIR", help="write every step as a numbered PNG (the layers of time)"
    )
    p.add_argument(
        "--previews-gif",
        type=Path,
        metavar="F",
        help="write the steps as an animated GIF (or WebP, from the extension)",
    )


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[..., None]]:
    """A tqdm bar on stderr (only on a terminal, or with TRATTEGGIO_PROGRESS=1), driven by
    `update(done, total, note="")` callbacks as core reports them. It is drawn at the first update
    that knows its total: never a "0/0 ETA ?" line (batch prints its workers' line before)."""
    from tqdm import tqdm

    shown = os.environ.get("TRATTEGGIO_PROGRESS") == "1" or sys.stderr.isatty()
    tqdm.monitor_interval = 0  # no monitor thread: our bars are redrawn on every update anyway
    bars: list[Any] = []

    def update(done: float, total: float, note: str = "") -> None:
        if total <= 0:
            return
        if not bars:
            bars.append(
                tqdm(
                    total=total,
                    desc=label,
                    ascii=".#",
                    bar_format="{desc} [{bar:30}] {n_fmt}/{total_fmt} ETA {remaining} {postfix}",
                    disable=not shown,
                    file=sys.stderr,
                    leave=False,
                )
            )
        bar = bars[0]
        bar.total, bar.n = total, done
        if note:
            bar.set_postfix_str(note, refresh=False)
        bar.refresh()

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()
