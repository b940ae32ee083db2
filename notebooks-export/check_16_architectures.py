"""Whole-model check of chexstats against onnxruntime on the 16 CheXpert architectures.

For each architecture (torchvision DenseNet121/169/201, ResNet18/34/50/101, Inception-v3,
MNASNet1.0, MobileNetV2, MobileNetV3-Large, EfficientNet-B0..B3 and timm's Inception-v4), with
14 outputs, random weights made to look trained (small random biases, random BatchNorm affine
parameters, running statistics calibrated on N(0,1) batches in train mode, so logits stay O(1)):

1. export to ONNX at 1x3x320x320 with both exporters: legacy (dynamo=False, opset 17) and dynamo
   (default opset), into a scratch folder outside the repository (the files are 9-170 MB);
2. `chexstats inspect --format json`: must succeed; its node and op counts and its parameter count
   must equal those of the onnx package (parameters: initializer elements without BatchNormalization
   running statistics), and its FLOPs must equal an independent count from forward hooks on the torch
   Conv2d/Linear modules (2 per multiply-add);
3. `chexstats run` on one N(0,1) image vs onnxruntime (CPU provider, default graph optimisations,
   one thread) on the same file: max |difference|, max |logit|; pass if
   max |diff| <= 1e-4 * max(1, max |logit|).

Prints a Markdown table and writes it, with versions and date, to
notebooks-export/check_16_architectures.md.

Usage (from the repository root, after `swift build -c release`):
  python3 notebooks-export/check_16_architectures.py [--out /tmp/chex16] [--keep] [model ...]
  (--batch 3 --threads 2 --results /tmp/batched.md: a symbolic-batch export, 3 images, 2 threads;
   --size 299: another input size, odd so that stride-2 layers round;
   --kernels fast --results notebooks-export/check_16_architectures_fast.md: Winograd F(4x4, 3x3))
Needs torch 2.13.0+cpu, torchvision 0.28.0, timm, onnx, onnxruntime, onnxscript.
"""

import argparse
import copy
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
import torch

# PyPI's torchvision is CUDA-linked; declaring the two operator schemas first lets the CPU torch
# import it (see shared/reference/python-tooling.md, "Model anchors").
_lib = torch.library.Library("torchvision", "DEF")
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import timm  # noqa: E402
import torchvision  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.path.join(ROOT, ".build", "release", "chexstats")
SIZE = 320

MODELS = [
    "densenet121", "densenet169", "densenet201",
    "resnet18", "resnet34", "resnet50", "resnet101",
    "inception_v3", "inception_v4", "mnasnet1_0", "mobilenet_v2", "mobilenet_v3_large",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
]


def build(name):
    torch.manual_seed(0)
    if name == "inception_v4" or not hasattr(torchvision.models, name):
        return timm.create_model(name, pretrained=False, num_classes=14)
    if name == "inception_v3":
        # transform_input=True is what loading ImageNet weights sets; it adds Gather/Unsqueeze/Mul/
        # Add/Concat at the input, which the engine must handle too.
        return torchvision.models.inception_v3(num_classes=14, aux_logits=False, transform_input=True,
                                               init_weights=True)
    return getattr(torchvision.models, name)(num_classes=14)


def look_trained(model):
    """Small random biases and BatchNorm affine parameters, running statistics from train-mode batches."""
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_((torch.rand(m.bias.shape, generator=generator) - 0.5) * 0.4)
                m.momentum = None  # cumulative average over the calibration batches
                m.reset_running_stats()
            elif isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and m.bias is not None:
                m.bias.copy_((torch.rand(m.bias.shape, generator=generator) - 0.5) * 0.2)
        model.train()
        for _ in range(2):
            model(torch.randn(4, 3, SIZE, SIZE, generator=generator))
    return model.eval()


