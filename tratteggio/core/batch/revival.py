"""`tratteggio batch --revive`: each photo of a collection revived by the estimate from the photo
alone, the one `tratteggio revive --auto` and the studio's Revive dialog use (issue 25)."""

from __future__ import annotations

import time
from pathlib import Path

from tratteggio.core.batch.jobs import Job
from tratteggio.core.batch.settings import BatchSettings
from tratteggio.core.credentials.identity import load_identity
from tratteggio.core.io.loading import load_photo
from tratteggio.core.record.writer import check_output, write_documented


def revive_job(job: Job, settings: BatchSettings) -> str:
    """Revive `job`'s photo into its output, with its record; the line saying how sure it was."""
    from tratteggio.core.color.estimate import ReviveRequest, estimate_with_evidence
    from tratteggio.core.record.entries import Revival

    photo_path, output = Path(job.photo), Path(job.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    photo = load_photo(photo_path)
    signer = load_identity(settings.sign) if settings.sign else None
    check_output(output, photo, [photo_path], lossy=settings.lossy, signer=signer)
    started = time.perf_counter()
    request = ReviveRequest()
    found = estimate_with_evidence(photo.pixels, request)
    revived = found.transform.apply(photo.pixels)
    seconds = time.perf_counter() - started
    entry = Revival(1, found.transform, request, photo.shape2d, seconds, evidence=found.to_dict())
    write_documented(
        output, revived, photo, photo_path, [entry], inputs=[photo_path], lossy=settings.lossy, signer=signer
    )
    return f"revived, {found.describe()}"


def revive_recorded(kind: str, request: object) -> bool:
    """A record's intervention is the revival `batch --revive` writes."""
    from tratteggio.core.color.estimate import ReviveRequest

    return kind == "revive" and request == ReviveRequest().to_dict()
