"""Exports full-size torchvision models at 1x3x320x320 (14 outputs, random weights) to a folder
outside the repository, to compare `chexstats inspect` with the "params" and "GFLOP @320" columns
of shared/reference/onnx-engines.md. Not a fixture: the files are 9-45 MB each.

Usage: python3 notebooks-export/export_anchor_models.py /tmp/anchors resnet18 densenet121 mobilenet_v2
Needs torch 2.13.0+cpu, torchvision 0.28.0, onnxscript. Prints, per model, torch's own FLOP count
(forward hooks, 2 per multiply-add over Conv2d and Linear) and the ONNX initializer counts.
"""

import json
import os
import sys

import numpy as np
import onnx
import torch

lib = torch.library.Library("torchvision", "DEF")
lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
for name in sys.argv[2:]:
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=14).eval()
    macs = [0]

    def hook(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            macs[0] += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, torch.nn.Linear):
            macs[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    x = torch.randn(1, 3, 320, 320)
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(model, (x,), path, dynamo=True, external_data=True,
                      dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
    g = onnx.load(path).graph
    stats = {i for n in g.node if n.op_type == "BatchNormalization" for i in n.input[3:5]}
    elems = {t.name: int(np.prod(t.dims, dtype=np.int64)) for t in g.initializer}
    print(json.dumps({
        "model": name, "torch_flops": 2 * macs[0], "torch_parameters": sum(p.numel() for p in model.parameters()),
        "onnx_parameters": sum(v for k, v in elems.items() if k not in stats),
        "onnx_bn_statistics": sum(v for k, v in elems.items() if k in stats), "nodes": len(g.node),
    }))
