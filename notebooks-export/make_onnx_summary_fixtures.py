"""Makes the shape-inference cases and the small conv nets of Tests/ChexONNXTests/Fixtures.

Run from the repository root:  python3 notebooks-export/make_onnx_summary_fixtures.py
Needs: onnx (1.23.2 when recorded), onnxruntime (1.32.0), numpy. Deterministic (seed 7).

- shape_cases.json: one-node graphs (op, attributes, input shapes, constant integer inputs) with
  the output shape that onnx.shape_inference (strict mode) infers and onnxruntime produces.
- smallnet_opset20.onnx / smallnet_opset17.onnx: small conv nets in the two exporters' styles,
  with expected_summary.json: parameter and BatchNorm-statistic counts from the initializers, op
  counts from the node list, FLOPs from onnx shape inference (batch 1) and the textbook formulas.
- unknown_shape.onnx: a Resize (no static rule in chexstats) before a Conv: FLOPs unavailable.
"""

import collections
import json
import os

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper, shape_inference

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ChexONNXTests", "Fixtures")
PROVENANCE = (
    f"notebooks-export/make_onnx_summary_fixtures.py; onnx {onnx.__version__}, "
    f"onnxruntime {onnxruntime.__version__}, numpy {np.__version__}"
)
rng = np.random.default_rng(7)


def path(name):
    return os.path.join(OUT, name)


def attr_json(name, value):
    if isinstance(value, str):
        return {"name": name, "string": value}
    if isinstance(value, float):
        return {"name": name, "float": value}
    if isinstance(value, int):
        return {"name": name, "int": value}
    return {"name": name, "ints": list(value)}


