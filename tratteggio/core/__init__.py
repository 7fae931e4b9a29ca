"""The restoration library: photos, masks, engines, the restore pipeline and its records.

This package never imports Qt; images here are numpy arrays.
"""

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
