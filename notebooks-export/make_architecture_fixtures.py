"""Makes Tests/ChexInferenceTests/Architectures: real torchvision architectures, narrowed to stay
small, exported with both torch exporters, each with an input batch and onnxruntime's output.

Run from the repository root:  python3 notebooks-export/make_architecture_fixtures.py
Needs torch 2.13.0+cpu, torchvision 0.28.0, onnx, onnxscript, onnxruntime. Deterministic (seed 20261128).

Architectures (14 outputs; torchvision's own classes and blocks, only the widths reduced):
- resnet18_narrow: torchvision ResNet with BasicBlock [2, 2, 2, 2], stage widths 8/16/32/48 (an eighth
  of ResNet18's, the last stage narrower still), stem 7x7 s2 + MaxPool, 1x1 stride-2 downsample, residual Add;
- resnet50_w8: torchvision ResNet with Bottleneck [1, 1, 1, 1], widths 8/16/32/64 (x4 expansion);
- mobilenet_v2_w025: torchvision MobileNetV2(width_mult=0.25) (ReLU6 as Clip, depthwise 3x3);
- mobilenet_v3_large_w020: torchvision MobileNetV3-Large setting with width_mult=0.2 (HardSwish,
  HardSigmoid SE, 5x5 depthwise, two Gemm);
- efficientnet_b0_w025: torchvision EfficientNet-B0 setting with width_mult=0.25, depth_mult=0.34
  (SiLU, Sigmoid SE, stochastic depth off in eval);
- densenet_g8: torchvision DenseNet(growth_rate=8, block_config=(2, 2, 2, 2), 16 initial features,
  bn_size=2) (unfoldable BatchNormalization after Concat, AveragePool transitions).

MNASNet is left out to keep the folder near 8 MB (its fixed 1280-channel head makes even alpha=0.35
2 MB a file); its ops are all covered by the others. Node metadata_props (the dynamo exporter's torch
stack traces) are removed; nothing else in the exported files is changed.

Weights look trained: small random biases, random BatchNorm affine parameters, running statistics
calibrated on N(0,1) batches in train mode. Input 2x3x48x48 (N(0,1)), symbolic batch.
Layout: Architectures/<name>_<exporter>/model.onnx, input.npy, ort_output.npy (onnxruntime CPU
provider, graph optimisations disabled, one thread) and Architectures/cases.json with the
provenance, file sizes, max |output| and max |torch - ORT|.
"""

import json
import os
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import onnxscript
import torch
from torch import nn

_lib = torch.library.Library("torchvision", "DEF")  # torchvision's CUDA extension does not load
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torchvision.models import DenseNet, mobilenet_v2  # noqa: E402
from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf  # noqa: E402
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf  # noqa: E402
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ChexInferenceTests", "Architectures")
SEED = 20261128
SIZE = 48
PROVENANCE = (
    f"notebooks-export/make_architecture_fixtures.py; torch {torch.__version__}, torchvision {torchvision.__version__}, "
    f"onnx {onnx.__version__}, onnxscript {onnxscript.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}"
)


class NarrowResNet(ResNet):
    """torchvision's ResNet (its blocks, _make_layer and forward) with narrower stages."""

    def __init__(self, block, layers, widths, num_classes=14):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = widths[0]
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, widths[0], layers[0])
        self.layer2 = self._make_layer(block, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(block, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(block, widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


def architectures():
    s, last = _efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.34)
    v3, v3_last = _mobilenet_v3_conf("mobilenet_v3_large", width_mult=0.2)
    return [
        ("resnet18_narrow", lambda: NarrowResNet(BasicBlock, [2, 2, 2, 2], [8, 16, 32, 48])),
        ("resnet50_w8", lambda: NarrowResNet(Bottleneck, [1, 1, 1, 1], [8, 16, 32, 64])),
        ("mobilenet_v2_w025", lambda: mobilenet_v2(width_mult=0.25, num_classes=14)),
        ("mobilenet_v3_large_w020", lambda: MobileNetV3(v3, v3_last, num_classes=14)),
        ("efficientnet_b0_w025", lambda: EfficientNet(s, 0.2, last_channel=last, num_classes=14)),
        ("densenet_g8", lambda: DenseNet(growth_rate=8, block_config=(2, 2, 2, 2), num_init_features=16,
                                         bn_size=2, num_classes=14)),
    ]


def look_trained(model, generator):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_((torch.rand(m.bias.shape, generator=generator) - 0.5) * 0.4)
                m.momentum = None
                m.reset_running_stats()
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_((torch.rand(m.bias.shape, generator=generator) - 0.5) * 0.2)
        model.train()
        for _ in range(3):
            model(torch.randn(8, 3, SIZE, SIZE, generator=generator))
    return model.eval()


def run_ort(path, x):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    cases = {}
    for name, make in architectures():
        torch.manual_seed(SEED)
        generator = torch.Generator().manual_seed(SEED)
        model = look_trained(make(), generator)
        x = torch.randn(2, 3, SIZE, SIZE, generator=generator)
        with torch.no_grad():
            expected = model(x).numpy()
        for exporter in ["legacy17", "dynamo"]:
            folder = os.path.join(OUT, f"{name}_{exporter}")
            os.makedirs(folder)
            path = os.path.join(folder, "model.onnx")
            if exporter == "legacy17":
                torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, input_names=["x"],
                                  output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
            else:
                torch.onnx.export(model, (x,), path, dynamo=True, external_data=False, input_names=["x"],
                                  output_names=["logits"], dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
            proto = onnx.load(path)
            proto.doc_string = PROVENANCE
            for node in proto.graph.node:  # dynamo's per-node torch stack traces: half the file, no semantics
                del node.metadata_props[:]
            onnx.save(proto, path)
            y = run_ort(path, x.numpy())
            np.save(os.path.join(folder, "input.npy"), x.numpy().astype(np.float32))
            np.save(os.path.join(folder, "ort_output.npy"), y.astype(np.float32))
            cases[f"{name}_{exporter}"] = {
                "opset": proto.opset_import[0].version, "nodes": len(proto.graph.node),
                "ops": sorted({n.op_type for n in proto.graph.node}),
                "parameters_torch": sum(p.numel() for p in model.parameters()),
                "model_bytes": os.path.getsize(path), "output_shape": list(y.shape),
                "max_abs_output": float(np.abs(y).max()),
                "max_abs_torch_minus_ort": float(np.abs(y - expected).max()),
            }
            print(f"{name}_{exporter}", json.dumps(cases[f"{name}_{exporter}"]))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"_provenance": PROVENANCE, "seed": SEED, "input_shape": [2, 3, SIZE, SIZE], "cases": cases},
                  f, indent=1, sort_keys=True)
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("Made by notebooks-export/make_architecture_fixtures.py (versions in cases.json and in each "
                "model's doc_string); each folder: model.onnx, input.npy, ort_output.npy (onnxruntime reference).\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
