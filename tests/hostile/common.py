"""Helpers for the hostile tests: run the CLI in this process (stderr at the file-descriptor level
included), make a photo and its mask, and fingerprint a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.hostile import corpus
from tests.hostile.harness import _captured, fingerprint

__all__ = ["Said", "cli", "fingerprint", "one_refusal", "photo_and_mask"]


@dataclass(frozen=True)
class Said:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.strip().splitlines()


def cli(*args: object) -> Said:
    from tratteggio.cli import main

    with _captured() as (out, err, raw):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Said(code, out.getvalue(), err.getvalue() + raw[0])


def one_refusal(said: Said, *words: str) -> None:
    """Exit 2, one line on stderr, no traceback, and every word in that line."""
    assert said.code == 2, said
    assert len(said.lines) == 1 and "Traceback" not in said.err, said.err
    for word in words:
        assert word in said.lines[0], said.err


def photo_and_mask(folder: Path, name: str = "photo.png") -> tuple[Path, Path]:
    photo, mask = folder / name, folder / "mask.png"
    photo.write_bytes(corpus.encode(corpus.photo(), "png"))
    mask.write_bytes(corpus.encode(corpus.mask(), "png"))
    return photo, mask
