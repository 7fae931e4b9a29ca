"""Who Tratteggio is built on, under which licences, and where its sample photo comes from: what
Help ▸ About shows. One list, checked against the installed distributions' metadata by a test."""

from __future__ import annotations

from tratteggio.core.support.sample import CREDIT

LICENCE = "MIT"

# (distribution, what it does here, its licence)
DEPENDENCIES = (
    ("PySide6-Essentials", "the studio's window (Qt for Python)", "LGPL-3.0"),
    ("numpy", "pixels and masks", "BSD-3-Clause"),
    ("opencv-contrib-python-headless", "classical fills, resizing, outlines", "Apache-2.0"),
    ("scikit-image", "filters and the sample photo", "BSD-3-Clause"),
    ("scipy", "distance maps and filters", "BSD-3-Clause"),
    ("pillow", "reading and writing images", "MIT-CMU (HPND)"),
    ("tifffile", "16-bit TIFF masters", "BSD-3-Clause"),
    ("torch", "diffusion on CPU or GPU", "BSD-3-Clause"),
    ("diffusers", "diffusion inpainting pipelines", "Apache-2.0"),
    ("transformers", "the models' text encoders", "Apache-2.0"),
    ("safetensors", "model weights", "Apache-2.0"),
    ("huggingface-hub", "model downloads", "Apache-2.0"),
    ("platformdirs", "where settings and data live", "MIT"),
    ("websockets", "the remote diffusion client", "BSD-3-Clause"),
)

MODELS = "Diffusion models are not part of Tratteggio: each comes with its own licence, on its page."


def credits_text() -> str:
    """The About box's credits, one line each."""
    lines = [f"Tratteggio is free software under the {LICENCE} licence. It is built on:"]
    lines += [f"  • {name}: {what} ({licence})" for name, what, licence in DEPENDENCIES]
    lines += [MODELS, f"Sample photo (Help ▸ Open Sample): {CREDIT}."]
    return "\n".join(lines)
