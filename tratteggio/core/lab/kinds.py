"""The lab's names, without numpy: the command line builds its choices and help from these."""

from __future__ import annotations

DETECT_KINDS = ("cracks", "scratches", "losses", "dust")
LINE_KINDS = ("cracks", "scratches")  # found by the line score
AGING_KINDS = ("fading", "stains", "cracks", "scratches", "losses", "dust")
DEFAULT_AGING_KINDS = ("cracks", "scratches", "losses", "stains", "dust")
FADING_MODELS = ("varnish", "dye", "lab")  # the keys of fading.MODELS, in order
