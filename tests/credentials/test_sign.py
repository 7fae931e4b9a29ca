"""Issue 26: exports signed with Content Credentials, read back by `verify`; every refusal is one
line, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile

from tests.credentials import certs
from tests.hostile import corpus
from tests.hostile.common import cli, fingerprint, one_refusal
from tratteggio.core.io.loading import load_photo
from tratteggio.core.record.describe import sha256_file
from tratteggio.core.record.signed import pixels_sha256

pytest.importorskip("c2pa")

FORMATS = [("png", np.uint8), ("png", np.uint16), ("tif", np.uint8), ("tif", np.uint16), ("jpg", np.uint8)]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lab") / "identity"
    said = cli("credentials", "new", "--org", "Museo Prova", "-o", folder)
    assert said.code == 0 and "untrusted" in said.out, said
    return folder


def _photo(folder: Path, ext: str, dtype: type) -> tuple[Path, Path]:
    photo, mask = folder / "photo.png", folder / "mask.png"
    photo.write_bytes(corpus.encode(corpus.photo(48, 64, dtype=dtype), photo.suffix[1:]))
    mask.write_bytes(corpus.encode(corpus.mask(48, 64), "png"))
    return photo, mask


def _restore(folder: Path, lab: Path, ext: str, dtype: type, *more: object) -> Path:
    photo, mask = _photo(folder, ext, dtype)
    out = folder / f"out.{ext}"
    lossy = ("--lossy",) if ext == "jpg" else ()
    said = cli("restore", photo, "--mask", mask, "-o", out, "--engine", "telea", "--sign", lab, *lossy, *more)
    assert said.code == 0, said
    return out


@pytest.mark.parametrize(("ext", "dtype"), FORMATS)
def test_every_format_signs_and_verifies(tmp_path: Path, lab: Path, ext: str, dtype: type) -> None:
    out = _restore(tmp_path, lab, ext, dtype)
    said = cli("verify", out)
    assert said.code == 0, said
    assert "valid" in said.out and "Museo Prova" in said.out and "c2pa.opened" in said.out
    assert "algorithmicallyEnhanced" in said.out and "pixels match" in said.out
    record = json.loads(out.with_name("out.record.json").read_text())
    assert record["output"]["credentials"].startswith("C2PA, signed by")
    assert record["output"]["pixels_sha256"] == pixels_sha256(load_photo(out).pixels)
    assert load_photo(out).pixels.dtype == dtype
    assert cli("verify", out.with_name("out.record.json")).code == 0
    trusted = cli("verify", out, "--trust", lab / "root.pem")
    assert trusted.code == 0 and "trusted" in trusted.out


def test_rerun_reproduces_the_unsigned_bytes_and_the_same_pixels(tmp_path: Path, lab: Path) -> None:
    out = _restore(tmp_path, lab, "tif", np.uint16)
    record = tmp_path / "out.record.json"
    said = cli("rerun", record, "-o", tmp_path / "again.tif")
    assert said.code == 0 and "identical" in said.out, said
    assert sha256_file(tmp_path / "again.tif") == json.loads(record.read_text())["output"]["sha256"]
    assert np.array_equal(load_photo(tmp_path / "again.tif").pixels, load_photo(out).pixels)
    assert sha256_file(tmp_path / "again.tif") != sha256_file(out)  # signed: same pixels, other bytes
    signed_again = cli("rerun", record, "-o", tmp_path / "again2.tif", "--sign", lab)
    assert signed_again.code == 0 and "identical" in signed_again.out


def test_one_changed_pixel_fails_verify(tmp_path: Path, lab: Path) -> None:
    out = _restore(tmp_path, lab, "tif", np.uint16)
    with tifffile.TiffFile(out) as tif:
        offset = tif.pages[0].dataoffsets[0]
    data = bytearray(out.read_bytes())
    data[offset] ^= 1
    out.write_bytes(bytes(data))
    one_refusal(cli("verify", out), "out.tif", "not valid")
    one_refusal(cli("verify", tmp_path / "out.record.json"), "pixels differ")


def test_a_repainted_pixel_loses_the_credentials(tmp_path: Path, lab: Path) -> None:
    out = _restore(tmp_path, lab, "png", np.uint8)
    pixels = load_photo(out).pixels.copy()
    pixels[0, 0, 0] ^= 1
    out.write_bytes(corpus.encode(pixels, "png"))
    one_refusal(cli("verify", out), "no Content Credentials")


def test_a_corrupt_manifest_is_one_line(tmp_path: Path, lab: Path) -> None:
    out = _restore(tmp_path, lab, "png", np.uint8)
    data = bytearray(out.read_bytes())
    at = data.find(b"c2pa.signature")
    data[at + 40 : at + 80] = bytes(40)
    out.write_bytes(bytes(data))
    before = fingerprint(tmp_path)
    said = cli("verify", out)
    one_refusal(said, "out.png")
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("make", [certs.wrong_key, certs.expired, certs.self_signed])
def test_an_unusable_identity_writes_nothing(tmp_path: Path, make: object) -> None:
    identity = make(tmp_path)  # type: ignore[operator]
    photo, mask = _photo(tmp_path, "png", np.uint8)
    before = fingerprint(tmp_path)
    out = tmp_path / "out.png"
    said = cli("restore", photo, "--mask", mask, "-o", out, "--engine", "telea", "--sign", identity)
    words = {"wrong_key": "does not belong", "expired": "expired", "self_signed": "self-signed"}
    one_refusal(said, words[make.__name__])  # type: ignore[attr-defined]
    assert fingerprint(tmp_path) == before


def test_a_bmp_cannot_be_signed_and_nothing_is_written(tmp_path: Path, lab: Path) -> None:
    photo, mask = _photo(tmp_path, "png", np.uint8)
    before = fingerprint(tmp_path)
    out = tmp_path / "out.bmp"
    said = cli("restore", photo, "--mask", mask, "-o", out, "--engine", "telea", "--sign", lab)
    one_refusal(said, "BMP", "Content Credentials")
    assert fingerprint(tmp_path) == before


def test_credentials_new_never_overwrites(lab: Path) -> None:
    before = (lab / "signer.key").read_bytes()
    one_refusal(cli("credentials", "new", "--org", "Other", "-o", lab), "already exists")
    assert (lab / "signer.key").read_bytes() == before


def test_an_unsigned_photo_has_no_credentials(tmp_path: Path) -> None:
    photo, _ = _photo(tmp_path, "png", np.uint8)
    one_refusal(cli("verify", photo), "no Content Credentials")


def test_without_the_extra_sign_says_how_to_install(
    tmp_path: Path, lab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "c2pa", None)
    photo, mask = _photo(tmp_path, "png", np.uint8)
    said = cli("restore", photo, "--mask", mask, "-o", tmp_path / "out.png", "--sign", lab)
    one_refusal(said, "pip install 'tratteggio[credentials]'")


def test_a_chain_out_of_order_is_refused(tmp_path: Path) -> None:
    other, pair = certs.good("Other"), certs.good()
    identity = certs.bundle(
        tmp_path / "mixed.pem",
        pair["chain"].split(b"-----END CERTIFICATE-----\n")[0]
        + b"-----END CERTIFICATE-----\n"
        + other["root"],
        pair["key"],
    )
    photo, mask = _photo(tmp_path, "png", np.uint8)
    said = cli("restore", photo, "--mask", mask, "-o", tmp_path / "out.png", "--sign", identity)
    one_refusal(said, "was not issued by")
