"""Issue 26: `tratteggio fetch` against a level-0 IIIF server on 127.0.0.1: the stitched master
equals the source pixel for pixel; every fault is one line, exit 2, nothing left behind."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.hostile.common import cli, fingerprint, one_refusal
from tests.iiif.server import IMAGE, make_tileset, serving
from tratteggio.core.errors import Cancelled
from tratteggio.core.iiif.fetch import fetch_image, parts_folder
from tratteggio.core.io.loading import load_photo
from tratteggio.core.io.pixelhash import pixels_sha256


def picture(height: int = 700, width: int = 1000, dtype: type = np.uint8, channels: int = 3) -> np.ndarray:
    top = 65535 if dtype == np.uint16 else 255
    rng = np.random.default_rng(height + width)
    return rng.integers(0, top + 1, (height, width, channels)[: 3 if channels > 1 else 2], dtype=dtype)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    ("version", "dtype", "ext"), [(2, np.uint8, "png"), (3, np.uint16, "tif"), (2, np.uint16, "png")]
)
def test_the_stitched_master_equals_the_source(
    site: Path, out: Path, version: int, dtype: type, ext: str
) -> None:
    source = picture(dtype=dtype)
    with serving(site) as base:
        root = make_tileset(site, source, version=version, tile=256, base=base)
        said = cli("fetch", f"{base}/{IMAGE}/info.json", "-o", out / f"m.{ext}")
        assert said.code == 0, said
        by_base = cli("fetch", f"{base}/{IMAGE}", "-o", out / f"b.{ext}", "--connections", "1")
        assert by_base.code == 0, by_base
    fetched = load_photo(out / f"m.{ext}").pixels
    assert fetched.dtype == dtype and np.array_equal(fetched, source)
    assert np.array_equal(load_photo(out / f"b.{ext}").pixels, source)
    identity = json.loads((out / f"m.{ext}.source.json").read_text())
    assert identity["source"]["info_sha256"] == hashlib.sha256((root / "info.json").read_bytes()).hexdigest()
    assert identity["pixels_sha256"] == pixels_sha256(source) and identity["tiles"] == 12
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"m.{ext}", f"m.{ext}.source.json", f"b.{ext}", f"b.{ext}.source.json"]
    )


def _manifest(base: str, version: int) -> dict[str, object]:
    service = f"{base}/{IMAGE}"
    if version == 3:
        canvas = {
            "type": "Canvas",
            "label": {"en": ["folio 2r"]},
            "items": [
                {
                    "type": "AnnotationPage",
                    "items": [
                        {
                            "type": "Annotation",
                            "body": {"type": "Image", "service": [{"id": service, "type": "ImageService3"}]},
                        }
                    ],
                }
            ],
        }
        return {
            "type": "Manifest",
            "label": {"en": ["Codex"]},
            "rights": "http://creativecommons.org/publicdomain/mark/1.0/",
            "requiredStatement": {"label": {"en": ["Attribution"]}, "value": {"en": ["Museo Civico"]}},
            "items": [{"type": "Canvas", "items": []}, canvas],
        }
    canvas = {"@type": "sc:Canvas", "label": "f. 1", "images": [{"resource": {"service": {"@id": service}}}]}
    return {
        "@type": "sc:Manifest",
        "label": "Codex",
        "license": "CC0",
        "attribution": "Museo Civico",
        "sequences": [{"canvases": [canvas]}],
    }


@pytest.mark.parametrize("version", [2, 3])
def test_a_manifest_canvas_names_rights_and_attribution(site: Path, out: Path, version: int) -> None:
    source = picture(300, 400)
    with serving(site) as base:
        make_tileset(site, source, version=version, tile=256, base=base)
        (site / "manifest.json").write_text(json.dumps(_manifest(base, version)))
        canvas = ["--canvas", "2"] if version == 3 else []
        if version == 3:
            one_refusal(cli("fetch", f"{base}/manifest.json", "-o", out / "m.png"), "--canvas")
        said = cli("fetch", f"{base}/manifest.json", "-o", out / "m.png", *canvas)
        assert said.code == 0, said
    assert np.array_equal(load_photo(out / "m.png").pixels, source)
    named = json.loads((out / "m.png.source.json").read_text())["source"]
    assert (
        "Museo Civico" in named["attribution"] and named["rights"] and named["url"].endswith("manifest.json")
    )


def _status(code: int):  # type: ignore[no-untyped-def]
    return lambda handler: handler.send_error(code)


def _truncated(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(200)
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(b"\x89PNG\r\n\x1a\n" + bytes(100))
    handler.close_connection = True


def _slow(handler) -> None:  # type: ignore[no-untyped-def]
    time.sleep(1.5)
    _status(404)(handler)


def _to_file(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(302)
    handler.send_header("Location", "file:///etc/passwd")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _loop(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(302)
    handler.send_header("Location", handler.path)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


TILE = "/256,256,256,256/"
FAULTS = {
    "401": (TILE, _status(401), "401"),
    "403": (TILE, _status(403), "403"),
    "404": (TILE, _status(404), "404"),
    "500": (TILE, _status(500), "500"),
    "503": ("info.json", _status(503), "503"),
    "truncated": (TILE, _truncated, "truncated"),
    "timeout": (TILE, _slow, "timed out"),
    "redirect": (TILE, _to_file, "302"),
    "loop": (TILE, _loop, "302"),
}


@pytest.mark.parametrize("name", FAULTS)
def test_a_faulty_server_is_one_line_and_leaves_nothing(site: Path, out: Path, name: str) -> None:
    path, fault, words = FAULTS[name]
    with serving(site, faults={path: fault}) as base:
        make_tileset(site, picture(), tile=256, base=base)
        said = cli("fetch", f"{base}/{IMAGE}/info.json", "-o", out / "m.png", "--timeout", "0.5")
    one_refusal(said, words)
    assert list(out.iterdir()) == []


def _too_big(handler) -> None:  # type: ignore[no-untyped-def]
    data = cv2.imencode(".png", np.zeros((300, 300, 3), np.uint8))[1].tobytes()
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def test_a_server_that_lies_about_its_size_is_caught(site: Path, out: Path) -> None:
    with serving(site, faults={TILE: _too_big}) as base:
        make_tileset(site, picture(), tile=256, base=base)
        said = cli("fetch", f"{base}/{IMAGE}/info.json", "-o", out / "m.png")
    one_refusal(said, "300x300 pixels for a 256x256 region", "does not serve the size it declares")
    assert list(out.iterdir()) == []


def test_only_http_and_bounded_sizes(site: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one_refusal(cli("fetch", "file:///etc/passwd", "-o", out / "m.png"), "only http and https")
    one_refusal(cli("fetch", "http://127.0.0.1:9/x", "-o", out / "m.jpg"), "lossless")
    monkeypatch.setenv("TRATTEGGIO_MAX_PIXELS", "1000")
    with serving(site) as base:
        make_tileset(site, picture(), tile=256, base=base)
        one_refusal(cli("fetch", f"{base}/{IMAGE}/info.json", "-o", out / "m.png"), "TRATTEGGIO_MAX_PIXELS")
    assert list(out.iterdir()) == []


def test_a_cancelled_fetch_resumes_from_its_tiles(site: Path, out: Path) -> None:
    source = picture()
    seen: list[int] = []
    with serving(site) as base:
        make_tileset(site, source, tile=256, base=base)
        url = f"{base}/{IMAGE}/info.json"
        with pytest.raises(Cancelled):
            fetch_image(
                url,
                out / "m.png",
                connections=1,
                on_progress=lambda d, t: seen.append(d),
                cancel=lambda: len(seen) >= 5,
            )
        kept = list(parts_folder(out / "m.png").glob("*.png"))
        assert 5 <= len(kept) < 12 and not (out / "m.png").exists()
        fetched = fetch_image(url, out / "m.png")
    assert fetched.resumed == len(kept)
    assert np.array_equal(load_photo(out / "m.png").pixels, source)
    assert not parts_folder(out / "m.png").exists()


def test_nothing_is_written_over_an_input_name(site: Path, out: Path) -> None:
    (out / "m.png.source.json").mkdir()
    before = fingerprint(out)
    one_refusal(cli("fetch", "http://127.0.0.1:9/x", "-o", out / "m.png"), "folder")
    assert fingerprint(out) == before


def test_a_restoration_of_a_fetched_master_names_its_source(site: Path, out: Path) -> None:
    source = picture(200, 300)
    with serving(site) as base:
        make_tileset(site, source, tile=128, base=base)
        assert cli("fetch", f"{base}/{IMAGE}/info.json", "-o", out / "m.png").code == 0
    mask = np.zeros((200, 300), np.uint8)
    mask[50:60, 50:90] = 255
    (out / "mask.png").write_bytes(cv2.imencode(".png", mask)[1].tobytes())
    assert (
        cli(
            "restore", out / "m.png", "--mask", out / "mask.png", "-o", out / "r.png", "--engine", "telea"
        ).code
        == 0
    )
    named = json.loads((out / "r.record.json").read_text())["notes"]["master_source"]
    assert named["source"]["url"].endswith("info.json") and named["pixels_sha256"] == pixels_sha256(source)
