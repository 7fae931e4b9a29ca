"""About's credits name real dependencies under the licences their own metadata gives."""

from __future__ import annotations

from importlib.metadata import metadata

from tratteggio.core.support.credits import DEPENDENCIES, credits_text
from tratteggio.core.support.sample import CREDIT


def test_each_listed_licence_is_the_one_its_distribution_declares() -> None:
    for name, _what, licence in DEPENDENCIES:
        data = metadata(name)
        declared = " ".join(
            [
                data.get("License-Expression") or "",
                data.get("License") or "",
                *(data.get_all("Classifier") or []),
            ]
        )
        family = licence.split("-")[0].split(" ")[0]  # LGPL, BSD, Apache, MIT
        assert family in declared, (name, licence, declared[:200])


def test_the_credits_name_the_sample_photo_and_every_dependency() -> None:
    text = credits_text()
    assert CREDIT in text and "MIT" in text
    assert all(name in text for name, _what, _licence in DEPENDENCIES)
