"""Fitting colour revival's guard (tratteggio.core.color.guard, issue 25): from faded photos whose
originals are known, each candidate's statistics and the log of its ratio revived / faded median
CIEDE2000; a ridge regression from the one to the other, and the threshold below which a
candidate's prediction is trusted, chosen on the same photos with every case made worse weighed
heavily."""

from __future__ import annotations

import numpy as np

from tratteggio.core.color.guard import CANDIDATES, GuardModel

ALPHA = 10.0  # the ridge's pull towards zero weights (on standardised statistics)
THRESHOLDS = (-0.7, -0.6, -0.5, -0.4, -0.3, -0.25, -0.2, -0.15, -0.1, -0.05, 0.0)
HARM = 3.0  # the objective: mean ratio + HARM x (mean excess over 1 + share of cases made worse)


def fit_guard(stats: np.ndarray, ratios: np.ndarray, alpha: float = ALPHA) -> GuardModel:
    """`stats`: cases x candidates x statistics; `ratios`: cases x candidates (revived / faded).
    The model fitted on every candidate of every case, with the threshold that scores best."""
    flat = stats.reshape(-1, stats.shape[-1])
    mean, scale = flat.mean(axis=0), flat.std(axis=0) + 1e-9
    design = np.hstack([(flat - mean) / scale, np.ones((len(flat), 1))])
    target = np.log(ratios.reshape(-1))
    weights = np.linalg.solve(design.T @ design + alpha * np.eye(design.shape[1]), design.T @ target)
    model = GuardModel(mean, scale, weights, 0.0, CANDIDATES[: stats.shape[1]])
    predicted = np.array([[model.predict(s) for s in case] for case in stats])
    best = min(THRESHOLDS, key=lambda t: objective(chosen_ratios(predicted, ratios, t)))
    return GuardModel(mean, scale, weights, best, model.candidates)


def chosen_ratios(predicted: np.ndarray, ratios: np.ndarray, threshold: float) -> np.ndarray:
    """Per case, the ratio of the candidate predicted best, or 1 (no change) above `threshold`."""
    best = predicted.argmin(axis=1)
    picked = ratios[np.arange(len(ratios)), best]
    return np.where(predicted.min(axis=1) < threshold, picked, 1.0)


def objective(ratios: np.ndarray) -> float:
    """Lower is better: the mean ratio, with cases made worse weighed heavily."""
    excess = np.maximum(ratios - 1.0, 0.0)
    return float(np.mean(ratios) + HARM * (np.mean(excess) + np.mean(ratios > 1.0)))


def as_python(model: GuardModel) -> str:
    """The model as the lines guard.py ships."""

    def array(values: np.ndarray) -> str:
        return "np.array([" + ", ".join(f"{v:.6g}" for v in values) + "])"

    return (
        "GUARD: GuardModel | None = GuardModel(\n"
        f"    mean={array(model.mean)},\n"
        f"    scale={array(model.scale)},\n"
        f"    weights={array(model.weights)},\n"
        f"    threshold={model.threshold},\n"
        ")\n"
    )
