"""What torch was built for, which GPUs the system shows and which device would run a diffusion
restoration, for the doctor.

The build is read from the installed files (the wheel's version suffix and `torch/version.py`)
without importing torch, so even a torch that cannot import is named; torch itself is imported
only to ask which device it can use (it takes seconds). Nothing here raises for a broken set-up.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tratteggio.core.engines.pipelines import pick_device


@dataclass(frozen=True)
class TorchFacts:
    version: str  # "" when torch cannot be imported
    build: str  # "cpu", "cuda 12.8", "rocm 6.3" or "mps"
    device: str  # what `--device auto` picks
    device_name: str
    memory_bytes: int | None  # the device's total memory (CUDA); None where torch cannot say
    error: str = ""
    gpus: list[str] = field(default_factory=list)  # what the system shows: "nvidia", "amd", "apple"


def torch_facts() -> TorchFacts:
    """Never raises: a broken torch comes back as `error`, with its build still read from its files."""
    build, gpus = installed_build(), seen_gpus()
    try:
        import torch
    except Exception as exc:  # a missing or broken wheel is what the doctor is for
        return TorchFacts("", build, "", "", None, f"{type(exc).__name__}: {exc}", gpus)
    if not build:
        build = "mps" if torch.backends.mps.is_built() else "cpu"
    device = pick_device("auto")
    name, memory = _device_name(torch, device)
    return TorchFacts(str(torch.__version__), build, device, name, memory, "", gpus)


def installed_build(dist: str = "torch") -> str:
    """ "cpu", "cuda 12.8", "rocm 6.3" or "mps" from the installed files; "" when torch is not installed."""
    try:
        found = metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return ""
    text = _read(Path(str(found.locate_file("torch/version.py"))))
    hip, cuda = _assigned(text, "hip"), _assigned(text, "cuda")
    if hip:
        return f"rocm {hip}"
    if cuda:
        return f"cuda {cuda}"
    suffix = found.version.partition("+")[2]
    if suffix.startswith("cu") and suffix[2:].isdigit():  # "+cu128": CUDA 12.8
        return f"cuda {suffix[2:-1]}.{suffix[-1]}"
    if suffix.startswith("rocm"):
        return f"rocm {suffix[4:]}"
    return "mps" if sys.platform == "darwin" and not suffix else "cpu"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _assigned(text: str, name: str) -> str:
    """The string `name` is set to in torch/version.py (`cuda: Optional[str] = '12.8'`), or ""."""
    match = re.search(rf"^{name}\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    return match.group(1) if match else ""


def seen_gpus() -> list[str]:
    """The GPUs the system shows a driver for, without torch: NVIDIA, AMD (ROCm) or Apple silicon."""
    found = []
    if shutil.which("nvidia-smi") or Path("/proc/driver/nvidia/version").exists():
        found.append("nvidia")
    if Path("/dev/kfd").exists():
        found.append("amd")
    if sys.platform == "darwin" and os.uname().machine == "arm64":
        found.append("apple")
    return found


def _device_name(torch: object, device: str) -> tuple[str, int | None]:
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)  # type: ignore[attr-defined]
        return str(props.name), int(props.total_memory)
    if device == "mps":
        return "Apple GPU (unified memory)", None
    import platform

    try:
        memory: int | None = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # Windows has no sysconf
        memory = None
    return platform.processor() or platform.machine() or "CPU", memory
