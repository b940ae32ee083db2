"""Speed of chexstats' inference engine against onnxruntime, same machine, same run.

Run from the repository root (release build first: swift build -c release --product chexstats-bench):
    env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_inference.py [--batch 8] [--threads 1,2] [--rounds 3] [MODEL ...]
Exports torchvision resnet18 / resnet50 / mobilenet_v2 / densenet121 / efficientnet_b0 with random
weights (BatchNorm statistics calibrated on N(0,1) batches) to $CHEXBENCH_DIR (default /tmp/chexbench,
not committed), a Bx3x320x320 N(0,1) input (seed 0), then, per thread count (1 and 2), times
onnxruntime 1.32 (default optimisations; median of 10 after 0.3 s of warm-up) and the chexstats-bench inference
binary three times, with chexstats' own AVX-512 kernels (`automatic`, the default), with those and
Winograd F(4x4, 3x3) (`fast`) and with the OpenBLAS path (median of 10 each),
in 3 interleaved rounds whose medians are reported (the machine's speed drifts between runs),
checks each output against onnxruntime's and prints a Markdown table with the ratios (onnxruntime
time / chexstats time = chexstats throughput relative to onnxruntime, taken within each round, median
over rounds) and GFLOP/s (Conv + Gemm, from onnx shape inference). Prints the load average first and last: rerun when
it is above ~1.5 (the machine has 2 cores).
Versions: torch 2.13.0+cpu, torchvision 0.28.0, onnx 1.23.2, onnxruntime 1.32.0.
"""

import gc
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
import torch

lib = torch.library.Library("torchvision", "DEF")
lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
lib.define("qnms(Tensor qdets, Tensor qscores, Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

OUT = os.environ.get("CHEXBENCH_DIR", "/tmp/chexbench")
os.makedirs(OUT, exist_ok=True)
arguments = sys.argv[1:]
batch = 1
thread_counts = (1, 2)
if "--batch" in arguments:
    index = arguments.index("--batch")
    batch = int(arguments[index + 1])
    del arguments[index:index + 2]
rounds = 3
if "--rounds" in arguments:
    index = arguments.index("--rounds")
    rounds = int(arguments[index + 1])
    del arguments[index:index + 2]
if "--threads" in arguments:
    index = arguments.index("--threads")
    thread_counts = tuple(int(t) for t in arguments[index + 1].split(","))
    del arguments[index:index + 2]
torch.manual_seed(0)
x = np.random.default_rng(0).standard_normal((batch, 3, 320, 320)).astype(np.float32)
input_path = f"{OUT}/input_b{batch}.npy"
np.save(input_path, x)
names = arguments or ["resnet18", "resnet50", "mobilenet_v2", "densenet121", "efficientnet_b0"]
print(f"batch={batch} load average {os.getloadavg()[0]:.2f}")
rows = []


def conv_gemm_gflop(path, batch):
    """GFLOP of Conv and Gemm at this batch (2 per multiply-add), from onnx's shape inference."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    shapes = {v.name: [d.dim_value or batch for d in v.type.tensor_type.shape.dim]
              for v in list(model.graph.value_info) + list(model.graph.output) + list(model.graph.input)}
    weights = {t.name: list(t.dims) for t in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            out = shapes[node.output[0]]
            w = weights[node.input[1]]
            total += 2 * batch * out[1] * out[2] * out[3] * w[1] * w[2] * w[3]
        elif node.op_type == "Gemm":
            w = weights[node.input[1]]
            total += 2 * batch * w[0] * w[1]
    return total / 1e9


for name in names:
    path = f"{OUT}/{name}.onnx"
    if not os.path.exists(path):
        model = getattr(torchvision.models, name)(num_classes=14)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
            model.train()
            for _ in range(2):
                model(torch.randn(4, 3, 128, 128))
        model.eval()
        torch.onnx.export(model, (torch.from_numpy(x[:1]),), path, dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["logits"], dynamic_axes={"x": {0: "batch"}})
    gflop = conv_gemm_gflop(path, batch)
    for threads in thread_counts:
        medians = {"ort": [], "automatic": [], "fast": [], "openblas": []}
        row = {"model": name, "threads": threads}
        # Rounds interleave the engines, so a slow spell of the machine hits all of them. The
        # onnxruntime session is closed before chexstats runs: its idle threads spin for a while
        # after each run and would share the cores with the next process.
        for _ in range(rounds):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            reference = session.run(None, {"x": x})[0]
            warm = time.perf_counter()
            while time.perf_counter() - warm < 0.3:  # the same warm-up as chexstats-bench inference
                session.run(None, {"x": x})
            times = []
            for _ in range(10):
                start = time.perf_counter()
                session.run(None, {"x": x})
                times.append((time.perf_counter() - start) * 1000)
            medians["ort"].append(statistics.median(times))
            del session
            gc.collect()
            time.sleep(0.5)
            for kernels in ("automatic", "fast", "openblas"):
                result = subprocess.run([".build/release/chexstats-bench", "inference", path, input_path, str(threads), "10",
                                         f"{OUT}/{name}_chex.npy", kernels], capture_output=True, text=True)
                line = result.stdout.strip() or result.stderr.strip()
                medians[kernels].append(float(line.split("median=")[1].split("ms")[0]))
                ours = np.load(f"{OUT}/{name}_chex.npy")
                row[kernels + "_diff"] = max(row.get(kernels + "_diff", 0), float(np.abs(ours - reference).max()))
        for engine, values in medians.items():
            row[engine] = statistics.median(values)
        # The ratio is taken within each round (the engines ran back to back) and then the median
        # over rounds: slow spells of the shared machine hit both sides of a round.
        for kernels in ("automatic", "fast", "openblas"):
            row[kernels + "_ratio"] = statistics.median(o / c for o, c in zip(medians["ort"], medians[kernels]))
        for engine, values in medians.items():
            print(f"{engine:9s} {name} batch={batch} threads={threads} median of {rounds} rounds "
                  f"{row[engine]:.2f}ms (rounds: {', '.join(f'{v:.1f}' for v in values)})")
        print(f"  max |chexstats - onnxruntime| = {row['automatic_diff']:.2e} / {row['fast_diff']:.2e} / "
              f"{row['openblas_diff']:.2e} "
              f"(max |logit| {np.abs(reference).max():.3f})")
        rows.append(row | {"gflop": gflop})
print(f"load average {os.getloadavg()[0]:.2f}")
print()
print(f"| model (batch {batch}) | threads | onnxruntime ms | chexstats ms (automatic) | ratio | chexstats ms (fast) | ratio | "
      "chexstats ms (OpenBLAS path) | ratio | GFLOP/s ORT / chexstats | max abs diff automatic / fast |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['model']} | {r['threads']} | {r['ort']:.1f} | {r['automatic']:.1f} | {r['automatic_ratio']:.2f}x | "
          f"{r['fast']:.1f} | {r['fast_ratio']:.2f}x | {r['openblas']:.1f} | {r['openblas_ratio']:.2f}x | "
          f"{r['gflop'] / r['ort'] * 1000:.0f} / {r['gflop'] / r['automatic'] * 1000:.0f} | "
          f"{r['automatic_diff']:.1e} / {r['fast_diff']:.1e} |")
