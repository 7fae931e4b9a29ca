"""Run the CLI and SIGKILL it at a chosen point of a write, as a power cut or `kill -9` would.

    python -m tests.hostile.killpoint POINT N ARGV...

POINT is where the N-th event kills the process:
- `staged`: right after the N-th file of the set is flushed (while staging: nothing is in place yet)
- `replace`: just before the N-th rename into place (during the commit)
- `midwrite`: in the middle of writing the N-th file (half of it on disk)
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install(point: str, n: int) -> None:
    count = itertools.count(1)
    if point == "staged":
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            real_fsync(fd)
            if next(count) == n:
                _die()

        os.fsync = fsync
    elif point == "replace":
        real_replace = os.replace

        def replace(src: Any, dst: Any, **kw: Any) -> None:
            if next(count) == n:
                _die()
            real_replace(src, dst, **kw)

        os.replace = replace
    elif point == "midwrite":
        from tratteggio.core.io import fileset

        real_write_with: Callable[..., Any] = fileset.FileSet.write_with

        def write_with(self: Any, target: Any, writer: Callable[[Any], object], **options: Any) -> Any:
            if next(count) != n:
                return real_write_with(self, target, writer, **options)

            def half(part: Any) -> None:
                writer(part)
                size = os.path.getsize(part)
                with open(part, "r+b") as fh:
                    fh.truncate(size // 2)
                _die()

            return real_write_with(self, target, half, **options)

        fileset.FileSet.write_with = write_with  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown kill point {point}")


def main(argv: list[str]) -> int:
    point, n, *rest = argv
    install(point, int(n))
    from tratteggio.cli import main as cli

    return cli(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
