"""Train the crack scorer's perceptrons and write tratteggio/resources/crack_detector.npz.

    python scripts/train_crack_detector.py [--kind cracks|scratches] [--out PATH] [--scenes N]

Training scenes (tratteggio/core/lab/synthdamage.py): jagged, branching, tapering cracks that fade in
and out, and polylines as `tratteggio age` draws craquelure (with wider parameters; for cracks 70% of
the networks, scratches 30%), over scikit-image photos the evaluation (benchmarks/bench_lab.py)
never uses and, for cracks, procedural concrete; then blur, noise and JPEG as a camera adds them
(half the scenes are kept as drawn, sharp, as `age` and flatbed scans give them; with every crack
scene blurred the chain missed sharp thin cracks: held-out recall 0.66 at precision 0.63).
The crack chain also sees look-alikes that are not damage: board joints (straight, crossing the
photo), wood grain, pores. The scratch chain scores negatives (a bright scratch or crease inverted
is a dark line), so it trains on inverted photos, old toned prints among them, with creases
crossing the print and straight film scratches as damage. A crack's core pixels are positives; its
fringe only where it shows against the texture around it (scratches: core too only where it shows);
pixels a line only grazes are left out of training. No real labelled photo is used: the weights are
synthetic-only (real sets served to measure and choose, see benchmarks/bench_detect_real.py).

Needs torch (CPU is enough; 4-8 minutes per kind on one shared core). Seeded: a rerun on the same
library versions writes the same weights.
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

from tratteggio.core.lab import synthdamage  # noqa: E402
from tratteggio.core.lab.crackfeatures import FEATURES, line_features  # noqa: E402
from tratteggio.core.lab.crackscore import CONTEXT, MODELS, CrackScorer, Perceptron, score_context  # noqa: E402

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
HIDDEN = {"cracks": 32, "scratches": 48}  # units in each hidden layer
EPOCHS = 8
STAGES = 3
SIDE = 448  # training scenes are crops of about this size
SCENES = {"cracks": 450, "scratches": 300}  # fresh scenes per stage
POLYLINES = {"cracks": 0.4, "scratches": 0.0}  # share of jagged networks drawn as `age` draws craquelure
SHARP = {"cracks": 0.5, "scratches": 0.5}  # share of scenes kept as drawn: no blur, noise or JPEG


def training_photo(name: str) -> np.ndarray:
    pixels = getattr(skimage.data, name)()
    pixels = pixels[0] if isinstance(pixels, tuple) else pixels
    if name == "retina":  # 1411 px: halve it, its vessels are the hard negatives we want
        pixels = cv2.resize(pixels, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    if name == "hubble_deep_field":
        pixels = pixels[:600, :600]
    rgb = pixels if pixels.ndim == 3 else np.repeat(pixels[:, :, None], 3, axis=2)
    return np.ascontiguousarray(rgb[:, :, :3]).astype(np.float32) / 255.0


def background(rng: np.random.Generator, photos: list[np.ndarray], kind: str) -> np.ndarray:
    """A crop of a training photo or procedural concrete, as the line score of `kind` sees it: the
    scratch chain scores negatives (and sees old prints, toned and soft, among them)."""
    if kind == "cracks" and rng.random() < 0.4:
        img = synthdamage.concrete(rng, (SIDE, SIDE))
    else:
        photo = photos[int(rng.integers(0, len(photos)))]
        scale = rng.uniform(0.6, 1.2)
        photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        height, width = photo.shape[:2]
        y0, x0 = int(rng.integers(0, max(1, height - SIDE))), int(rng.integers(0, max(1, width - SIDE)))
        img = np.ascontiguousarray(photo[y0 : y0 + SIDE, x0 : x0 + SIDE])
    if kind == "scratches" and rng.random() < 0.4:
        img = (0.12 + 0.8 * img.mean(axis=2, keepdims=True)) * np.array([1.0, 0.86, 0.66], np.float32)
    if (kind == "scratches") != (rng.random() < 0.1):  # cracks: a tenth inverted; scratches: all but a tenth
        img = 1.0 - img
    if rng.random() < 0.3:  # underexposed: near-black areas where noise looks deep
        img = img * rng.uniform(0.15, 0.5)
    if rng.random() < 0.3:
        img = np.repeat(img.mean(axis=2, keepdims=True), 3, axis=2)
    return img.astype(np.float32)


def visible(scene: synthdamage.Scene, clean: np.ndarray, damaged: np.ndarray) -> np.ndarray:
    """Crack pixels, fringe included, that show: darkened by more than the texture around them varies."""
    lum_clean = clean.mean(axis=2) * 255
    drop = lum_clean - (damaged if damaged.ndim == 2 else damaged.mean(axis=2)).astype(np.float32)
    mean = cv2.blur(lum_clean, (5, 5))
    texture = np.sqrt(np.maximum(cv2.blur(lum_clean**2, (5, 5)) - mean**2, 0))
    return (scene.truth | scene.fringe) & (drop > np.maximum(3.0, 0.7 * texture))


def samples(
    inputs: np.ndarray, labels: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Columns of `inputs` (gated pixels): positives, look-alikes, dark structure, plain pixels.
    `labels`: 1 crack, 0 clean, 2 look-alike, 3 dark structure, -1 left out."""
    positive = np.flatnonzero(labels == 1)
    cap = min(len(positive), 1500)
    positive = rng.choice(positive, cap, replace=False) if len(positive) > cap else positive
    wanted = max(cap, 300)
    picked = [positive]
    for label, share in ((2, 2.0), (3, 2.0), (0, 1.0)):
        pool = np.flatnonzero(labels == label)
        picked.append(rng.choice(pool, min(len(pool), int(share * wanted)), replace=False))
    index = np.concatenate(picked)
    return inputs[:, index].T.copy(), (labels[index] == 1).astype(np.float32)


