"""Speed of chexstats' inference engine against onnxruntime, same machine, same run.

Run from the repository root (release build first: swift build -c release --product inference-bench):
    env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_inference.py
Exports torchvision resnet18 / mobilenet_v2 / densenet121 / efficientnet_b0 with random weights
(BatchNorm statistics calibrated on N(0,1) batches) to /tmp/chexbench (not committed), a 1x3x320x320
N(0,1) input (seed 0), then times onnxruntime 1.32 (default optimisations, 1 and 2 intra-op
threads; median of 10 after one warm-up) and the inference-bench binary (median of 10).
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

OUT = "/tmp/chexbench"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
x = np.random.default_rng(0).standard_normal((1, 3, 320, 320)).astype(np.float32)
np.save(f"{OUT}/input.npy", x)
names = sys.argv[1:] or ["resnet18", "mobilenet_v2", "densenet121", "efficientnet_b0"]
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
        torch.onnx.export(model, (torch.from_numpy(x),), path, dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["logits"], dynamic_axes={"x": {0: "batch"}})
    for threads in (1, 2):
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
        print(f"onnxruntime {name} threads={threads} median={statistics.median(times):.2f}ms min={min(times):.2f}ms")
    result = subprocess.run([".build/release/inference-bench", path, f"{OUT}/input.npy", "1", "10", f"{OUT}/{name}_chex.npy"],
                            capture_output=True, text=True)
    print(result.stdout.strip() or result.stderr.strip())
    ours = np.load(f"{OUT}/{name}_chex.npy")
    reference = np.load(f"{OUT}/{name}_ort.npy")
    print(f"  max |chexstats - onnxruntime| = {np.abs(ours - reference).max():.2e} (max |logit| {np.abs(reference).max():.3f})")
