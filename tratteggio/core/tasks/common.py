"""What every task shares: where its step previews go, how it reports progress, who signs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tratteggio.core.errors import TratteggioError

if TYPE_CHECKING:
    import numpy as np

    from tratteggio.core.credentials.identity import Identity
    from tratteggio.core.engines import Engines
    from tratteggio.core.photo import Photo
    from tratteggio.core.pipeline.layers import Writer
    from tratteggio.core.pipeline.restore import StepPreview
    from tratteggio.core.record.writer import Plan

Update = Callable[[int, int], object]  # (steps done, steps in all)


@dataclass(frozen=True)
class Run:
    """What the caller's running context gives the work: whom to tell of each step, which engines
    run it (None: the task's own `engines`, or here)."""

    update: Update | None = None
    engines: Engines | None = None


# the caller's setting for the run itself (a progress bar, diffusion on a server): entered around
# the work only, after every check and load
Running = Callable[[], contextlib.AbstractContextManager[Run]]


def created_like() -> Photo:
    """What a picture created from noise is stored as."""
    import numpy as np

    from tratteggio.core.photo import Photo

    return Photo(np.zeros((1, 1, 3), np.uint8))


def signer_from(signer: Identity | Path | str | None) -> Identity | None:
    """The identity to sign with: as given, or loaded (and the credentials extra required) from a
    path; None when nothing is to be signed."""
    if signer is None:
        return None
    if isinstance(signer, Path | str):
        from tratteggio.core.credentials.identity import load_identity
        from tratteggio.core.credentials.sign import require_c2pa

        require_c2pa()
        return load_identity(signer)
    return signer


@contextlib.contextmanager
def steps(
    running: Running | None, engines: Engines | None = None
) -> Iterator[tuple[Callable[[StepPreview], None] | None, Engines | None]]:
    """`running`'s context around the work: the step callback it asks for (None without) and the
    engines to run with."""
    if running is None:
        yield None, engines
        return
    with running() as run:
        update = run.update
        if update is None:
            yield None, run.engines or engines
            return

        def on_step(step: StepPreview) -> None:
            update(step.step + 1, step.total)

        yield on_step, run.engines or engines


@dataclass(frozen=True)
class Previews:
    """Where a run's steps are written as layers: a folder of numbered files, an animation."""

    folder: Path | None = None
    gif: Path | None = None

    def check(self, inputs: Sequence[Path]) -> list[Path]:
        """Before any work: the animation's target and the folder; return the files known now."""
        from tratteggio.core.io.fileset import check_folder_target, check_targets
        from tratteggio.core.pipeline.layers import ANIMATION_SUFFIXES

        targets = []
        if self.gif:
            if self.gif.suffix.lower() not in ANIMATION_SUFFIXES:
                raise TratteggioError(f"{self.gif.name}: --previews-gif writes a .gif or a .webp file")
            targets.append(self.gif)
        if self.folder:
            check_folder_target(self.folder, "--previews")
        if targets:
            check_targets(targets, inputs)
        return targets

    def check_sequence(self, files: Plan, inputs: Sequence[Path]) -> None:
        """Before any work: no input is already in the folder under a step's name, no other output
        of the set would be one."""
        from tratteggio.core.io.fileset import check_named_in_folder
        from tratteggio.core.pipeline.layers import is_sequence_name

        if self.folder:
            check_named_in_folder(self.folder, is_sequence_name, inputs, files.targets(), "--previews")

    def made(self) -> contextlib.AbstractContextManager[object]:
        """The folder, made for the write (and removed again if the write fails)."""
        from tratteggio.core.io.fileset import made_folder

        return made_folder(self.folder) if self.folder else contextlib.nullcontext()

    def files(self, source: np.ndarray, previews: Sequence[StepPreview]) -> list[tuple[Path, Writer]]:
        """The files of the folder and the animation, to be written inside the documented set."""
        from tratteggio.core.pipeline.layers import animation_writer, sequence_writers

        files = sequence_writers(self.folder, source, previews) if self.folder else []
        if self.gif:
            files.append((self.gif, animation_writer(self.gif, source, previews)))
        return files
