"""The learned erasers `lama` and `migan` on graphs with the published files' exact contracts,
loaded through the code the user's files go through: the fill, exactness outside the mask at every
depth, determinism, cancel, the record, and every bad file refused in one line with nothing written."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Cancelled, Mask, Photo, RestorationRequest, restore, save_photo
from tratteggio.core.errors import ModelError

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
from . import erasers_onnx as onnx_helper  # noqa: E402  (it imports onnx)

COLOR = (40, 120, 200)  # channels differ, so a swapped channel order shows


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("graphs")
    return {
        "lama": onnx_helper.save(onnx_helper.lama_graph(), folder / "lama.onnx"),
        "migan": onnx_helper.save(onnx_helper.migan_graph(), folder / "migan.onnx"),
    }


def _flat(height: int = 200, width: int = 300) -> tuple[np.ndarray, np.ndarray]:
    pixels = np.empty((height, width, 3), np.uint8)
    pixels[...] = COLOR
    bits = np.zeros((height, width), bool)
    bits[60:110, 100:180] = True
    pixels[bits] = (255, 0, 0)  # the damage: were the mask read the wrong way round, red would spread
    return pixels, bits


def _request(engine: str, graphs: dict[str, Path], **changes: object) -> RestorationRequest:
    return RestorationRequest(engine=engine, model=str(graphs[engine]), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["lama", "migan"])
@pytest.mark.parametrize("shape", [(200, 300), (700, 260)])
def test_the_hole_gets_the_known_pixels_colour_and_nothing_else_changes(
    engine: str, shape: tuple[int, int], graphs: dict[str, Path]
) -> None:
    pixels, bits = _flat(*shape)
    out = restore(Photo(pixels), Mask(bits), _request(engine, graphs)).pixels
    assert np.array_equal(out[~bits], pixels[~bits])
    assert np.abs(out[bits].astype(int) - COLOR).max() <= 1


@pytest.mark.parametrize("engine", ["lama", "migan"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [None, 3, 4])
def test_exact_outside_the_mask_at_every_depth(
    engine: str, dtype: type, channels: int | None, graphs: dict[str, Path]
) -> None:
    rng = np.random.default_rng(1)
    plane = rng.integers(1000, 60000, (120, 160)).astype(np.uint16)
    base = {np.uint8: (plane >> 8).astype(np.uint8), np.uint16: plane, np.float32: plane / np.float32(65535)}
    pixels = base[dtype] if channels is None else np.dstack([base[dtype]] * channels)
    bits = np.zeros(plane.shape, bool)
    bits[40:80, 50:90] = True
    photo = Photo(np.ascontiguousarray(pixels))
    out = restore(photo, Mask(bits), _request(engine, graphs, blend=3)).pixels
    assert out.dtype == photo.pixels.dtype and out.shape == photo.pixels.shape
    assert np.array_equal(out[~bits], photo.pixels[~bits])
    assert not np.array_equal(out[bits], photo.pixels[bits])


def test_sixteen_bit_fill_is_the_known_mean_on_the_master_s_scale(graphs: dict[str, Path]) -> None:
    pixels, bits = _flat()
    master = pixels.astype(np.uint16) * 257
    out = restore(Photo(master), Mask(bits), _request("lama", graphs)).pixels
    assert np.abs(out[bits].astype(int) - np.array(COLOR) * 257).max() <= 257
    assert np.array_equal(out[~bits], master[~bits])


@pytest.mark.parametrize("engine", ["lama", "migan"])
def test_the_same_input_gives_the_same_bytes_whatever_the_seed(engine: str, graphs: dict[str, Path]) -> None:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (150, 220, 3), dtype=np.uint8)
    bits = np.zeros(pixels.shape[:2], bool)
    bits[30:90, 40:120] = True
    first = restore(Photo(pixels), Mask(bits), _request(engine, graphs, seed=1)).pixels
    again = restore(Photo(pixels), Mask(bits), _request(engine, graphs, seed=2)).pixels
    assert np.array_equal(first, again)
    assert RestorationRequest(engine=engine).deterministic


def test_cancel_stops_the_run(graphs: dict[str, Path]) -> None:
    pixels, bits = _flat()
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        restore(Photo(pixels), Mask(bits), _request("migan", graphs), cancel=flag.is_set)


def test_cancel_between_regions_fills_no_more(graphs: dict[str, Path]) -> None:
    pixels = np.zeros((1400, 1400, 3), np.uint8)
    bits = np.zeros(pixels.shape[:2], bool)
    bits[50:80, 50:80] = bits[1300:1330, 1300:1330] = True  # two regions, 512 px crops apart
    seen: list[int] = []

    def cancel() -> bool:
        seen.append(1)
        return len(seen) > 6  # lets the first region through, then stops

    with pytest.raises(Cancelled):
        restore(Photo(pixels), Mask(bits), _request("migan", graphs), cancel=cancel)


@pytest.mark.parametrize("engine", ["lama", "migan"])
def test_the_record_names_the_file_its_hash_and_the_runtime(engine: str, graphs: dict[str, Path]) -> None:
    from tratteggio.core.engines.eraser_models import file_sha256

    pixels, bits = _flat()
    info = restore(Photo(pixels), Mask(bits), _request(engine, graphs)).engine_info
    assert info["method"].startswith(f"learned eraser {engine}")
    assert info["sha256"] == file_sha256(graphs[engine]) and info["file"] == f"{engine}.onnx"
    assert info["provider"] == "CPUExecutionProvider" and info["working_size"] == 512


def _cli(tmp_path: Path, engine: str, model: Path | None) -> tuple[int, Path]:
    pixels, bits = _flat()
    save_photo(Photo(pixels), tmp_path / "photo.png")
    save_photo(Photo(Mask(bits).to_image()), tmp_path / "mask.png")
    out = tmp_path / "out.png"
    args = ["restore", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "mask.png"), "-o", str(out)]
    return main([*args, "--engine", engine, *(["--model", str(model)] if model else [])]), out


def test_the_cli_restores_and_records_with_a_chosen_file(tmp_path: Path, graphs: dict[str, Path]) -> None:
    code, out = _cli(tmp_path, "migan", graphs["migan"])
    assert code == 0 and out.exists()
    record = json.loads((tmp_path / "out.record.json").read_text())
    assert record["interventions"][0]["request"]["engine"] == "migan"


@pytest.mark.parametrize("bad", ["corrupt", "custom-op", "lama-graph", "missing"])
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(
    bad: str, tmp_path: Path, graphs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.onnx"
    if bad == "corrupt":
        path.write_bytes(graphs["migan"].read_bytes()[:-40])
    elif bad == "custom-op":
        onnx_helper.onnx.save(onnx_helper.custom_op_graph(), str(path))
    elif bad == "lama-graph":
        path.write_bytes(graphs["lama"].read_bytes())
    code, out = _cli(tmp_path, "migan", path)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and not (tmp_path / "out.record.json").exists()
    assert len(err.strip().splitlines()) == 1 and "model.onnx" in err


def _fake_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, content: bytes) -> Path:
    """The hub cache's layout for the catalog file of `engine`, holding `content`."""
    from huggingface_hub import constants

    from tratteggio.core.engines.eraser_models import eraser_model

    model = eraser_model(engine)
    assert model is not None
    folder = tmp_path / "hub" / ("models--" + model.repo.replace("/", "--")) / "snapshots" / model.revision
    folder.mkdir(parents=True)
    (folder / model.filename).write_bytes(content)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    return folder / model.filename


