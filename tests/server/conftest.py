"""Server fixtures: a token file, a config serving the tiny SD pipeline on the CPU, the app in-process
(TestClient) with its own model runner, so nothing is shared with the test's local runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from fastapi.testclient import TestClient  # noqa: E402

from tests.core.helpers import coffee  # noqa: E402
from tratteggio.core import Mask, Photo, save_photo  # noqa: E402
from tratteggio.core.engines.local_model import LocalModel  # noqa: E402
from tratteggio.core.engines.wire import Limits  # noqa: E402
from tratteggio.core.request import RestorationRequest  # noqa: E402
from tratteggio.server.app import create_app  # noqa: E402
from tratteggio.server.config import ServerConfig, make_config  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
LIMITS = Limits(max_side=512, max_steps=400, max_prompt=200, max_queue=4)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    return path


@pytest.fixture
def config(sd_model: str, token_file: Path) -> ServerConfig:
    return make_config(token_file=token_file, device="cpu", models=(sd_model,), limits=LIMITS)


@pytest.fixture
def client(config: ServerConfig) -> Iterator[TestClient]:
    with TestClient(create_app(config, LocalModel()), headers={"Authorization": f"Bearer {TOKEN}"}) as tc:
        yield tc


def loss_mask() -> Mask:
    bits = np.zeros((200, 300), bool)
    bits[80:120, 100:170] = True
    return Mask(bits)


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A 300x200 photo and its loss mask, as files."""
    photo, mask = tmp_path / "p.png", tmp_path / "m.png"
    save_photo(Photo(coffee()[:200, :300]), photo)
    save_photo(Photo(loss_mask().to_image()), mask)
    return photo, mask


def request(model: str, **changes: object) -> RestorationRequest:
    base = RestorationRequest(engine="diffusion", model=model, steps=3, seed=3, dtype="float32")
    return base.replace(**changes)


def crop(size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """An 8-bit sRGB crop at the tiny model's size, and its mask (255 = repaint)."""
    import skimage.data

    image = np.ascontiguousarray(skimage.data.coffee()[:size, 100 : 100 + size])
    mask = np.zeros((size, size), np.uint8)
    mask[100:160, 90:170] = 255
    return image, mask