def scene_inputs(
    rng: np.random.Generator, photos: list[np.ndarray], chain: CrackScorer, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    clean = background(rng, photos, kind)
    scene = synthdamage.damage_scene(rng, clean, kind, POLYLINES[kind])
    damaged = synthdamage.camera(rng, scene.pixels)
    if rng.random() < SHARP[kind]:  # as drawn: `age` and flatbed scans add no blur or JPEG
        damaged = np.clip(np.round(scene.pixels * 255), 0, 255).astype(np.uint8)
    if rng.random() < 0.15:  # a single-channel scan: no colour to tell a crack's even darkening by
        damaged = cv2.cvtColor(damaged, cv2.COLOR_RGB2GRAY)
    features, gate, _ = line_features(damaged)
    where = np.flatnonzero(gate)
    inputs = features.reshape(FEATURES, -1)[:, where]
    flat = np.zeros(gate.size, np.float32)
    for stage in chain.stages:
        flat[where] = stage(inputs)
        context = score_context(flat.reshape(gate.shape)).reshape(CONTEXT, -1)[:, where]
        inputs = np.concatenate([inputs[:FEATURES], context])
    truth = visible(scene, clean, damaged)
    if kind == "cracks":  # a crack's core is damage even where the texture hides it
        truth |= scene.truth
    labels = np.zeros(gate.shape, np.int8)
    dark = features[2] > 0.08
    labels[dark] = 3
    labels[scene.lookalike] = 2
    labels[truth] = 1
    labels[(scene.truth | scene.fringe) & ~truth] = -1
    return samples(inputs, labels.ravel()[where], rng)


def fit(x: np.ndarray, y: np.ndarray, seed: int, hidden: int) -> Perceptron:
    import torch

    torch.manual_seed(seed)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    inputs = torch.from_numpy(np.clip((x - mean) / std, -6, 6).astype(np.float32))
    targets = torch.from_numpy(y)
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, 1),
    )
    optimizer = torch.optim.Adam(net.parameters(), 3e-3)
    for epoch in range(EPOCHS):
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


def dataset(seed: int, chain: CrackScorer, scenes: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Samples of fresh scenes, as the next stage after `chain` sees them."""
    rng = np.random.default_rng(seed)
    photos = [training_photo(name) for name in TRAINING_PHOTOS]
    xs, ys = [], []
    for index in range(scenes):
        x, y = scene_inputs(rng, photos, chain, kind)
        xs.append(x)
        ys.append(y)
        if index % 50 == 49:
            print(f"  {index + 1} scenes", flush=True)
    return np.concatenate(xs), np.concatenate(ys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="cracks", choices=tuple(MODELS), help="the chain to train")
    parser.add_argument("--out", type=Path, help="default: the package's file for KIND")
    parser.add_argument(
        "--scenes", type=int, help="fresh scenes per stage (default: 450 cracks, 300 scratches)"
    )
    args = parser.parse_args()
    out = args.out or MODELS[args.kind]
    import torch

    torch.set_num_threads(1)  # on shared cores, two threads spin-wait on each other (8x slower measured)
    started = time.perf_counter()
    chain = CrackScorer(())
    for stage in range(STAGES):
        # fresh damage for every stage, so each one sees the previous ones' honest mistakes
        seed = 1 + stage + (100 if args.kind == "scratches" else 0)
        x, y = dataset(seed, chain, args.scenes or SCENES[args.kind], args.kind)
        print(f"stage {stage}: {len(x)} samples, {y.mean():.2f} positive", flush=True)
        chain = CrackScorer((*chain.stages, fit(x, y, stage, HIDDEN[args.kind])))
        out.parent.mkdir(parents=True, exist_ok=True)
        chain.save(out)
    print(f"wrote {out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
