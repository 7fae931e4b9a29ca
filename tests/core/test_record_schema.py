"""The conservation record is one dataclass: written, read back equal; version 1 still read; anything
malformed or foreign refused with one line naming the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tratteggio.core import Photo, RestorationRequest, restore, save_photo, write_result
from tratteggio.core.errors import RecordError
from tratteggio.core.record.schema import SCHEMA, ConservationRecord, read_record

from .helpers import coffee, square_mask


@pytest.fixture
def written(tmp_path: Path) -> Path:
    photo = Photo(coffee()[:80, :100])
    save_photo(photo, tmp_path / "master.png")
    mask = square_mask(80, 100, 40, 30, 10)
    save_photo(Photo(mask.to_image()), tmp_path / "mask.png")
    result = restore(photo, mask, RestorationRequest(engine="telea"))
    write_result(result, photo, mask, tmp_path / "out.png", tmp_path / "master.png")
    return tmp_path / "out.record.json"


def test_a_written_record_reads_back_equal(written: Path) -> None:
    record = read_record(written)
    assert record.schema == SCHEMA and len(record.interventions) == 1
    again = ConservationRecord.from_dict(json.loads(record.to_json()))
    assert again == record
    assert record.interventions[0].mask.sha256 == record.mask.sha256  # one mask, named once with its hash


def test_version_1_records_are_still_read(written: Path, tmp_path: Path) -> None:
    v2 = json.loads(written.read_text())
    fill = v2["interventions"][0]
    v1 = {
        "schema": "tratteggio.record/1",
        "date": v2["date"],
        "master": v2["master"],
        "mask": {
            "bbox": fill["mask"]["bbox"],
            "pixel_count": fill["mask"]["pixel_count"],
            "file": "out.mask.png",
        },
        "effective_mask": {**v2["loss_map"], "file": "out.lossmap.png"},
        "regions": fill["regions"],
        "request": fill["request"],
        "engine": fill["engine"],
        "software": v2["software"],
        "device": "cpu",
        "seconds": 0.1,
        "output": v2["output"],
        "digital_source_type": v2["digital_source_type"],
    }
    old = tmp_path / "old.record.json"
    old.write_text(json.dumps(v1))
    record = read_record(old)
    assert record.interventions[0].request == fill["request"] and record.notes["upgraded_from"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda r: r.pop("master"), "'master'"),
        (lambda r: r["interventions"][0].pop("request"), "interventions[0].request"),
        (lambda r: r["interventions"][0].update(request=[1, 2]), "interventions[0].request"),
        (lambda r: r["interventions"][0].update(request=None), "interventions[0].request"),
        (lambda r: r["interventions"][0]["request"].update(steps=2.5), "steps"),
        (lambda r: r["interventions"][0]["request"].update(seed=1.0), "seed"),
        (lambda r: r["interventions"][0]["request"].update(padding="32"), "padding"),
        (lambda r: r["master"].update(width="wide"), "master.width"),
        (lambda r: r["interventions"][0].update(regions=[[1, 2]]), "regions[0]"),
        (lambda r: r.update(schema="something/else"), "not a Tratteggio"),
        (lambda r: r.update(interventions={}), "interventions"),
    ],
)
def test_malformed_records_are_refused_naming_the_field(
    written: Path, tmp_path: Path, change: object, named: str
) -> None:
    data = json.loads(written.read_text())
    change(data)  # type: ignore[operator]
    bad = tmp_path / "bad.record.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(RecordError, match=named.replace("[", r"\[").replace("]", r"\]")):
        from tratteggio.core.record.rerun import load_replay

        load_replay(bad)
    done = subprocess.run(
        [sys.executable, "-m", "tratteggio", "rerun", str(bad), "-o", str(tmp_path / "again.png")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "again.png").exists()


def test_a_record_never_grants_pickle_loading(written: Path) -> None:
    data = json.loads(written.read_text())
    data["interventions"][0]["request"]["allow_pickle"] = True
    written.write_text(json.dumps(data))
    from tratteggio.core.record.rerun import load_replay

    ((_, _, request),) = load_replay(written).steps
    assert request.allow_pickle is False
    ((_, _, granted),) = load_replay(written, allow_pickle=True).steps
    assert granted.allow_pickle is True
