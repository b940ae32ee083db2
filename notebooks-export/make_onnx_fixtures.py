"""Makes the ONNX fixtures of Tests/ChexONNXTests/Fixtures and their expected values.

Run from the repository root:  python3 notebooks-export/make_onnx_fixtures.py
Needs: onnx (1.23.2 when recorded), onnxruntime (1.32.0), numpy. Deterministic (seed 20240601).

Expected values in expected.json are computed here independently of chexstats: parameter counts
from the initializers, op counts from the node list, output shapes from onnx.shape_inference and
onnxruntime, FLOPs from the textbook formulas (2 per multiply-add; Conv, Gemm, MatMul only).
"""

import json
import os

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ChexONNXTests", "Fixtures")
PROVENANCE = (
    f"notebooks-export/make_onnx_fixtures.py; onnx {onnx.__version__}, "
    f"onnxruntime {onnxruntime.__version__}, numpy {np.__version__}"
)
rng = np.random.default_rng(20240601)
expected = {"_provenance": PROVENANCE}


def path(name):
    return os.path.join(OUT, name)


def model(graph, opset=20):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="chexstats-fixtures", producer_version="1.0")
    m.ir_version = 9
    m.doc_string = PROVENANCE
    return m


def save(m, name):
    onnx.checker.check_model(m)
    onnx.save_model(m, path(name))


# 1. One Conv node, weights in raw_data, a symbolic batch dimension.
w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
b = rng.standard_normal(3).astype(np.float32)
conv = helper.make_node("Conv", ["X", "W", "B"], ["Y"], name="conv0", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2], group=1)
g = helper.make_graph(
    [conv], "one_conv",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 2, 5, 5])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 3, 3, 3])],
    [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")],
)
m = model(g)
save(m, "one_conv.onnx")
x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
y = onnxruntime.InferenceSession(path("one_conv.onnx")).run(None, {"X": x})[0]
expected["one_conv"] = {
    "W": w.flatten().tolist(), "B": b.tolist(), "ort_output_shape": list(y.shape),
    "flops_batch1": 2 * 1 * 3 * 3 * 3 * 2 * 3 * 3,
}

# 2. Typed fields: float_data, double_data, int32_data (int32/int8/uint8/bool), int64_data, raw
#    int8/uint8/bool/double/int64; a Constant node with a tensor value; an initializer also listed
#    as a graph input (IR < 4 style), which the loader must not report as an input.
tensors = [
    helper.make_tensor("f_typed", TensorProto.FLOAT, [2, 2], [1.5, -2.0, 3.25, 0.0]),
    helper.make_tensor("d_typed", TensorProto.DOUBLE, [3], [0.1, -1e10, 2.5]),
    helper.make_tensor("i32_typed", TensorProto.INT32, [2], [-7, 2147483647]),
    helper.make_tensor("i8_typed", TensorProto.INT8, [3], [-128, 0, 127]),
    helper.make_tensor("u8_typed", TensorProto.UINT8, [2], [0, 255]),
    helper.make_tensor("b_typed", TensorProto.BOOL, [3], [True, False, True]),
    helper.make_tensor("i64_typed", TensorProto.INT64, [2], [-9007199254740993, 5]),
    numpy_helper.from_array(np.array([[-3, 4]], dtype=np.int8), "i8_raw"),
    numpy_helper.from_array(np.array([200, 1], dtype=np.uint8), "u8_raw"),
    numpy_helper.from_array(np.array([True, False], dtype=np.bool_), "b_raw"),
    numpy_helper.from_array(np.array([1.0 / 3.0, -2.0], dtype=np.float64), "d_raw"),
    numpy_helper.from_array(np.array([-1, 1 << 40], dtype=np.int64), "i64_raw"),
    numpy_helper.from_array(np.array(2.5, dtype=np.float32), "scalar_raw"),
]
const = helper.make_node("Constant", [], ["C"], name="const0", value=helper.make_tensor("cval", TensorProto.FLOAT, [2], [0.5, -0.25]))
add = helper.make_node("Add", ["X", "C"], ["Y"], name="add0")
attrs = helper.make_node("Identity", ["Y"], ["Z"], name="attrs0")
attrs.attribute.extend([
    helper.make_attribute("f", 0.25), helper.make_attribute("s", "hello"),
    helper.make_attribute("fs", [1.0, 2.0]), helper.make_attribute("ss", ["a", "b"]),
])
g = helper.make_graph(
    [const, add, attrs], "typed",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 2]),
     helper.make_tensor_value_info("f_typed", TensorProto.FLOAT, [2, 2])],
    [helper.make_tensor_value_info("Z", TensorProto.FLOAT, ["n", 2])],
    tensors,
)
m = model(g, opset=13)
# Attributes on Identity are not in its schema, so skip the checker for this file.
onnx.save_model(m, path("typed_fields.onnx"))
expected["typed_fields"] = {
    t.name: (numpy_helper.to_array(t).astype(np.float64).flatten().tolist()) for t in tensors
}

