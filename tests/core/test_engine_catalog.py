"""The engine catalog and the implementations agree: every entry builds its engine, every engine is in
the catalog, the seeded and thin flags match what the engines do; the command line, the advice and
the request read their names and flags from it. An `Engines` object says where diffusion runs."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import skimage.data

from tratteggio.cli import main
from tratteggio.core import Mask, Photo, RestorationRequest, restore
from tratteggio.core.engine_catalog import (
    BY_NAME,
    CLASSICAL_ENGINES,
    DIFFUSION_ENGINE,
    ENGINE_NAMES,
    ENGINES,
    THIN_ENGINES,
)
from tratteggio.core.engines import LOCAL, Engines, get_engine
from tratteggio.core.pipeline.advice import advice
from tratteggio.core.request import spec

ENGINES_DIR = Path(__file__).parents[2] / "tratteggio" / "core" / "engines"


def _implementations() -> set[tuple[str, str]]:
    """(module, class) of every class under core/engines with a `fill` method and a name of its own."""
    found = set()
    for path in sorted(ENGINES_DIR.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.ClassDef) or node.name in ("Engine", "OneShotEngine"):
                continue  # the protocol and the classical engines' shared base
            methods = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
            if {"fill", "describe"} <= methods or ("fill" in methods and node.bases):
                found.add((f"tratteggio.core.engines.{path.stem}", node.name))
    return found


def test_every_entry_builds_an_engine_of_its_name_and_kind() -> None:
    for entry in ENGINES:
        engine = entry.build(object()) if entry.takes_model else entry.build()
        assert engine.name == entry.name, entry
        assert engine.generative == entry.generative, entry
        assert callable(engine.fill) and callable(engine.describe)
        if not entry.takes_model:
            assert get_engine(entry.name).name == entry.name


def test_every_implementation_is_in_the_catalog() -> None:
    declared = {(entry.module, entry.cls) for entry in ENGINES}
    implementations = _implementations()
    assert len(implementations) >= 7  # the scan found the engines
    assert implementations <= declared, implementations - declared
    assert declared <= implementations, declared - implementations


def test_names_are_unique_and_the_request_and_command_line_offer_them_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert len(ENGINE_NAMES) == len(ENGINES) and ENGINE_NAMES[0] == "auto"
    assert DIFFUSION_ENGINE in ENGINE_NAMES and DIFFUSION_ENGINE not in CLASSICAL_ENGINES
    assert all(entry.label and entry.tip and "\n" not in entry.tip for entry in ENGINES)
    assert BY_NAME[DIFFUSION_ENGINE].needs_download and not BY_NAME["telea"].needs_download
    assert spec("engine").choices == ENGINE_NAMES
    with pytest.raises(SystemExit):
        main(["restore", "--help"])
    text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # argparse wraps at hyphens
    assert f"one of: {', '.join(ENGINE_NAMES)}" in text


def _brick(side: int = 120, loss: int = 40) -> tuple[Photo, Mask]:
    pixels = np.dstack([skimage.data.brick()[:side, :side]] * 3)
    bits = np.zeros(pixels.shape[:2], bool)
    start = (side - loss) // 2
    bits[start : start + loss, start : start + loss] = True  # a loss
    bits[4, 4 : side - 4] = True  # and a crack
    return Photo(pixels), Mask(bits)


@pytest.mark.parametrize("name", [n for n in CLASSICAL_ENGINES if not BY_NAME[n].needs_download])
def test_the_seed_changes_the_pixels_exactly_where_the_catalog_says(name: str) -> None:
    if name == "patchmatch":
        pytest.importorskip("patchmatch")
    photo, mask = _brick(64, 16)  # small: FSR best takes a minute on the larger one
    one = restore(photo, mask, RestorationRequest(engine=name, seed=1)).pixels
    two = restore(photo, mask, RestorationRequest(engine=name, seed=2)).pixels
    seeded = BY_NAME[name].seeded
    assert np.array_equal(one, two) != seeded
    assert RestorationRequest(engine=name).deterministic != seeded


def test_engines_that_need_weights_take_no_seed_and_their_runs_are_checked_in_their_own_tests() -> None:
    downloaded = [n for n in CLASSICAL_ENGINES if BY_NAME[n].needs_download]
    assert downloaded == ["migan", "lama"]  # tests/core/test_erasers.py runs them on graphs it builds
    assert all(RestorationRequest(engine=n).deterministic and not BY_NAME[n].seeded for n in downloaded)


def test_the_advice_warns_of_losses_for_the_thin_engines_only() -> None:
    _, mask = _brick()
    for name in CLASSICAL_ENGINES:
        warned = "made for thin damage" in advice(mask.bits, name)
        assert warned == (name in THIN_ENGINES), name
    assert "hybrid" in THIN_ENGINES and "auto" not in THIN_ENGINES


def test_engines_objects_keep_their_own_diffusion_model() -> None:
    from tratteggio.core.engines.diffusion import DiffusionEngine
    from tratteggio.core.engines.remote import RemoteModel, RemoteTarget
    from tratteggio.core.engines.worker import WorkerModel

    studio, command = Engines(), Engines()
    assert studio.model is None and studio.pipeline_loads() == 0
    worker = studio.run_diffusion_in_worker(60.0)
    assert isinstance(worker, WorkerModel) and worker.pid is None  # started on first use
    assert studio.run_diffusion_in_worker(5.0) is worker and worker.idle_s == 5.0  # the worker is kept
    assert isinstance(studio.get("diffusion"), DiffusionEngine) and studio.model is worker
    target = RemoteTarget.parse("https://gpu.example:8765", None)
    with command.diffusion_on(target) as remote:
        assert isinstance(remote, RemoteModel) and command.model is remote
        assert studio.model is worker  # one holder's choice is not another's
    assert command.model is None  # back to this process
    assert command.get("telea") is studio.get("telea")  # the classical engines are shared
    studio.close()
    with pytest.raises(RuntimeError):
        LOCAL.run_diffusion_on(target)  # the default is never switched
    assert LOCAL.model is None or LOCAL.model.__class__.__name__ == "LocalModel"
