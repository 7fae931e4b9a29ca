"""The doctor's problems: each one thing wrong with the set-up and the one thing to do about it."""

from __future__ import annotations

import sys
from dataclasses import replace

from tratteggio.core.support import libcheck
from tratteggio.core.support.doctor import Problem, QtRuntime, Report, collect

QT_FIX = "pip install 'PySide6-Essentials!=6.12.0'"
TORCH_FIX = (
    "reinstall torch: `pip install torch --index-url https://download.pytorch.org/whl/cpu` (the CPU "
    "build), or `pip install torch` for an NVIDIA GPU (README ▸ From source); the classical engines "
    "work without it"
)
# What to install for the GPU the system shows (README ▸ From source names the same lines).
GPU_FIX = {
    "nvidia": "pip install --force-reinstall torch==2.13.0 (the default index's build is the CUDA one)",
    "amd": "pip install --force-reinstall torch==2.13.0 --index-url https://download.pytorch.org/whl/rocmX.Y "
    "(the ROCm build; X.Y: the ROCm version of your driver, as pytorch.org lists them)",
}


def examine(runtime: QtRuntime | None = None, network: bool = True) -> Report:
    """The doctor's whole report: the facts and the problems found in them."""
    report = collect(runtime, network)
    return replace(report, problems=problems(report))


def problems(report: Report) -> list[Problem]:
    found = _qt_problems(report)
    if report.torch.error:
        found.append(Problem(f"torch cannot be imported ({report.torch.error})", TORCH_FIX))
    found += gpu_problems(report)
    found += [
        Problem(
            f"known-bad release installed: {bad}", "install another: pip install 'PySide6-Essentials!=6.12.0'"
        )
        for bad in report.known_bad
    ]
    if report.hub.reachable is False:
        found.append(
            Problem(
                f"the model hub ({report.hub.endpoint}) cannot be reached: downloads fail (models in "
                "the cache still work)",
                "check the network connection or proxy (HTTPS_PROXY), or set HF_HUB_OFFLINE=1 to work "
                "from the cache only",
            )
        )
    if report.folders.state.startswith("unusable"):
        found.append(
            Problem(
                f"the state folder is {report.folders.state}: no crash recovery",
                "make your home folder writable, or set XDG_STATE_HOME to a writable folder",
            )
        )
    return found


def _qt_problems(report: Report) -> list[Problem]:
    qt, found = report.qt, []
    if not qt.pyside6:
        found.append(
            Problem("PySide6 is not installed: no studio", "pip install 'PySide6-Essentials!=6.12.0'")
        )
        return found
    if qt.missing_libraries:
        found.append(
            Problem(
                f"Qt's platform plugin cannot load on a desktop: {', '.join(qt.missing_libraries)} missing",
                libcheck.install_hint(qt.missing_libraries),
            )
        )
    headless = qt.platform in ("xcb", "wayland") and not qt.display
    if headless and sys.platform.startswith("linux"):
        found.append(
            Problem(
                "no display (DISPLAY and WAYLAND_DISPLAY are unset): the studio needs a desktop session",
                "start it from a desktop session (or under `xvfb-run -a`); the commands work without one",
            )
        )
    elif qt.starts is False and not qt.missing_libraries:
        found.append(
            Problem(
                f"Qt could not start its {qt.platform} platform ({qt.error or 'no message'})",
                "check that the display is reachable; QT_DEBUG_PLUGINS=1 tratteggio shows Qt's reasons",
            )
        )
    return found


def gpu_problems(report: Report) -> list[Problem]:
    """A GPU the system shows that torch cannot use: the CPU build installed, or a build that fails."""
    torch = report.torch
    found: list[Problem] = []
    if report.frozen:
        return found  # the installers carry the CPU build by design (README ▸ Install)
    for gpu in torch.gpus:
        fix = GPU_FIX.get(gpu)
        if fix is None:
            continue
        name = {"nvidia": "an NVIDIA", "amd": "an AMD"}[gpu]
        wanted = {"nvidia": "cuda", "amd": "rocm"}[gpu]
        if not torch.build.startswith(wanted):
            what = f"{name} GPU is present but torch is the {torch.build or 'missing'} build"
            found.append(Problem(f"{what}: diffusion runs on the CPU (minutes per loss)", fix))
        elif torch.version and torch.device == "cpu":
            found.append(
                Problem(
                    f"torch's {torch.build} build cannot use the {gpu.upper()} GPU it sees: diffusion "
                    "runs on the CPU",
                    "update the GPU driver (a torch build needs a driver at least as new as its "
                    "CUDA/ROCm), or install the torch build for your driver from pytorch.org",
                )
            )
    return found
