"""The request schema exists once: the CLI options, request_from_args and the studio panel's ranges
are all generated from RestorationRequest's field specs, and this test fails if any disagree."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from tratteggio.cli import build_parser
from tratteggio.cli.options import request_from_args
from tratteggio.core.errors import RequestError
from tratteggio.core.request import RestorationRequest, spec, specs
from tratteggio.gui.panels.restore_panel import RestorePanel
from tratteggio.gui.run_settings import RunSettings

FIELDS = {f.name: f for f in dataclasses.fields(RestorationRequest)}


def restore_parser() -> argparse.ArgumentParser:
    parser, _ = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["restore"]


def option(parser: argparse.ArgumentParser, dest: str) -> argparse.Action:
    return next(a for a in parser._actions if a.dest == dest)


def test_every_request_field_is_a_cli_option_with_the_schema_default_and_choices() -> None:
    parser = restore_parser()
    for name, s in specs().items():
        action = option(parser, name)
        flag = s.negative_flag or s.flag
        assert flag in action.option_strings, name
        assert action.default == FIELDS[name].default, name
        if s.choices and name != "engine":
            assert list(action.choices) == list(s.choices), name
        assert action.help and s.help.split(";")[0][:20] in action.help.replace("do not ", ""), name


def test_request_from_args_gives_the_dataclass_defaults_and_reads_every_option() -> None:
    parser = restore_parser()
    base = ["p.png", "--mask", "m.png", "-o", "o.png"]
    assert request_from_args(parser.parse_args(base)) == RestorationRequest()
    args = parser.parse_args(
        [*base, "--engine", "diffusion", "--model", "m", "--steps", "7", "--guidance", "3.5", "--strength",
         "0.5", "--seed", "9", "--padding", "64", "--blend", "2", "--no-color-match", "--vae-tiling",
         "--dtype", "float32", "--scheduler", "DDIMScheduler", "--prompt", "sky", "--negative-prompt", "text",
         "--device", "cpu", "--model-config", "cfg", "--allow-pickle", "--cpu-offload"]
    )  # fmt: skip
    request = request_from_args(args)
    expected = RestorationRequest(
        engine="diffusion", model="m", steps=7, guidance=3.5, strength=0.5, seed=9, padding=64, blend=2,
        color_match=False, vae_tiling=True, dtype="float32", scheduler="DDIMScheduler", prompt="sky",
        negative_prompt="text", device="cpu", model_config="cfg", allow_pickle=True, cpu_offload=True,
    )  # fmt: skip
    assert request == expected
    assert set(vars(args)) >= set(specs())  # nothing in the schema is missing from the CLI


@pytest.mark.parametrize("name", [n for n, s in specs().items() if s.low is not None])
def test_the_cli_and_the_dataclass_refuse_the_same_out_of_range_values(name: str) -> None:
    s = spec(name)
    parser = restore_parser()
    base = ["p.png", "--mask", "m.png", "-o", "o.png"]
    too_big = s.high + (1 if isinstance(FIELDS[name].default, int) else 0.5)  # type: ignore[operator]
    args = parser.parse_args([*base, s.flag, str(too_big)])  # type: ignore[list-item]
    with pytest.raises(RequestError, match=name):
        request_from_args(args)
    assert request_from_args(parser.parse_args([*base, s.flag, str(s.high)])).__getattribute__(name) == s.high  # type: ignore[list-item]


def test_the_panel_ranges_are_the_schema_ranges(qtbot: object) -> None:
    panel = RestorePanel()
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    for name in ("steps", "guidance", "strength", "padding", "blend"):
        box = getattr(panel, name)
        s = spec(name)
        assert isinstance(box, QSpinBox | QDoubleSpinBox)
        assert box.maximum() == s.high, name
        assert box.minimum() == s.low or (s.low_open and s.low < box.minimum() <= 0.05 + s.low), name
        assert box.value() == FIELDS[name].default, name
        assert box.toolTip() == s.help
    panel.seed.setValue(2**63 - 1)
    assert panel.request().seed == spec("seed").high  # the panel reaches the schema's highest seed
    assert panel.request(candidate=1).seed == 0  # and wraps instead of leaving the range


def test_the_run_settings_are_the_schema_fields_with_its_defaults_and_ranges() -> None:
    settings = RunSettings()
    assert settings.names() == tuple(specs())
    assert all(settings.get(name) == FIELDS[name].default for name in specs())
    assert settings.request() == RestorationRequest()
    parser = restore_parser()
    base = ["p.png", "--mask", "m.png", "-o", "o.png"]
    for name in [n for n, s in specs().items() if s.low is not None]:
        s = spec(name)
        too_big = s.high + (1 if isinstance(FIELDS[name].default, int) else 0.5)  # type: ignore[operator]
        with pytest.raises(RequestError, match=name) as refused:
            settings.set(name, too_big)
        with pytest.raises(RequestError) as cli_refused:
            request_from_args(parser.parse_args([*base, s.flag, str(too_big)]))  # type: ignore[list-item]
        assert str(refused.value) == str(cli_refused.value)  # the same words, from the same Spec
    with pytest.raises(RequestError, match="unknown engine"):
        settings.set("engine", "nope")


def test_the_panel_widgets_bind_to_its_run_settings_and_the_cli_builds_the_same_request(
    qtbot: object,
) -> None:
    panel = RestorePanel()
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    settings = panel.settings
    panel.steps.setValue(7)
    panel.prompt.setText("sky")
    panel.seed.setValue(9)
    assert (settings.get("steps"), settings.get("prompt"), settings.get("seed")) == (7, "sky", 9)
    settings.set("blend", 2)
    settings.set("negative_prompt", "text")
    assert panel.blend.value() == 2 and panel.negative.text() == "text"  # a field set elsewhere shows
    panel.select_engine("telea", None)
    assert panel.request() == settings.request() == RestorationRequest(engine="telea", seed=9, blend=2)
    model = panel.diffusion_models()[0]
    panel.select_engine("diffusion", model)
    parser = restore_parser()
    args = ["p.png", "--mask", "m.png", "-o", "o.png", "--engine", "diffusion", "--model", model, "--steps",
            "7", "--prompt", "sky", "--negative-prompt", "text", "--seed", "9", "--blend", "2"]  # fmt: skip
    assert panel.request() == request_from_args(parser.parse_args(args))
    assert panel.request(candidate=2).seed == 11
    assert panel.diffusion_request(model) == RestorationRequest(
        engine="diffusion", model=model, steps=7, prompt="sky", negative_prompt="text"
    )
