"""What to tell a user about their mask before a run: does it hold losses, and does the chosen engine
suit them? Cost follows the damage: only the regions a restore would crop are read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tratteggio.core.engine_catalog import THIN_ENGINES
from tratteggio.core.engines.autoplan import split_losses
from tratteggio.core.pipeline.regions import plan_regions


@dataclass(frozen=True)
class DamageSummary:
    """Losses (blobs 7 px across or more) and thin damage in a mask, in pixels."""

    losses: int
    widest: float
    loss_pixels: int
    thin_pixels: int


def summarize(bits: np.ndarray) -> DamageSummary:
    """Count the losses of mask `bits`, region by region."""
    import cv2

    losses, widest, loss_pixels, total = 0, 0.0, 0, 0
    for box in plan_regions(bits, 1):
        crop = bits[box.slices]
        blobs = split_losses(crop)
        total += int(np.count_nonzero(crop))
        if not blobs.any():
            continue
        count, _ = cv2.connectedComponents(blobs.view(np.uint8), connectivity=8)
        losses += count - 1
        loss_pixels += int(np.count_nonzero(blobs))
        inside = cv2.distanceTransform(np.pad(blobs, 1).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        widest = max(widest, 2.0 * float(inside.max()))
    return DamageSummary(losses, widest, loss_pixels, total - loss_pixels)


def advice(bits: np.ndarray, engine: str) -> str:
    """One or two sentences for the status bar before a run with `engine` on mask `bits`."""
    summary = summarize(bits)
    if not summary.losses:
        if engine == "auto":
            return (
                "auto: thin damage only; biharmonic where a trial on undamaged pixels nearby shows it "
                "as good, frequency-selective reconstruction where the time budget allows, the hybrid "
                "elsewhere."
            )
        return ""
    what = (
        f"The mask holds {summary.losses} loss{'es' if summary.losses > 1 else ''} "
        f"(up to {summary.widest:.0f} px wide, {summary.loss_pixels:,} px)"
    )
    if engine == "auto":
        return (
            f"{what}: auto fills them by frequency-selective reconstruction and thin damage by "
            "biharmonic, FSR or the hybrid (biharmonic where a trial on undamaged pixels nearby shows "
            "it as good), as far as the time budget allows; the record says which filled what."
        )
    if engine in THIN_ENGINES:
        return f"{what}: {engine} is made for thin damage and smears losses; auto or fsr fill them better."
    return f"{what}."


def what_filled(parts: list[dict[str, object]]) -> str:
    """The automatic engine's record in one line: how many parts each method filled."""
    counts: dict[tuple[str, str], int] = {}
    for part in parts:
        key = (str(part.get("engine")), str(part.get("kind")))
        counts[key] = counts.get(key, 0) + 1
    names = {"loss": ("loss", "losses"), "thin": ("thin tile", "thin tiles")}
    return "; ".join(
        f"{engine}: {n} {names.get(kind, (kind, kind))[n != 1]}"
        for (engine, kind), n in sorted(counts.items())
    )
