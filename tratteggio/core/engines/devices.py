"""What torch was built for and which device would run a diffusion restoration, for the doctor.

torch is imported here only when asked (it takes seconds); an installation without a working
torch is reported, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from tratteggio.core.engines.pipelines import pick_device


@dataclass(frozen=True)
class TorchFacts:
    version: str  # "" when torch cannot be imported
    build: str  # "cpu", "cuda 12.8", "rocm 6.3" or "mps"
    device: str  # what `--device auto` picks
    device_name: str
    memory_bytes: int | None  # the device's total memory (CUDA); None where torch cannot say
    error: str = ""


def torch_facts() -> TorchFacts:
    """Never raises: a broken torch comes back as `error`."""
    try:
        import torch
    except Exception as exc:  # a missing or broken wheel is what the doctor is for
        return TorchFacts("", "", "", "", None, f"{type(exc).__name__}: {exc}")
    build = "cpu"
    if getattr(torch.version, "hip", None):
        build = f"rocm {torch.version.hip}"
    elif torch.version.cuda:
        build = f"cuda {torch.version.cuda}"
    elif torch.backends.mps.is_built():
        build = "mps"
    device = pick_device("auto")
    name, memory = _device_name(torch, device)
    return TorchFacts(str(torch.__version__), build, device, name, memory)


def _device_name(torch: object, device: str) -> tuple[str, int | None]:
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)  # type: ignore[attr-defined]
        return str(props.name), int(props.total_memory)
    if device == "mps":
        return "Apple GPU (unified memory)", None
    import os
    import platform

    try:
        memory: int | None = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # Windows has no sysconf
        memory = None
    return platform.processor() or platform.machine() or "CPU", memory
