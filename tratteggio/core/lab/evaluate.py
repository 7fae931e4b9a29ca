"""Time travel: age undamaged photos, restore them with each engine using the true mask, and
measure how close each restoration comes to the truth."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tratteggio.core.engine_catalog import CLASSICAL_ENGINES
from tratteggio.core.errors import RequestError
from tratteggio.core.io.fileset import FileSet
from tratteggio.core.lab.aging import AgingRequest, age
from tratteggio.core.lab.metrics import TEXTURE_BAND, fidelity, texture_ratios
from tratteggio.core.mask import Mask
from tratteggio.core.photo import Photo
from tratteggio.core.pipeline.restore import restore
from tratteggio.core.request import RestorationRequest

MIN_SIDE = 7  # SSIM's window


@dataclass(frozen=True)
class Row:
    photo: str
    engine: str
    psnr_mask: float
    ssim_mask: float
    mae_mask: float
    psnr_whole: float
    changed_outside: int
    seconds: float
    damaged_fraction: float
    cpu_seconds: float = 0.0  # of every thread of the process: on a shared machine, steadier than wall time
    # losses 48 px across or more: how many, the median of their texture ratios (fill's Laplacian
    # energy over a ring's; nan when none) and how many fall in TEXTURE_BAND
    large_losses: int = 0
    texture_ratio: float = float("nan")
    texture_in_band: int = 0


def parse_engines(text: str) -> list[RestorationRequest]:
    """`biharmonic,telea,diffusion:MODEL` -> one request per engine."""
    requests = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        if item.startswith("diffusion:"):
            requests.append(RestorationRequest(engine="diffusion", model=item.split(":", 1)[1]))
        elif item in CLASSICAL_ENGINES:
            requests.append(RestorationRequest(engine=item))
        else:
            valid = ", ".join([*CLASSICAL_ENGINES, "diffusion:MODEL"])
            raise RequestError(f"unknown engine '{item}' ({valid})")
    if not requests:
        raise RequestError("no engines given")
    return requests


Progress = Callable[[int, int, str], None]


def evaluate(
    photos: Sequence[tuple[str, Photo]],
    engines: Sequence[RestorationRequest],
    aging: AgingRequest,
    progress: Progress | None = None,
) -> tuple[list[Row], list[np.ndarray]]:
    """Rows of scores, and one contact-sheet strip (damaged | restored | truth) per row."""
    for name, photo in photos:
        if min(photo.shape2d) < MIN_SIDE:
            raise RequestError(
                f"{name}: {photo.width}x{photo.height} is too small to evaluate (SSIM needs at least "
                f"{MIN_SIDE}x{MIN_SIDE} pixels)"
            )
    rows, strips = [], []
    total, done = len(photos) * len(engines), 0
    for name, photo in photos:
        aged = age(photo, aging)
        for request in engines:
            label = request.engine if request.engine != "diffusion" else f"diffusion:{request.model}"
            if progress:
                progress(done, total, f"{name} / {label}")
            started, cpu = time.perf_counter(), time.process_time()
            result = restore(Photo(aged.pixels, photo.icc_profile), Mask(aged.mask), request)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            score = fidelity(
                result.pixels, aged.reference, aged.pixels, aged.mask, result.effective_mask.bits
            )
            rows.append(
                Row(
                    name,
                    label,
                    **asdict(score),
                    seconds=seconds,
                    damaged_fraction=float(aged.mask.mean()),
                    cpu_seconds=cpu,
                    **_texture(texture_ratios(result.pixels, aged.mask)),
                )
            )
            strips.append(_strip(aged.pixels, result.pixels, aged.reference))
            done += 1
    if progress:
        progress(done, total, "done")
    return rows, strips


def _texture(ratios: list[float]) -> dict[str, Any]:
    """Row's texture fields from the ratios of the large losses of one restoration."""
    low, high = TEXTURE_BAND
    return {
        "large_losses": len(ratios),
        "texture_ratio": float(np.median(ratios)) if ratios else float("nan"),
        "texture_in_band": sum(low <= r <= high for r in ratios),
    }


def _strip(damaged: np.ndarray, restored: np.ndarray, truth: np.ndarray, height: int = 192) -> np.ndarray:
    import cv2

    from tratteggio.core.pipeline.layers import rgb8

    scale = height / damaged.shape[0]
    size = (max(1, round(damaged.shape[1] * scale)), height)
    parts = [cv2.resize(rgb8(p), size, interpolation=cv2.INTER_AREA) for p in (damaged, restored, truth)]
    gap = np.full((height, 4, 3), 255, np.uint8)
    return np.hstack([parts[0], gap, parts[1], gap, parts[2]])


COLUMNS = (
    "photo",
    "engine",
    "psnr_mask",
    "ssim_mask",
    "mae_mask",
    "psnr_whole",
    "changed_outside",
    "seconds",
    "damaged_fraction",
    "cpu_seconds",
    "large_losses",
    "texture_ratio",
    "texture_in_band",
)


def markdown(rows: Sequence[Row]) -> str:
    lines = [
        "| photo | engine | PSNR in mask (dB) | SSIM in mask | MAE in mask (0-255) | PSNR whole (dB) "
        "| changed outside | time (s) | CPU (s) | texture ratio (losses ≥ 48 px) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.photo} | {r.engine} | {r.psnr_mask:.2f} | {r.ssim_mask:.3f} | {r.mae_mask:.2f} "
            f"| {r.psnr_whole:.2f} | {r.changed_outside} | {r.seconds:.2f} | {r.cpu_seconds:.2f} "
            f"| {_texture_cell(r)} |"
        )
    return "\n".join(lines) + "\n"


def _texture_cell(row: Row) -> str:
    if not row.large_losses:
        return "-"
    return f"{row.texture_ratio:.2f} ({row.texture_in_band} of {row.large_losses} in 0.7-1.3)"


REPORT_FILES = ("report.md", "report.csv", "report.json", "contact-sheet.png")


def write_report(
    folder: Path,
    rows: Sequence[Row],
    strips: Sequence[np.ndarray],
    aging: AgingRequest,
    inputs: Sequence[Path] = (),
) -> None:
    """The report's files in `folder` (which must exist), all of them or none."""
    from tratteggio.core.io.saving import encode_png

    header = (
        f"# Tratteggio evaluation\n\nDamage: {', '.join(aging.kinds)}; severity {aging.severity}; "
        f"seed {aging.seed}. Each photo was aged, then restored with the true mask.\n\n"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([getattr(r, c) for c in COLUMNS])
    data = {"aging": asdict(aging), "rows": [asdict(r) for r in rows]}
    md, table, js, sheet = (folder / name for name in REPORT_FILES)
    targets = [md, table, js, sheet] if strips else [md, table, js]
    with FileSet(targets, inputs) as staged:
        staged.write_bytes(md, (header + markdown(rows)).encode("utf-8", "backslashreplace"))
        staged.write_bytes(table, buffer.getvalue().encode("utf-8", "backslashreplace"))
        staged.write_bytes(js, json.dumps(data, indent=2).encode())
        if strips:
            width = max(s.shape[1] for s in strips)
            padded = [
                np.pad(s, ((0, 4), (0, width - s.shape[1]), (0, 0)), constant_values=255) for s in strips
            ]
            staged.write_bytes(sheet, encode_png(np.vstack(padded)))
