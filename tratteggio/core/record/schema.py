"""Reading a conservation record file. The record's shape (`ConservationRecord` and its parts) and its
validation live in tratteggio.core.kinds.schema, below the writer, so each intervention kind builds
its own entry; they are named here too, where readers of records look for them."""

from __future__ import annotations

import json
from pathlib import Path

from tratteggio.core.errors import RecordError
from tratteggio.core.kinds.schema import (
    MAX_INTERVENTIONS,
    MAX_RECORD_BYTES,
    RECORD_SUFFIX,
    SCHEMA,
    SCHEMA_V1,
    ConservationRecord,
    FileInfo,
    InterventionRecord,
    MaskInfo,
    MasterInfo,
    OutputInfo,
)

__all__ = [
    "MAX_INTERVENTIONS",
    "MAX_RECORD_BYTES",
    "RECORD_SUFFIX",
    "SCHEMA",
    "SCHEMA_V1",
    "ConservationRecord",
    "FileInfo",
    "InterventionRecord",
    "MaskInfo",
    "MasterInfo",
    "OutputInfo",
    "read_record",
]


def read_record(path: Path) -> ConservationRecord:
    """Read and validate a record file; RecordError with one line for anything wrong."""
    from tratteggio.core.io.loading import check_regular_file

    check_regular_file(path, "record")
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise RecordError(f"{path.name}: too large to be a conservation record")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RecordError(f"{path.name}: not a readable conservation record ({exc})") from None
    try:
        return ConservationRecord.from_dict(data)
    except RecordError as exc:
        raise RecordError(f"{path.name}: {exc}") from None
