"""Shared test setup: one torch thread (two on a shared 2-core machine can be 10x slower),
user folders isolated into tmp_path, Qt offscreen."""

from __future__ import annotations

import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


@pytest.fixture(scope="session")
def sd_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny random-weight SD inpainting pipeline saved to disk, loaded back like a user's model."""
    import torch

    from tests.tiny_models import build_sd_inpaint

    torch.set_num_threads(1)
    return str(build_sd_inpaint(tmp_path_factory.mktemp("models") / "tiny-sd-inpaint"))
