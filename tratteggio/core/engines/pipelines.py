"""Loading diffusers inpainting pipelines, choosing device and dtype, keeping one warm.

torch and diffusers are imported here lazily, never at module import: the studio's window opens
before they load.
"""

from __future__ import annotations

import gc
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from tratteggio.core.engines.models import ModelSource, model_family, read_model_index
from tratteggio.core.errors import ModelError

# Pipelines whose class already inpaints; anything else goes through AutoPipelineForInpainting,
# which maps a text-to-image model to its inpainting variant.
INPAINT_CLASSES = ("Inpaint", "Fill")


@dataclass
class LoadedPipeline:
    pipe: Any
    source: ModelSource
    family: str
    device: str
    dtype: str
    key: tuple[str, ...]


def pick_device(requested: str) -> str:
    import torch

    if requested not in ("auto", ""):
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(f"device {requested} is not available on this machine")
        if requested == "mps" and not torch.backends.mps.is_available():
            raise ModelError("device mps is not available on this machine")
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def cpu_supports_bf16() -> bool:
    import torch

    check = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool((check and check()) or (amx and amx()))


def pick_dtype(requested: str, device: str) -> str:
    """fp16 on GPUs; bf16 on CPUs that support it (about 2x fp32 here); never fp16 on a CPU."""
    if requested != "auto":
        if requested == "float16" and device == "cpu":
            raise ModelError("float16 on a CPU is extremely slow; use bfloat16 or float32")
        return requested
    if device != "cpu":
        return "float16"
    return "bfloat16" if cpu_supports_bf16() else "float32"


class PipelineCache:
    """Keeps the last pipeline warm; loading another frees it first. Thread-safe. `loads` counts the
    pipelines loaded (a batch worker reports it: one load per worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: LoadedPipeline | None = None
        self.loads = 0

    def get(
        self,
        source: ModelSource,
        device: str,
        dtype: str,
        scheduler: str | None,
        vae_tiling: bool = False,
        cpu_offload: bool = False,
    ) -> LoadedPipeline:
        key = (
            source.kind,
            source.location,
            source.identity,
            device,
            dtype,
            scheduler or "",
            str(vae_tiling),
            str(cpu_offload),
        )
        with self._lock:
            if self._loaded is not None and self._loaded.key == key:
                return self._loaded
            self.clear_locked()
            if cpu_offload and device == "cpu":
                raise ModelError(
                    "CPU offload needs a GPU: it keeps the model in CPU memory and moves "
                    "each part to the GPU only while it runs"
                )
            pipe, family = load_pipeline(source, device, dtype)
            self.loads += 1
            if scheduler:
                set_scheduler(pipe, scheduler)
            if vae_tiling:
                pipe.vae.enable_tiling()  # the pipeline-level method is gone in diffusers 0.42
            if cpu_offload:
                pipe.enable_model_cpu_offload(device=device)
            self._loaded = LoadedPipeline(pipe, source, family, device, dtype, key)
            return self._loaded

    def clear(self) -> None:
        with self._lock:
            self.clear_locked()

    def clear_locked(self) -> None:
        if self._loaded is None:
            return
        device = self._loaded.device
        self._loaded = None
        gc.collect()
        if device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()


def _config_folder(source: ModelSource) -> str:
    if source.kind == "hub":
        from tratteggio.core.engines.models import cached_snapshot

        snapshot = cached_snapshot(source.location)
        return str(snapshot) if snapshot else source.location
    return source.config or source.location


def quiet_libraries() -> None:
    """diffusers and transformers print progress bars and advice on stderr; the app reports itself."""
    import diffusers
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def load_pipeline(source: ModelSource, device: str, dtype: str) -> tuple[Any, str]:
    import torch

    quiet_libraries()
    index = read_model_index(_config_folder(source))
    family = model_family(index)
    torch_dtype = getattr(torch, dtype)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation advice meant for library authors
            pipe = _from_source(source, index, torch_dtype)
            pipe.to(device)
    except ModelError:
        raise
    except Exception as exc:
        if _is_oom(exc):
            raise ModelError(out_of_memory_message(device)) from None
        raise ModelError(
            f"{source.location}: could not load the model ({type(exc).__name__}: {exc})"
        ) from None
    pipe.set_progress_bar_config(disable=True)
    return pipe, family


def _from_source(source: ModelSource, index: dict[str, Any], torch_dtype: Any) -> Any:
    import diffusers

    class_name = str(index.get("_class_name", ""))
    options: dict[str, Any] = {"torch_dtype": torch_dtype}
    if class_name.startswith("StableDiffusion") and "XL" not in class_name:
        options.update(safety_checker=None, requires_safety_checker=False)
    if source.kind == "single_file":
        cls = getattr(diffusers, class_name, None)
        if cls is None or not hasattr(cls, "from_single_file"):
            raise ModelError(f"{class_name or 'this model'} cannot be loaded from a single file")
        return cls.from_single_file(source.location, config=source.config, local_files_only=True, **options)
    local: dict[str, Any] = {"local_files_only": True} if source.kind == "hub" else {}
    if not source.pickle_allowed:
        local["use_safetensors"] = True  # pickles beside safetensors are never unpickled
    if any(word in class_name for word in INPAINT_CLASSES):
        return diffusers.DiffusionPipeline.from_pretrained(source.location, **local, **options)
    return diffusers.AutoPipelineForInpainting.from_pretrained(source.location, **local, **options)


def set_scheduler(pipe: Any, name: str) -> None:
    import diffusers

    cls = getattr(diffusers, name, None)
    if cls is None or not name.endswith("Scheduler"):
        known = sorted(c.__name__ for c in pipe.scheduler.compatibles)
        raise ModelError(f"unknown scheduler '{name}' (compatible: {', '.join(known)})")
    pipe.scheduler = cls.from_config(pipe.scheduler.config)


def _is_oom(exc: BaseException) -> bool:
    return "out of memory" in str(exc).lower() or type(exc).__name__ == "OutOfMemoryError"


def release_cached_memory(device: str) -> None:
    """Hand the allocator's cached blocks back after an out-of-memory error, so that the next run
    (smaller, tiled or offloaded) starts from what the model itself holds."""
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.empty_cache()
    elif device == "mps" and hasattr(torch, "mps") and torch.backends.mps.is_available():
        torch.mps.empty_cache()


def out_of_memory_message(device: str) -> str:
    return (
        f"out of memory on {device}: try a smaller context (--padding), fewer candidates, "
        "--vae-tiling, --cpu-offload, or --device cpu"
    )
