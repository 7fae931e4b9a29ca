"""`tratteggio --version` and `--help` build the parser only: no numpy, no restoration machinery."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import import_module

from tratteggio.cli import COMMANDS, build_parser
from tratteggio.core.lab import aging, detect, fading, kinds

MOST_MODULES = 32  # the 19 command-line modules and the few core ones their options name (was 112)


def _loaded_after(argv: list[str]) -> list[str]:
    code = (
        "import sys\nfrom tratteggio.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tratteggio', 'numpy', 'cv2', 'torch'))))"
    )
    run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return eval(run.stdout.splitlines()[-1])  # a list literal printed by the child


def test_version_and_help_load_few_modules() -> None:
    for argv in (["--version"], ["--help"], ["restore", "--help"]):
        loaded = _loaded_after(argv)
        assert not [m for m in loaded if not m.startswith("tratteggio")], argv  # no numpy, cv2, torch
        assert len(loaded) <= MOST_MODULES, (argv, loaded)
        assert "tratteggio.core.pipeline.restore" not in loaded


def test_the_light_names_are_the_lab_names() -> None:
    assert detect.DETECT_KINDS == kinds.DETECT_KINDS and detect.LINE_KINDS == kinds.LINE_KINDS
    assert aging.KINDS == kinds.AGING_KINDS and aging.DEFAULT_KINDS == kinds.DEFAULT_AGING_KINDS
    assert tuple(fading.MODELS) == kinds.FADING_MODELS


def test_a_command_line_naming_a_command_imports_that_commands_module_alone() -> None:
    assert len(_loaded_after(["--version"])) <= 10  # the version alone: no parser of every command
    loaded = _loaded_after(["restore", "--help"])
    assert "tratteggio.cli.restore" in loaded
    assert not {"tratteggio.cli.batch", "tratteggio.cli.lab", "tratteggio.cli.imagine"} & set(loaded)
    everything = _loaded_after(["--help"])
    assert {f"tratteggio.cli.{name}" for name in COMMANDS.values()} <= set(everything)


def test_the_command_table_names_what_each_module_adds() -> None:
    for module in set(COMMANDS.values()):
        added = import_module(f"tratteggio.cli.{module}").add_parsers(
            argparse.ArgumentParser().add_subparsers()
        )
        assert sorted(added) == sorted(c for c, m in COMMANDS.items() if m == module), module
    _, commands = build_parser()
    assert list(commands) == list(COMMANDS)  # --help lists them in the table's order
    for name in COMMANDS:
        _, alone = build_parser(name)
        assert name in alone and set(alone) <= set(COMMANDS)
