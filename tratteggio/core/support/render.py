"""The doctor's report as one screen of text (the same in the terminal and in Help ▸ About)."""

from __future__ import annotations

from tratteggio.core.support.doctor import Report


def size(nbytes: int | None) -> str:
    if nbytes is None:
        return "unknown"
    value = float(nbytes)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def _yes(flag: bool | None) -> str:
    return {True: "yes", False: "NO", None: "not tried"}[flag]


def render(report: Report) -> str:
    lines = [
        f"Tratteggio {report.tratteggio}  (Python {report.python}, {report.system})",
        f"Program     {report.executable}{'  (installed bundle)' if report.frozen else ''}",
        *_qt(report),
        *_torch(report),
        "Libraries   " + ", ".join(f"{name} {version}" for name, version in report.libraries.items()),
        *_models(report),
        *_folders(report),
        _hub(report),
        f"Known-bad   {'; '.join(report.known_bad) or 'none installed'}",
        "",
    ]
    if not report.problems:
        lines.append("No problems found.")
    else:
        lines.append(f"Problems ({len(report.problems)}):")
        for problem in report.problems:
            lines += [f"  - {problem.what}", f"    Fix: {problem.fix}"]
    return "\n".join(lines)


def _qt(report: Report) -> list[str]:
    qt = report.qt
    missing = qt.missing_libraries
    libs = (
        "not checked" if missing is None else (", ".join(missing) + " MISSING" if missing else "none missing")
    )
    return [
        f"Qt          {qt.qt or 'unknown'} (PySide6 {qt.pyside6 or 'not installed'}), "
        f"platform {qt.platform}, display {qt.display or 'none'}, starts: {_yes(qt.starts)}",
        f"System libs {libs}",
    ]


def _torch(report: Report) -> list[str]:
    t = report.torch
    gpus = f"; GPU seen: {', '.join(g.upper() for g in t.gpus)}" if t.gpus else "; no GPU seen"
    if t.error:
        build = f" ({t.build} build installed)" if t.build else ""
        return [f"torch       cannot be imported{build}: {t.error}{gpus}"]
    return [
        f"torch       {t.version} ({t.build} build); diffusion runs on {t.device}: {t.device_name}, "
        f"memory {size(t.memory_bytes)}{gpus}"
    ]


def _models(report: Report) -> list[str]:
    m = report.models
    lines = [f"Models      {m.cache}: {len(m.models)} model(s), {size(m.size_bytes)}"]
    lines += [f"              {entry['id']}  {size(entry['size_bytes'])}" for entry in m.models]
    return lines


def _folders(report: Report) -> list[str]:
    f = report.folders
    crash = f"{f.crash_log} ({size(f.crash_log_bytes)})" if f.crash_log_bytes else "empty"
    return [
        f"State       {f.state}  ({f.recovery_files} recovery file(s))",
        f"Logs        {f.log}  (crash log: {crash})",
    ]


def _hub(report: Report) -> str:
    hub = report.hub
    if hub.offline:
        return f"Hub         offline mode on (HF_HUB_OFFLINE): {hub.endpoint} is not contacted"
    if hub.reachable is None:
        return f"Hub         {hub.endpoint}: not checked"
    return f"Hub         {hub.endpoint}: {'reachable' if hub.reachable else 'NOT reachable'}"
