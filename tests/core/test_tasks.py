"""Issue 22: the tasks own the protocol: every target checked before any work, and the
step previews written inside the same all-or-nothing set as the output and its record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skimage.data import coffee

from tratteggio.core import Mask, Photo, RestorationRequest, load_photo, save_photo
from tratteggio.core.errors import ImageSaveError
from tratteggio.core.io.fileset import FileSet
from tratteggio.core.studio.document import Document
from tratteggio.core.tasks.common import Previews
from tratteggio.core.tasks.project import save_project_as
from tratteggio.core.tasks.restore import RestoreOptions, restore_file


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    save_photo(Photo(coffee()[:40, :56]), tmp_path / "p.png")
    bits = np.zeros((40, 56), bool)
    bits[10:16, 20:30] = True
    save_photo(Photo(Mask(bits).to_image()), tmp_path / "m.png")
    return tmp_path / "p.png", tmp_path / "m.png"


def test_a_failed_commit_leaves_no_preview_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo, mask = _inputs(tmp_path)
    previews = Previews(tmp_path / "layers" / "deep", tmp_path / "steps.gif")

    staged = FileSet.write_bytes

    def fail_at_the_record(self: FileSet, target: Path, data: bytes) -> Path:
        if target.name.endswith(".record.json"):  # staged last, after every preview
            raise OSError("disk full")
        return staged(self, target, data)

    monkeypatch.setattr(FileSet, "write_bytes", fail_at_the_record)
    with pytest.raises(OSError, match="disk full"):
        restore_file(
            photo,
            mask,
            tmp_path / "out.png",
            RestorationRequest(engine="telea"),
            RestoreOptions(previews=previews),
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png", "p.png"]  # no layers/, no gif


def test_every_target_is_checked_before_the_mask_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo, mask = _inputs(tmp_path)
    (tmp_path / "out.record.json").mkdir()  # the record's target is a folder
    read: list[Path] = []
    import tratteggio.core.io.loading as loading

    real = loading.load_mask
    monkeypatch.setattr(loading, "load_mask", lambda *a, **k: read.append(a[0]) or real(*a, **k))
    with pytest.raises(ImageSaveError, match="is a folder"):
        restore_file(photo, mask, tmp_path / "out.png", RestorationRequest(engine="telea"))
    assert not read and not (tmp_path / "out.png").exists()
    done = restore_file(photo, mask, tmp_path / "ok.png", RestorationRequest(engine="telea"))
    assert done is not None and read == [mask]
    assert np.array_equal(load_photo(done.files["output"]).pixels[:10], coffee()[:10, :56])


def test_save_as_moves_one_file_into_place_and_a_failure_leaves_nothing(tmp_path: Path) -> None:
    photo, _ = _inputs(tmp_path)
    doc = Document(load_photo(photo), photo)
    saving = save_project_as(doc, tmp_path / "p.tratteggio", {"view": {}})
    assert saving.write() == (tmp_path / "p.tratteggio").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png", "p.png", "p.tratteggio"]
    blocked = tmp_path / "blocked.tratteggio"
    blocked.mkdir()  # os.replace cannot put a file over a folder
    failing = save_project_as(doc, blocked, None)
    with pytest.raises(OSError):
        failing.write()
    failing.discard()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".blocked")]
