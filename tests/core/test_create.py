"""Extend and imagine on tiny random-weight SD 1.5, SD 2, SDXL and FLUX Fill pipelines, loaded from
disk through the user's path: same seed, same bytes; the original stays bit-identical; the records
say what was created, and rerun reproduces it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Cancelled, Photo, RequestError, RestorationRequest, load_photo, save_photo
from tratteggio.core.pipeline.extend import Margins, extend
from tratteggio.core.pipeline.imagine import imagine
from tratteggio.core.record.describe import GENERATIVE_SOURCE
from tratteggio.core.record.entries import CREATED_SOURCE

from .helpers import coffee

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).parents[1]))

STEPS = 3


@pytest.fixture(scope="module", params=["sd15", "sd2", "sdxl", "flux"])
def model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.tiny_models import build_flux_fill, build_sdxl_inpaint
    from tests.tiny_sd2 import build_sd2_inpaint

    if request.param == "sd15":
        return str(request.getfixturevalue("sd_model"))
    build = {"sd2": build_sd2_inpaint, "sdxl": build_sdxl_inpaint, "flux": build_flux_fill}[request.param]
    return str(build(tmp_path_factory.mktemp("models") / f"tiny-{request.param}"))


def ask(model: str, **changes: object) -> RestorationRequest:
    base = RestorationRequest(engine="diffusion", model=model, steps=STEPS, seed=11, dtype="float32")
    return base.replace(guidance=3.5, prompt="a city in the sky").replace(**changes)


def test_extend_keeps_the_original_bit_identical_and_repeats_itself(model: str) -> None:
    photo = Photo(coffee()[:96, :128])
    margins = Margins(left=24, bottom=16)
    first = extend(photo, margins, ask(model))
    again = extend(photo, margins, ask(model))
    assert first.pixels.shape == (112, 152, 3) and first.pixels.dtype == np.uint8
    assert first.pixels.tobytes() == again.pixels.tobytes()
    assert np.array_equal(first.pixels[first.placed.slices], photo.pixels)
    created = first.created.bits
    assert created.sum() == 112 * 152 - 96 * 128
    assert not np.array_equal(first.pixels[created], first.result.source[created])  # painted, not padded
    assert [p.step for p in first.result.previews][-1] == first.result.previews[-1].total - 1


def test_imagine_makes_the_same_picture_from_the_same_seed(model: str) -> None:
    seen: list[int] = []
    first = imagine(ask(model), (64, 48), on_step=lambda s: seen.append(s.step))
    again = imagine(ask(model), (64, 48))
    other = imagine(ask(model, seed=12), (64, 48))
    assert first.pixels.shape == (48, 64, 3) and first.pixels.dtype == np.uint8
    assert first.pixels.tobytes() == again.pixels.tobytes() != other.pixels.tobytes()
    assert seen == list(range(len(first.previews))) and first.previews[-1].final
    assert len(first.previews) >= STEPS + 1 and first.noise.shape == first.pixels.shape
    assert first.request.strength == 1.0 and first.engine_info["model_identity"]


def test_sixteen_bit_rgba_extension_keeps_depth_original_and_opaque_new_area(sd_model: str) -> None:
    rgb = coffee()[:64, :80].astype(np.uint16) * 257 + 5
    alpha = np.random.default_rng(1).integers(0, 65536, (64, 80, 1)).astype(np.uint16)
    photo = Photo(np.dstack([rgb, alpha]).astype(np.uint16))
    extension = extend(photo, Margins(top=8, right=16), ask(sd_model))
    pixels = extension.pixels
    assert pixels.dtype == np.uint16 and pixels.shape == (72, 96, 4)
    assert np.array_equal(pixels[extension.placed.slices], photo.pixels)
    assert (pixels[..., 3][extension.created.bits] == 65535).all()


def test_bad_sizes_and_margins_are_one_clear_line_and_a_creation_can_be_cancelled(sd_model: str) -> None:
    with pytest.raises(RequestError, match="multiples of 8 pixels: try 64x48"):
        imagine(ask(sd_model), (66, 47))
    with pytest.raises(RequestError, match="nothing to extend"):
        Margins()
    steps: list[int] = []
    with pytest.raises(Cancelled):
        imagine(ask(sd_model), (64, 48), on_step=lambda s: steps.append(s.step), cancel=lambda: bool(steps))
    assert steps == [0]


def test_cli_extend_records_the_created_area_and_reruns_bit_for_bit(sd_model: str, tmp_path: Path) -> None:
    save_photo(Photo(coffee()[:80, :100]), tmp_path / "p.png")
    out = tmp_path / "wide.png"
    args = ["extend", str(tmp_path / "p.png"), "-o", str(out), "--left", "20", "--right", "12"]
    args += ["--model", sd_model, "--steps", "3", "--dtype", "float32", "--previews", str(tmp_path / "L")]
    assert main(args) == 0
    record = json.loads((tmp_path / "wide.record.json").read_text())
    assert record["digital_source_type"] == GENERATIVE_SOURCE
    (item,) = record["interventions"]
    assert item["kind"] == "extend" and item["digital_source_type"] == GENERATIVE_SOURCE
    assert item["details"]["created"] == {"bbox": [0, 0, 132, 80], "pixel_count": 32 * 80}
    assert item["details"]["original_box"] == [20, 0, 120, 80]
    assert record["loss_map"]["pixel_count"] == 32 * 80
    assert np.array_equal(load_photo(out).pixels[:, 20:120], coffee()[:80, :100])
    assert len(list((tmp_path / "L").iterdir())) == 1 + 3 + 1
    assert main(["rerun", str(tmp_path / "wide.record.json"), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == out.read_bytes()
    assert main(["verify", str(tmp_path / "wide.record.json")]) == 0


def test_cli_imagine_records_prompt_model_and_seed_and_reruns_bit_for_bit(
    sd_model: str, tmp_path: Path
) -> None:
    out = tmp_path / "city.png"
    args = ["imagine", "a city in the sky", "-o", str(out), "--model", sd_model, "--steps", "3"]
    args += ["--seed", "7", "--size", "64x48", "--dtype", "float32"]
    args += ["--previews-gif", str(tmp_path / "c.gif")]
    assert main(args) == 0
    record = json.loads((tmp_path / "city.record.json").read_text())
    assert record["digital_source_type"] == CREATED_SOURCE and record["master"]["file"] is None
    (item,) = record["interventions"]
    assert item["kind"] == "imagine"
    assert (item["details"]["prompt"], item["details"]["seed"]) == ("a city in the sky", 7)
    assert item["engine"]["model_identity"] and item["request"]["model"] == sd_model
    from PIL import Image

    assert Image.open(tmp_path / "c.gif").n_frames == 1 + 3 + 1  # the noise, three steps, the picture
    assert main(["rerun", str(tmp_path / "city.record.json"), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == out.read_bytes()


def test_a_fitted_preview_projection_is_cached_per_vae(
    sd_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusers import AutoencoderKL

    import tratteggio.core.engines.previews as previews

    vae = AutoencoderKL.from_pretrained(Path(sd_model) / "vae")
    first = previews.cached_fit(vae)

    def fitted_again(*args: object) -> object:
        raise AssertionError("fitted again")

    monkeypatch.setattr(previews, "fit_previewer", fitted_again)
    again = previews.cached_fit(vae)  # from the cache: the fit is not run
    assert np.array_equal(first.factors, again.factors) and np.array_equal(first.bias, again.bias)
    torch.manual_seed(9)
    other = AutoencoderKL.from_config(vae.config)  # same config, other weights: fitted anew
    with pytest.raises(AssertionError, match="fitted again"):
        previews.cached_fit(other)
