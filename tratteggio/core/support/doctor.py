"""`tratteggio doctor`: what a bug report needs and what a user needs to fix their set-up.

The facts are gathered here without Qt (core never imports it); the caller adds what only a running
Qt can say (`QtRuntime`): the command line asks a child process, the studio's About asks itself.
Every problem comes with the one thing to do about it.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from tratteggio import __version__
from tratteggio.core.engines.devices import TorchFacts, torch_facts
from tratteggio.core.support import libcheck

# The libraries whose versions a bug report needs (distribution names).
LIBRARIES = (
    "diffusers",
    "transformers",
    "huggingface-hub",
    "numpy",
    "opencv-contrib-python-headless",
    "scikit-image",
    "pillow",
)
# Releases with a known crash: (distribution, version, what happens).
KNOWN_BAD = (
    ("PySide6-Essentials", "6.12.0", "drops a reference to True on every signal emit: long sessions abort"),
    ("PySide6", "6.12.0", "drops a reference to True on every signal emit: long sessions abort"),
)


@dataclass(frozen=True)
class QtRuntime:
    """What only a running Qt can tell: its version, its platform, whether the platform started."""

    qt: str = ""
    platform: str = ""
    starts: bool | None = None  # None: not tried
    error: str = ""


@dataclass(frozen=True)
class QtFacts:
    pyside6: str
    qt: str
    platform: str
    display: str
    plugin: str
    missing_libraries: list[str] | None  # None: could not be checked (no ldd, not Linux)
    starts: bool | None
    error: str


@dataclass(frozen=True)
class ModelFacts:
    cache: str
    size_bytes: int
    models: list[dict[str, Any]]


@dataclass(frozen=True)
class Folders:
    state: str
    log: str
    crash_log: str
    crash_log_bytes: int
    recovery_files: int


@dataclass(frozen=True)
class HubFacts:
    offline: bool
    endpoint: str
    reachable: bool | None  # None: not tried (offline mode)


@dataclass(frozen=True)
class Problem:
    what: str
    fix: str


@dataclass(frozen=True)
class Report:
    tratteggio: str
    python: str
    system: str
    executable: str
    frozen: bool
    qt: QtFacts
    torch: TorchFacts
    libraries: dict[str, str]
    models: ModelFacts
    folders: Folders
    hub: HubFacts
    known_bad: list[str]
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def collect(runtime: QtRuntime | None = None, network: bool = True) -> Report:
    """The facts, without problems (`checks.examine` adds them); never raises for a broken set-up."""
    return Report(
        tratteggio=__version__,
        python=sys.version.split()[0],
        system=platform.platform(),
        executable=sys.executable,
        frozen=bool(getattr(sys, "frozen", False)),
        qt=qt_facts(runtime or QtRuntime()),
        torch=torch_facts(),
        libraries={dist: version_of(dist) or "not installed" for dist in LIBRARIES},
        models=model_facts(),
        folders=folders(),
        hub=hub_facts(network),
        known_bad=known_bad(),
    )


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def qt_facts(runtime: QtRuntime) -> QtFacts:
    name = runtime.platform or libcheck.platform_name()
    plugin = libcheck.platform_plugin(name)
    return QtFacts(
        version_of("PySide6-Essentials") or version_of("PySide6"),
        runtime.qt,
        name,
        os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or "",
        str(plugin or ""),
        desktop_missing(name),
        runtime.starts,
        runtime.error,
    )


def desktop_missing(name: str) -> list[str] | None:
    """Libraries missing for the platform in use and, on Linux, for xcb (what a desktop start needs)."""
    if not sys.platform.startswith("linux"):
        return None
    found: list[str] | None = None
    for platform_ in dict.fromkeys((name, "xcb")):
        plugin = libcheck.platform_plugin(platform_)
        missing = libcheck.missing_libraries(plugin) if plugin is not None else None
        if missing is not None:
            found = list(dict.fromkeys((found or []) + missing))
    return found


def model_facts() -> ModelFacts:
    from huggingface_hub import constants

    from tratteggio.core.engines.hub import cached_models

    models = cached_models()
    listed = [{"id": m.id, "size_bytes": m.size_bytes} for m in models]
    return ModelFacts(str(constants.HF_HUB_CACHE), sum(m.size_bytes for m in models), listed)


def folders() -> Folders:
    from tratteggio.core.io import userdirs

    try:
        state, log = userdirs.state_dir(), userdirs.log_dir()
    except OSError as exc:
        return Folders(f"unusable ({exc})", "", "", 0, 0)
    crash = userdirs.crash_log_path()
    size = crash.stat().st_size if crash.is_file() else 0
    # on Linux the log folder lies inside the state folder: it holds no recovery journals
    journals = sum(1 for p in state.rglob("*") if p.is_file() and log not in p.parents)
    return Folders(str(state), str(log), str(crash), size, journals)


def hub_facts(network: bool) -> HubFacts:
    from huggingface_hub import constants

    from tratteggio.core.engines.models import offline

    endpoint = str(constants.ENDPOINT)
    if offline() or not network:
        return HubFacts(offline(), endpoint, None)
    return HubFacts(False, endpoint, reachable(endpoint))


def reachable(url: str, timeout: float = 4.0) -> bool:
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return True  # it answered
    except (OSError, ValueError):
        return False
    return True


def known_bad() -> list[str]:
    return [f"{dist} {version}: {why}" for dist, version, why in KNOWN_BAD if version_of(dist) == version]
