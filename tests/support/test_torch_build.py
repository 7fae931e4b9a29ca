"""`tratteggio doctor` names the installed torch build from its files and says when a GPU the system
shows cannot be used (issue 27, major 1)."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from tratteggio.core.engines import devices
from tratteggio.core.support import checks, doctor
from tratteggio.core.support.render import render


def fake_torch(root: Path, version: str, version_py: str) -> None:
    info = root / f"torch-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
    (root / "torch").mkdir()
    (root / "torch" / "version.py").write_text(version_py)


@pytest.mark.parametrize(
    ("version", "version_py", "build"),
    [
        ("2.13.0+cu128", "cuda: Optional[str] = '12.8'\nhip: Optional[str] = None\n", "cuda 12.8"),
        (
            "2.13.0+rocm6.4",
            "cuda: Optional[str] = None\nhip: Optional[str] = '6.4.43482'\n",
            "rocm 6.4.43482",
        ),
        ("2.13.0+cu130", "", "cuda 13.0"),  # no version.py: the wheel's suffix says it
        ("2.13.0+cpu", "cuda: Optional[str] = None\nhip: Optional[str] = None\n", "cpu"),
    ],
)
def test_build_is_read_from_the_installed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, version_py: str, build: str
) -> None:
    fake_torch(tmp_path, version, version_py)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert metadata.version("torch") == version  # the fake is the one found
    assert devices.installed_build() == build


def test_this_machines_build_agrees_with_torch_itself() -> None:
    import torch

    facts = devices.torch_facts()
    expected = f"cuda {torch.version.cuda}" if torch.version.cuda else "cpu"
    assert facts.build == expected == devices.installed_build()
    assert isinstance(facts.gpus, list)


def test_an_nvidia_gpu_seen_with_the_cpu_build_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    assert "nvidia" in devices.seen_gpus()  # nvidia-smi on PATH is enough to see the driver
    facts = devices.TorchFacts("2.13.0+cpu", "cpu", "cpu", "x86_64", None, "", ["nvidia"])
    monkeypatch.setattr(doctor, "torch_facts", lambda: facts)
    report = checks.examine(doctor.QtRuntime(), network=False)
    problem = next(p for p in report.problems if "NVIDIA" in p.what)
    assert "cpu build" in problem.what and "runs on the CPU" in problem.what
    assert "pip install --force-reinstall torch" in problem.fix and "CUDA" in problem.fix
    assert "GPU seen: NVIDIA" in render(report)


def test_a_cuda_build_that_cannot_use_the_gpu_names_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = devices.TorchFacts("2.13.0+cu130", "cuda 13.0", "cpu", "x86_64", None, "", ["nvidia"])
    monkeypatch.setattr(doctor, "torch_facts", lambda: facts)
    problem = next(p for p in checks.examine(network=False).problems if "NVIDIA" in p.what)
    assert "cuda 13.0 build cannot use" in problem.what and "driver" in problem.fix


def test_a_usable_gpu_and_no_gpu_are_not_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    for facts in (
        devices.TorchFacts("2.13.0", "cuda 13.0", "cuda", "H100", 80 << 30, "", ["nvidia"]),
        devices.TorchFacts("2.13.0+cpu", "cpu", "cpu", "x86_64", None, "", []),
    ):
        monkeypatch.setattr(doctor, "torch_facts", lambda facts=facts: facts)
        assert not [p for p in checks.examine(network=False).problems if "GPU" in p.what]


def test_a_torch_that_cannot_import_still_names_its_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    facts = devices.torch_facts()
    assert "Error" in facts.error and facts.build == devices.installed_build() != ""


def test_readme_install_lines_take_the_cpu_build_in_a_venv() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## From source", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in section.splitlines() if line.startswith("    pip install torch")]
    assert len(commands) == 2  # start the studio; run the tests
    assert all("--index-url https://download.pytorch.org/whl/cpu" in c for c in commands)
    assert commands[0].endswith("pip install . && tratteggio")
    assert commands[1].endswith("pip install -e '.[test,server]' && python -m pytest")
    assert "python3 -m venv .venv" in section
