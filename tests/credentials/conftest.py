"""A signing identity made by `tratteggio credentials new` (a local root and signer), for the tests
that sign exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.common import cli


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lab") / "identity"
    assert cli("credentials", "new", "--org", "Archivio", "-o", folder).code == 0
    return folder
