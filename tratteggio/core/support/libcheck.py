"""The shared libraries Qt's platform plugin needs and this system lacks, and the packages that give them.

Qt aborts (SIGABRT, exit 134) when its platform plugin cannot load, with a hint that names one
library whether or not it is the missing one. The plugin is checked first with the system's own
loader (`ldd`, which follows the same search paths the program will), before Qt is imported.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# Every library Qt's xcb platform plugin and the Qt libraries under it link that a desktop may lack
# (PySide6 6.11, `readelf -d`), with the Debian/Ubuntu and the Fedora package that gives it.
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}

DEBIAN, FEDORA = 0, 1


def package_line(family: int, libraries: Mapping[str, tuple[str, str]] = XCB_LIBRARIES) -> str:
    """The one install command for every library in `libraries` (the README's lines)."""
    names = list(dict.fromkeys(packages[family] for packages in libraries.values()))
    return ("sudo apt-get install " if family == DEBIAN else "sudo dnf install ") + " ".join(names)


def packages_for(sonames: list[str], family: int) -> list[str]:
    return list(dict.fromkeys(XCB_LIBRARIES[s][family] for s in sonames if s in XCB_LIBRARIES))


def distro_family(os_release: Path = Path("/etc/os-release")) -> int | None:
    """DEBIAN or FEDORA for this Linux (by /etc/os-release's ID and ID_LIKE), None for others."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return None
    ids = " ".join(line.split("=", 1)[1].strip("\"' ") for line in text.splitlines() if line.startswith("id"))
    if any(word in ids for word in ("debian", "ubuntu")):
        return DEBIAN
    if any(word in ids for word in ("fedora", "rhel", "centos")):
        return FEDORA
    return None


def platform_name(env: Mapping[str, str] = os.environ, system: str = sys.platform) -> str:
    """The Qt platform plugin the studio will load, as Qt 6 chooses it."""
    forced = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if forced:
        return forced
    if system == "darwin":
        return "cocoa"
    if system == "win32":
        return "windows"
    wayland = env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY")
    return "wayland" if wayland else "xcb"


def pyside_folder() -> Path | None:
    """PySide6's folder, found without importing it (core never imports Qt)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def platform_plugin(name: str, env: Mapping[str, str] = os.environ) -> Path | None:
    """The file of platform plugin `name` Qt would load (QT_QPA_PLATFORM_PLUGIN_PATH first)."""
    if not name.isidentifier():
        return None
    folders = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    pyside = pyside_folder()
    if pyside is not None:
        folders.append(pyside / "Qt" / "plugins" / "platforms")
    for folder in folders:
        for candidate in (folder / f"libq{name}.so", folder / f"libq{name}.dylib", folder / f"q{name}.dll"):
            if candidate.is_file():
                return candidate
    return None


def missing_libraries(binary: Path) -> list[str] | None:
    """Shared libraries `binary` needs that the loader cannot find; None when `ldd` cannot tell."""
    ldd = shutil.which("ldd")
    if ldd is None or not binary.is_file():
        return None
    try:
        done = subprocess.run(
            [ldd, str(binary)], capture_output=True, text=True, timeout=30, env=_loader_env()
        )
    except (OSError, subprocess.SubprocessError):
        return None
    missing = [
        line.split("=>")[0].strip() for line in done.stdout.splitlines() if line.strip().endswith("not found")
    ]
    return list(dict.fromkeys(missing))


def _loader_env() -> dict[str, str]:
    """The environment the program's own loader sees: a frozen bundle finds its libraries first."""
    env = dict(os.environ)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (bundle, env.get("LD_LIBRARY_PATH", "")) if p)
    return env


def platform_problem(env: Mapping[str, str] = os.environ, system: str = sys.platform) -> str | None:
    """One line saying why the studio's platform plugin cannot load on this Linux, or None.

    Only the xcb plugin is checked (it is the one whose libraries a desktop lacks, and the one Qt
    names a wrong library for); `ldd` costs a process, so the others start without it."""
    if not system.startswith("linux"):
        return None
    name = platform_name(env, system)
    if name != "xcb":
        return None
    plugin = platform_plugin(name, env)
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    if not missing:
        return None
    return (
        f"the studio cannot start: Qt's {name} platform plugin needs {', '.join(missing)}, "
        f"not installed on this system; {install_hint(missing)}"
    )


X11_SOCKETS = Path("/tmp/.X11-unix")


def display_problem(
    env: Mapping[str, str] = os.environ, system: str = sys.platform, sockets: Path = X11_SOCKETS
) -> str | None:
    """One line when DISPLAY names an X server nobody answers at (Qt would abort with exit 134 and a
    hint about libxcb-cursor0), or None: tried with a plain socket connection, no X library."""
    display = env.get("DISPLAY", "")
    if not system.startswith("linux") or platform_name(env, system) != "xcb" or not display:
        return None
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return f"the studio cannot start: DISPLAY={display} is not a display name (such as :0)"
    if x_server_answers(host, int(number), sockets):
        return None
    where = f"{host}, TCP port {6000 + int(number)}" if host not in ("", "unix") else sockets / f"X{number}"
    return (
        f"the studio cannot start: the X display DISPLAY={display} cannot be reached (nothing answers at "
        f"{where}); start it from a desktop session or under `xvfb-run -a`, or set DISPLAY to a running "
        "X server; the commands work without one"
    )


def x_server_answers(host: str, number: int, sockets: Path = X11_SOCKETS, timeout: float = 2.0) -> bool:
    import socket

    if host in ("", "unix"):
        targets: list[tuple[int, object]] = [(socket.AF_UNIX, str(sockets / f"X{number}"))]
        if sockets == X11_SOCKETS:  # Linux X servers also listen on the abstract socket
            targets.append((socket.AF_UNIX, f"\0{sockets}/X{number}"))
    else:
        targets = [(socket.AF_INET, (host, 6000 + number))]
    for family, address in targets:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as conn:
                conn.settimeout(timeout)
                conn.connect(address)  # type: ignore[arg-type]
                return True
        except OSError:
            continue
    return False


def install_hint(missing: list[str]) -> str:
    family = distro_family()
    families = [family] if family is not None else [DEBIAN, FEDORA]
    hints = []
    for fam in families:
        names = " ".join(packages_for(missing, fam))
        label = "Debian/Ubuntu" if fam == DEBIAN else "Fedora"
        given = f"({names}) " if names else ""
        hints.append(f"on {label} install them {given}with everything the studio needs: {package_line(fam)}")
    return "; ".join(hints)