def test_a_catalog_file_with_the_wrong_hash_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    graphs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fake_cache(tmp_path, monkeypatch, "lama", graphs["lama"].read_bytes())
    code, out = _cli(tmp_path, "lama", None)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and "SHA-256" in err and "not the published lama file" in err


def test_the_catalog_file_with_its_pinned_hash_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graphs: dict[str, Path]
) -> None:
    from tratteggio.core.engines import eraser_models, get_engine

    path = _fake_cache(tmp_path, monkeypatch, "lama", graphs["lama"].read_bytes())
    engine = get_engine("lama")
    pinned = dataclasses.replace(engine.model, sha256=eraser_models.file_sha256(path))  # type: ignore[attr-defined]
    monkeypatch.setattr(engine, "model", pinned)
    monkeypatch.setattr(engine, "_loaded", {})
    pixels, bits = _flat()
    result = restore(Photo(pixels), Mask(bits), RestorationRequest(engine="lama"))
    assert np.abs(result.pixels[bits].astype(int) - COLOR).max() <= 1
    info = result.engine_info
    assert info["repo"] == "Carve/LaMa-ONNX" and info["licence"] == "Apache-2.0"
    assert info["sha256"] == pinned.sha256 and info["revision"] == pinned.revision


def test_weights_not_downloaded_say_how_to_get_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    from tratteggio.core.engines.onnx_eraser import OnnxEraser

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty"))
    with pytest.raises(ModelError, match="tratteggio models download migan"):
        OnnxEraser("migan").loaded(RestorationRequest(engine="migan"))


def test_without_onnxruntime_one_line_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from tratteggio.core.engines.onnx_eraser import onnxruntime

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelError, match=r"tratteggio\[erasers\]"):
        onnxruntime()


def test_models_list_shows_the_erasers_with_their_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    for text in ("lama", "Carve/LaMa-ONNX", "migan", "andraniksargsyan/migan", "Places2", "MIT"):
        assert text in out


def test_models_download_offline_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "migan"]) == 2
    assert "offline" in capsys.readouterr().err


def test_download_takes_only_the_pinned_file_and_checks_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graphs: dict[str, Path]
) -> None:
    import huggingface_hub

    from tratteggio.core.engines.eraser_models import download_eraser, eraser_model

    asked: list[dict[str, object]] = []

    def snapshot_download(repo: str, **kwargs: object) -> str:
        asked.append({"repo": repo, **kwargs})
        (tmp_path / "migan_pipeline_v2.onnx").write_bytes(graphs["migan"].read_bytes())
        return str(tmp_path)

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    model = eraser_model("migan")
    assert model is not None
    with pytest.raises(ModelError, match="not the published migan file"):
        download_eraser(model)
    assert asked[0]["repo"] == "andraniksargsyan/migan" and asked[0]["allow_patterns"] == [model.filename]
    assert asked[0]["revision"] == model.revision


def test_a_run_never_downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub

    from tratteggio.core.engines.onnx_eraser import OnnxEraser

    calls: list[object] = []

    def hf_hub_download(*args: object, **kwargs: object) -> str:
        calls.append(kwargs.get("local_files_only"))
        raise FileNotFoundError("not in the cache")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", hf_hub_download)
    with pytest.raises(ModelError, match="not downloaded"):
        OnnxEraser("lama").loaded(RestorationRequest(engine="lama"))
    assert calls == [True]
