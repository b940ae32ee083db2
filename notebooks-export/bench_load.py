"""Model loading time of chexstats' inference engine against onnxruntime's session creation,
same machine, same run.

Run from the repository root (release build first: swift build -c release --product chexstats-bench):
    python3 notebooks-export/bench_load.py [--rounds 3] [--repeats 7] [--before BINARY] [MODEL ...]
Exports torchvision resnet50 / densenet121 / efficientnet_b0 / mobilenet_v2 (the default list) with
random weights, BatchNorm statistics calibrated on N(0,1) batches, exactly as
notebooks-export/bench_inference.py does and to the same folder ($CHEXBENCH_DIR, default
/tmp/chexbench, not committed; legacy exporter, opset 17, dynamic batch). Then, per model, in
`--rounds` rounds interleaving the two engines:
- onnxruntime: `onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])` with
  `intra_op_num_threads = 1` and the default optimisation level (graph rewrites, NCHWc weight
  reordering), created `--repeats` times in this process after one untimed creation; the median;
- chexstats: `chexstats-bench load MODEL --repeats N` in its own process: `ONNXLoader.load` (read
  the file, decode the protobuf, convert the tensors), `InferenceSession.init` (checks) and
  `prepare(inputShape: [1, 3, 320, 320])` (lowering, constant folding, fusion, kernel selection,
  weight packing, memory plan), one untimed load first, then the median of N.
`--before BINARY` also times another chexstats-bench (an older build) in each round, for a
before/after table. Both sides read a file the page cache already holds. The ratio (onnxruntime / chexstats, above 1
means chexstats loads faster) is taken within each round and its median over the rounds reported,
since this shared 2-core machine drifts between rounds. Prints the load average first and last.
Versions: torch 2.13.0+cpu, torchvision 0.28.0, onnx 1.23.2, onnxruntime 1.32.0.
"""

import gc
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort
import torch

lib = torch.library.Library("torchvision", "DEF")
lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
lib.define("qnms(Tensor qdets, Tensor qscores, Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402

OUT = os.environ.get("CHEXBENCH_DIR", "/tmp/chexbench")
os.makedirs(OUT, exist_ok=True)
arguments = sys.argv[1:]


def option(name, default):
    if name in arguments:
        index = arguments.index(name)
        value = int(arguments[index + 1])
        del arguments[index:index + 2]
        return value
    return default


before = None
if "--before" in arguments:
    index = arguments.index("--before")
    before = arguments[index + 1]
    del arguments[index:index + 2]
rounds = option("--rounds", 3)
repeats = option("--repeats", 7)
names = arguments or ["resnet50", "densenet121", "efficientnet_b0", "mobilenet_v2"]
binary = ".build/release/chexstats-bench"


def export(name, path):
    """bench_inference.py's recipe: random weights, BatchNorm affine randomised and statistics
    calibrated in train mode, legacy exporter at opset 17 with a symbolic batch."""
    torch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((1, 3, 320, 320)).astype(np.float32)
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
    torch.onnx.export(model, (torch.from_numpy(x),), path, dynamo=False, opset_version=17,
                      input_names=["x"], output_names=["logits"], dynamic_axes={"x": {0: "batch"}})


def ort_seconds(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])  # untimed first creation
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        times.append(time.perf_counter() - start)
        del session
    return statistics.median(times)


def chexstats_seconds(path, binary=binary):
    result = subprocess.run([binary, "load", path, "--repeats", str(repeats)], capture_output=True, text=True)
    line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()
    if "median=" not in line:
        raise SystemExit(f"chexstats-bench load failed on {path}: {line}")
    return float(line.split("median=")[1].split("s")[0]), line


print(f"load average {os.getloadavg()[0]:.2f}; {repeats} creations per engine and round, {rounds} rounds")
rows = []
for name in names:
    path = f"{OUT}/{name}.onnx"
    if not os.path.exists(path):
        export(name, path)
    ours, theirs, ratios, olds, old_ratios = [], [], [], [], []
    for _ in range(rounds):
        o = ort_seconds(path)
        gc.collect()
        time.sleep(0.3)
        c, line = chexstats_seconds(path)
        print(f"  {name}: onnxruntime {o:.3f} s, chexstats {c:.3f} s   [{line}]")
        theirs.append(o)
        ours.append(c)
        ratios.append(o / c)
        if before:
            b, line = chexstats_seconds(path, before)
            print(f"  {name}: chexstats before {b:.3f} s   [{line}]")
            olds.append(b)
            old_ratios.append(o / b)
    rows.append((name, os.path.getsize(path) / 1e6, statistics.median(theirs), statistics.median(ours),
                 statistics.median(ratios), statistics.median(olds) if olds else None,
                 statistics.median(old_ratios) if old_ratios else None))
print(f"load average {os.getloadavg()[0]:.2f}")
print()
print("| model | file MB | onnxruntime session (s) | chexstats load + prepare (s) | onnxruntime / chexstats |"
      + (" chexstats before (s) | onnxruntime / before |" if before else ""))
print("|---|---:|---:|---:|---:|" + ("---:|---:|" if before else ""))
for name, size, o, c, ratio, b, old_ratio in rows:
    print(f"| {name} | {size:.1f} | {o:.3f} | {c:.3f} | {ratio:.2f}x |"
          + (f" {b:.3f} | {old_ratio:.2f}x |" if before else ""))
