"""Makes the fixtures of Tests/ChexInferenceTests/Fixtures: one-node ONNX graphs and small whole
models, each with an input and the output onnxruntime computes for it.

Run from the repository root:  python3 notebooks-export/make_inference_fixtures.py
(everything, from scratch), or `... make_inference_fixtures.py pad layout` to (re)make only the
Pad-mode and NHWC-input cases, added later with their own seeds, into the existing cases.json.
Needs: onnx (1.23.2 when recorded), onnxruntime (1.32.0), numpy, torch (2.13.0+cpu) and
torchvision (0.28.0) for the whole models. Deterministic (seed 20240607).

Layout: Fixtures/<case>/model.onnx, input.npy (float32), ort_output.npy (onnxruntime, CPU provider,
graph optimisations disabled so the reference is the plain NCHW arithmetic), and cases.json listing
every case with the provenance, the max |output| and, for torch models, max |torch - ORT|.
`refused` in cases.json lists models onnxruntime refuses to run (model.onnx and input.npy only),
with its error message: chexstats must refuse them too.
"""

import json
import os
import shutil

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ChexInferenceTests", "Fixtures")
rng = np.random.default_rng(20240607)
cases = {}
refused = {}


def provenance():
    text = f"notebooks-export/make_inference_fixtures.py; onnx {onnx.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}"
    try:
        import torch

        text += f", torch {torch.__version__}"
    except ImportError:
        pass
    return text


def run_ort(model_bytes, x):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def save(name, model, x, extra=None):
    if model.graph.output[0].type.tensor_type.HasField("shape"):
        onnx.checker.check_model(model)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    data = model.SerializeToString()
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
        f.write(data)
    y = run_ort(data, x)
    np.save(os.path.join(folder, "input.npy"), x.astype(np.float32))
    np.save(os.path.join(folder, "ort_output.npy"), y.astype(np.float32))
    entry = {"output_shape": list(y.shape), "max_abs_output": float(np.abs(y).max())}
    entry.update(extra or {})
    cases[name] = entry


def f32(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def one_node(name, op, x_shape, inits=(), attrs=None, opset=17, input_names=None, x_batch_symbolic=True):
    """One node; input 'x' (batch symbolic), initializers given as (name, array) pairs."""
    x = f32(*x_shape)
    initializers = []
    for init_name, value in inits:
        initializers.append(numpy_helper.from_array(value, init_name))
    names = input_names or (["x"] + [n for n, _ in inits])
    node = helper.make_node(op, names, ["y"], name=f"{op.lower()}_node", **(attrs or {}))
    dims = ["batch"] + list(x_shape[1:]) if x_batch_symbolic else list(x_shape)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="chexstats-fixtures")
    model.ir_version = 8
    save(name, model, x)


def i64(values):
    return np.array(values, dtype=np.int64)


