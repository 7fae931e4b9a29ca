"""Issue 16, case 4: pickle weights are refused wherever they sit unless the command line allows
them: a model folder holding only `.bin` weights (local or a hub snapshot) is checked like a single
`.ckpt`, and a record never grants the permission."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask


def pickled_folder(root: Path, part: str = "unet", name: str = "diffusion_pytorch_model.bin") -> Path:
    model = root / "pickled"
    (model / part).mkdir(parents=True)
    (model / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionInpaintPipeline"}))
    (model / part / "config.json").write_text("{}")
    (model / part / name).write_bytes(b"\x80\x04 a pickle that would run code when loaded")
    return model


@pytest.mark.parametrize(
    ("part", "name"),
    [("unet", "diffusion_pytorch_model.bin"), ("text_encoder", "pytorch_model.bin"), ("vae", "weights.pt")],
)
def test_a_folder_with_only_pickle_weights_is_refused(tmp_path: Path, part: str, name: str) -> None:
    photo, mask = photo_and_mask(tmp_path)
    model = pickled_folder(tmp_path, part, name)
    before = fingerprint(tmp_path)
    args = [
        "restore",
        photo,
        "--mask",
        mask,
        "-o",
        tmp_path / "o.png",
        "--engine",
        "diffusion",
        "--model",
        model,
    ]
    one_refusal(cli(*args), "pickle", name, "--allow-pickle")
    assert fingerprint(tmp_path) == before
    allowed = cli(*args, "--allow-pickle")  # allowed: it gets as far as loading (and fails: no pickle)
    one_refusal(allowed)
    assert "pickle weights" not in allowed.err


def test_a_hub_snapshot_is_checked_like_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tratteggio.core.engines.models import resolve_model
    from tratteggio.core.errors import ModelError

    cache = tmp_path / "hub"
    repo = cache / "models--someone--pickled"
    snapshot = repo / "snapshots" / ("a" * 40)
    shutil.copytree(pickled_folder(tmp_path), snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    with pytest.raises(ModelError, match="pickle"):
        resolve_model("someone/pickled")
    assert resolve_model("someone/pickled", allow_pickle=True).pickle_allowed


def test_pickles_beside_safetensors_are_never_unpickled(sd_model: str, tmp_path: Path) -> None:
    """A real (tiny) model with a booby-trapped `.bin` beside its UNet's safetensors: the loader is
    told to use safetensors only, so the trap never runs and the restore succeeds."""
    from tratteggio.core import Mask, Photo, RestorationRequest, restore

    model = tmp_path / "model"
    shutil.copytree(sd_model, model)
    trap = tmp_path / "trap-ran"
    payload = f"import pathlib; pathlib.Path({str(trap)!r}).write_text('ran')"
    import pickle

    class Trap:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (exec, (payload,))

    (model / "unet" / "diffusion_pytorch_model.bin").write_bytes(pickle.dumps(Trap()))
    bits = np.zeros((64, 64), bool)
    bits[20:40, 20:40] = True
    request = RestorationRequest(engine="diffusion", model=str(model), steps=2, seed=1, dtype="float32")
    result = restore(Photo(np.full((64, 64, 3), 120, np.uint8)), Mask(bits), request)
    assert result.effective_mask.pixel_count > 0
    assert not trap.exists()


def test_a_record_that_grants_pickle_is_not_obeyed(tmp_path: Path) -> None:
    photo, mask = photo_and_mask(tmp_path)
    assert cli("restore", photo, "--mask", mask, "-o", tmp_path / "out.png", "--engine", "telea").code == 0
    record = json.loads((tmp_path / "out.record.json").read_text())
    record["interventions"][0]["request"].update(engine="diffusion", model="evil.ckpt", allow_pickle=True)
    record["interventions"][0]["engine"]["name"] = "diffusion"  # a forger edits both (issue 28)
    (tmp_path / "evil.record.json").write_text(json.dumps(record))
    one_refusal(cli("rerun", tmp_path / "evil.record.json", "-o", tmp_path / "again.png"), "pickle")
    assert not (tmp_path / "again.png").exists()
