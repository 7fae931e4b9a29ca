"""A line detector as the user handles it: the trained chain and, once taught, its head, saved as a
plain .npz of arrays (never pickle) that can be reused on the rest of a collection.

The file holds everything needed to score: the chain's weights (so a later release with another
default still reads it), the head and the examples it learnt from (so teaching on the next photo
adds to them), the kind, a format name and a version. Anything else, or a damaged file, is refused
with one line.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.lab.crackfeatures import FEATURES
from tratteggio.core.lab.crackscore import (
    CONTEXT,
    MODELS,
    CrackScorer,
    DetectorFileError,
    load_scorer,
    scorer_from_arrays,
)
from tratteggio.core.lab.teach import INPUTS, TaughtHead

FORMAT = "tratteggio-line-detector"
VERSION = 1


@dataclass(frozen=True, eq=False)
class LineDetector:
    """What scores lines: the chain, and the head a conservator taught (None: the default)."""

    scorer: CrackScorer
    head: TaughtHead | None = None
    kind: str = "cracks"

    @property
    def negative(self) -> bool:
        """Scratches are bright: the chain scores the inverted photo."""
        return self.kind == "scratches"

    def taught_with(self, head: TaughtHead | None) -> LineDetector:
        return LineDetector(self.scorer, head, self.kind)

    def arrays(self) -> dict[str, np.ndarray]:
        """The detector as named plain arrays (what `save` writes and a project file may hold)."""
        named: dict[str, np.ndarray] = {
            "format": np.array(FORMAT),
            "version": np.array(VERSION),
            "kind": np.array(self.kind),
        }
        for i, stage in enumerate(self.scorer.stages):
            named.update(stage.arrays(f"chain_stage{i}_"))
        if self.head is not None:
            named["head_weights"] = self.head.weights
            named["head_bias"] = np.array(self.head.bias)
            named["head_samples"] = self.head.samples
            named["head_labels"] = self.head.labels
        return named

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LineDetector:
        """Raises DetectorFileError when the arrays are not a detector this version reads."""
        if str(arrays.get("format", "")) != FORMAT:
            raise DetectorFileError("not a Tratteggio detector file")
        version = int(np.asarray(arrays.get("version", -1)))
        if version != VERSION:
            raise DetectorFileError(f"detector format version {version}; this version reads {VERSION}")
        try:
            kind = str(arrays["kind"])
            scorer = scorer_from_arrays(arrays, "chain_")
            head = _head(arrays)
        except (KeyError, ValueError, TypeError) as exc:
            raise DetectorFileError(f"the detector file is incomplete ({exc})") from None
        if kind not in ("cracks", "scratches"):
            raise DetectorFileError(f"unknown kind '{kind}' in the detector file")
        for stage in scorer.stages[1:]:
            if stage.mean.shape != (FEATURES + CONTEXT,):
                raise DetectorFileError("the chain's stages do not fit this version's features")
        return cls(scorer, head, kind)

    def save(self, path: Path) -> None:
        """Write the detector atomically (a temporary file beside `path`, then one rename)."""
        from tratteggio.core.io.atomic import write_with

        write_with(Path(path), self.write)

    def to_bytes(self) -> bytes:
        """The detector file's bytes (what `save` writes; a project keeps them)."""
        import io

        buffer = io.BytesIO()
        np.savez(buffer, **self.arrays())  # type: ignore[arg-type]  # fast: the project compresses
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LineDetector:
        """Raises DetectorFileError when `data` is not a detector file's bytes."""
        import io

        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
                arrays = {key: loaded[key] for key in loaded.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error, AttributeError) as exc:
            raise DetectorFileError(f"the kept detector is damaged ({exc})") from None
        return cls.from_arrays(arrays)

    def write(self, path: Path) -> None:
        """Write the detector's arrays to `path` as they are (e.g. a FileSet's staged part)."""
        arrays: dict[str, Any] = self.arrays()
        with Path(path).open("wb") as handle:
            np.savez_compressed(handle, **arrays)


def _head(arrays: dict[str, np.ndarray]) -> TaughtHead | None:
    if "head_weights" not in arrays:
        return None
    weights = np.asarray(arrays["head_weights"], np.float64)
    samples = np.asarray(arrays["head_samples"], np.float16)
    labels = np.asarray(arrays["head_labels"], np.uint8)
    if (
        weights.shape != (INPUTS,)
        or samples.ndim != 2
        or samples.shape[1] != INPUTS
        or len(labels) != len(samples)
    ):
        raise ValueError("the taught head's arrays have the wrong shapes")
    if not np.all(np.isfinite(weights)):
        raise ValueError("the taught head's weights are not finite")
    return TaughtHead(weights, float(np.asarray(arrays["head_bias"])), samples, labels)


def default_detector(kind: str = "cracks") -> LineDetector:
    """The shipped chain for `kind`: dark cracks, or bright scratches and creases (scored on the
    negative, trained with straight lines as damage, where the crack chain learns them as joints)."""
    return LineDetector(load_scorer(MODELS[kind]), None, kind)


def load_detector(path: Path) -> LineDetector:
    """Read a detector file; any problem is one DetectorFileError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise DetectorFileError(f"{path}: no such detector file")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise DetectorFileError(f"{path}: not a Tratteggio detector file (a single array, not an .npz)")
        with data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        zipped = path.read_bytes()[:2] == b"PK"
        pickled = zipped and "pickle" in str(exc)
        reason = (
            "it holds pickled objects, which are never loaded" if pickled else "it is damaged or not an .npz"
        )
        raise DetectorFileError(f"{path}: not a readable detector file ({reason})") from None
    try:
        return LineDetector.from_arrays(arrays)
    except DetectorFileError as exc:
        raise DetectorFileError(f"{path}: {exc}") from None
