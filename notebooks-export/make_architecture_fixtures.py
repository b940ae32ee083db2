"""Makes Tests/ChexInferenceTests/Architectures: real torchvision architectures, narrowed to stay
small, exported with both torch exporters, each with an input batch and onnxruntime's output.

Run from the repository root:  python3 notebooks-export/make_architecture_fixtures.py
Needs torch 2.13.0+cpu, torchvision 0.28.0, timm, onnx, onnxscript, onnxruntime. Deterministic (seed 20261128).

Architectures (14 outputs; torchvision's own classes and blocks, only the widths reduced):
- resnet18_narrow: torchvision ResNet with BasicBlock [2, 2, 2, 2], stage widths 8/16/32/48 (an eighth
  of ResNet18's, the last stage narrower still), stem 7x7 s2 + MaxPool, 1x1 stride-2 downsample, residual Add;
- resnet50_w8: torchvision ResNet with Bottleneck [1, 1, 1, 1], widths 8/16/32/64 (x4 expansion);
- mobilenet_v2_w025: torchvision MobileNetV2(width_mult=0.25) (ReLU6 as Clip, depthwise 3x3);
- mobilenet_v3_large_w015: torchvision MobileNetV3-Large setting with width_mult=0.15 (HardSwish,
  HardSigmoid SE, 5x5 depthwise, two Gemm);
- efficientnet_b0_w015: torchvision EfficientNet-B0 setting with width_mult=0.15, depth_mult=0.34
  (SiLU, Sigmoid SE, stochastic depth off in eval);
- tf_efficientnet_b0_w010: timm's TF-ported EfficientNet-B0 ("SAME" padding, channel_multiplier=0.1,
  depth_multiplier=0.34); its legacy export computes the padding at run time from Shape (Shape,
  Gather, Cast, Ceil, Div, Sub, Clip, ConstantOfShape, Concat, Slice, Transpose, Pad: 600+ nodes),
  its dynamo export folds it into asymmetric Conv pads; not one of the 16, but a common export;
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

import collections
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
from timm.models.efficientnet import _gen_efficientnet  # noqa: E402
import timm  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ChexInferenceTests", "Architectures")
SEED = 20261128
SIZE = 48
PROVENANCE = (
    f"notebooks-export/make_architecture_fixtures.py; torch {torch.__version__}, torchvision {torchvision.__version__}, "
    f"onnx {onnx.__version__}, timm {timm.__version__}, onnxscript {onnxscript.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}"
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
    s, last = _efficientnet_conf("efficientnet_b0", width_mult=0.15, depth_mult=0.34)
    v3, v3_last = _mobilenet_v3_conf("mobilenet_v3_large", width_mult=0.15)
    return [
        ("resnet18_narrow", lambda: NarrowResNet(BasicBlock, [2, 2, 2, 2], [8, 16, 32, 48])),
        ("resnet50_w8", lambda: NarrowResNet(Bottleneck, [1, 1, 1, 1], [8, 16, 32, 64])),
        ("mobilenet_v2_w025", lambda: mobilenet_v2(width_mult=0.25, num_classes=14)),
        ("mobilenet_v3_large_w015", lambda: MobileNetV3(v3, v3_last, num_classes=14)),
        ("efficientnet_b0_w015", lambda: EfficientNet(s, 0.2, last_channel=last, num_classes=14)),
        ("tf_efficientnet_b0_w010", lambda: _gen_efficientnet(
            "tf_efficientnet_b0", channel_multiplier=0.1, depth_multiplier=0.34, num_classes=14, bn_eps=1e-3,
            pad_type="same")),
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


def torch_flops(model):
    """2 x multiply-adds of Conv2d and Linear at batch 1, from forward hooks (independent of ONNX)."""
    macs = collections.Counter()

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            macs["Conv"] += output.numel() * (module.in_channels // module.groups) * kh * kw
        else:
            macs["Gemm"] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 3, SIZE, SIZE))
    for h in handles:
        h.remove()
    return {op: 2 * n for op, n in macs.items()}


def onnx_counts(proto):
    """Initializer elements without BatchNormalization running statistics, the statistics, op counts."""
    stats = {i for n in proto.graph.node if n.op_type == "BatchNormalization" for i in n.input[3:5]}
    elements = {t.name: int(np.prod(t.dims, dtype=np.int64)) for t in proto.graph.initializer}
    return (sum(v for k, v in elements.items() if k not in stats), sum(v for k, v in elements.items() if k in stats),
            dict(collections.Counter(n.op_type for n in proto.graph.node)))


def run_ort(path, x):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def make_cli_fixtures(cases):
    """Tests/chexstatsTests/Fixtures/models: one good model (a copy of densenet_g8_legacy17 with its
    input and onnxruntime output; also saved with external weights), the facts `chexstats inspect` must print for it, and bad models."""
    from onnx import TensorProto, helper

    out = os.path.join(ROOT, "Tests", "chexstatsTests", "Fixtures", "models")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    source = os.path.join(OUT, "densenet_g8_legacy17")
    for file, target in [("model.onnx", "densenet_g8.onnx"), ("input.npy", "densenet_g8_input.npy"),
                         ("ort_output.npy", "densenet_g8_ort_output.npy")]:
        shutil.copy(os.path.join(source, file), os.path.join(out, target))
    proto = onnx.load(os.path.join(out, "densenet_g8.onnx"))
    # The same model with its weights beside it, as the dynamo exporter writes by default.
    onnx.save(proto, os.path.join(out, "densenet_g8_external.onnx"), save_as_external_data=True,
              all_tensors_to_one_file=True, location="densenet_g8_external.onnx.data", size_threshold=0)
    facts = dict(cases["densenet_g8_legacy17"])
    facts.update(input_name=proto.graph.input[0].name, input_dims=[
        d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim],
        producer=f"{proto.producer_name} {proto.producer_version}")
    with open(os.path.join(out, "expected_inspect.json"), "w") as f:
        json.dump({"_provenance": PROVENANCE, "densenet_g8": facts}, f, indent=1, sort_keys=True)

    def one_node(op, file, initializer=None, **attributes):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        inputs = ["x"] + ([initializer.name] if initializer is not None else [])
        graph = helper.make_graph([helper.make_node(op, inputs, ["y"], name=f"{op.lower()}_0", **attributes)],
                                  "bad", [x], [y], initializer=[initializer] if initializer is not None else [])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], doc_string=PROVENANCE)
        model.ir_version = 8
        onnx.save(model, os.path.join(out, file))

    # An op chexstats does not implement (the file itself is valid ONNX: onnxruntime runs it).
    one_node("Softmax", "unsupported_op.onnx", axis=1)
    # A weight stored in an external file that is not there.
    weight = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1, 3, 8, 8])
    weight.data_location = TensorProto.EXTERNAL
    for key, value in [("location", "absent.onnx.data"), ("offset", "0"), ("length", "768")]:
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    one_node("Mul", "missing_external.onnx", initializer=weight)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("Made by notebooks-export/make_architecture_fixtures.py (versions in expected_inspect.json and in "
                "each model's doc_string): densenet_g8 is Tests/ChexInferenceTests/Architectures/"
                "densenet_g8_legacy17 (densenet_g8_external.onnx(.data): the same with external weights); unsupported_op.onnx (Softmax) and missing_external.onnx are bad models.\n")


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
            parameters, statistics, op_counts = onnx_counts(proto)
            flops = torch_flops(model)
            cases[f"{name}_{exporter}"] = {
                "parameters_onnx": parameters, "batchnorm_statistics_onnx": statistics, "op_counts": op_counts,
                "flops_torch_hooks": sum(flops.values()), "flops_by_op_torch_hooks": flops,
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
    make_cli_fixtures(cases)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
