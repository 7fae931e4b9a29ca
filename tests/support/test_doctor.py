"""`tratteggio doctor`: the report's keys in a clean environment, a missing system library named
with the package to install, known-bad releases, and the studio's platform-failure path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fakeqt import FAKE, fake_plugin_folder
from tratteggio.cli import main
from tratteggio.core.support import checks, doctor, libcheck
from tratteggio.core.support.render import render

KEYS = {
    "tratteggio", "python", "system", "executable", "frozen", "qt", "torch", "libraries", "models", "folders",
    "hub", "known_bad", "problems",
}  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def test_doctor_json_has_every_key_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json", "--no-network"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == KEYS
    assert report["tratteggio"] and report["python"] == sys.version.split()[0]
    assert set(report["qt"]) >= {"pyside6", "qt", "platform", "display", "missing_libraries", "starts"}
    assert report["qt"]["starts"] is True and report["qt"]["platform"] == "offscreen"  # the child started Qt
    assert report["qt"]["qt"].startswith("6.")
    assert report["torch"]["version"] and report["torch"]["device"] in ("cpu", "cuda", "mps")
    assert report["torch"]["build"]
    assert report["libraries"]["diffusers"][0].isdigit() and report["libraries"]["transformers"][0].isdigit()
    assert report["models"]["cache"] and report["models"]["models"] == []
    assert report["folders"]["state"] and report["folders"]["crash_log"].endswith("crash.log")
    assert report["hub"]["offline"] is True and report["hub"]["reachable"] is None
    assert report["known_bad"] == []


def test_doctor_text_is_one_screen(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--no-network"]) == 0
    text = capsys.readouterr().out
    for label in ("Tratteggio", "Qt ", "System libs", "torch", "Models", "State", "Logs", "Hub", "Known-bad"):
        assert label in text
    assert len(text.splitlines()) < 40


def test_a_missing_library_is_named_with_its_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_plugin_folder(tmp_path)
    missing = libcheck.missing_libraries(folder / "libqxcb.so")
    assert missing is not None and FAKE.decode() in missing
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(folder))
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    known = {**libcheck.XCB_LIBRARIES, FAKE.decode(): ("pkg-deb", "pkg-rpm")}
    monkeypatch.setattr(libcheck, "XCB_LIBRARIES", known)
    report = checks.examine(doctor.QtRuntime(), network=False)
    assert FAKE.decode() in (report.qt.missing_libraries or [])
    problem = next(p for p in report.problems if FAKE.decode() in p.what)
    assert "pkg-deb" in problem.fix or "pkg-rpm" in problem.fix
    assert FAKE.decode() in render(report)


def test_known_bad_qt_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    real = doctor.version_of
    monkeypatch.setattr(doctor, "version_of", lambda d: "6.12.0" if d == "PySide6-Essentials" else real(d))
    report = checks.examine(doctor.QtRuntime(), network=False)
    assert any("6.12.0" in bad for bad in report.known_bad)
    assert any("6.12.0" in p.what and "!=6.12.0" in p.fix for p in report.problems)


def test_broken_torch_and_unreachable_hub_are_problems_with_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        doctor, "torch_facts", lambda: doctor.TorchFacts("", "", "", "", None, "ImportError: libtorch.so")
    )
    monkeypatch.setattr(doctor, "hub_facts", lambda network: doctor.HubFacts(False, "https://hub", False))
    report = checks.examine(doctor.QtRuntime(), network=True)
    whats = " ".join(p.what for p in report.problems)
    assert "torch cannot be imported" in whats and "cannot be reached" in whats
    assert all(p.fix for p in report.problems)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("ID=ubuntu\nID_LIKE=debian\n", libcheck.DEBIAN),
        ("ID=debian\n", libcheck.DEBIAN),
        ("ID=fedora\n", libcheck.FEDORA),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', libcheck.FEDORA),
        ("ID=arch\n", None),
    ],
)
def test_distro_family(tmp_path: Path, text: str, family: int | None) -> None:
    (tmp_path / "os-release").write_text(text)
    assert libcheck.distro_family(tmp_path / "os-release") == family


def test_readme_package_lines_are_the_programs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert libcheck.package_line(libcheck.DEBIAN) in readme
    assert libcheck.package_line(libcheck.FEDORA) in readme


def test_studio_without_its_platform_libraries_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = fake_plugin_folder(tmp_path)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="xcb",
        DISPLAY=":99",
        QT_QPA_PLATFORM_PLUGIN_PATH=str(folder),
        HOME=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tratteggio", "open"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2, (done.returncode, done.stderr)  # not 134: Qt never got to abort
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tratteggio: error: the studio cannot start")
    assert FAKE.decode() in lines[0]
    assert "sudo apt-get install" in lines[0] or "sudo dnf install" in lines[0]
    assert not list(tmp_path.glob("core*"))