# 3. External data: the exporter default layout, one `.onnx.data` file next to the model.
w = rng.standard_normal((4, 3, 2, 2)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
k = np.arange(6, dtype=np.int64)
g = helper.make_graph(
    [helper.make_node("Conv", ["X", "W", "B"], ["Y"], name="conv_ext", kernel_shape=[2, 2])], "external",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3, 4, 4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 4, 3, 3])],
    [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B"), numpy_helper.from_array(k, "K")],
)
m = model(g)
for f in ["external.onnx", "external.onnx.data"]:
    if os.path.exists(path(f)):
        os.remove(path(f))
onnx.save_model(m, path("external.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="external.onnx.data", size_threshold=0)
loaded = onnx.load(path("external.onnx"), load_external_data=False)
assert all(t.data_location == TensorProto.EXTERNAL for t in loaded.graph.initializer)
expected["external"] = {"W": w.flatten().tolist(), "B": b.tolist(), "K": k.tolist(),
                        "data_file_bytes": os.path.getsize(path("external.onnx.data"))}

# 4. Missing external data: same model, its data file name points nowhere.
for t in loaded.graph.initializer:
    for e in t.external_data:
        if e.key == "location":
            e.value = "missing.onnx.data"
onnx.save_model(loaded, path("missing_external.onnx"))

# 5. External data file shorter than declared: copy of the data file cut to 40 bytes.
short = onnx.load(path("external.onnx"), load_external_data=False)
for t in short.graph.initializer:
    for e in t.external_data:
        if e.key == "location":
            e.value = "short_external.onnx.data"
onnx.save_model(short, path("short_external.onnx"))
with open(path("external.onnx.data"), "rb") as f:
    data = f.read()
with open(path("short_external.onnx.data"), "wb") as f:
    f.write(data[:40])

# 6. Unsupported element type: a float16 initializer named half_w.
g = helper.make_graph(
    [helper.make_node("Identity", ["half_w"], ["Y"])], "half",
    [], [helper.make_tensor_value_info("Y", TensorProto.FLOAT16, [2])],
    [numpy_helper.from_array(np.array([1, 2], dtype=np.float16), "half_w")],
)
save(model(g), "unsupported_dtype.onnx")

# 7. A ModelProto without a graph.
m = onnx.ModelProto()
m.ir_version = 9
m.opset_import.append(helper.make_opsetid("", 20))
m.producer_name = "chexstats-fixtures"
with open(path("no_graph.onnx"), "wb") as f:
    f.write(m.SerializeToString())

# 8. Truncated: the first 60 % of one_conv.onnx.
with open(path("one_conv.onnx"), "rb") as f:
    data = f.read()
with open(path("truncated.onnx"), "wb") as f:
    f.write(data[: int(len(data) * 0.6)])
try:
    onnx.load_model_from_string(data[: int(len(data) * 0.6)])
    raise SystemExit("truncated model parsed in Python")
except Exception:
    pass

# 9. Random bytes that protobuf refuses (checked with Python's protobuf), and an empty file.
garbage = bytes(rng.integers(0, 256, 512, dtype=np.uint8))
try:
    onnx.load_model_from_string(garbage)
    raise SystemExit("random bytes parsed as a model; change the seed")
except Exception:
    pass
with open(path("random.onnx"), "wb") as f:
    f.write(garbage)
open(path("empty.onnx"), "wb").close()

with open(path("expected_loader.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote fixtures to", os.path.normpath(OUT))
