"""The remote path must cost almost nothing per step: the same restoration run locally and through a
`tratteggio serve` on loopback (a separate process, as a GPU box would be), interleaved.

Per step: the median gap between consecutive layers (StepPreviews) as restore() hands them over; per
run: the whole restore() (the remote one also connects, uploads the crop and mask as PNG and
downloads the fill). Two random-weight SD-architecture pipelines built locally: the tests' tiny one
(fast steps: the worst case for a fixed per-step cost) and a mid-size one.

    python benchmarks/bench_remote.py [--steps N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
TOKEN = "benchmark-token-0123456789abcdef"


def build_mid(folder: Path) -> Path:
    """An SD-style inpainting pipeline between the tests' tiny one and SD 1.5: 512 px native."""
    import torch
    from diffusers import UNet2DConditionModel
    from tiny_models import save_sd_inpaint, tiny_text_encoder, tiny_vae

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(64, 128, 256),
        layers_per_block=1,
        sample_size=64,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=16,
        attention_head_dim=8,
    )
    return save_sd_inpaint(folder, unet, tiny_vae(), tiny_text_encoder())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(models: list[str], token_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "tratteggio", "serve", "--port", str(port), "--device", "cpu"]
    command += ["--token-file", str(token_file), "--max-steps", "1000", "--models", *models]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def wait_for(url: str, token_file: Path) -> None:
    from tratteggio.core.engines.remote import RemoteError, RemoteModel, RemoteTarget

    target = RemoteTarget.parse(url, token_file)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            RemoteModel(target).info()
            return
        except RemoteError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def timed_run(run: object) -> tuple[float, list[float]]:
    """(whole run in s, the gaps between consecutive step layers in s)."""
    stamps: list[float] = []
    start = time.perf_counter()
    run(lambda _step: stamps.append(time.perf_counter()))  # type: ignore[operator]
    total = time.perf_counter() - start
    gaps = np.diff(stamps[:-1])  # the last layer is the final fill, after the VAE decode
    return total, [float(g) for g in gaps[1:]]


def measure(model: str, url: str, token_file: Path, steps: int, repeats: int) -> dict[str, list[float]]:
    import skimage.data

    from tratteggio.core import Mask, Photo, RestorationRequest, restore
    from tratteggio.core.engines import Engines
    from tratteggio.core.engines.remote import RemoteTarget

    photo = Photo(skimage.data.coffee())
    bits = np.zeros(photo.shape2d, bool)
    bits[150:210, 250:330] = True
    request = RestorationRequest(
        engine="diffusion", model=model, steps=steps, seed=1, dtype="float32", device="cpu"
    )
    target = RemoteTarget.parse(url, token_file)

    def local(on_step: object) -> None:
        restore(photo, Mask(bits), request, on_step=on_step)  # type: ignore[arg-type]

    there = Engines()
    there.run_diffusion_on(target)

    def remote(on_step: object) -> None:
        restore(photo, Mask(bits), request, on_step=on_step, engines=there)  # type: ignore[arg-type]

    local(lambda _: None)  # warm both: models loaded, imports done
    remote(lambda _: None)
    same = _same_bytes(photo, Mask(bits), request, target)
    results: dict[str, list[float]] = {"local": [], "remote": [], "local_step": [], "remote_step": []}
    for _ in range(repeats):
        for name, fn in (("local", local), ("remote", remote)):
            total, gaps = timed_run(fn)
            results[name].append(total)
            results[f"{name}_step"].extend(gaps)
    results["same"] = [float(same)]
    return results


def _same_bytes(photo: object, mask: object, request: object, target: object) -> bool:
    from tratteggio.core import restore
    from tratteggio.core.engines import Engines

    here = restore(photo, mask, request)  # type: ignore[arg-type]
    remote = Engines()
    remote.run_diffusion_on(target)  # type: ignore[arg-type]
    there = restore(photo, mask, request, engines=remote)  # type: ignore[arg-type]
    return bool(here.pixels.tobytes() == there.pixels.tobytes())


def added_per_step(url: str, token_file: Path, latent: int, repeats: int = 200) -> dict[str, float]:
    """What the remote path adds to one step, timed directly (ms, medians): the server's PNG encode
    of a latent-sized 16-bit preview (on the model's thread), the client's decode, and a WebSocket
    round trip on loopback (a ping on an open connection)."""
    from tratteggio.core.engines.remote import RemoteTarget, _connect
    from tratteggio.core.engines.wire import decode_png, encode_png

    yy, xx = np.mgrid[0:latent, 0:latent] / latent
    preview = (np.stack([np.sin(6 * xx), np.cos(5 * yy), xx * yy], -1) * 30000 + 32768).astype(np.uint16)
    encode, decode, trip = [], [], []
    with _connect(RemoteTarget.parse(url, token_file)) as ws:
        for _ in range(repeats):
            start = time.perf_counter()
            data = encode_png(preview)
            middle = time.perf_counter()
            decode_png(data, 3, np.uint16)
            end = time.perf_counter()
            ws.ping().wait(10)
            trip.append(time.perf_counter() - end)
            encode.append(middle - start)
            decode.append(end - middle)
    return {
        k: statistics.median(v) * 1000 for k, v in (("encode", encode), ("decode", decode), ("trip", trip))
    }


def report(name: str, r: dict[str, list[float]], steps: int) -> str:
    med = {k: statistics.median(v) for k, v in r.items()}
    step_overhead = (med["remote_step"] - med["local_step"]) / med["local_step"] * 100
    run_overhead = (med["remote"] - med["local"]) / med["local"] * 100
    return (
        f"| {name} | {steps} | {med['local_step'] * 1000:.1f} | {med['remote_step'] * 1000:.1f} | "
        f"{step_overhead:+.1f}% | {med['local']:.2f} | {med['remote']:.2f} | {run_overhead:+.1f}% | "
        f"{'yes' if r['same'][0] else 'NO'} |"
    )


def main() -> None:
    import torch

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    from tiny_models import build_sd_inpaint

    with tempfile.TemporaryDirectory() as tmp:
        models = {
            "tiny (256 px)": str(build_sd_inpaint(Path(tmp) / "tiny")),
            "mid (512 px)": str(build_mid(Path(tmp) / "mid")),
        }
        token_file = Path(tmp) / "token"
        token_file.write_text(TOKEN)
        server, url = start_server(list(models.values()), token_file)
        try:
            wait_for(url, token_file)
            measured = {
                name: measure(m, url, token_file, args.steps, args.repeats) for name, m in models.items()
            }
            rows = [report(name, r, args.steps) for name, r in measured.items()]
            parts = {size: added_per_step(url, token_file, size) for size in (32, 64, 128)}
        finally:
            server.terminate()
            server.wait(30)
    print("### Remote path against local, loopback, CPU (float32, 1 torch thread each side)\n")
    print(
        f"{args.repeats} runs of each, local and remote alternating; per step: the median of every gap "
        "between consecutive layers of all runs; per run: the median run. The server is a separate "
        "process on the same 2 shared cores.\n"
    )
    print(
        "| model | steps | local per step (ms) | remote per step (ms) | per-step overhead | "
        "local run (s) | remote run (s) | run overhead | same bytes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print("\n### What the remote path adds per step, timed directly (medians of 200, ms)\n")
    print("| latent preview | server: PNG encode | client: PNG decode | loopback round trip |")
    print("|---|---|---|---|")
    for size, part in parts.items():
        print(f"| {size}x{size} | {part['encode']:.2f} | {part['decode']:.2f} | {part['trip']:.2f} |")


if __name__ == "__main__":
    main()