def one_node_case(op, shapes, attrs=None, consts=None, opset=20, n_outputs=1):
    """shapes: list of input shapes (None = omitted input); consts: {index: (dims, values)}."""
    attrs = attrs or {}
    consts = consts or {}
    inputs, inits, names = [], [], []
    for i, shape in enumerate(shapes):
        if shape is None and i not in consts:
            names.append("")
            continue
        name = f"in{i}"
        names.append(name)
        if i in consts:
            dims, values = consts[i]
            inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64).reshape(dims), name))
        else:
            inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
    outs = [f"out{j}" for j in range(n_outputs)]
    node = helper.make_node(op, names, outs, **attrs)
    g = helper.make_graph([node], "case", inputs, [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in outs], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 9
    inferred = shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
    vi = {v.name: v for v in list(inferred.graph.output) + list(inferred.graph.value_info)}
    dims = [d.dim_value for d in vi["out0"].type.tensor_type.shape.dim]
    # Check with onnxruntime where it runs the op on float input.
    feeds = {v.name: rng.standard_normal([d.dim_value for d in v.type.tensor_type.shape.dim]).astype(np.float32) for v in g.input}
    m2 = onnx.ModelProto()
    m2.CopyFrom(m)
    del m2.graph.output[:]
    m2.graph.output.extend([helper.make_tensor_value_info(outs[0], vi["out0"].type.tensor_type.elem_type, None)])
    y = onnxruntime.InferenceSession(m2.SerializeToString()).run(None, feeds)[0]
    assert list(y.shape) == dims, (op, attrs, list(y.shape), dims)
    return {
        "op": op, "opset": opset, "inputs": shapes,
        "attributes": [attr_json(k, v) for k, v in attrs.items()],
        "constants": [{"index": i, "dims": d, "values": v} for i, (d, v) in consts.items()],
        "output": dims,
    }


cases = [
    one_node_case("Conv", [[1, 3, 9, 9], [4, 3, 3, 3]], {"pads": [1, 1, 1, 1], "strides": [2, 2]}),
    one_node_case("Conv", [[2, 3, 10, 7], [5, 3, 3, 2], [5]], {"dilations": [2, 1]}),
    one_node_case("Conv", [[1, 8, 12, 12], [8, 1, 5, 5]], {"group": 8, "pads": [2, 2, 2, 2], "strides": [2, 2]}),
    one_node_case("Conv", [[1, 4, 11, 11], [6, 4, 3, 3]], {"pads": [0, 0, 1, 1], "strides": [2, 2]}),
    one_node_case("Conv", [[1, 4, 11, 11], [6, 4, 3, 3]], {"auto_pad": "SAME_UPPER", "strides": [2, 2]}),
    one_node_case("Conv", [[1, 4, 11, 11], [6, 4, 3, 3]], {"auto_pad": "SAME_LOWER", "strides": [3, 3]}),
    one_node_case("Conv", [[1, 4, 11, 11], [6, 4, 3, 3]], {"auto_pad": "VALID", "strides": [2, 2]}),
    one_node_case("Conv", [[1, 4, 17, 17], [6, 4, 1, 7]], {"pads": [0, 3, 0, 3]}),
    one_node_case("Conv", [[1, 4, 16], [6, 2, 3]], {"group": 2}),
    one_node_case("MaxPool", [[1, 3, 12, 12]], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    one_node_case("MaxPool", [[1, 3, 12, 12]], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}),
    one_node_case("MaxPool", [[1, 3, 6, 6]], {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1}),
    one_node_case("MaxPool", [[1, 3, 13, 13]], {"kernel_shape": [3, 3], "dilations": [2, 2]}),
    one_node_case("AveragePool", [[1, 3, 12, 12]], {"kernel_shape": [2, 2], "strides": [2, 2]}),
    one_node_case("AveragePool", [[1, 3, 11, 11]], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1, "pads": [1, 1, 1, 1], "count_include_pad": 0}),
    one_node_case("AveragePool", [[1, 3, 9, 9]], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1}),
    one_node_case("GlobalAveragePool", [[2, 7, 5, 3]]),
    one_node_case("ReduceMean", [[2, 7, 5, 3]], {"axes": [2, 3], "keepdims": 1}, opset=17),
    one_node_case("ReduceMean", [[2, 7, 5, 3]], {"axes": [-1, -2], "keepdims": 0}, opset=13),
    one_node_case("ReduceMean", [[2, 7, 5, 3], None], {"keepdims": 1}, {1: ([2], [-1, -2])}),
    one_node_case("ReduceMean", [[2, 7, 5, 3], None], {"keepdims": 0}, {1: ([2], [2, 3])}),
    one_node_case("ReduceMean", [[2, 7, 5, 3]], {"keepdims": 0}),
    one_node_case("ReduceMean", [[2, 7, 5, 3]], {"noop_with_empty_axes": 1}),
    one_node_case("Concat", [[1, 2, 4, 4], [1, 3, 4, 4], [1, 5, 4, 4]], {"axis": 1}),
    one_node_case("Concat", [[2, 3], [2, 4]], {"axis": -1}),
    one_node_case("Gemm", [[3, 5], [7, 5], [7]], {"transB": 1}),
    one_node_case("Gemm", [[5, 3], [5, 7]], {"transA": 1}),
    one_node_case("MatMul", [[4], [4, 6]]),
    one_node_case("MatMul", [[3, 4], [4]]),
    one_node_case("MatMul", [[2, 3, 4], [4, 6]]),
    one_node_case("MatMul", [[2, 1, 3, 4], [5, 4, 6]]),
    one_node_case("Flatten", [[2, 3, 4, 5]]),
    one_node_case("Flatten", [[2, 3, 4, 5]], {"axis": 0}),
    one_node_case("Flatten", [[2, 3, 4, 5]], {"axis": -1}),
    one_node_case("Reshape", [[2, 3, 4], None], {}, {1: ([2], [0, -1])}),
    one_node_case("Reshape", [[2, 3, 4, 1], None], {"allowzero": 1}, {1: ([2], [-1, 12])}),
    one_node_case("Reshape", [[2, 3, 4], None], {}, {1: ([4], [4, 0, 2, -1])}),
    one_node_case("Add", [[2, 3, 4, 5], [1, 3, 1, 1]]),
    one_node_case("Mul", [[3, 1, 5], [4, 1]]),
    one_node_case("Sub", [[], [2, 3]]),
    one_node_case("Clip", [[2, 3, 4]]),
    one_node_case("HardSigmoid", [[2, 3]], {"alpha": 1.0 / 6.0, "beta": 0.5}),
    one_node_case("Gather", [[1, 3, 8, 8], None], {"axis": 1}, {1: ([], [0])}),
    one_node_case("Gather", [[1, 3, 8, 8], None], {"axis": 1}, {1: ([2], [1, 2])}),
    one_node_case("Gather", [[5, 4], None], {}, {1: ([2, 3], [0, 1, 2, 3, 4, -1])}),
    one_node_case("Unsqueeze", [[3, 4], None], {}, {1: ([2], [0, -1])}),
    one_node_case("Unsqueeze", [[3, 4]], {"axes": [1]}, opset=11),
    one_node_case("Squeeze", [[1, 3, 1, 4]]),
    one_node_case("Squeeze", [[1, 3, 1, 4], None], {}, {1: ([1], [2])}),
    one_node_case("Transpose", [[2, 3, 4]], {"perm": [1, 2, 0]}),
    one_node_case("Transpose", [[2, 3, 4]]),
    one_node_case("Pad", [[1, 3, 4, 4], None], {}, {1: ([8], [0, 0, 1, 0, 0, 0, 2, 1])}),
    one_node_case("Slice", [[1, 8, 6, 6], None, None, None], {}, {1: ([1], [2]), 2: ([1], [6]), 3: ([1], [1])}),
    one_node_case("Slice", [[10, 6], None, None, None, None], {}, {1: ([2], [-1, 0]), 2: ([2], [-100, 6]), 3: ([2], [0, 1]), 4: ([2], [-3, 2])}),
    one_node_case("Softmax", [[2, 5]], {"axis": -1}),
    one_node_case("Max", [[2, 1], [1, 3], [1]]),
]
with open(path("shape_cases.json"), "w") as f:
    json.dump({"_provenance": PROVENANCE, "cases": cases}, f, indent=1)


