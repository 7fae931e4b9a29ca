"""Cold start: `tratteggio restore|extend|imagine` on a tiny model against a bare script that imports
torch and the one diffusers pipeline class, loads the same folder and runs the same call.

Each command runs in a fresh process (nothing cached in memory), the two sides interleaved so that
machine noise hits both alike; we report the median wall time of each and their ratio (target
<= 1.2). Both sides run the same number of steps at the same size and write a PNG.

    python benchmarks/bench_coldstart.py [--repeats N] [--steps N] [--model DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

BARE = """
import sys, numpy as np, torch
from PIL import Image
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_inpaint import (
    StableDiffusionInpaintPipeline,
)
folder, kind, steps, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pipe = StableDiffusionInpaintPipeline.from_pretrained(
    folder, torch_dtype=torch.float32, safety_checker=None, requires_safety_checker=False
)
width, height = {"restore": (256, 200), "extend": (256, 232), "imagine": (256, 256)}[kind]
image = np.asarray(Image.open(sys.argv[5]).convert("RGB").resize((width, height)))
mask = np.zeros((height, width), np.uint8)
if kind == "imagine":
    mask[:] = 255
elif kind == "extend":
    mask[:, :40] = 255
    mask[-32:] = 255
else:
    mask[80:120, 100:170] = 255
result = pipe(
    prompt="", image=Image.fromarray(image), mask_image=Image.fromarray(mask), height=height,
    width=width, strength=1.0, num_inference_steps=steps, guidance_scale=7.5,
    generator=torch.Generator().manual_seed(0), output_type="np",
)
Image.fromarray((result.images[0] * 255).round().astype(np.uint8)).save(out)
"""


def tratteggio_args(kind: str, folder: Path, model: str, steps: int, out: Path) -> list[str]:
    common = ["--model", model, "--steps", str(steps), "--dtype", "float32"]
    photo = str(folder / "photo.png")
    if kind == "restore":
        mask = str(folder / "mask.png")
        return ["restore", photo, "--mask", mask, "-o", str(out), "--engine", "diffusion", *common]
    if kind == "extend":
        return ["extend", photo, "-o", str(out), "--left", "40", "--bottom", "32", *common]
    return ["imagine", "a city in the sky", "-o", str(out), "--size", "256x256", *common]


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one fresh process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}... failed:\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--model", help="a tiny SD inpainting folder (built in a temp folder if not given)")
    args = parser.parse_args()
    import skimage.data

    from tratteggio.core import Photo, save_photo

    folder = Path(tempfile.mkdtemp())
    model = args.model
    if model is None:
        from tests.tiny_models import build_sd_inpaint

        model = str(build_sd_inpaint(folder / "tiny-sd"))
    save_photo(Photo(skimage.data.coffee()[:200, :300]), folder / "photo.png")
    mask = np.zeros((200, 300), np.uint8)
    mask[80:120, 100:170] = 255
    save_photo(Photo(mask), folder / "mask.png")
    (folder / "bare.py").write_text(BARE)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for repeat in range(args.repeats):
        for kind in ("restore", "extend", "imagine"):
            out = folder / f"{kind}-{repeat}.png"
            bare = [sys.executable, str(folder / "bare.py"), model, kind, str(args.steps)]
            bare += [str(folder / f"bare-{out.name}"), str(folder / "photo.png")]
            ours = [sys.executable, "-m", "tratteggio"]
            ours += tratteggio_args(kind, folder, model, args.steps, out)
            sides = [("bare", bare), ("tratteggio", ours)]
            for side, command in sides if repeat % 2 == 0 else sides[::-1]:  # neither always goes first
                times.setdefault((kind, side), []).append(run(command))
    print(
        f"\n### Cold start, tiny SD inpainting model, {args.steps} steps, "
        f"{args.repeats} fresh processes each, interleaved (medians)\n"
    )
    print(
        "| command | bare wall (s) | tratteggio wall (s) | wall ratio | bare CPU (s) | tratteggio CPU (s) "
        "| CPU ratio |\n|---|---|---|---|---|---|---|"
    )
    for kind in ("restore", "extend", "imagine"):
        bare_wall, bare_cpu = (statistics.median(v) for v in zip(*times[(kind, "bare")], strict=True))
        wall, cpu = (statistics.median(v) for v in zip(*times[(kind, "tratteggio")], strict=True))
        print(
            f"| {kind} | {bare_wall:.2f} | {wall:.2f} | {wall / bare_wall:.2f} | {bare_cpu:.2f} | "
            f"{cpu:.2f} | {cpu / bare_cpu:.2f} |"
        )


if __name__ == "__main__":
    main()
