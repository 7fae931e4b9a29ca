"""When a photo's result is already finished, so that a batch run again does nothing twice.

A result is finished when its record (written last: the commit marker) parses, names the photo's
current SHA-256, the same request and the same way of finding the damage (the same mask, or the same
detection settings), and its output exists; with `verify_outputs`, when the output's hash also
matches the record's. Anything unreadable means "not finished": the photo is done again.
"""

from __future__ import annotations

from pathlib import Path

from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.errors import TratteggioError
from tratteggio.core.io.loading import check_regular_file, load_mask
from tratteggio.core.io.saving import encode_png
from tratteggio.core.record.describe import sha256_bytes, sha256_file
from tratteggio.core.record.schema import ConservationRecord, read_record
from tratteggio.core.record.writer import record_path


def finished(job: Job, settings: BatchSettings) -> bool:
    """True when `job`'s documented result is the one these settings would write."""
    output = Path(job.output)
    try:
        record = read_record(record_path(output))
    except TratteggioError:
        return False
    if not _same_request(record, settings) or not output.is_file():
        return False
    if (record.output.credentials is not None) != (settings.sign is not None):  # signed as asked
        return False
    try:
        check_regular_file(Path(job.photo), "photo")  # a FIFO put in a photo's place would block the hash
        if record.master.sha256 != sha256_file(Path(job.photo)):
            return False
        if settings.detection is None and not settings.revive and not _same_mask(job, record):
            return False
        return not settings.verify_outputs or _same_output(output, record)
    except (OSError, TratteggioError):
        return False


def _same_request(record: ConservationRecord, settings: BatchSettings) -> bool:
    if len(record.interventions) != 1:
        return False
    intervention = record.interventions[0]
    if settings.revive:
        from tratteggio.core.batch.revival import revive_recorded

        return revive_recorded(intervention.kind, intervention.request)
    return intervention.request == settings.request.to_dict() and intervention.details == settings.details()


def _same_mask(job: Job, record: ConservationRecord) -> bool:
    """The mask file still says what the record's mask says (compared as the PNG the writer made)."""
    if len(job.masks) != 1:
        return False
    try:
        mask = load_mask(job.masks[0], (record.master.height, record.master.width))
    except TratteggioError:
        return False
    return sha256_bytes(encode_png(mask.to_image())) == record.interventions[0].mask.sha256


def _same_output(output: Path, record: ConservationRecord) -> bool:
    if record.output.credentials is None:
        return sha256_file(output) == record.output.sha256
    from tratteggio.core.record.signed import signed_problems

    return not signed_problems(output, record)