# Small conv nets in the two exporters' styles (dynamo opset 20, legacy opset 17).
def w(*shape, scale=0.2):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def smallnet(opset):
    nodes, inits = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    def node(op, ins, outs, **attrs):
        nodes.append(helper.make_node(op, ins, outs, name=f"{op.lower()}_{len(nodes)}", **attrs))
        return outs[0]

    def const_or_init(name, array):
        if opset >= 18:
            return init(name, array)
        return node("Constant", [], [name], value=numpy_helper.from_array(array, name + "_value"))

    x = "input"
    # Inception-style input transform: Gather/Unsqueeze/Mul/Add/Concat.
    c0 = node("Gather", [x, init("idx0", np.array(0, dtype=np.int64))], ["g0"], axis=1)
    if opset >= 13:
        c0 = node("Unsqueeze", [c0, init("ax1", np.array([1], dtype=np.int64))], ["u0"])
    else:
        c0 = node("Unsqueeze", [c0], ["u0"], axes=[1])
    c0 = node("Mul", [c0, init("s0", np.array(0.5, dtype=np.float32))], ["m0"])
    c0 = node("Add", [c0, init("b0", np.array(0.1, dtype=np.float32))], ["a0"])
    rest = node("Gather", [x, init("idx12", np.array([1, 2], dtype=np.int64))], ["g12"], axis=1)
    x = node("Concat", [c0, rest], ["xin"], axis=1)
    # Stem: 7x7 s2 conv, unfoldable BatchNorm (after a Concat), ReLU, 3x3 s2 max pool.
    x = node("Conv", [x, init("stem_w", w(8, 3, 7, 7)), init("stem_b", w(8))], ["stem"], kernel_shape=[7, 7], strides=[2, 2], pads=[3, 3, 3, 3])
    x = node("Concat", [x, x], ["cat"], axis=1)
    x = node("BatchNormalization", [x, init("bn_scale", w(16) + 1), init("bn_bias", w(16)), init("bn_mean", w(16)), init("bn_var", np.abs(w(16)) + 0.5)], ["bn"], epsilon=1e-5)
    x = node("Relu", [x], ["relu0"])
    x = node("MaxPool", [x], ["pool0"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    # Residual block with a depthwise 3x3 and ReLU6 (Clip with min/max inputs).
    y = node("Conv", [x, init("dw_w", w(16, 1, 3, 3)), init("dw_b", w(16))], ["dw"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=16)
    y = node("Clip", [y, const_or_init("clip_min", np.array(0, dtype=np.float32)), const_or_init("clip_max", np.array(6, dtype=np.float32))], ["relu6"])
    y = node("Conv", [y, init("pw_w", w(16, 16, 1, 1)), init("pw_b", w(16))], ["pw"], kernel_shape=[1, 1])
    x = node("Add", [x, y], ["res"])
    # Asymmetric-pad stride-2 conv and 1x7 / 7x1 convs.
    x = node("Conv", [x, init("down_w", w(24, 16, 3, 3)), init("down_b", w(24))], ["down"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])
    x = node("Conv", [x, init("c17_w", w(24, 24, 1, 7)), init("c17_b", w(24))], ["c17"], kernel_shape=[1, 7], pads=[0, 3, 0, 3])
    x = node("Conv", [x, init("c71_w", w(24, 24, 7, 1)), init("c71_b", w(24))], ["c71"], kernel_shape=[7, 1], pads=[3, 0, 3, 0])
    # SE block: ReduceMean keepdims + 1x1 convs + HardSigmoid gate.
    if opset >= 18:
        s = node("ReduceMean", [x, init("se_axes", np.array([-1, -2], dtype=np.int64))], ["se_mean"], keepdims=1)
    else:
        s = node("GlobalAveragePool", [x], ["se_mean"])
    s = node("Conv", [s, init("se1_w", w(8, 24, 1, 1)), init("se1_b", w(8))], ["se1"], kernel_shape=[1, 1])
    s = node("Relu", [s], ["se_relu"])
    s = node("Conv", [s, init("se2_w", w(24, 8, 1, 1)), init("se2_b", w(24))], ["se2"], kernel_shape=[1, 1])
    s = node("HardSigmoid", [s], ["se_gate"], alpha=1.0 / 6.0, beta=0.5)
    x = node("Mul", [x, s], ["se_out"])
    x = node("AveragePool", [x], ["avg"], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=0)
    # Head: global pool, flatten, Gemm, ReLU, MatMul + Add, Sigmoid.
    if opset >= 18:
        x = node("ReduceMean", [x, init("gap_axes", np.array([-1, -2], dtype=np.int64))], ["gap"], keepdims=1)
        x = node("Reshape", [x, init("flat_shape", np.array([-1, 24], dtype=np.int64))], ["flat"], allowzero=1)
    else:
        x = node("GlobalAveragePool", [x], ["gap"])
        x = node("Flatten", [x], ["flat"], axis=1)
    x = node("Gemm", [x, init("fc1_w", w(32, 24)), init("fc1_b", w(32))], ["fc1"], transB=1)
    x = node("Relu", [x], ["fc1_relu"])
    x = node("MatMul", [x, init("fc2_w", w(32, 14))], ["fc2"])
    x = node("Add", [x, init("fc2_b", w(14))], ["fc2_bias"])
    node("Sigmoid", [x], ["probabilities"])
    g = helper.make_graph(
        nodes, f"smallnet_opset{opset}",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 48, 40])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 14])],
        inits,
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="chexstats-fixtures", producer_version="smallnet")
    m.ir_version = 9
    m.doc_string = PROVENANCE
    onnx.checker.check_model(m, full_check=True)
    return m


