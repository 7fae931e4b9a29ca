"""The learned erasers' speed: `migan` on a 512x512 crop, with a graph of the published size.

The published `migan_pipeline_v2.onnx` cannot be fetched here, so this builds a graph of the same
architecture with random weights: MI-GAN's 512 px generator (encoder and synthesis of depthwise-
separable 3x3 convolutions, channels min(32768 / resolution, 512), noise constants at every
synthesis resolution), wrapped in the published pipeline's contract (uint8 image and mask in, the
resize to 512 and back, the composite, uint8 out). Speed does not depend on the weights' values.
Prints the parameter count and file size beside the published file's, then one-call times: the bare
`session.run` and the whole `restore()` path (crop, sRGB, call, colour match, paste-back).

    python benchmarks/bench_erasers.py
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from tratteggio.core import Mask, Photo, RestorationRequest, restore

RES = 512
PUBLISHED_BYTES = 28_079_181


class Graph:
    """A tiny builder: nodes and random initializers, names made unique."""

    def __init__(self, seed: int = 0) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.rng = np.random.default_rng(seed)
        self.count = 0

    def name(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"

    def weight(self, shape: tuple[int, ...], scale: float = 0.05) -> str:
        name = self.name("w")
        self.inits.append(
            numpy_helper.from_array((self.rng.standard_normal(shape) * scale).astype(np.float32), name)
        )
        return name

    def const(self, value: np.ndarray) -> str:
        name = self.name("c")
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def op(self, kind: str, inputs: list[str], **attrs: object) -> str:
        out = self.name(kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def act(self, x: str) -> str:
        """MI-GAN's activation: leaky ReLU 0.2, gain sqrt(2), clamped to +-256."""
        x = self.op(
            "Mul", [self.op("LeakyRelu", [x], alpha=0.2), self.const(np.array(np.sqrt(2), np.float32))]
        )
        return self.op(
            "Clip", [x, self.const(np.array(-256, np.float32)), self.const(np.array(256, np.float32))]
        )

    def conv(
        self, x: str, cin: int, cout: int, k: int, groups: int = 1, bias: bool = True, **attrs: object
    ) -> str:
        inputs = [x, self.weight((cout, cin // groups, k, k))]
        if bias:
            inputs.append(self.weight((cout,)))
        return self.op("Conv", inputs, group=groups, kernel_shape=[k, k], **attrs)

    def sepconv(
        self, x: str, cin: int, cout: int, down: bool = False, up: bool = False, noise: int = 0
    ) -> str:
        x = self.act(self.conv(x, cin, cin, 3, groups=cin, pads=[1, 1, 1, 1]))
        if down:
            x = self.conv(x, cin, cin, 4, groups=cin, bias=False, strides=[2, 2], pads=[1, 1, 1, 1])
        x = self.conv(x, cin, cout, 1, bias=False)
        if up:
            x = self.upsample(x, cout)
        if noise:
            x = self.op("Add", [x, self.weight((noise, noise), 1.0)])
        return self.act(x)

    def upsample(self, x: str, channels: int) -> str:
        zeros = self.op(
            "ConvTranspose",
            [x, self.weight((channels, 1, 2, 2))],
            group=channels,
            strides=[2, 2],
            kernel_shape=[2, 2],
        )
        return self.conv(zeros, channels, channels, 4, groups=channels, bias=False, pads=[2, 2, 1, 1])


def channels(res: int) -> int:
    return min(32768 // res, 512)


def generator(g: Graph, x: str) -> str:
    """MI-GAN's 512 px generator on a 4-channel input (mask - 0.5, masked RGB in -1..1)."""
    feats: dict[int, str] = {}
    x = g.act(g.conv(x, 4, channels(RES), 1))
    res = RES
    while res > 4:
        feats[res] = g.sepconv(x, channels(res), channels(res))
        x = g.sepconv(feats[res], channels(res), channels(res // 2), down=True)
        res //= 2
    feats[4] = g.sepconv(x, 512, 512)
    x = g.sepconv(feats[4], 512, 512)
    x = g.sepconv(g.op("Add", [g.sepconv(x, 512, 512), feats[4]]), 512, 512)
    img = g.conv(x, 512, 3, 1)
    res = 8
    while res <= RES:
        x = g.op("Add", [g.sepconv(x, channels(res // 2), channels(res), up=True, noise=res), feats[res]])
        x = g.sepconv(x, channels(res), channels(res), noise=res)
        img = g.op("Add", [g.upsample(img, 3), g.conv(x, channels(res), 3, 1)])
        res *= 2
    return img


def migan_sized_pipeline() -> onnx.ModelProto:
    """The published pipeline's contract around a random-weight generator of its size."""
    g = Graph()
    f32 = TensorProto.FLOAT
    image = g.op("Cast", ["image"], to=f32)
    mask = g.op("Div", [g.op("Cast", ["mask"], to=f32), g.const(np.array(255, np.float32))])
    work = g.const(np.array([1, 3, RES, RES], np.int64))
    work_mask = g.const(np.array([1, 1, RES, RES], np.int64))
    small = g.op("Resize", [image, "", "", work], mode="linear")
    small_mask = g.op("Resize", [mask, "", "", work_mask], mode="nearest")
    unit = g.op(
        "Sub", [g.op("Div", [small, g.const(np.array(127.5, np.float32))]), g.const(np.array(1, np.float32))]
    )
    shifted = g.op("Sub", [small_mask, g.const(np.array(0.5, np.float32))])
    x = g.op("Concat", [shifted, g.op("Mul", [unit, small_mask])], axis=1)
    out = generator(g, x)
    out = g.op(
        "Mul", [g.op("Add", [out, g.const(np.array(1, np.float32))]), g.const(np.array(127.5, np.float32))]
    )
    full = g.op("Resize", [out, "", "", g.op("Shape", ["image"])], mode="linear")
    hole = g.op("Sub", [g.const(np.array(1, np.float32)), mask])
    mixed = g.op("Add", [g.op("Mul", [image, mask]), g.op("Mul", [full, hole])])
    clipped = g.op("Clip", [mixed, g.const(np.array(0, np.float32)), g.const(np.array(255, np.float32))])
    g.nodes.append(helper.make_node("Cast", [clipped], ["result"], to=TensorProto.UINT8))
    u8 = TensorProto.UINT8
    graph = helper.make_graph(
        g.nodes,
        "migan-sized",
        [
            helper.make_tensor_value_info("image", u8, [1, 3, "height", "width"]),
            helper.make_tensor_value_info("mask", u8, [1, 1, "height", "width"]),
        ],
        [helper.make_tensor_value_info("result", u8, [1, 3, "height", "width"])],
        initializer=g.inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def timed(fn: Callable[[], object], repeats: int) -> str:
    """Best wall seconds and best CPU seconds (this process, all threads) of `repeats` calls.

    The CPU figure does not grow when other programs load the machine: on an idle machine with
    n cores the wall time is about CPU / n at best (CPU where one thread does all)."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"wall best {min(walls):.3f} s (median {np.median(walls):.3f}), CPU best {min(cpus):.3f} s"


def main() -> None:
    import onnxruntime as ort

    model = migan_sized_pipeline()
    params = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "migan_sized.onnx"
        onnx.save(model, str(path))
        size = path.stat().st_size
        print(f"random-weight MI-GAN-size graph: {params / 1e6:.2f} M parameters, {size:,} bytes")
        print(f"(the published migan_pipeline_v2.onnx: {PUBLISHED_BYTES:,} bytes)")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"cores: {os.cpu_count()}, load average {load}, onnxruntime {ort.__version__}")
        rng = np.random.default_rng(0)
        pixels = rng.integers(0, 256, (RES, RES, 3), dtype=np.uint8)
        bits = np.zeros((RES, RES), bool)
        bits[200:300, 180:300] = True
        feeds = {
            "image": np.ascontiguousarray(pixels.transpose(2, 0, 1)[None]),
            "mask": np.where(bits, 0, 255).astype(np.uint8)[None, None],
        }
        for threads in (1, 2):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            session.run(None, feeds)  # warm-up
            bare = timed(lambda session=session: session.run(None, feeds), 5)
            print(f"bare session.run, 512x512, {threads} thread(s): {bare}")
        request = RestorationRequest(engine="migan", model=str(path))
        restore(Photo(pixels), Mask(bits), request)  # loads the session once
        whole = timed(lambda: restore(Photo(pixels), Mask(bits), request), 5)
        print(f"restore() with migan (onnxruntime's default threads), 512x512, one 100x120 loss: {whole}")


if __name__ == "__main__":
    main()
