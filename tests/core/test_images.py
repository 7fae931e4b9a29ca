"""Loading and saving photos: bit depth, channels, alpha, orientation, ICC, XMP, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image, ImageCms

from tratteggio.core import ImageLoadError, ImageSaveError, Photo, load_photo, save_photo
from tratteggio.core.io.loading import apply_orientation

from .helpers import coffee


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def rgb16(height: int = 40, width: int = 60) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.integers(0, 65536, size=(height, width, 3), dtype=np.uint16)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
@pytest.mark.parametrize(
    "pixels",
    [
        coffee()[:50, :70],
        rgb16(),
        rgb16()[:, :, 0],
        coffee()[:50, :70, 0],
        np.dstack([coffee()[:50, :70], np.arange(50 * 70, dtype=np.uint8).reshape(50, 70)]),
        np.dstack([rgb16(), rgb16()[:, :, :1]]),
    ],
    ids=["rgb8", "rgb16", "gray16", "gray8", "rgba8", "rgba16"],
)
def test_lossless_round_trip_keeps_depth_channels_alpha_and_icc(
    tmp_path: Path, suffix: str, pixels: np.ndarray
) -> None:
    icc = srgb_icc()
    path = tmp_path / f"photo{suffix}"
    save_photo(Photo(pixels, icc), path)
    back = load_photo(path)
    assert back.pixels.dtype == pixels.dtype
    assert back.pixels.shape == pixels.shape
    np.testing.assert_array_equal(back.pixels, pixels)
    assert back.icc_profile == icc


def test_tiff_float32_and_gray_alpha_round_trip(tmp_path: Path) -> None:
    values = np.random.default_rng(2).random((20, 30, 3), dtype=np.float32)
    save_photo(Photo(values), tmp_path / "f.tif")
    np.testing.assert_array_equal(load_photo(tmp_path / "f.tif").pixels, values)
    ga = np.dstack([coffee()[:20, :30, 0], coffee()[:20, :30, 1]])
    save_photo(Photo(ga), tmp_path / "ga.png")
    np.testing.assert_array_equal(load_photo(tmp_path / "ga.png").pixels, ga)


def test_pillow_would_drop_48bit_tiff_to_8bit_but_we_do_not(tmp_path: Path) -> None:
    pixels = rgb16()
    tifffile.imwrite(tmp_path / "m.tif", pixels, photometric="rgb")
    assert load_photo(tmp_path / "m.tif").pixels.dtype == np.uint16


def test_xmp_packet_is_embedded_in_png_and_tiff(tmp_path: Path) -> None:
    xmp = b"<x:xmpmeta>DigitalSourceType</x:xmpmeta>"
    for name in ("a.png", "a.tif"):
        save_photo(Photo(coffee()[:10, :10]), tmp_path / name, xmp=xmp)
    assert xmp in (tmp_path / "a.png").read_bytes()
    with tifffile.TiffFile(tmp_path / "a.tif") as tif:
        assert bytes(tif.pages.first.tags.valueof(700)) == xmp
    with Image.open(tmp_path / "a.png") as im:
        assert "DigitalSourceType" in im.info["XML:com.adobe.xmp"]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_like_pillow(tmp_path: Path, orientation: int) -> None:
    from PIL import ImageOps

    image = Image.fromarray(coffee()[:30, :50])
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(tmp_path / "o.png", exif=exif)  # PNG keeps pixels exact, unlike JPEG
    expected = np.asarray(ImageOps.exif_transpose(Image.open(tmp_path / "o.png")))
    np.testing.assert_array_equal(load_photo(tmp_path / "o.png").pixels, expected)


def test_jpeg_webp_bmp_load_as_8bit_rgb(tmp_path: Path) -> None:
    for name in ("a.jpg", "a.webp", "a.bmp"):
        save_photo(Photo(coffee()[:40, :40]), tmp_path / name)
        photo = load_photo(tmp_path / name)
        assert photo.pixels.shape == (40, 40, 3) and photo.pixels.dtype == np.uint8
    webp = load_photo(tmp_path / "a.webp").pixels  # lossless WebP
    np.testing.assert_array_equal(webp, coffee()[:40, :40])


def test_jpeg_keeps_icc(tmp_path: Path) -> None:
    save_photo(Photo(coffee()[:16, :16], srgb_icc()), tmp_path / "a.jpg")
    assert load_photo(tmp_path / "a.jpg").icc_profile == srgb_icc()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"hello, this is text", "not a supported image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt or truncated"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "corrupt or truncated"),
        (b"II*\x00" + b"\x00" * 40, "corrupt or truncated"),
    ],
)
def test_bad_files_raise_one_error_type_naming_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with pytest.raises(ImageLoadError, match=problem) as info:
        load_photo(path)
    assert "broken.png" in str(info.value)


def test_truncated_files_are_refused_not_half_loaded(tmp_path: Path) -> None:
    for name in ("t.png", "t.jpg", "t.tif"):
        save_photo(Photo(coffee()), tmp_path / name)
        data = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(data[: len(data) // 2])
        with pytest.raises(ImageLoadError, match=name):
            load_photo(tmp_path / name)
    save_photo(Photo(rgb16()), tmp_path / "t16.png")
    data = (tmp_path / "t16.png").read_bytes()
    (tmp_path / "t16.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="t16.png"):
        load_photo(tmp_path / "t16.png")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImageLoadError, match="no such file"):
        load_photo(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_photo(tmp_path)


def test_pixel_limit_gives_a_clear_message_and_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_photo(Photo(coffee()), tmp_path / "c.png")
    with pytest.raises(ImageLoadError, match="over the limit.*TRATTEGGIO_MAX_PIXELS"):
        load_photo(tmp_path / "c.png", limit=1000)
    monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", "1000")
    with pytest.raises(ImageLoadError, match="240,000 pixels, over the limit of 1,000 pixels"):
        load_photo(tmp_path / "c.png")
    monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", "300000")
    assert load_photo(tmp_path / "c.png").width == 600


def test_default_limit_admits_150_megapixel_masters() -> None:
    from tratteggio.core.io.loading import DEFAULT_MAX_PIXELS

    assert DEFAULT_MAX_PIXELS >= 150_000_000


def test_unknown_output_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageSaveError, match="unknown output format"):
        save_photo(Photo(coffee()), tmp_path / "out.xyz")


def test_apply_orientation_inverts_rotations() -> None:
    a = np.arange(12).reshape(3, 4)
    assert apply_orientation(a, 6).shape == (4, 3)
    np.testing.assert_array_equal(apply_orientation(apply_orientation(a, 3), 3), a)


def test_sixteen_to_eight_bit_rounds_every_value_like_rint() -> None:
    from tratteggio.core.io.saving import to_uint8

    every = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    np.testing.assert_array_equal(to_uint8(every), np.rint(every / 257.0).astype(np.uint8))
    five = np.zeros((2, 2, 5), np.uint16) + 65535  # more channels than OpenCV takes: numpy path
    assert (to_uint8(five) == 255).all()
