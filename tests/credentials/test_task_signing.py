"""Issue 22/26: the tasks take a signer, so `extend`, `imagine` and `revive` sign as `restore` does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skimage.data import coffee

from tests.hostile.common import cli
from tratteggio.core import Photo, load_photo, save_photo

pytest.importorskip("c2pa")


def _signed(out: Path, action: str) -> None:
    shown = cli("verify", out)
    assert shown.code == 0 and "Archivio" in shown.out and action in shown.out, shown


def test_revive_signs_and_a_bad_identity_writes_nothing(tmp_path: Path, lab: Path) -> None:
    faded = (coffee()[:60, :80] * 0.6 + 60).astype(np.uint8)
    save_photo(Photo(faded), tmp_path / "p.png")
    out = tmp_path / "out.png"
    said = cli("revive", tmp_path / "p.png", "-o", out, "--sign", lab)
    assert said.code == 0, said
    _signed(out, "revive")
    refused = cli("revive", tmp_path / "p.png", "-o", tmp_path / "no.png", "--sign", tmp_path / "none")
    assert refused.code == 2 and "no such signing identity" in refused.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["p.png", *(f.name for f in _set(out))])


def _set(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith("out.")]


def test_extend_and_imagine_sign(sd_model: str, tmp_path: Path, lab: Path) -> None:
    save_photo(Photo(coffee()[:48, :64]), tmp_path / "p.png")
    out = tmp_path / "wide.png"
    model = ["--model", sd_model, "--steps", "2", "--dtype", "float32"]
    said = cli("extend", tmp_path / "p.png", "-o", out, "--left", "16", *model, "--sign", lab)
    assert said.code == 0, said
    _signed(out, "extend")
    assert np.array_equal(load_photo(out).pixels[:, 16:], coffee()[:48, :64])
    made = tmp_path / "made.png"
    said = cli("imagine", "a city", "-o", made, *model, "--seed", "3", "--size", "64x48", "--sign", lab)
    assert said.code == 0, said
    _signed(made, "")