def conv(name, cin, cout, k, stride=1, pads=None, group=1, dil=1, hw=(11, 13), bias=True, auto_pad=None):
    kh, kw = k
    w = f32(cout, cin // group, kh, kw, scale=1 / np.sqrt(cin // group * kh * kw))
    inits = [("w", w)] + ([("b", f32(cout))] if bias else [])
    attrs = {"kernel_shape": [kh, kw], "strides": [stride, stride], "group": group, "dilations": [dil, dil]}
    if auto_pad:
        attrs["auto_pad"] = auto_pad
    else:
        attrs["pads"] = pads or [0, 0, 0, 0]
    one_node(name, "Conv", (2, cin, *hw), inits, attrs)


def make_one_node_cases():
    conv("conv_3x3_s1_p1", 5, 7, (3, 3), 1, [1, 1, 1, 1])
    conv("conv_3x3_s2_asym", 4, 6, (3, 3), 2, [0, 0, 1, 1])
    conv("conv_3x3_s2_p1_nobias", 6, 8, (3, 3), 2, [1, 1, 1, 1], bias=False)
    conv("conv_1x1_s1", 16, 12, (1, 1))
    conv("conv_1x1_s2", 8, 10, (1, 1), 2)
    conv("conv_7x7_s2_p3", 3, 8, (7, 7), 2, [3, 3, 3, 3], hw=(20, 18))
    conv("conv_1x7_p03", 6, 5, (1, 7), 1, [0, 3, 0, 3])
    conv("conv_7x1_p30", 6, 5, (7, 1), 1, [3, 0, 3, 0])
    conv("conv_5x5_s1_p2", 4, 4, (5, 5), 1, [2, 2, 2, 2])
    conv("conv_depthwise_3x3_s1", 8, 8, (3, 3), 1, [1, 1, 1, 1], group=8)
    conv("conv_depthwise_3x3_s2_asym", 6, 6, (3, 3), 2, [1, 1, 2, 2], group=6)
    conv("conv_depthwise_5x5_s2", 6, 6, (5, 5), 2, [2, 2, 2, 2], group=6)
    conv("conv_grouped_g2", 8, 6, (3, 3), 1, [1, 1, 1, 1], group=2)
    conv("conv_depthwise_multiplier2", 4, 8, (3, 3), 1, [1, 1, 1, 1], group=4)
    conv("conv_dilated2", 4, 5, (3, 3), 1, [2, 2, 2, 2], dil=2)
    conv("conv_same_upper_s2", 4, 5, (3, 3), 2, auto_pad="SAME_UPPER")

    c = 6
    one_node("batchnorm", "BatchNormalization", (2, c, 5, 7),
             [("scale", f32(c)), ("bias", f32(c)), ("mean", f32(c)), ("var", np.abs(f32(c)) + 0.5)],
             {"epsilon": 1e-3})
    one_node("relu", "Relu", (2, 3, 4, 5))
    one_node("sigmoid", "Sigmoid", (2, 3, 4, 5))
    one_node("hardswish", "HardSwish", (2, 3, 4, 5), opset=14)
    one_node("hardsigmoid_default", "HardSigmoid", (2, 3, 4, 5))
    one_node("hardsigmoid_mobilenet", "HardSigmoid", (2, 3, 4, 5), attrs={"alpha": 1 / 6, "beta": 0.5})
    one_node("clip_inputs", "Clip", (2, 3, 4, 5), [("lo", np.array(0, np.float32)), ("hi", np.array(0.5, np.float32))],
             opset=13)
    one_node("clip_attributes", "Clip", (2, 3, 4, 5), attrs={"min": -0.3, "max": 0.6}, opset=6)
    one_node("add_channel", "Add", (2, 4, 3, 5), [("b", f32(1, 4, 1, 1))])
    one_node("mul_channel", "Mul", (2, 4, 3, 5), [("b", f32(4, 1, 1))])
    one_node("add_scalar", "Add", (2, 4, 3, 5), [("b", np.array(0.25, np.float32))])
    one_node("sub_rowwise", "Sub", (2, 4, 3, 5), [("b", f32(5))])
    one_node("div_full", "Div", (2, 4, 3, 5), [("b", np.abs(f32(1, 4, 3, 5)) + 0.5)])
    one_node("mul_self", "Mul", (2, 4, 3, 5), input_names=["x", "x"])
    one_node("maxpool_3x3_s2_p1", "MaxPool", (2, 3, 9, 10), attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]})
    one_node("maxpool_3x3_s2_ceil", "MaxPool", (2, 3, 10, 9), attrs={"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1})
    one_node("avgpool_3x3_s1_p1_include", "AveragePool", (2, 3, 6, 7),
             attrs={"kernel_shape": [3, 3], "strides": [1, 1], "pads": [1, 1, 1, 1], "count_include_pad": 1})
    one_node("avgpool_3x3_s1_p1_exclude", "AveragePool", (2, 3, 6, 7),
             attrs={"kernel_shape": [3, 3], "strides": [1, 1], "pads": [1, 1, 1, 1], "count_include_pad": 0})
    one_node("avgpool_2x2_s2", "AveragePool", (2, 3, 8, 9), attrs={"kernel_shape": [2, 2], "strides": [2, 2]})
    one_node("avgpool_3x3_s2_ceil_include", "AveragePool", (2, 3, 8, 8),
             attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1, "count_include_pad": 1})
    one_node("globalavgpool", "GlobalAveragePool", (2, 5, 4, 3))
    one_node("reducemean_attr_keep", "ReduceMean", (2, 5, 4, 3), attrs={"axes": [2, 3], "keepdims": 1}, opset=13)
    one_node("reducemean_input_nokeep", "ReduceMean", (2, 5, 4, 3), [("axes", i64([-1, -2]))],
             attrs={"keepdims": 0}, opset=18)
    one_node("concat_3", "Concat", (2, 3, 4, 5), [("c", f32(2, 2, 4, 5))], attrs={"axis": 1},
             input_names=["x", "c", "x"], x_batch_symbolic=False)
    one_node("gemm_transb", "Gemm", (3, 6), [("w", f32(4, 6)), ("c", f32(4))], attrs={"transB": 1, "alpha": 0.5, "beta": 2.0})
    one_node("gemm_transa", "Gemm", (6, 3), [("w", f32(6, 4)), ("c", f32(3, 1))], attrs={"transA": 1}, x_batch_symbolic=False)
    one_node("matmul_3d", "MatMul", (2, 3, 6), [("w", f32(6, 4))])
    one_node("flatten_axis1", "Flatten", (2, 3, 4, 5), attrs={"axis": 1})
    one_node("reshape_allowzero", "Reshape", (2, 3, 4, 5), [("s", i64([-1, 60]))], attrs={"allowzero": 1}, opset=14)
    one_node("gather_axis1_scalar", "Gather", (2, 3, 4, 5), [("i", np.array(2, np.int64))], attrs={"axis": 1})
    one_node("unsqueeze_input", "Unsqueeze", (2, 3, 4), [("a", i64([1]))], opset=13)
    one_node("slice_channels", "Slice", (2, 6, 4, 5), [("st", i64([1, 0])), ("en", i64([5, 100])), ("ax", i64([1, 3])), ("sp", i64([2, 2]))], opset=13)
    one_node("transpose", "Transpose", (2, 3, 4, 5), attrs={"perm": [0, 2, 3, 1]})
    one_node("pad_constant", "Pad", (2, 3, 4, 5), [("p", i64([0, 0, 1, 2, 0, 0, 2, 1])), ("v", np.array(0.5, np.float32))], opset=13)
    one_node("dropout", "Dropout", (2, 3, 4, 5), opset=13)
    one_node("identity", "Identity", (2, 3, 4, 5))


def make_torch_models():
    import torch
    import torch.nn as nn

    torch.manual_seed(20240607)

    def bn(c):
        return nn.BatchNorm2d(c)

    class Basic(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = bn(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = bn(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return torch.relu(y + (x if self.down is None else self.down(x)))

    class TinyResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 7, 2, 3, bias=False), bn(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            self.layers = nn.Sequential(Basic(8, 8, 1), Basic(8, 16, 2), Basic(16, 24, 2))
            self.fc = nn.Linear(24, 14)

        def forward(self, x):
            x = self.layers(self.stem(x))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class SE(nn.Module):
        def __init__(self, c, gate):
            super().__init__()
            self.f1 = nn.Conv2d(c, max(c // 4, 4), 1)
            self.f2 = nn.Conv2d(max(c // 4, 4), c, 1)
            self.gate = gate

        def forward(self, x):
            s = x.mean((2, 3), keepdim=True)
            return x * self.gate(self.f2(torch.relu(self.f1(s))))

    class Inverted(nn.Module):
        def __init__(self, cin, cout, k, stride, act, se):
            super().__init__()
            mid = cin * 4
            self.expand = nn.Sequential(nn.Conv2d(cin, mid, 1, bias=False), bn(mid), act())
            self.dw = nn.Sequential(nn.Conv2d(mid, mid, k, stride, k // 2, groups=mid, bias=False), bn(mid), act())
            self.se = se(mid) if se else nn.Identity()
            self.project = nn.Sequential(nn.Conv2d(mid, cout, 1, bias=False), bn(cout))
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            y = self.project(self.se(self.dw(self.expand(x))))
            return x + y if self.residual else y

    class TinyMobileNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), bn(8), nn.ReLU6())
            self.blocks = nn.Sequential(
                Inverted(8, 8, 3, 1, nn.ReLU6, None),
                Inverted(8, 12, 3, 2, nn.Hardswish, lambda c: SE(c, nn.Hardsigmoid())),
                Inverted(12, 12, 5, 1, nn.SiLU, lambda c: SE(c, nn.Sigmoid())),
                Inverted(12, 16, 5, 2, nn.SiLU, None),
            )
            self.head = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False), bn(32), nn.Hardswish())
            self.fc = nn.Sequential(nn.Linear(32, 24), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(24, 14))

        def forward(self, x):
            x = self.head(self.blocks(self.stem(x)))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class DenseLayer(nn.Module):
        def __init__(self, cin, growth):
            super().__init__()
            self.b1 = bn(cin)
            self.c1 = nn.Conv2d(cin, 2 * growth, 1, bias=False)
            self.b2 = bn(2 * growth)
            self.c2 = nn.Conv2d(2 * growth, growth, 3, 1, 1, bias=False)

        def forward(self, features):
            x = torch.cat(features, 1)
            return self.c2(torch.relu(self.b2(self.c1(torch.relu(self.b1(x))))))

    class TinyDenseNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), bn(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            self.block1 = nn.ModuleList([DenseLayer(8 + 4 * i, 4) for i in range(3)])
            self.trans = nn.Sequential(bn(20), nn.ReLU(), nn.Conv2d(20, 10, 1, bias=False), nn.AvgPool2d(2, 2))
            self.block2 = nn.ModuleList([DenseLayer(10 + 4 * i, 4) for i in range(2)])
            self.final = bn(18)
            self.fc = nn.Linear(18, 14)

        def forward(self, x):
            features = [self.stem(x)]
            for layer in self.block1:
                features.append(layer(features))
            features = [self.trans(torch.cat(features, 1))]
            for layer in self.block2:
                features.append(layer(features))
            x = torch.relu(self.final(torch.cat(features, 1)))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class TinyInception(nn.Module):
        """Inception-v3's input transform, 1x7/7x1 and an AveragePool(count_include_pad) branch."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 0), nn.ReLU())
            self.b1 = nn.Sequential(nn.Conv2d(8, 6, (1, 7), padding=(0, 3)), nn.ReLU(), nn.Conv2d(6, 6, (7, 1), padding=(3, 0)), nn.ReLU())
            self.b2 = nn.Sequential(nn.AvgPool2d(3, 1, 1), nn.Conv2d(8, 4, 1), nn.ReLU())
            self.b3 = nn.Sequential(nn.AvgPool2d(3, 1, 1, count_include_pad=False), nn.Conv2d(8, 4, 1), nn.ReLU())
            self.pool = nn.MaxPool2d(3, 2)
            self.fc = nn.Linear(14, 14)

        def forward(self, x):
            x0 = torch.unsqueeze(x[:, 0], 1) * (0.229 / 0.5) + (0.485 - 0.5) / 0.5
            x1 = torch.unsqueeze(x[:, 1], 1) * (0.224 / 0.5) + (0.456 - 0.5) / 0.5
            x2 = torch.unsqueeze(x[:, 2], 1) * (0.225 / 0.5) + (0.406 - 0.5) / 0.5
            x = self.stem(torch.cat((x0, x1, x2), 1))
            x = self.pool(torch.cat([self.b1(x), self.b2(x), self.b3(x)], 1))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class TinyStems(nn.Module):
        """A ResNet stem wide enough (32 channels) for chexstats' direct kernel, whose 3x3/2 max
        pooling (padding 1) is then fused into the convolution, and an Inception-v3-style 3x3
        convolution + 3x3/2 max pooling without padding, fused the same way."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 32, 7, 2, 3, bias=False), bn(32), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            self.mid = nn.Sequential(nn.Conv2d(32, 32, 3, 1, 1, bias=False), bn(32), nn.ReLU(), nn.MaxPool2d(3, 2))
            self.fc = nn.Linear(32, 14)

        def forward(self, x):
            x = self.mid(self.stem(x))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class Bottleneck(nn.Module):
        """torchvision's ResNet50 block (stride on the 3x3, 1x1 downsampling projection)."""

        def __init__(self, cin, mid, cout, stride):
            super().__init__()
            self.c1, self.b1 = nn.Conv2d(cin, mid, 1, bias=False), bn(mid)
            self.c2, self.b2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False), bn(mid)
            self.c3, self.b3 = nn.Conv2d(mid, cout, 1, bias=False), bn(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = torch.relu(self.b2(self.c2(y)))
            y = self.b3(self.c3(y))
            return torch.relu(y + (x if self.down is None else self.down(x)))

    class TinyBottlenecks(nn.Module):
        """A ResNet50-shaped network with channel counts of 32 and more, so that chexstats' direct
        and Winograd kernels take every layer and its activations after the stem go channels-last:
        a fused stem, bottlenecks with a projection, an identity residual, a 3x3/2 and a 1x1/2
        layer, Winograd 3x3 layers (16x16 planes at 64x64 input), a global average."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 32, 7, 2, 3, bias=False), bn(32), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            self.layers = nn.Sequential(Bottleneck(32, 32, 64, 1), Bottleneck(64, 32, 64, 1),
                                        Bottleneck(64, 64, 128, 2))
            self.fc = nn.Linear(128, 14)

        def forward(self, x):
            x = self.layers(self.stem(x))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    class TinyInverted(nn.Module):
        """MobileNetV2/EfficientNet blocks wide enough (32+ channels, 24x24 and 12x12 planes) for
        chexstats' channels-last path: expansions, depthwise 3x3 and 5x5 (stride 1 and 2),
        projections with and without a residual, a squeeze-excitation whose product reads the
        depthwise output (so that one stays NCHW), a 1x1 head and a global average."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), bn(32), nn.ReLU6())
            self.blocks = nn.Sequential(
                Inverted(32, 32, 3, 1, nn.ReLU6, None),
                Inverted(32, 64, 5, 2, nn.ReLU6, None),
                Inverted(64, 64, 3, 1, nn.SiLU, lambda c: SE(c, nn.Sigmoid())))
            self.head = nn.Sequential(nn.Conv2d(64, 128, 1, bias=False), bn(128), nn.ReLU6())
            self.fc = nn.Linear(128, 14)

        def forward(self, x):
            x = self.head(self.blocks(self.stem(x)))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    def calibrate(model, size):
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
                if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
            model.train()
            for _ in range(3):
                model(torch.randn(8, 3, size, size))
            model.eval()

    size = 40
    for name, model in [("resnet_tiny", TinyResNet()), ("mobilenet_tiny", TinyMobileNet()),
                        ("densenet_tiny", TinyDenseNet()), ("inception_tiny", TinyInception()),
                        ("stems_tiny", None), ("bottleneck_tiny", None), ("inverted_tiny", None)]:
        # Added later: built after the others, each from its own seed, so that the earlier
        # fixtures stay as they were.
        if name == "stems_tiny":
            torch.manual_seed(20261129)
            model = TinyStems()
        if name == "bottleneck_tiny":
            torch.manual_seed(20261130)
            model = TinyBottlenecks()
            size = 64
        if name == "inverted_tiny":
            torch.manual_seed(20261201)
            model = TinyInverted()
            size = 48
        calibrate(model, size)
        x = torch.randn(2, 3, size, size)
        with torch.no_grad():
            expected = model(x).numpy()
        for exporter in ["legacy17", "dynamo"]:
            folder = os.path.join(OUT, f"{name}_{exporter}")
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, "model.onnx")
            try:
                if exporter == "legacy17":
                    torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, input_names=["x"],
                                      output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
                else:
                    torch.onnx.export(model, (x,), path, dynamo=True, external_data=False, input_names=["x"],
                                      output_names=["logits"], dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
            except Exception as error:  # the dynamo exporter needs onnxscript
                print(f"skipping {name} {exporter}: {error}")
                shutil.rmtree(folder, ignore_errors=True)
                continue
            model_proto = onnx.load(path)
            ops = sorted({n.op_type for n in model_proto.graph.node})
            os.remove(path)
            save(f"{name}_{exporter}", model_proto, x.numpy(), {
                "opset": model_proto.opset_import[0].version, "nodes": len(model_proto.graph.node), "ops": ops,
                "max_abs_torch_minus_ort": None})
            y = np.load(os.path.join(folder, "ort_output.npy"))
            cases[f"{name}_{exporter}"]["max_abs_torch_minus_ort"] = float(np.abs(y - expected).max())


def make_pad_cases():
    """Pad in every mode (added later, own seed): pads larger than 1, asymmetric, on H and W;
    reflect at its limit (pad = axis - 1); negative pads (crop first, then pad, as onnxruntime
    does); the axes input (opset 18); the attribute form (opset 2); wrap (opset 19)."""
    global rng
    rng = np.random.default_rng(20261206)

    def pad(name, x_shape, pads, mode, opset, axes=None, value=None):
        inits = [("p", i64(pads))]
        names = ["x", "p"]
        if value is not None or axes is not None:
            names.append("v" if value is not None else "")
            if value is not None:
                inits.append(("v", np.array(value, np.float32)))
        if axes is not None:
            names.append("a")
            inits.append(("a", i64(axes)))
        one_node(name, "Pad", x_shape, inits, {"mode": mode}, opset=opset, input_names=names)

    pad("pad_reflect_hw", (2, 3, 6, 7), [0, 0, 2, 3, 0, 0, 1, 2], "reflect", 13)
    pad("pad_reflect_limit", (2, 3, 6, 7), [0, 0, 5, 6, 0, 0, 5, 6], "reflect", 13)
    pad("pad_edge_hw", (2, 3, 5, 6), [0, 0, 3, 1, 0, 0, 0, 4], "edge", 13)
    pad("pad_edge_bottom_right", (2, 4, 9, 9), [0, 0, 0, 0, 0, 0, 1, 1], "edge", 11)
    pad("pad_wrap_beyond_axis", (2, 3, 4, 5), [0, 0, 5, 1, 0, 0, 2, 6], "wrap", 19)
    pad("pad_reflect_negative_axes", (2, 3, 6, 7), [2, -1, -1, 3], "reflect", 18, axes=[3, -2])
    pad("pad_edge_crop", (2, 3, 6, 7), [0, -1, -2, 2, 0, 0, 3, -1], "edge", 13)
    pad("pad_constant_axes_value", (2, 3, 4, 5), [1, 2, 3, 0], "constant", 18, axes=[2, 3], value=-1.5)
    # Opset 2: pads and value are attributes.
    one_node("pad_reflect_attributes_opset2", "Pad", (2, 3, 5, 6),
             attrs={"mode": "reflect", "pads": [0, 0, 1, 2, 0, 0, 3, 1]}, opset=2)

    # onnxruntime refuses a reflect pad as long as its axis: so must chexstats.
    x = f32(1, 2, 4, 5)
    node = helper.make_node("Pad", ["x", "p"], ["y"], name="pad_node", mode="reflect")
    graph = helper.make_graph(
        [node], "pad_reflect_too_large", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2, 4, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[numpy_helper.from_array(i64([0, 0, 0, 5, 0, 0, 0, 0]), "p")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="chexstats-fixtures")
    model.ir_version = 8
    folder = os.path.join(OUT, "pad_reflect_too_large")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    np.save(os.path.join(folder, "input.npy"), x)
    try:
        run_ort(model.SerializeToString(), x)
        raise SystemExit("onnxruntime ran pad_reflect_too_large; expected it to refuse")
    except Exception as error:  # onnxruntime's InvalidArgument
        message = str(error)
        refused["pad_reflect_too_large"] = {"ort_error": message[message.find("Pad reflect"):].strip()}


def make_layout_cases():
    """Models whose input is NHWC behind a Transpose to NCHW (what TF/Keras exports through tf2onnx
    look like, added later, own seed): one built with onnx.helper as tf2onnx writes it, and a torch
    module that permutes its input first (Keras-style edge padding before max pooling, a stem wide
    enough for chexstats' own kernels)."""
    global rng
    rng = np.random.default_rng(20261207)
    # tf2onnx's shape: [unk, H, W, C] -> Transpose(0, 3, 1, 2) -> Conv -> Relu -> Pad(edge) ->
    # MaxPool -> Conv -> GlobalAveragePool -> Flatten -> Gemm.
    x = f32(2, 12, 10, 3)
    w1, b1 = f32(8, 3, 3, 3, scale=0.3), f32(8, scale=0.1)
    w2, b2 = f32(16, 8, 3, 3, scale=0.2), f32(16, scale=0.1)
    fc, fb = f32(5, 16, scale=0.3), f32(5, scale=0.1)
    nodes = [
        helper.make_node("Transpose", ["input_1"], ["nchw"], name="transpose_input", perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Pad", ["r1", "pads"], ["p1"], name="pad_edge", mode="edge"),
        helper.make_node("MaxPool", ["p1"], ["m1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["m1", "w2", "b2"], ["c2"], name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["c2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc", "fb"], ["logits"], name="dense", transB=1),
    ]
    inits = [numpy_helper.from_array(v, n) for n, v in
             [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("fc", fc), ("fb", fb),
              ("pads", i64([0, 0, 0, 0, 0, 0, 1, 1]))]]
    graph = helper.make_graph(
        nodes, "nhwc_tf2onnx", [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__0", 12, 10, 3])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["unk__0", 5])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="chexstats-fixtures")
    model.ir_version = 8
    save("nhwc_tf2onnx", model, x, {"layout": "NHWC behind Transpose(0, 3, 1, 2)"})

    import torch
    import torch.nn as nn

    torch.manual_seed(20261207)

    class PermutedInput(nn.Module):
        """A Keras-shaped network: NHWC input permuted to NCHW, a 32-channel 3x3/2 stem, edge
        padding (bottom and right) before a 2x2 max pooling, a 3x3 layer, global average, linear."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
            self.conv = nn.Sequential(nn.Conv2d(32, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
            self.fc = nn.Linear(32, 14)

        def forward(self, x):
            x = self.stem(x.permute(0, 3, 1, 2))
            x = nn.functional.max_pool2d(nn.functional.pad(x, (0, 1, 0, 1), mode="replicate"), 2)
            x = self.conv(x)
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    model = PermutedInput()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
        model.train()
        for _ in range(3):
            model(torch.randn(8, 41, 39, 3))
    model.eval()
    x = torch.randn(2, 41, 39, 3)
    with torch.no_grad():
        expected = model(x).numpy()
    folder = os.path.join(OUT, "nhwc_permuted_legacy17")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    model_proto = onnx.load(path)
    os.remove(path)
    save("nhwc_permuted_legacy17", model_proto, x.numpy(), {
        "layout": "NHWC behind Transpose(0, 3, 1, 2)", "opset": model_proto.opset_import[0].version,
        "nodes": len(model_proto.graph.node), "ops": sorted({n.op_type for n in model_proto.graph.node})})
    y = np.load(os.path.join(folder, "ort_output.npy"))
    cases["nhwc_permuted_legacy17"]["max_abs_torch_minus_ort"] = float(np.abs(y - expected).max())


def write_cases():
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"_provenance": provenance(), "seed": 20240607, "cases": cases, "refused": refused}, f, indent=1,
                  sort_keys=True)


if __name__ == "__main__":
    import sys

    parts = sys.argv[1:]
    if parts:
        # Only the named later groups, merged into the committed cases.json.
        with open(os.path.join(OUT, "cases.json")) as f:
            existing = json.load(f)
        cases.update(existing["cases"])
        refused.update(existing.get("refused", {}))
        if "pad" in parts:
            make_pad_cases()
        if "layout" in parts:
            make_layout_cases()
        write_cases()
        raise SystemExit(0)
    # Everything but fuzz/ (inputs the fuzzers found, not made here).
    os.makedirs(OUT, exist_ok=True)
    for entry in os.listdir(OUT):
        if entry != "fuzz":
            path = os.path.join(OUT, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    make_one_node_cases()
    make_torch_models()
    make_pad_cases()
    make_layout_cases()
    write_cases()
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("Made by notebooks-export/make_inference_fixtures.py (see cases.json for versions); "
                "each folder: model.onnx, input.npy, ort_output.npy (onnxruntime reference).\n")
    print(json.dumps(cases, indent=1)[:3000])
