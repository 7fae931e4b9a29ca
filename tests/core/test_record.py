"""Results are written with their conservation record, loss map and mask, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import ImageCms

from tratteggio.core import (
    ImageSaveError,
    Photo,
    RestorationRequest,
    load_photo,
    restore,
    save_photo,
    write_result,
)
from tratteggio.core.record.describe import CLASSICAL_SOURCE, sha256_file

from .helpers import coffee, square_mask


@pytest.fixture
def master(tmp_path: Path) -> Path:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "master.tif"
    save_photo(Photo((coffee()[:120, :160].astype(np.uint16) * 257), icc), path)
    return path


def test_record_documents_master_request_mask_engine_and_output(master: Path, tmp_path: Path) -> None:
    photo = load_photo(master)
    mask = square_mask(120, 160, 50, 40, 12)
    request = RestorationRequest(engine="telea", blend=3)
    result = restore(photo, mask, request)
    files = write_result(result, photo, mask, tmp_path / "out.tif", master)
    record = json.loads(files["record"].read_text())
    assert record["master"]["sha256"] == sha256_file(master)
    assert record["master"]["bit_depth"] == 16
    assert "sRGB" in record["master"]["icc_description"]
    (fill,) = record["interventions"]
    assert fill["request"] == request.to_dict()
    assert record["mask"]["pixel_count"] == fill["mask"]["pixel_count"] == 144
    assert record["loss_map"]["bbox"] == fill["effective_mask"]["bbox"] == [47, 37, 65, 55]
    assert record["loss_map"]["pixel_count"] == mask.grow(3).pixel_count
    assert fill["engine"]["opencv"]
    assert record["software"]["tratteggio"]
    assert record["output"]["sha256"] == sha256_file(tmp_path / "out.tif")
    assert record["digital_source_type"] == CLASSICAL_SOURCE
    out = load_photo(tmp_path / "out.tif")
    assert out.pixels.dtype == np.uint16 and out.icc_profile == photo.icc_profile
    with tifffile.TiffFile(tmp_path / "out.tif") as tif:
        assert CLASSICAL_SOURCE.encode() in bytes(tif.pages.first.tags.valueof(700))
    lossmap = load_photo(files["lossmap"]).pixels > 0
    assert (lossmap == result.effective_mask.bits).all()


def test_master_is_never_overwritten(master: Path) -> None:
    photo = load_photo(master)
    mask = square_mask(120, 160, 50, 40, 12)
    before = master.read_bytes()
    result = restore(photo, mask, RestorationRequest())
    with pytest.raises(ImageSaveError, match="overwrite the master"):
        write_result(result, photo, mask, master, master)
    assert master.read_bytes() == before


def test_a_failed_save_leaves_no_file_and_no_temp(
    master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = load_photo(master)
    mask = square_mask(120, 160, 50, 40, 12)
    result = restore(photo, mask, RestorationRequest())
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tratteggio.core.record.writer._record", explode)
    with pytest.raises((ImageSaveError, OSError)):
        write_result(result, photo, mask, out_dir / "r.png", master)
    assert list(out_dir.iterdir()) == []


def test_interrupted_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.png"
    save_photo(Photo(coffee()[:20, :20]), target)
    before = target.read_bytes()
    import cv2

    monkeypatch.setattr(cv2, "imencode", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        save_photo(Photo(coffee()[:30, :30]), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]
