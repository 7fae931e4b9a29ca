"""The installers' files that can be checked without building: the desktop entry and metainfo
validate, the MIME types cover what the studio opens, the icons have their sizes, the .deb's Qt
dependencies are the doctor's list, and the windowed program's output goes to a log."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tratteggio.cli import studio, studio_main
from tratteggio.core.io.userdirs import log_dir
from tratteggio.core.support.libcheck import DEBIAN, XCB_LIBRARIES

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DESKTOP = PACKAGING / "linux" / "org.tratteggio.Tratteggio.desktop"
METAINFO = PACKAGING / "linux" / "org.tratteggio.Tratteggio.metainfo.xml"


def entry(key: str) -> str:
    return next(
        line.split("=", 1)[1] for line in DESKTOP.read_text().splitlines() if line.startswith(key + "=")
    )


@pytest.mark.parametrize(("tool", "args", "path"), [
    ("desktop-file-validate", [], DESKTOP),
    ("appstreamcli", ["validate", "--no-net"], METAINFO),
])  # fmt: skip
def test_desktop_files_validate(tool: str, args: list[str], path: Path) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install desktop-file-utils appstream)")
    done = subprocess.run([tool, *args, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_desktop_entry_opens_every_format_and_the_project() -> None:
    types = set(entry("MimeType").strip(";").split(";"))
    photos = {"image/png", "image/jpeg", "image/tiff", "image/webp", "image/bmp"}
    assert types == photos | {"application/x-tratteggio-project"}
    assert entry("Exec") == "tratteggio-studio %f"
    assert "application/x-tratteggio-project" in (PACKAGING / "linux" / "tratteggio-mime.xml").read_text()


def test_icons_have_their_sizes() -> None:
    for size in (48, 64, 128, 256, 512):
        with Image.open(PACKAGING / "icons" / f"tratteggio-{size}.png") as im:
            assert im.size == (size, size) and im.mode == "RGBA"
    assert (PACKAGING / "icons" / "tratteggio.svg").read_text().startswith("<svg")


def test_deb_depends_on_the_doctors_library_list() -> None:
    done = subprocess.run([sys.executable, str(PACKAGING / "qt_depends.py")], capture_output=True, text=True)
    listed = done.stdout.strip().split(", ")
    assert set(listed) == {packages[DEBIAN] for packages in XCB_LIBRARIES.values()}
    assert "libxcb-icccm4" in listed and "libxcb-keysyms1" in listed  # the two issue 18 found missing


def test_studio_program_passes_the_file_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    monkeypatch.setattr(studio, "cmd_open", lambda args: seen.append(args) or 0)
    monkeypatch.setattr(
        sys, "argv", ["tratteggio-studio", "/photos/a b.tif", "--snapshot", "s.png", "-psn_0_1"]
    )
    assert studio_main() == 0
    assert seen[0].photo == "/photos/a b.tif" and seen[0].snapshot == "s.png"  # type: ignore[attr-defined]


def test_windowed_program_without_streams_logs_to_the_log_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    studio.log_missing_streams()
    print("hello from a windowed studio")
    sys.stderr.write("and its errors\n")
    sys.stdout.flush()
    text = (log_dir() / "studio.log").read_text()
    assert "hello from a windowed studio" in text and "and its errors" in text
