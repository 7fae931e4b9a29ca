"""A Ray cluster for the `cluster` tests: 2 CPUs, no dashboard, listening on 127.0.0.1 only, with
HOME (where Ray keeps its auth token) and Ray's temporary folder in a temporary folder; stopped at
the end of the module. `tratteggio batch --cluster auto` in this process uses it as it is."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# read when ray is imported: every Ray process of the tests listens on 127.0.0.1, never on the network
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[dict[str, str]]:
    """The cluster's address and the environment a second driver needs to reach it."""
    ray = pytest.importorskip("ray")
    # a short path: Ray's sockets live under it, and a socket path may not pass 107 characters
    root = Path(tempfile.mkdtemp(prefix="tr-ray-", dir="/tmp"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(root / "home"))
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            _temp_dir=str(root / "tmp"),
            logging_level="WARNING",
            log_to_driver=False,
        )
        try:
            address = ray.get_runtime_context().gcs_address
            yield {"address": address, "HOME": str(root / "home")}
        finally:
            ray.shutdown()
    shutil.rmtree(root, ignore_errors=True)
