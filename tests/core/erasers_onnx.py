"""Small ONNX graphs with the published erasers' exact contracts (see onnx_eraser's docstring).

Each fills the hole with the mean colour of the known pixels, so a test can tell what a correct
call must give: a hole in a flat colour comes back that colour, and the input's layout (channel
order, the mask's polarity, value ranges) is checked by what comes out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = [helper.make_opsetid("", 17)]


def _const(name: str, value: float) -> onnx.NodeProto:
    return helper.make_node(
        "Constant", [], [name], value=helper.make_tensor(name, TensorProto.FLOAT, [], [value])
    )


def _mean_fill(image: str, known: str, out: str) -> list[onnx.NodeProto]:
    """`out` = image where known is 1, else the per-channel mean of the known pixels (float)."""
    return [
        helper.make_node("Mul", [image, known], ["kept"]),
        helper.make_node("ReduceSum", ["kept", "axes"], ["total"], keepdims=1),
        helper.make_node("ReduceSum", [known, "axes"], ["count"], keepdims=1),
        helper.make_node("Div", ["total", "count"], ["mean"]),
        helper.make_node("Sub", ["one", known], ["hole"]),
        helper.make_node("Mul", ["mean", "hole"], ["painted"]),
        helper.make_node("Add", ["kept", "painted"], [out]),
    ]


def _axes() -> onnx.TensorProto:
    return helper.make_tensor("axes", TensorProto.INT64, [2], [2, 3])


def lama_graph(side: int = 512, image_name: str = "image") -> onnx.ModelProto:
    """image float32 [batch,3,side,side] 0..1, mask float32 [batch,1,side,side] 1 = hole;
    output float32 0..255."""
    nodes = [
        _const("one", 1.0),
        helper.make_node("Sub", ["one", "mask"], ["known"]),
        *_mean_fill(image_name, "known", "filled"),
        _const("scale", 255.0),
        helper.make_node("Mul", ["filled", "scale"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "lama-contract",
        [
            helper.make_tensor_value_info(image_name, TensorProto.FLOAT, ["batch", 3, side, side]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", 1, side, side]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 3, side, side])],
        initializer=[_axes()],
    )
    return helper.make_model(graph, opset_imports=OPSET)


def migan_graph() -> onnx.ModelProto:
    """image uint8 [1,3,H,W], mask uint8 [1,1,H,W] 255 = known; result uint8 [1,3,H,W]."""
    nodes = [
        helper.make_node("Cast", ["image"], ["image_f"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["mask"], ["mask_f"], to=TensorProto.FLOAT),
        _const("one", 1.0),
        _const("full", 255.0),
        _const("half", 0.5),
        helper.make_node("Div", ["mask_f", "full"], ["known"]),
        *_mean_fill("image_f", "known", "filled"),
        helper.make_node("Add", ["filled", "half"], ["rounded"]),
        helper.make_node("Cast", ["rounded"], ["result"], to=TensorProto.UINT8),
    ]
    graph = helper.make_graph(
        nodes,
        "migan-contract",
        [
            helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 3, "height", "width"]),
            helper.make_tensor_value_info("mask", TensorProto.UINT8, [1, 1, "height", "width"]),
        ],
        [helper.make_tensor_value_info("result", TensorProto.UINT8, [1, 3, "height", "width"])],
        initializer=[_axes()],
    )
    return helper.make_model(graph, opset_imports=OPSET)


def custom_op_graph() -> onnx.ModelProto:
    """A graph with migan's inputs whose one node is an operator of a custom domain."""
    node = helper.make_node("Inpaint", ["image", "mask"], ["result"], domain="com.example.custom")
    graph = helper.make_graph(
        [node],
        "custom",
        [
            helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 3, "h", "w"]),
            helper.make_tensor_value_info("mask", TensorProto.UINT8, [1, 1, "h", "w"]),
        ],
        [helper.make_tensor_value_info("result", TensorProto.UINT8, [1, 3, "h", "w"])],
    )
    return helper.make_model(graph, opset_imports=[*OPSET, helper.make_opsetid("com.example.custom", 1)])


def save(model: onnx.ModelProto, path: Path) -> Path:
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def mean_fill_expected(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """What the graphs give for an RGB float picture: the known pixels' mean in the hole."""
    out = rgb.astype(np.float64).copy()
    out[hole] = rgb[~hole].mean(axis=0)
    return out
