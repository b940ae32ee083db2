"""Speed of chexstats' inference engine against onnxruntime, same machine, same run.

Run from the repository root (release build first: swift build -c release --product inference-bench):
    env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_inference.py [--batch 8] [--threads 1,2] [MODEL ...]
Exports torchvision resnet18 / resnet50 / mobilenet_v2 / densenet121 / efficientnet_b0 with random
weights (BatchNorm statistics calibrated on N(0,1) batches) to $CHEXBENCH_DIR (default /tmp/chexbench,
not committed), a Bx3x320x320 N(0,1) input (seed 0), then times onnxruntime 1.32 (default
optimisations, 1 and 2 intra-op threads; median of 10 after one warm-up) and the inference-bench
binary with the same thread counts (median of 10). Prints the load average first and last: rerun when
it is above ~1.5 (the machine has 2 cores).
Versions: torch 2.13.0+cpu, torchvision 0.28.0, onnx 1.23.2, onnxruntime 1.32.0.
"""

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
batch = 1
thread_counts = (1, 2)
if "--batch" in arguments:
    index = arguments.index("--batch")
    batch = int(arguments[index + 1])
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
    for threads in thread_counts:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        y = session.run(None, {"x": x})[0]
        np.save(f"{OUT}/{name}_ort.npy", y)
        times = []
        for _ in range(10):
            start = time.perf_counter()
            session.run(None, {"x": x})
            times.append((time.perf_counter() - start) * 1000)
        print(f"onnxruntime {name} batch={batch} threads={threads} median={statistics.median(times):.2f}ms min={min(times):.2f}ms")
    for threads in thread_counts:
        result = subprocess.run([".build/release/inference-bench", path, input_path, str(threads), "10", f"{OUT}/{name}_chex.npy"],
                                capture_output=True, text=True)
        print(result.stdout.strip() or result.stderr.strip())
        ours = np.load(f"{OUT}/{name}_chex.npy")
        reference = np.load(f"{OUT}/{name}_ort.npy")
        print(f"  max |chexstats - onnxruntime| = {np.abs(ours - reference).max():.2e} (max |logit| {np.abs(reference).max():.3f})")
print(f"load average {os.getloadavg()[0]:.2f}")