def torch_flops(model, x):
    """2 x multiply-adds of every Conv2d and Linear, from forward hooks (independent of ONNX)."""
    macs = [0]

    def hook(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            macs[0] += output.numel() * (module.in_channels // module.groups) * kh * kw
        else:
            macs[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    return 2 * macs[0], y.numpy()


def onnx_parameters(path):
    g = onnx.load(path, load_external_data=False).graph
    stats = {i for n in g.node if n.op_type == "BatchNormalization" for i in n.input[3:5]}
    total = 0
    for t in g.initializer:
        if t.name not in stats:
            total += int(np.prod(t.dims, dtype=np.int64))
    ops = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return total, len(g.node), ops, g.input[0].name


def ort_run(path, x):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def check(name, out_dir, keep, batch=1, threads=1, kernels="automatic"):
    model = look_trained(build(name))
    x = torch.randn(batch, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(2))
    flops, y_torch = torch_flops(model, x)
    flops //= batch  # per image: `chexstats inspect` takes a symbolic batch dimension as 1
    with torch.no_grad():  # a float64 reference: how far is each float32 engine from exact arithmetic?
        y_exact = copy.deepcopy(model).double()(x.double()).numpy()
    x_path = os.path.join(out_dir, f"{name}_input.npy")
    np.save(x_path, x.numpy())
    rows = []
    for exporter in ["legacy17", "dynamo"]:
        row = {"model": name, "exporter": exporter, "torch_flops": flops,
               "torch_parameters": sum(p.numel() for p in model.parameters())}
        path = os.path.join(out_dir, f"{name}_{exporter}.onnx")
        started = time.time()
        try:
            # Batch 1: a fixed input shape; a larger batch: a symbolic batch dimension.
            if exporter == "legacy17":
                axes = {"x": {0: "batch"}, "logits": {0: "batch"}} if batch > 1 else None
                torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17,
                                  input_names=["x"], output_names=["logits"], dynamic_axes=axes)
            else:
                shapes = {"x": {0: torch.export.Dim("batch")}} if batch > 1 else None
                torch.onnx.export(model, (x,), path, dynamo=True, external_data=False,
                                  input_names=["x"], output_names=["logits"], dynamic_shapes=shapes)
        except Exception as error:  # noqa: BLE001 — recorded in the table
            row.update(status="export failed", error=f"{type(error).__name__}: {error}"[:300])
            rows.append(row)
            continue
        row["export_s"] = time.time() - started
        params, nodes, ops, _ = onnx_parameters(path)
        row.update(onnx_parameters=params, nodes=nodes, opset=onnx.load(path, load_external_data=False).opset_import[0].version,
                   mb=os.path.getsize(path) / 1e6)
        y_ort = ort_run(path, x.numpy())
        row["torch_vs_ort"] = float(np.abs(y_ort - y_torch).max())
        row["ort_vs_float64"] = float(np.abs(y_ort - y_exact).max())
        inspect = subprocess.run([BINARY, "inspect", "--format", "json", path], capture_output=True, text=True)
        if inspect.returncode != 0:
            row.update(status="inspect failed", error=last_line(inspect.stderr))
        else:
            summary = json.loads(inspect.stdout)
            row["chex_parameters"] = summary["parameters"]
            row["chex_flops"] = (summary.get("flops") or {}).get("total")
            row["chex_ops_match"] = summary.get("op_counts") == ops and summary.get("nodes") == nodes
        y_path = os.path.join(out_dir, f"{name}_{exporter}_chex.npy")
        started = time.time()
        run = subprocess.run([BINARY, "run", path, "--input", x_path, "--output", y_path,
                              "--threads", str(threads), "--kernels", kernels], capture_output=True, text=True)
        row["run_s"] = time.time() - started
        if run.returncode != 0:
            row.setdefault("status", "run failed")
            row["error"] = (row.get("error", "") + " " + last_line(run.stderr)).strip()
        else:
            y_chex = np.load(y_path)
            scale = float(np.abs(y_ort).max())
            diff = float(np.abs(y_chex.astype(np.float64) - y_ort).max()) if y_chex.shape == y_ort.shape else float("inf")
            row.update(max_abs_diff=diff, max_abs_logit=scale, tolerance=1e-4 * max(1.0, scale),
                       chex_vs_float64=float(np.abs(y_chex - y_exact).max()))
            problems = []
            if not diff <= row["tolerance"]:
                # Not within the rule; say whether chexstats is still as close to exact arithmetic as
                # onnxruntime is (then the difference is float32 rounding in an ill-conditioned net).
                noise = row["chex_vs_float64"] <= 2 * row["ort_vs_float64"]
                problems.append("output differs" + (" (float32 noise: as close to float64 as onnxruntime)"
                                                    if noise else ""))
            if row.get("chex_parameters") != params:
                problems.append(f"parameters {row.get('chex_parameters')} != {params}")
            if not row.get("chex_ops_match"):
                problems.append("node or op counts differ from the onnx package's")
            if row.get("chex_flops") != flops:
                problems.append(f"FLOPs {row.get('chex_flops')} != torch {flops}")
            row.setdefault("status", "pass" if not problems else "FAIL: " + "; ".join(problems))
        if not keep:
            for p in (path, y_path):
                if os.path.exists(p):
                    os.remove(p)
        print(json.dumps(row), flush=True)
        rows.append(row)
    os.remove(x_path)
    return rows


def table(rows):
    head = ("| model | exporter | opset | nodes | parameters (chexstats = ONNX) | GFLOP chexstats / torch hooks "
            "| max abs diff vs ORT | max abs logit | max abs diff vs float64 torch: chexstats / ORT | torch fp32 vs ORT "
            "| pass (<= 1e-4 x max(1, max abs logit)) | chexstats run s |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
    lines = []
    for r in rows:
        if "max_abs_diff" not in r:
            lines.append(f"| {r['model']} | {r['exporter']} | {r.get('opset', '')} | {r.get('nodes', '')} | | | | | | | "
                         f"**{r['status']}**: {r.get('error', '')} | |")
            continue
        p_ok = "=" if r.get("chex_parameters") == r.get("onnx_parameters") else "!="
        f_ok = "=" if r.get("chex_flops") == r["torch_flops"] else "!="
        chex_flops = r.get("chex_flops")
        chex_gflop = f"{chex_flops / 1e9:.3f}" if chex_flops is not None else "n/a"
        lines.append(
            f"| {r['model']} | {r['exporter']} | {r['opset']} | {r['nodes']} | "
            f"{r.get('chex_parameters', 0):,} {p_ok} {r['onnx_parameters']:,} | "
            f"{chex_gflop} {f_ok} {r['torch_flops'] / 1e9:.3f} | {r['max_abs_diff']:.2e} | "
            f"{r['max_abs_logit']:.3f} | {r['chex_vs_float64']:.2e} / {r['ort_vs_float64']:.2e} | "
            f"{r['torch_vs_ort']:.2e} | {r['status']} | {r['run_s']:.1f} |")
    return head + "\n".join(lines) + "\n"


def main():
    global SIZE
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/chex16")
    parser.add_argument("--keep", action="store_true", help="keep the exported .onnx files")
    parser.add_argument("--results", default=os.path.join(ROOT, "notebooks-export", "check_16_architectures.md"))
    parser.add_argument("--size", type=int, default=SIZE, help="input height and width (320 for CheXpert)")
    parser.add_argument("--batch", type=int, default=1, help="images per run (>1 exports a symbolic batch)")
    parser.add_argument("--threads", type=int, default=1, help="chexstats run --threads")
    parser.add_argument("--kernels", default="automatic", help="chexstats run --kernels (automatic, fast, openblas)")
    parser.add_argument("models", nargs="*", default=MODELS)
    args = parser.parse_args()
    SIZE = args.size
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `swift build -c release` first")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    rows = []
    for name in args.models:
        rows += check(name, args.out, args.keep, args.batch, args.threads, args.kernels)
    text = table(rows)
    print(text)
    passed = sum(r.get("status") == "pass" for r in rows)
    header = (
        "# chexstats vs onnxruntime on the 16 architectures\n\n"
        f"Made by notebooks-export/check_16_architectures.py on {datetime.date.today().isoformat()}; "
        f"torch {torch.__version__}, torchvision {torchvision.__version__}, timm {timm.__version__}, "
        f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}, "
        f"Python {platform.python_version()}; chexstats release build "
        f"({subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}).\n\n"
        "Random weights (small random biases, random BatchNorm affine parameters, running statistics "
        "calibrated on two N(0,1) batches of 4 in train mode), 14 outputs, "
        f"N(0,1) input {args.batch}x3x{SIZE}x{SIZE}, `chexstats run --threads {args.threads} --kernels {args.kernels}`. "
        "Reference: onnxruntime CPU provider, default graph optimisations, one thread, on the same file; "
        "for context, both are also compared with the same torch model run in float64. "
        "Parameters: initializer elements without BatchNormalization running statistics, counted by "
        "`chexstats inspect` and by the onnx package (node and op counts also compared). FLOPs: `chexstats inspect` vs forward hooks on "
        "torch's Conv2d/Linear modules (2 per multiply-add). Timings: whole `chexstats run` process "
        "(load + the batch), with other work on the machine.\n\n"
        f"{passed} of {len(rows)} exports pass.\n\n")
    with open(args.results, "w") as f:
        f.write(header + text)
    with open(os.path.splitext(args.results)[0] + ".json", "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
