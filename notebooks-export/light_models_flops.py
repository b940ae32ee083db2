"""Copies the onnx wheel's "light" model-zoo graphs (Apache-2.0, weights made by ConstantOfShape)
into Tests/ChexONNXTests/Fixtures/light/ and writes expected_light.json: FLOPs from
onnx.shape_inference (2 per multiply-add, Conv/Gemm/MatMul, symbolic dims = 1), initializer
elements and node counts. light_densenet121 (214 KB) is left out to keep the fixtures small.
Usage: python3 notebooks-export/light_models_flops.py   (onnx 1.23.2 when recorded)
"""
import glob
import json
import os
import shutil

import numpy as np
import onnx
from onnx import shape_inference

root = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "ChexONNXTests", "Fixtures", "light")
os.makedirs(out, exist_ok=True)
expected = {"_provenance": f"notebooks-export/light_models_flops.py; onnx {onnx.__version__} (models copied from its wheel)"}
for path in sorted(glob.glob(os.path.join(root, "*.onnx"))):
    if "densenet121" in path:
        continue
    shutil.copy(path, out)
    m = onnx.load(path)
    initializer_elements = sum(int(np.prod(t.dims, dtype=np.int64)) for t in m.graph.initializer)
    nodes = len(m.graph.node)
    for vi in m.graph.input:
        for d in vi.type.tensor_type.shape.dim:
            if not d.HasField("dim_value"):
                d.dim_value = 1
    m = shape_inference.infer_shapes(m, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output)}
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            total += 2 * int(np.prod(shapes[n.output[0]])) * int(np.prod(shapes[n.input[1]][1:]))
        elif n.op_type == "Gemm":
            a = shapes[n.input[0]]
            trans_a = any(at.name == "transA" and at.i for at in n.attribute)
            total += 2 * int(np.prod(shapes[n.output[0]])) * (a[0] if trans_a else a[1])
        elif n.op_type == "MatMul":
            total += 2 * int(np.prod(shapes[n.output[0]])) * shapes[n.input[0]][-1]
    print(f"{os.path.basename(path)} {total:,}")
    expected[os.path.basename(path)] = {"flops": total, "initializer_elements": initializer_elements, "nodes": nodes}
with open(os.path.join(out, "..", "expected_light.json"), "w") as f:
    json.dump(expected, f, indent=1)
