"""Train the crack scorer's perceptrons and write tratteggio/resources/crack_detector.npz.

    python scripts/train_crack_detector.py [--out PATH]

Training photos are scikit-image's bundled photos that the evaluation (benchmarks/bench_lab.py) never
uses. Cracks are drawn by `random_cracks` below, whose width, darkness, fringe and wobble are drawn
from ranges wider than `tratteggio age` uses, so the detector is not fitted to the evaluation
generator's parameters. Needs torch (CPU is enough: about a minute on 2 cores). Seeded: a rerun on the
same library versions writes the same weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import skimage.data

sys.path.insert(0, str(Path(__file__).parents[1]))

from tratteggio.core.lab.aging import TOLERANCE, _polyline  # noqa: E402
from tratteggio.core.lab.crackscore import (  # noqa: E402
    MODEL,
    CrackScorer,
    Perceptron,
    line_features,
)

TRAINING_PHOTOS = (
    "clock",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "stereo_motorcycle",
    "cell",
    "text",
    "page",
    "colorwheel",
)
DAMAGES_PER_PHOTO = 12
HIDDEN = 48
STAGES = 3


def training_photo(name: str) -> np.ndarray:
    pixels = getattr(skimage.data, name)()
    pixels = pixels[0] if isinstance(pixels, tuple) else pixels
    if name == "retina":  # 1411 px: halve it, its vessels are the hard negatives we want
        pixels = cv2.resize(pixels, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    if name == "hubble_deep_field":
        pixels = pixels[:600, :600]
    return np.ascontiguousarray(pixels)


def random_exposure(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A third of the photos underexposed, with sensor noise: near-black areas where noise looks deep."""
    img = pixels.astype(np.float32) / 255.0
    if rng.random() < 1 / 3:
        img = img * rng.uniform(0.15, 0.5) + rng.normal(0, rng.uniform(0.5, 2.0) / 255, img.shape)
    return np.clip(img, 0, 1).astype(np.float32)


def random_cracks(pixels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Crack networks with randomized width, darkness, fringe and wobble; returns (damaged, truth)."""
    img = random_exposure(pixels, rng)
    rgb = img if img.ndim == 3 else img[:, :, None]
    height, width = rgb.shape[:2]
    diagonal = float(np.hypot(height, width))
    darkness = np.zeros((height, width), np.float32)
    for _ in range(int(rng.integers(2, 10))):
        lines = np.zeros((height, width), np.uint8)
        value = 255 if rng.random() < 0.5 else 1  # antialiased coverage, or aliased as `age` draws
        stack = [rng.uniform([0, 0], [width, height])]
        for _ in range(int(rng.integers(3, 8))):
            origin = stack[int(rng.integers(0, len(stack)))]
            step = diagonal * rng.uniform(0.008, 0.03)
            pts = _polyline(rng, origin, int(rng.integers(4, 14)), step, rng.uniform(0.3, 0.6))
            cv2.polylines(lines, [pts.astype(np.int32)], False, value, int(rng.integers(1, 4)), cv2.LINE_AA)
            stack.extend(pts[1:])
        core = lines.astype(np.float32) / value
        fringe = cv2.GaussianBlur(core, (0, 0), rng.uniform(0.5, 1.0))
        weight = np.clip(fringe * rng.uniform(0.4, 0.8) + core * rng.uniform(0.4, 0.6), 0, 1)
        darkness = np.maximum(darkness, weight * rng.uniform(0.5, 0.9))
    damaged = rgb * (1 - darkness[:, :, None])
    truth = np.any(np.abs(damaged - rgb) > TOLERANCE, axis=2)
    out = np.round(damaged * 255).astype(np.uint8)
    return (out if img.ndim == 3 else out[:, :, 0]), truth


def samples(
    features: np.ndarray, truth: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """All crack pixels, three times as many dark-structure pixels, as many plain ones."""
    flat, labels = features.reshape(-1, features.shape[-1]), truth.ravel()
    positive = np.flatnonzero(labels)
    dark = flat[:, 2] > 0.05  # relative black-hat at 9 px
    hard, easy = np.flatnonzero(~labels & dark), np.flatnonzero(~labels & ~dark)
    picked = np.concatenate(
        [
            positive,
            rng.choice(hard, min(len(hard), 3 * len(positive)), replace=False),
            rng.choice(easy, min(len(easy), len(positive)), replace=False),
        ]
    )
    return flat[picked], labels[picked].astype(np.float32)


def fit(x: np.ndarray, y: np.ndarray, seed: int) -> Perceptron:
    import torch

    torch.manual_seed(seed)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    inputs = torch.from_numpy(np.clip((x - mean) / std, -6, 6).astype(np.float32))
    targets = torch.from_numpy(y)
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, 1),
    )
    optimizer = torch.optim.Adam(net.parameters(), 3e-3)
    for epoch in range(8):
        order, total = torch.randperm(len(inputs)), 0.0
        for start in range(0, len(inputs), 4096):
            batch = order[start : start + 4096]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                net(inputs[batch]).squeeze(1), targets[batch]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"  epoch {epoch}: loss {total / len(inputs):.4f}", flush=True)
        for group in optimizer.param_groups:
            group["lr"] *= 0.7
    layers = [m for m in net if isinstance(m, torch.nn.Linear)]
    return Perceptron(
        mean.astype(np.float32),
        std.astype(np.float32),
        tuple(m.weight.detach().numpy().copy() for m in layers),
        tuple(m.bias.detach().numpy().copy() for m in layers),
    )


def dataset(seed: int, chain: CrackScorer) -> tuple[np.ndarray, np.ndarray]:
    """Samples of fresh damage, as the next stage after `chain` sees them."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for name in TRAINING_PHOTOS:
        photo = training_photo(name)
        for _ in range(DAMAGES_PER_PHOTO):
            damaged, truth = random_cracks(photo, rng)
            features = line_features(damaged)
            x, y = samples(chain.next_inputs(features), truth, rng)
            xs.append(x)
            ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    started = time.perf_counter()
    chain = CrackScorer(())
    for stage in range(STAGES):
        # fresh damage for every stage, so each one sees the previous ones' honest mistakes
        x, y = dataset(1 + stage, chain)
        print(f"stage {stage}: {len(x)} samples, {y.mean():.2f} positive")
        chain = CrackScorer((*chain.stages, fit(x, y, stage)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    chain.save(args.out)
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
