"""`tratteggio.core` loads its names on first use: importing one module loads that module only."""

from __future__ import annotations

import subprocess
import sys

import tratteggio.core as core


def _tratteggio_modules_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(sorted(m for m in sys.modules if m.startswith('tratteggio')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return eval(out.stdout)  # a list literal printed by the child


def test_importing_the_errors_loads_only_the_errors() -> None:
    loaded = _tratteggio_modules_after("import tratteggio.core.errors")
    assert loaded == ["tratteggio", "tratteggio.core", "tratteggio.core.errors"]


def test_every_exported_name_resolves_from_its_home() -> None:
    from tratteggio.core.pipeline.restore import restore
    from tratteggio.core.request import RestorationRequest

    assert set(core.__all__) <= set(dir(core))
    for name in core.__all__:
        assert getattr(core, name) is not None
    assert core.restore is restore and core.RestorationRequest is RestorationRequest


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        _ = core.NoSuchThing  # type: ignore[attr-defined]
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("an unknown name resolved")