def summarise(m):
    g = m.graph
    bn_stats = set()
    for n in g.node:
        if n.op_type == "BatchNormalization":
            bn_stats.update(n.input[3:5])
    elements = {t.name: int(np.prod(t.dims, dtype=np.int64)) for t in g.initializer}
    params = sum(v for k, v in elements.items() if k not in bn_stats)
    stats = sum(v for k, v in elements.items() if k in bn_stats)
    # Shapes at batch 1 from onnx's own shape inference.
    fixed = onnx.ModelProto()
    fixed.CopyFrom(m)
    fixed.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    inferred = shape_inference.infer_shapes(fixed, strict_mode=True, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input)}
    for t in g.initializer:
        shapes[t.name] = list(t.dims)
    flops = collections.Counter()
    for n in g.node:
        if n.op_type == "Conv":
            out = shapes[n.output[0]]
            wshape = shapes[n.input[1]]
            flops["Conv"] += 2 * int(np.prod(out)) * int(np.prod(wshape[1:]))
        elif n.op_type == "Gemm":
            a = shapes[n.input[0]]
            out = shapes[n.output[0]]
            k = a[0] if any(at.name == "transA" and at.i for at in n.attribute) else a[1]
            flops["Gemm"] += 2 * out[0] * out[1] * k
        elif n.op_type == "MatMul":
            out = shapes[n.output[0]]
            flops["MatMul"] += 2 * int(np.prod(out)) * shapes[n.input[0]][-1]
    sess = onnxruntime.InferenceSession(m.SerializeToString())
    y = sess.run(None, {"input": rng.standard_normal((2, 3, 48, 40)).astype(np.float32)})[0]
    return {
        "parameters": params, "batch_norm_statistics": stats, "initializers": len(g.initializer),
        "nodes": len(g.node), "op_counts": dict(collections.Counter(n.op_type for n in g.node)),
        "flops": sum(flops.values()), "flops_by_op": dict(flops), "opset": opset_of(m),
        "value_shapes_batch1": {n.output[0]: shapes[n.output[0]] for n in g.node},
        "ort_output_shape_batch2": list(y.shape),
    }


def opset_of(m):
    return [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0]


summary = {"_provenance": PROVENANCE}
for opset in (20, 17):
    m = smallnet(opset)
    onnx.save_model(m, path(f"smallnet_opset{opset}.onnx"))
    summary[f"smallnet_opset{opset}"] = summarise(m)

# A Resize (no static rule in chexstats) in front of a Conv: FLOPs must be reported unavailable.
nodes = [
    helper.make_node("Resize", ["input", "", "scales"], ["up"], name="upsample", mode="nearest"),
    helper.make_node("Conv", ["up", "cw"], ["out"], name="after_resize", kernel_shape=[3, 3]),
]
g = helper.make_graph(
    nodes, "unknown_shape",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 8, 8])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 3, 14, 14])],
    [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales"), numpy_helper.from_array(w(3, 2, 3, 3), "cw")],
)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 20)])
m.ir_version = 9
m.doc_string = PROVENANCE
onnx.checker.check_model(m)
onnx.save_model(m, path("unknown_shape.onnx"))

with open(path("expected_summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "value_shapes_batch1"} for k, v in summary.items() if k != "_provenance"}, indent=1))
