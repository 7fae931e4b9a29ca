"""The restoration library: photos, masks, engines, the restore pipeline and its records.

This package never imports Qt; images here are numpy arrays. Its names are loaded on first use
(PEP 562), so `import tratteggio.core.errors` loads the errors and nothing else.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tratteggio.core.errors import (
        Cancelled,
        ImageLoadError,
        ImageSaveError,
        MaskError,
        ModelError,
        RequestError,
        TratteggioError,
    )
    from tratteggio.core.geometry import Box
    from tratteggio.core.io.loading import load_mask, load_photo
    from tratteggio.core.io.saving import save_photo
    from tratteggio.core.mask import Mask
    from tratteggio.core.photo import Photo
    from tratteggio.core.pipeline.restore import Result, StepPreview, restore
    from tratteggio.core.record.export import write_result
    from tratteggio.core.request import RestorationRequest

_HOMES = {
    "tratteggio.core.errors": (
        "Cancelled",
        "ImageLoadError",
        "ImageSaveError",
        "MaskError",
        "ModelError",
        "RequestError",
        "TratteggioError",
    ),
    "tratteggio.core.geometry": ("Box",),
    "tratteggio.core.io.loading": ("load_mask", "load_photo"),
    "tratteggio.core.io.saving": ("save_photo",),
    "tratteggio.core.mask": ("Mask",),
    "tratteggio.core.photo": ("Photo",),
    "tratteggio.core.pipeline.restore": ("Result", "StepPreview", "restore"),
    "tratteggio.core.record.export": ("write_result",),
    "tratteggio.core.request": ("RestorationRequest",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "Box",
    "Cancelled",
    "ImageLoadError",
    "ImageSaveError",
    "Mask",
    "MaskError",
    "ModelError",
    "Photo",
    "RequestError",
    "RestorationRequest",
    "Result",
    "StepPreview",
    "TratteggioError",
    "load_mask",
    "load_photo",
    "restore",
    "save_photo",
    "write_result",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'tratteggio.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])
