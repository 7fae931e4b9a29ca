"""What every photo of a batch shares: the request, where masks come from, resume and output rules.

Settings travel to every worker once (a Ray actor's constructor); they hold paths and numbers,
never pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tratteggio.core.request import RestorationRequest


@dataclass(frozen=True)
class Detection:
    """Masks proposed by detectors instead of given: which kinds, how sensitive, which detector.

    `detector` is a crack detector file (.npz, read without pickle) for cracks and scratches; None
    is the built-in one. `detector_sha256` names the file actually used, for the record.
    """

    kinds: tuple[str, ...]
    sensitivity: float
    detector: str | None
    detector_sha256: str

    def describe(self) -> dict[str, Any]:
        """How the damage was found, as the record's intervention details say it: never reviewed."""
        return {
            "found_by": "detection",
            "kinds": list(self.kinds),
            "sensitivity": self.sensitivity,
            "detector": Path(self.detector).name if self.detector else "built-in",
            "detector_sha256": self.detector_sha256,
            "reviewed": False,
        }


@dataclass(frozen=True)
class BatchSettings:
    """`out` is the results' folder; `masks_dir` the masks' (None: detection). `detect_only`
    writes proposals and restores nothing; `revive` revives colours and restores nothing; `redo`
    ignores finished results; `verify_outputs` also checks a finished output's hash before
    skipping it."""

    request: RestorationRequest
    out: str
    masks_dir: str | None = None
    detection: Detection | None = None
    detect_only: bool = False
    lossy: bool = False
    redo: bool = False
    verify_outputs: bool = False
    sign: str | None = None  # a signing identity (tratteggio.core.credentials.identity.load_identity)
    revive: bool = False  # revive each photo's colours (the estimate from the photo alone), no masks

    def details(self) -> dict[str, Any]:
        """The intervention details a result of these settings carries (empty for given masks)."""
        return {"damage": self.detection.describe()} if self.detection else {}

    @property
    def batch_folder(self) -> Path:
        from tratteggio.core.batch.jobs import BATCH_FOLDER

        return Path(self.out) / BATCH_FOLDER
