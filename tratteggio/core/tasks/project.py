"""Projects as use cases: start one, export one (or the studio's document), save one under a new name.

A project is one SQLite file; while open it may have `-wal` and `-shm` files beside it, which the
store removes with it (`remove_project_files`), never the studio: a save-as stages the project
beside its target, folds the log in, and moves the one file into place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tratteggio.core.errors import ProjectError
from tratteggio.core.project.store import remove_project_files
from tratteggio.core.tasks.common import signer_from

if TYPE_CHECKING:
    from tratteggio.core.credentials.identity import Identity
    from tratteggio.core.project.sync import Pending, ProjectSync
    from tratteggio.core.studio.document import Document


def create_project(photo: Path, output: Path, mask: Path | None = None, embed: bool = False) -> Path:
    """A new project for `photo` (never modified), with an optional mask; `embed` copies the master in."""
    from tratteggio.core.io.fileset import check_targets
    from tratteggio.core.io.loading import load_mask, load_photo
    from tratteggio.core.project.api import check_project_path
    from tratteggio.core.project.sync import ProjectSync
    from tratteggio.core.studio.document import Document

    check_project_path(output)
    inputs = [photo, *([mask] if mask else [])]
    check_targets([output], inputs)
    if output.exists():
        raise ProjectError(
            f"{output.name}: already exists; choose another name (a project is never replaced)"
        )
    doc = Document(load_photo(photo), Path(photo).resolve())
    if mask is not None:
        doc.mask[...] = load_mask(mask, doc.photo.shape2d).bits
    sync = ProjectSync(doc, output)
    try:
        sync.write(sync.pending())
        if embed:
            sync.embed_master()
    except BaseException as exc:
        with contextlib.suppress(OSError, sqlite3.Error):
            sync.close()
        remove_project_files(output, quiet=True)
        if isinstance(exc, OSError | sqlite3.Error):  # a full disk, a read-only folder
            why = getattr(exc, "strerror", None) or exc
            raise ProjectError(f"{output}: the project could not be written ({why})") from None
        raise
    sync.close()
    return output


def export_document(
    doc: Document,
    output: Path,
    *,
    visible_copy: bool = False,
    lossy: bool = False,
    inputs: tuple[Path, ...] = (),
    signer: Identity | Path | str | None = None,
) -> dict[str, Path]:
    """File ▸ Export: the restored photo with its record, loss map and masks, as one set."""
    from tratteggio.core.record.docexport import export_document as write_export

    identity = signer_from(signer)
    return write_export(doc, output, visible_copy=visible_copy, inputs=inputs, lossy=lossy, signer=identity)


def export_project(
    path: Path,
    output: Path,
    *,
    visible_copy: bool = False,
    lossy: bool = False,
    on_warning: Callable[[str], None] | None = None,
    signer: Identity | Path | str | None = None,
) -> dict[str, Path]:
    """The same files File ▸ Export writes from the studio, from a saved project."""
    from tratteggio.core.project.load import read_project

    identity = signer_from(signer)
    doc, _ = read_project(path, on_warning=on_warning)
    return export_document(
        doc, output, visible_copy=visible_copy, lossy=lossy, inputs=(path,), signer=identity
    )


@dataclass(frozen=True)
class SaveAs:
    """A document's state, taken on the caller's thread, to be written under a new name by `write`
    (on a worker): staged beside the target as `.NAME.part`, moved into place whole."""

    target: Path
    staged: Path
    sync: ProjectSync
    pending: Pending

    @property
    def revision(self) -> int:
        return self.pending.revision

    def write(self) -> Path:
        remove_project_files(self.staged)  # a stale staged save of an earlier, killed studio
        self.sync.write(self.pending)
        self.sync.close()  # folds the log in: one file to move
        os.replace(self.staged, self.target)
        return self.target

    def discard(self) -> None:
        """After a failed `write`: nothing staged stays behind."""
        remove_project_files(self.staged, quiet=True)


def save_project_as(doc: Document, target: Path, meta: dict[str, Any] | None = None) -> SaveAs:
    """Prepare saving `doc` (with `meta`, e.g. the view) as the project `target`."""
    from tratteggio.core.project.sync import ProjectSync

    target = Path(target).resolve()
    staged = target.with_name(f".{target.name}.part")
    sync = ProjectSync(doc, staged)
    return SaveAs(target, staged, sync, sync.pending(meta))
