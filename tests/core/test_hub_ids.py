"""The studio's quick list of cached model ids agrees with the hub's own cache scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import constants
from huggingface_hub.utils import _cache_manager

from tratteggio.core.engines.hub import cached_model_ids, cached_models


def _repo(cache: Path, folder: str, snapshot: bool = True) -> None:
    repo = cache / folder
    (repo / "refs").mkdir(parents=True)
    (repo / "blobs").mkdir()
    if snapshot:
        (repo / "refs" / "main").write_text("abc123")
        (repo / "snapshots" / "abc123").mkdir(parents=True)
        (repo / "blobs" / "f00d").write_text("{}")
        (repo / "snapshots" / "abc123" / "config.json").symlink_to(repo / "blobs" / "f00d")


def test_the_ids_are_those_the_hub_scan_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (constants, _cache_manager):  # both read the HF_HUB_CACHE variable once, on import
        monkeypatch.setattr(module, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert cached_model_ids() == set() == {m.id for m in cached_models()}  # no cache yet
    _repo(tmp_path / "hub", "models--org--some-model")
    _repo(tmp_path / "hub", "models--solo")
    _repo(tmp_path / "hub", "datasets--org--data")
    _repo(tmp_path / "hub", "models--org--broken", snapshot=False)
    (tmp_path / "hub" / ".locks").mkdir()
    assert cached_model_ids() == {m.id for m in cached_models()} == {"org/some-model", "solo"}
