"""The diffusion engine on tiny random-weight pipelines of the real classes, loaded from disk."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import (
    Cancelled,
    Mask,
    ModelError,
    Photo,
    RestorationRequest,
    StepPreview,
    load_photo,
    restore,
    save_photo,
)
from tratteggio.core.record.describe import GENERATIVE_SOURCE

from .helpers import coffee

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).parents[1]))
from tiny_models import build_sdxl_inpaint  # noqa: E402

STEPS = 5


@pytest.fixture(scope="session")
def sdxl_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_sdxl_inpaint(tmp_path_factory.mktemp("models") / "tiny-sdxl-inpaint"))


def loss_mask(height: int = 200, width: int = 300) -> Mask:
    bits = np.zeros((height, width), bool)
    bits[80:120, 100:170] = True
    return Mask(bits)


def request(model: str, **changes: object) -> RestorationRequest:
    base = RestorationRequest(engine="diffusion", model=model, steps=STEPS, seed=3, dtype="float32")
    return base.replace(**changes)


def test_one_preview_per_step_then_the_final_fill(sd_model: str) -> None:
    photo = Photo(coffee()[:200, :300])
    seen: list[StepPreview] = []
    result = restore(photo, loss_mask(), request(sd_model), on_step=seen.append)
    assert [s.step for s in seen] == list(range(STEPS + 1))
    assert all(s.total == STEPS + 1 for s in seen)
    assert [s.final for s in seen] == [False] * STEPS + [True]
    assert all(s.timestep is not None for s in seen[:-1])
    box = result.regions[0]
    assert box.width >= 256 and box.height >= 200  # at least the model's native size where it fits
    assert all(s.pixels.shape == (box.height, box.width, 3) and s.pixels.dtype == np.uint8 for s in seen)
    assert result.generative and result.engine_info["pipeline"] == "StableDiffusionInpaintPipeline"
    assert result.engine_info["previews"] == "fitted from the VAE"


def test_outside_the_effective_mask_is_bit_identical_and_inside_changes(sd_model: str) -> None:
    photo = Photo(coffee()[:200, :300])
    mask = loss_mask()
    result = restore(photo, mask, request(sd_model, blend=6))
    outside = ~result.effective_mask.bits
    assert np.array_equal(result.pixels[outside], photo.pixels[outside])
    band = result.effective_mask.bits & ~mask.bits
    assert band.sum() > 0 and not np.array_equal(result.pixels[mask.bits], photo.pixels[mask.bits])


def test_x0_previews_approach_the_final_image(sd_model: str) -> None:
    mask = loss_mask()
    seen: list[StepPreview] = []
    restore(Photo(coffee()[:200, :300]), mask, request(sd_model, steps=8), on_step=seen.append)
    region = mask.bits[seen[0].box.slices]
    final = seen[-1].pixels.astype(float)
    distance = [np.abs(s.pixels.astype(float) - final)[region].mean() for s in seen[:-1]]
    assert distance[-1] < distance[0], distance


def test_same_request_same_bytes_and_cancel_leaves_the_pipeline_reusable(sd_model: str) -> None:
    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    first = restore(photo, mask, request(sd_model))
    steps: list[StepPreview] = []
    with pytest.raises(Cancelled):
        restore(photo, mask, request(sd_model), on_step=steps.append, cancel=lambda: len(steps) >= 2)
    assert len(steps) == 2  # stopped within the step after the cancel, not at the end
    again = restore(photo, mask, request(sd_model))
    assert again.pixels.tobytes() == first.pixels.tobytes()


def test_cancel_stops_inside_a_denoising_step(sd_model: str) -> None:
    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    calls: list[int] = []
    steps: list[StepPreview] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3  # the pipeline's checks come first, then the UNet's blocks

    with pytest.raises(Cancelled):
        restore(photo, mask, request(sd_model), on_step=steps.append, cancel=cancel)
    assert steps == []  # not even the first step was finished
    assert restore(photo, mask, request(sd_model)).pixels.shape == photo.pixels.shape


def test_sixteen_bit_gray_master_keeps_its_depth(sd_model: str) -> None:
    pixels = (coffee()[:200, :300, 1].astype(np.uint16) * 257 + 7).astype(np.uint16)
    mask = loss_mask()
    result = restore(Photo(pixels), mask, request(sd_model))
    assert result.pixels.dtype == np.uint16 and result.pixels.ndim == 2
    outside = ~result.effective_mask.bits
    assert np.array_equal(result.pixels[outside], pixels[outside])


def test_sdxl_pipeline_with_two_text_encoders(sdxl_model: str) -> None:
    seen: list[StepPreview] = []
    result = restore(Photo(coffee()[:200, :300]), loss_mask(), request(sdxl_model), on_step=seen.append)
    assert result.engine_info["family"] == "sdxl"
    assert len(seen) == STEPS + 1


def test_scheduler_can_be_swapped_and_previews_still_come(sd_model: str) -> None:
    seen: list[StepPreview] = []
    restore(
        Photo(coffee()[:200, :300]),
        loss_mask(),
        request(sd_model, scheduler="PNDMScheduler"),
        on_step=seen.append,
    )
    assert len(seen) == seen[0].total > STEPS + 1  # PNDM's Runge-Kutta warm-up runs extra steps
    assert [s.step for s in seen] == list(range(len(seen)))
    with pytest.raises(ModelError, match="unknown scheduler"):
        restore(Photo(coffee()[:200, :300]), loss_mask(), request(sd_model, scheduler="NoSuchScheduler"))


def test_step_wrapper_keeps_the_scheduler_signature() -> None:
    from diffusers import EulerAncestralDiscreteScheduler

    from tratteggio.core.engines.previews import StepCapture

    scheduler = EulerAncestralDiscreteScheduler()
    before = set(inspect.signature(scheduler.step).parameters)
    capture = StepCapture(scheduler)
    assert set(inspect.signature(scheduler.step).parameters) == before
    assert "generator" in before
    capture.remove()
    assert "step" not in scheduler.__dict__


def test_pickle_checkpoints_are_refused(tmp_path: Path) -> None:
    checkpoint = tmp_path / "model.ckpt"
    checkpoint.write_bytes(b"not really")
    photo = Photo(coffee()[:200, :300])
    with pytest.raises(ModelError, match="pickle.*--allow-pickle"):
        restore(photo, loss_mask(), request(str(checkpoint)))
    with pytest.raises(ModelError, match="needs a local diffusers folder"):
        restore(photo, loss_mask(), request(str(checkpoint), allow_pickle=True))


def test_offline_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    photo, mask = tmp_path / "p.png", tmp_path / "m.png"
    save_photo(Photo(coffee()[:200, :300]), photo)
    save_photo(Photo(loss_mask().to_image()), mask)
    env = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tratteggio",
            "restore",
            str(photo),
            "--mask",
            str(mask),
            "-o",
            str(tmp_path / "o.png"),
            "--engine",
            "diffusion",
            "--model",
            "someone/not-cached",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "tratteggio models download someone/not-cached" in lines[0], done.stderr
    assert not (tmp_path / "o.png").exists()


def test_cli_diffusion_run_writes_layers_and_reruns_bit_for_bit(sd_model: str, tmp_path: Path) -> None:
    photo, mask = tmp_path / "p.png", tmp_path / "m.png"
    save_photo(Photo(coffee()[:200, :300]), photo)
    save_photo(Photo(loss_mask().to_image()), mask)
    out = tmp_path / "o.png"
    args = [
        "restore",
        str(photo),
        "--mask",
        str(mask),
        "-o",
        str(out),
        "--engine",
        "diffusion",
        "--model",
        sd_model,
        "--steps",
        "3",
        "--dtype",
        "float32",
        "--prompt",
        "plaster",
        "--previews",
        str(tmp_path / "layers"),
        "--previews-gif",
        str(tmp_path / "t.gif"),
    ]
    assert main(args) == 0
    layers = sorted((tmp_path / "layers").iterdir())
    assert len(layers) == 1 + 3 + 1  # before, three steps, final
    assert load_photo(layers[0]).pixels.shape == (200, 300, 3)
    from PIL import Image

    assert Image.open(tmp_path / "t.gif").n_frames == 5
    record = json.loads((tmp_path / "o.record.json").read_text())
    assert record["digital_source_type"] == GENERATIVE_SOURCE
    (fill,) = record["interventions"]
    assert fill["engine"]["model_identity"] and fill["engine"]["scheduler"] == "DDIMScheduler"
    assert fill["request"]["prompt"] == "plaster"
    assert main(["rerun", str(tmp_path / "o.record.json"), "-o", str(tmp_path / "o2.png")]) == 0
    assert (tmp_path / "o2.png").read_bytes() == out.read_bytes()


@pytest.fixture(scope="session")
def flux_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tiny_models import build_flux_fill

    return str(build_flux_fill(tmp_path_factory.mktemp("models") / "tiny-flux-fill"))


def test_flux_fill_through_the_generic_loader(flux_model: str) -> None:
    photo = Photo(coffee()[:120, :160])
    bits = np.zeros((120, 160), bool)
    bits[40:70, 50:90] = True
    seen: list[StepPreview] = []
    result = restore(photo, Mask(bits), request(flux_model, steps=3, guidance=3.5), on_step=seen.append)
    assert result.engine_info["pipeline"] == "FluxFillPipeline" and result.engine_info["family"] == "flux"
    assert [s.step for s in seen] == [0, 1, 2, 3] and seen[-1].final
    assert all(s.pixels.shape == (120, 160, 3) for s in seen)
    outside = ~result.effective_mask.bits
    assert np.array_equal(result.pixels[outside], photo.pixels[outside])


def test_single_safetensors_file_with_a_local_config_matches_the_folder(
    sd_model: str, tmp_path: Path
) -> None:
    from tests.ldm_checkpoint import write_ldm_checkpoint

    checkpoint = write_ldm_checkpoint(Path(sd_model), tmp_path / "tiny-inpainting.safetensors")
    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    from_folder = restore(photo, mask, request(sd_model))
    single = restore(photo, mask, request(str(checkpoint), model_config=sd_model))
    assert single.engine_info["model_source"] == "single_file"
    assert single.pixels.tobytes() == from_folder.pixels.tobytes()
    with pytest.raises(ModelError, match="needs a local diffusers folder"):
        restore(photo, mask, request(str(checkpoint)))


def test_taesd_previews_when_its_weights_are_on_disk(
    sd_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusers import AutoencoderTiny

    from tratteggio.core.engines.diffusion import diffusion_engine

    torch.manual_seed(0)
    AutoencoderTiny(
        encoder_block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        num_encoder_blocks=(1, 1, 1, 1),
        num_decoder_blocks=(1, 1, 1, 1),
        latent_channels=4,
    ).save_pretrained(tmp_path / "taesd")
    monkeypatch.setenv("TRATTEGGIO_TAESD", str(tmp_path / "taesd"))
    monkeypatch.setenv("TRATTEGGIO_PREVIEWS", "taesd")
    diffusion_engine().model._previewers.clear()
    seen: list[StepPreview] = []
    try:
        result = restore(Photo(coffee()[:200, :300]), loss_mask(), request(sd_model), on_step=seen.append)
    finally:
        diffusion_engine().model._previewers.clear()
    assert result.engine_info["previews"] == "taesd"
    assert len(seen) == STEPS + 1 and all(s.pixels.shape == seen[0].pixels.shape for s in seen)


def test_memory_knobs_vae_tiling_runs_and_cpu_offload_says_it_needs_a_gpu(sd_model: str) -> None:
    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    tiled = restore(photo, mask, request(sd_model, vae_tiling=True))
    assert tiled.pixels.shape == photo.pixels.shape
    with pytest.raises(ModelError, match="CPU offload needs a GPU"):
        restore(photo, mask, request(sd_model, cpu_offload=True, device="cpu"))


def test_out_of_memory_is_one_clear_line_and_the_model_stays_usable(
    sd_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tratteggio.core.engines.diffusion import diffusion_engine

    photo, mask = Photo(coffee()[:200, :300]), loss_mask()
    unet = diffusion_engine().model.loaded(request(sd_model)).pipe.unet

    def exhausted(*args: object, **kwargs: object) -> object:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(unet, "forward", exhausted)
    with pytest.raises(ModelError) as raised:
        restore(photo, mask, request(sd_model))
    message = str(raised.value)
    assert message.startswith("out of memory on cpu") and "--vae-tiling" in message and "--padding" in message
    assert "\n" not in message and raised.value.__cause__ is None
    monkeypatch.undo()
    assert restore(photo, mask, request(sd_model)).patches  # the same warm pipeline runs again
