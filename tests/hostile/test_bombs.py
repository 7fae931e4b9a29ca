"""Issue 16, cases 5 and 12: sizes are checked from headers before decoding, for every format and
page, and TIFF layouts that are not one image are refused naming what they hold (or kept exactly)."""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import tifffile

from tests.hostile import corpus
from tests.hostile.common import cli, one_refusal
from tratteggio.core import load_photo
from tratteggio.core.errors import ImageLoadError

BOMBS: dict[str, Callable[[], bytes]] = {
    "bomb.png": corpus.png_bomb,
    "bomb16.png": lambda: corpus.png_bomb(depth16=True),
    "bomb.tif": corpus.tiff_bomb,
    "bomb.jpg": corpus.jpeg_bomb,
    "bomb.webp": corpus.webp_bomb,
    "bomb.bmp": corpus.bmp_bomb,
}


def peak_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    with contextlib.suppress(ImageLoadError):
        action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_from_its_header_before_any_decoding(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BOMBS[name]())
    assert path.stat().st_size < 2_000
    with pytest.raises(ImageLoadError, match="over the limit"):
        load_photo(path)
    assert peak_bytes(lambda: load_photo(path)) < 8 << 20  # decoding would take 268 MB to 12.7 GB


def test_a_strip_that_inflates_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    """A 64x64 TIFF (4 KB of pixels) whose one deflate strip inflates to 64 MB."""
    path = tmp_path / "strip-bomb.tif"
    path.write_bytes(corpus.tiff_strip_bomb())
    with pytest.raises(ImageLoadError, match="decompression bomb"):
        load_photo(path)
    assert peak_bytes(lambda: load_photo(path)) < 8 << 20


def test_without_bounded_decoders_every_strip_is_checked_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tratteggio.core.io.limits as limits

    monkeypatch.setattr(limits, "bound_tiff_inflation", lambda: False)
    path = tmp_path / "strip-bomb.tif"
    path.write_bytes(corpus.tiff_strip_bomb())
    with pytest.raises(ImageLoadError, match="strip-bomb.tif: a compressed strip inflates beyond the 4,096"):
        load_photo(path)
    honest = tmp_path / "honest.tif"
    tifffile.imwrite(honest, corpus.photo(64, 64), photometric="rgb", compression="zlib", rowsperstrip=8)
    assert np.array_equal(load_photo(honest).pixels, corpus.photo(64, 64))


def test_the_limit_is_a_whole_number_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ok.png"
    path.write_bytes(corpus.encode(corpus.photo(), "png"))
    args = ["detect", path, "-o", tmp_path / "m.png"]
    for bad in ("abc", "-5", "1e9", "0"):
        monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", bad)
        one_refusal(cli(*args), "TRATTEGGIO_MAX_PIXELS", repr(bad))
    monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", "500")
    one_refusal(cli(*args), "32x24 is 768 pixels, over the limit of 500 pixels")
    monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", "1_000")
    assert cli(*args).code == 0
    assert not (tmp_path / "m.png").exists() or (tmp_path / "m.png").stat().st_size > 0


def _tiff(path: Path, pixels: np.ndarray, **options: object) -> Path:
    tifffile.imwrite(path, pixels, **options)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (
            lambda p: _tiff(p, np.zeros((3, 24, 32), np.uint8), photometric="minisblack"),
            "3 images (pages 2-3",
        ),
        (lambda p: p.write_bytes(corpus._pages(corpus.photo(), corpus.photo(12, 16))), "2 images (page 2"),
        (
            lambda p: _tiff(
                p, np.zeros((24, 32, 5), np.uint8), photometric="minisblack", planarconfig="contig"
            ),
            "5 samples per pixel (gray + 4 extra)",
        ),
        (
            lambda p: _tiff(
                p, np.zeros((5, 24, 32), np.uint8), photometric="minisblack", planarconfig="separate"
            ),
            "5 samples per pixel",
        ),
        (
            lambda p: _tiff(
                p, np.zeros((24, 32, 5), np.uint8), photometric="rgb", extrasamples=("unspecified",) * 2
            ),
            "RGB + 2 extra",
        ),
        (lambda p: _tiff(p, np.zeros((24, 32), np.float64)), "float64 samples"),
        (lambda p: _tiff(p, np.zeros((24, 32), np.int16)), "int16 samples"),
    ],
)
def test_odd_tiff_layouts_are_refused_naming_what_they_hold(
    tmp_path: Path, make: Callable, named: str
) -> None:
    path = tmp_path / "odd.tif"
    make(path)
    said = cli("restore", path, "--mask", tmp_path / "none.png", "-o", tmp_path / "out.tif")
    one_refusal(said, named)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.tif"]


@pytest.mark.parametrize(
    "options",
    [
        {"photometric": "rgb", "planarconfig": "separate"},
        {"photometric": "rgb", "tile": (16, 16)},
        {"photometric": "rgb", "compression": "zlib", "predictor": True},
    ],
)
def test_layouts_that_are_one_image_are_kept_exactly(tmp_path: Path, options: dict[str, object]) -> None:
    pixels = corpus.photo(32, 48, dtype=np.uint16)
    stored = np.moveaxis(pixels, -1, 0) if options.get("planarconfig") == "separate" else pixels
    path = _tiff(tmp_path / "odd.tif", stored, **options)
    (tmp_path / "mask.png").write_bytes(corpus.encode(corpus.mask(32, 48), "png"))
    assert np.array_equal(load_photo(path).pixels, pixels)
    said = cli(
        "restore", path, "--mask", tmp_path / "mask.png", "-o", tmp_path / "out.tif", "--engine", "telea"
    )
    assert said.code == 0, said.err
    out = load_photo(tmp_path / "out.tif").pixels
    outside = ~np.asarray(load_photo(tmp_path / "out.lossmap.png").pixels > 0)
    assert np.array_equal(out[outside], pixels[outside])


def test_a_thumbnail_page_is_not_an_image_to_refuse(tmp_path: Path) -> None:
    path = tmp_path / "with-thumbnail.tif"
    path.write_bytes(corpus._pages(corpus.photo(), corpus.photo(12, 16), subfiletype=1))
    assert np.array_equal(load_photo(path).pixels, corpus.photo())
