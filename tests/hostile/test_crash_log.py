"""Issue 16, case 10: crash logs go to the user's own log folder, created without following links
and readable by the owner only; a planted symlink or FIFO neither redirects nor blocks them. The
command line and the studio share the one place."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.hostile.common import cli, photo_and_mask
from tests.hostile.harness import HUNG, run


def _log_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "tratteggio" / "log"  # the test's own isolated home


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A restore that hits a bug (an exception that is not the user's fault)."""
    import tratteggio.cli.restore

    def bug(args: object) -> int:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(tratteggio.cli.restore, "cmd_restore", bug)
    photo, mask = photo_and_mask(tmp_path)
    return ["restore", str(photo), "--mask", str(mask), "-o", str(tmp_path / "o.png")]


def test_a_bug_is_one_line_naming_a_private_log_in_the_users_folder(broken: list[str]) -> None:
    said = cli(*broken)
    log = _log_dir() / "crash.log"
    assert said.code == 1 and len(said.lines) == 1, said.err
    assert "internal error: RuntimeError: a bug\\nover two lines" in said.err and str(log) in said.err
    assert "Traceback" in log.read_text() and "a bug" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert not Path("/tmp/tratteggio-crash.log").is_symlink()


def test_a_planted_symlink_is_not_followed(broken: list[str], tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    _log_dir().mkdir(parents=True, exist_ok=True)
    os.symlink(victim, _log_dir() / "crash.log")
    said = cli(*broken)
    assert said.code == 1 and "no crash log could be written" in said.err, said.err
    assert victim.read_text() == "precious"


def test_a_planted_fifo_does_not_block(broken: list[str], tmp_path: Path) -> None:
    _log_dir().mkdir(parents=True, exist_ok=True)
    os.mkfifo(_log_dir() / "crash.log")
    said = run(broken, tmp_path / "out", seconds=20)
    assert said.code != HUNG and said.code == 1, said
    assert "no crash log could be written" in said.stderr


def test_the_studio_writes_to_the_same_log(qtbot: object) -> None:
    from tratteggio.gui import crash

    try:
        raise ValueError("from the studio")
    except ValueError as error:
        crash.handle(ValueError, error, error.__traceback__)
    assert "from the studio" in (_log_dir() / "crash.log").read_text()
    crash.handle.last_box.close()  # type: ignore[attr-defined]
