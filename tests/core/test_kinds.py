"""Intervention kinds: a kind declared here, in this file only, goes through the studio document, a
project save and load, an export of the documented set and a rerun, like the built-in ones; and the
registry holds the built-in kinds, each with all its sides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tratteggio.cli import main
from tratteggio.core import Photo, RestorationRequest, load_photo, restore, save_photo
from tratteggio.core.geometry import Box
from tratteggio.core.kinds.base import (
    KINDS,
    LOCAL,
    Canvas,
    Documented,
    Encoded,
    Kind,
    Replayed,
    Stored,
    register,
)
from tratteggio.core.kinds.registry import BUILT_IN, documented, kind_named
from tratteggio.core.kinds.schema import CLASSICAL_SOURCE, InterventionRecord, MaskInfo, describe_mask
from tratteggio.core.mask import Mask
from tratteggio.core.project.load import read_project
from tratteggio.core.project.sync import ProjectSync
from tratteggio.core.record.docexport import export_document
from tratteggio.core.record.rerun import verify_set
from tratteggio.core.studio.document import Document

from .helpers import coffee, square_mask


# -- a toy kind: halve the pixels of a box (a "darken" no one would use, with every side) ----------
@dataclass(eq=False)
class Darken:
    box: Box
    shape: tuple[int, int]  # the photo's (height, width)
    visible: bool = True
    id: int = 0
    stage = LOCAL
    generative = False
    kind = "darken"

    @property
    def label(self) -> str:
        return f"#{self.id} darken {self.box.to_list()}"

    def bounds(self) -> Box:
        return self.box

    def apply(self, out: np.ndarray, box: Box, origin: tuple[int, int] = (0, 0)) -> None:
        x0, y0 = max(self.box.x0, box.x0), max(self.box.y0, box.y0)
        x1, y1 = min(self.box.x1, box.x1), min(self.box.y1, box.y1)
        if x0 < x1 and y0 < y1:
            ox, oy = origin
            region = out[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
            region[...] = region // 2


@dataclass(frozen=True, eq=False)
class Darkened:
    id: int
    box: Box
    shape: tuple[int, int]
    kind = "darken"
    generative = False
    device = None
    damage = None
    placed = None
    creates = False
    picture = None

    @property
    def losses(self) -> Mask:
        bits = np.zeros(self.shape, bool)
        bits[self.box.slices] = True
        return Mask(bits)

    def record(self, mask: MaskInfo | None) -> InterventionRecord:
        area = describe_mask(self.losses)
        return InterventionRecord(
            self.id,
            self.kind,
            {},
            {"name": "darken"},
            area,
            area,
            [self.box.to_list()],
            0.0,
            CLASSICAL_SOURCE,
        )


class DarkenKind(Kind):
    name = "darken"
    runs_engine = False
    kept = True

    def documented(self, step: Darken) -> Documented:
        return Darkened(step.id, step.box, step.shape)

    def encode(self, intervention: Darken) -> Encoded:
        area = Darkened(0, intervention.box, intervention.shape).losses
        return Encoded({"box": intervention.box.to_list()}, mask=area)

    def decode(self, stored: Stored) -> Darken:
        box = Box(*stored.params["box"])
        assert stored.mask().bbox() == box  # its array came back too
        return Darken(box, stored.photo.shape2d, stored.visible, stored.id)

    def replay(self, canvas: Canvas, step: Replayed, on_step: object, cancel: object) -> Documented:
        assert canvas.pixels is not None
        box = Box(*step.record.regions[0])
        Darken(box, canvas.pixels.shape[:2]).apply(canvas.pixels, box)
        return Darkened(step.record.id, box, canvas.pixels.shape[:2])


@pytest.fixture
def darken() -> Iterator[Kind]:
    kind = register(DarkenKind())
    yield kind
    del KINDS[kind.name]


def test_a_new_kind_goes_through_document_project_export_and_rerun(darken: Kind, tmp_path: Path) -> None:
    path = tmp_path / "master.png"
    save_photo(Photo(coffee()[:120, :160]), path)
    doc = Document(load_photo(path), path)
    mask = square_mask(120, 160, 40, 30, 12)
    doc.accept(restore(doc.photo, mask, RestorationRequest(engine="telea")), mask)
    doc.add(Darken(Box(60, 50, 110, 90), (120, 160)))
    expected = doc.composite().copy()
    assert np.array_equal(expected[50:90, 60:110], doc.photo.pixels[50:90, 60:110] // 2)

    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    again, _ = read_project(tmp_path / "p.tratteggio")
    assert [type(i).__name__ for i in again.interventions] == ["Intervention", "Darken"]
    assert again.interventions[1].label == "#2 darken [60, 50, 110, 90]"
    assert np.array_equal(again.composite(), expected)

    files = export_document(again, tmp_path / "out.png")
    record = json.loads(files["record"].read_text())
    assert [i["kind"] for i in record["interventions"]] == ["fill", "darken"]
    assert verify_set(files["record"]) == []
    assert main(["rerun", str(files["record"]), "-o", str(tmp_path / "again.png")]) == 0
    assert (tmp_path / "again.png").read_bytes() == files["output"].read_bytes()
    assert np.array_equal(load_photo(tmp_path / "again.png").pixels, expected)


def test_without_its_kind_a_record_or_project_is_refused_in_one_line(darken: Kind, tmp_path: Path) -> None:
    path = tmp_path / "master.png"
    save_photo(Photo(coffee()[:60, :80]), path)
    doc = Document(load_photo(path), path)
    doc.add(Darken(Box(10, 10, 30, 30), (60, 80)))
    sync = ProjectSync(doc, tmp_path / "p.tratteggio")
    sync.write(sync.pending())
    sync.close()
    files = export_document(doc, tmp_path / "out.png")
    del KINDS["darken"]
    from tratteggio.core.errors import ProjectError

    with pytest.raises(ProjectError, match="unknown kind 'darken'"):
        read_project(tmp_path / "p.tratteggio")
    assert verify_set(files["record"]) == ["intervention 1: cannot replay an intervention of kind 'darken'"]
    KINDS["darken"] = darken  # the fixture removes it


def test_the_built_in_kinds_are_registered_by_name_with_their_entries() -> None:
    assert [kind.name for kind in BUILT_IN] == ["fill", "revive", "extend", "imagine"]
    assert all(kind_named(kind.name) is kind for kind in BUILT_IN)
    assert [k.name for k in BUILT_IN if k.kept] == ["fill", "revive"]  # a project keeps a document's
    assert [k.name for k in BUILT_IN if k.creates] == ["imagine"]
    assert kind_named("nothing") is None and kind_named(3) is None
    with pytest.raises(Exception, match="cannot document an intervention of type Box"):
        documented(Box(0, 0, 1, 1))  # type: ignore[arg-type]
