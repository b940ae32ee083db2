"""Exports a small real model with torch's ONNX exporters for the ChexONNX summary tests.

Run from the repository root:  python3 notebooks-export/make_torch_fixture.py
Needs: torch 2.13.0+cpu, torchvision 0.28.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0.
Seed 0. Writes Tests/ChexONNXTests/Fixtures/mobilenet_v2_w035.onnx with its weights in
mobilenet_v2_w035.onnx.data (the dynamo exporter's default external-data layout), and
expected_torch.json. (The legacy exporter's style is covered by smallnet_opset17.onnx; both
exports would exceed the fixture budget.)

The model is torchvision's MobileNetV2 with width_mult=0.35 and 14 outputs (CheXpert tasks),
random weights made to look trained (small non-zero biases, randomised BatchNorm, statistics
calibrated in train mode), exported at 1x3x64x64 with a symbolic batch dimension. Expected
values are independent of chexstats and of ONNX where possible:
- FLOPs from forward hooks on the torch modules (Conv2d: out.numel() * in/groups * kh * kw;
  Linear: out.numel() * in_features; 2 FLOP per multiply-add), at batch 1;
- parameter count and BatchNorm statistics from the ONNX initializers (what the file holds);
- op counts from the ONNX node list; output shape from onnxruntime at batch 2.
"""

import collections
import json
import os

import numpy as np
import onnx
import onnxruntime
import onnxscript
import torch

lib = torch.library.Library("torchvision", "DEF")  # torchvision's CUDA extension does not load
lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ChexONNXTests", "Fixtures")
PROVENANCE = (
    f"notebooks-export/make_torch_fixture.py; torch {torch.__version__}, torchvision {torchvision.__version__}, "
    f"onnx {onnx.__version__}, onnxscript {onnxscript.__version__}, onnxruntime {onnxruntime.__version__}"
)
torch.manual_seed(0)

model = torchvision.models.mobilenet_v2(width_mult=0.35, num_classes=14)
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and m.bias is not None:
            m.bias.normal_(0, 0.01)
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.normal_(0, 0.1)
model.train()
with torch.no_grad():
    for _ in range(2):
        model(torch.randn(8, 3, 64, 64))
model.eval()

# FLOPs from torch forward hooks at batch 1.
macs = collections.Counter()


def hook(module, inputs, output):
    if isinstance(module, torch.nn.Conv2d):
        kh, kw = module.kernel_size
        macs["Conv"] += output.numel() * (module.in_channels // module.groups) * kh * kw
    elif isinstance(module, torch.nn.Linear):
        macs["Gemm"] += output.numel() * module.in_features


handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
x = torch.randn(1, 3, 64, 64)
with torch.no_grad():
    model(x)
for h in handles:
    h.remove()

expected = {"_provenance": PROVENANCE}
for exporter in ("dynamo",):
    name = "mobilenet_v2_w035.onnx"
    path = os.path.join(OUT, name)
    for stale in (path, path + ".data"):
        if os.path.exists(stale):
            os.remove(stale)
    torch.onnx.export(
        model, (x,), path, dynamo=True, external_data=True, input_names=["image"], output_names=["logits"],
        dynamic_shapes={"x": {0: torch.export.Dim("batch")}},
    )
    m = onnx.load(path, load_external_data=False)
    assert any(t.data_location == onnx.TensorProto.EXTERNAL for t in m.graph.initializer)
    m.doc_string = PROVENANCE
    onnx.save(m, path)
    g = m.graph
    bn_stats = set()
    for n in g.node:
        if n.op_type == "BatchNormalization":
            bn_stats.update(n.input[3:5])
    elements = {t.name: int(np.prod(t.dims, dtype=np.int64)) for t in g.initializer}
    full = onnx.load(path)  # with external data, to checksum every initializer
    sums = {t.name: float(onnx.numpy_helper.to_array(t).astype(np.float64).sum()) for t in full.graph.initializer}
    external = sorted(t.name for t in m.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL)
    sess = onnxruntime.InferenceSession(path)
    x2 = torch.randn(2, 3, 64, 64)
    y = sess.run(None, {sess.get_inputs()[0].name: x2.numpy()})[0]
    with torch.no_grad():
        ref = model(x2).numpy()
    expected[exporter] = {
        "file": name,
        "file_bytes": os.path.getsize(path),
        "data_file_bytes": os.path.getsize(path + ".data"),
        "opset": [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0],
        "input_name": g.input[0].name,
        "parameters": sum(v for k, v in elements.items() if k not in bn_stats),
        "batch_norm_statistics": sum(v for k, v in elements.items() if k in bn_stats),
        "nodes": len(g.node),
        "op_counts": dict(collections.Counter(n.op_type for n in g.node)),
        "flops_by_op_torch_hooks": {k: 2 * v for k, v in macs.items()},
        "flops_torch_hooks": 2 * sum(macs.values()),
        "torch_parameters": sum(p.numel() for p in model.parameters()),
        "ort_output_shape_batch2": list(y.shape),
        "initializer_sums_float64": sums,
        "external_initializers": external,
        "max_abs_diff_ort_vs_torch": float(np.abs(y - ref).max()),
    }
with open(os.path.join(OUT, "expected_torch.json"), "w") as f:
    json.dump(expected, f, indent=1)
print(json.dumps(expected, indent=1))
