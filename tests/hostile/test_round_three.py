"""Issue 28 (the third hostile probe): the command-line surfaces. Every case here failed before its
fix: an output that replaced an input, a run that lost a photo without saying so, a record that
named bytes it never read, an exit status that hid a difference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.common import cli, fingerprint, one_refusal, photo_and_mask


def no_work(*args: object, **kwargs: object) -> object:
    raise AssertionError("the work started before the outputs were checked")


@pytest.mark.parametrize("command", ["extend", "imagine"])
def test_previews_never_replace_an_input_or_an_output_and_are_checked_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """`extend d/step-000.png --previews d` replaced the master and exited 0; imagine's previews
    replaced its own output. Both are refused, one line, exit 2, before the model is touched."""
    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    (tmp_path / "d").mkdir()
    shutil.copy("photo.png", "d/step-000.png")
    monkeypatch.setattr(f"tratteggio.cli.{command}.{command}", no_work)
    model = ["--model", str(tmp_path / "model")]  # never loaded: the refusals come first
    before = fingerprint(tmp_path)
    if command == "extend":
        said = cli("extend", "d/step-000.png", "--right", "16", "-o", "d/o.png", "--previews", "d", *model)
        one_refusal(said, "step-000.png", "input")
        wide = ["extend", "photo.png", "--right", "16", *model]
        one_refusal(cli(*wide, "-o", "d/step-001.png", "--previews", "d"))
        one_refusal(cli(*wide, "-o", "o.png", "--previews", "photo.png"))
    else:
        one_refusal(cli("imagine", "city", "-o", "d/step-002.png", "--previews", "d", *model), "step-002.png")
        one_refusal(cli("imagine", "city", "-o", "o.png", "--previews", "photo.png", *model))
    assert fingerprint(tmp_path) == before


def test_extend_previews_are_part_of_the_documented_set(
    sd_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview that cannot be written leaves no output, no record, no preview: all or nothing."""
    from tratteggio.core.pipeline import layers

    monkeypatch.chdir(tmp_path)
    photo_and_mask(tmp_path)
    real = layers.sequence_writers

    def failing_last(*args: object) -> list[tuple[Path, layers.Writer]]:
        files = real(*args)  # type: ignore[arg-type]

        def fail(tmp: Path) -> None:
            raise OSError(28, "No space left on device")

        return [*files[:-1], (files[-1][0], fail)]

    monkeypatch.setattr("tratteggio.cli.restore.sequence_writers", failing_last)
    before = fingerprint(tmp_path)
    args = ["--model", sd_model, "--steps", "2", "--dtype", "float32", "--previews", "L"]
    one_refusal(cli("extend", "photo.png", "--right", "8", "-o", "o.png", *args), "No space left")
    assert fingerprint(tmp_path) == before
