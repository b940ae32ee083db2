#!/usr/bin/env python3
"""Makes the demo models data/models/tiny-a.onnx and tiny-b.onnx and the `chexstats score` fixture
Tests/chexstatsTests/Fixtures/score/ (onnxruntime's logits on the demo films, data/films).

Usage (from the repository root, after notebooks-export/make_demo_films.py):
    python3 notebooks-export/make_demo_models.py [--films data/films] [--models data/models]
        [--fixtures Tests/chexstatsTests/Fixtures/score]

Needs torch 2.13.0+cpu, torchvision 0.28.0, onnx 1.23.2, onnxruntime 1.32.0, Pillow 13.0.0, numpy
(the versions are printed and written into the fixture README). Deterministic: the seeds below fix
the weights; the exported files are byte-identical from run to run with these versions.

The models: a tiny CNN with random weights (no training: their AUROCs on the demo films mean
nothing; they exist so that `score` and `compare` have something real to run), 14 outputs in the
CheXpert order, input 1x3x320x320 NCHW with a dynamic batch axis:
    Conv 3x3 s2 (3->8)  + BN + ReLU, MaxPool 2   ->  8 x 80 x 80
    Conv 3x3 s2 (8->16) + BN + ReLU              -> 16 x 40 x 40
    Conv 3x3 s2 (16->32) + BN + ReLU             -> 32 x 20 x 20
    Conv 3x3 s1 (32->32) + BN + ReLU             -> 32 x 20 x 20
    global average pool, Linear (32 -> 14)       -> logits
Exported by torch's legacy exporter (dynamo=False, opset 17; it folds each BatchNorm into its Conv),
input named `input`, output `logits`, batch axis `batch`; the model's metadata_props hold
`labels` = the 14 names comma-separated, plus `producer_script` and `seed`.
Weights "look trained" (notebooks-export conventions): Kaiming-normal convolutions, small random
biases (an all-zero bias would be dropped or deduplicated by the exporters), random BatchNorm affine
parameters, running statistics calibrated in train mode on 4 batches of N(0, 1) inputs, and the
last layer scaled so that the logits on the demo films spread over about +-2.

The fixture: for each film of data/films/labels.csv, in list order, the CheXpert transform as the
CheXpert group's code writes it
    Image.open(path).convert('RGB') -> Resize(320) -> CenterCrop(320) -> ToTensor()
    -> Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
(torchvision on PIL images), batched, and run through onnxruntime (CPU provider, one thread, all
graph optimisations off). Written:
    tiny-a.logits.csv, tiny-b.logits.csv      Path + 14 columns, float32 logits printed with 9
                                              significant digits (round-trip exact)
    tiny-a.probabilities.csv, ...             sigmoid of those logits, computed in float64 from
                                              the float32 logits, 9 significant digits
    preprocess.csv                            per film: source size, resized size, crop offsets,
                                              the SHA-256 of the 3x320x320 float32 little-endian
                                              tensor bytes, and its sum / min / max (so a
                                              `chexstats preprocess` can be checked bit for bit
                                              without committing 12 MB of tensors)
    README.md                                 script, versions, what each file holds
"""

import argparse
import csv
import hashlib
import io
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import PIL
import torch
from PIL import Image
from torch import nn

_lib = torch.library.Library("torchvision", "DEF")  # the CUDA torchvision's extension does not load
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torchvision import transforms  # noqa: E402

OBSERVATIONS = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
    "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
    "Pleural Other", "Fracture", "Support Devices",
]
MODELS = {"tiny-a": 20261206, "tiny-b": 20261207}
SIZE = 320
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
SCRIPT = "notebooks-export/make_demo_models.py"


class TinyCNN(nn.Module):
    def __init__(self, outputs=len(OBSERVATIONS)):
        super().__init__()

        def block(c_in, c_out, stride):
            return [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.features = nn.Sequential(
            *block(3, 8, 2), nn.MaxPool2d(2),
            *block(8, 16, 2), *block(16, 32, 2), *block(32, 32, 1),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.classifier = nn.Linear(32, outputs)

    def forward(self, x):
        return self.classifier(self.features(x))


def chexpert_transform():
    return transforms.Compose([
        transforms.Resize(SIZE), transforms.CenterCrop(SIZE), transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])


def load_films(films):
    with open(os.path.join(films, "labels.csv"), newline="", encoding="utf-8") as handle:
        paths = [row["Path"] for row in csv.DictReader(handle)]
    transform = chexpert_transform()
    tensors, geometry = [], []
    for path in paths:
        with Image.open(os.path.join(films, path)) as image:
            rgb = image.convert("RGB")
        width, height = rgb.size
        short, long = min(width, height), max(width, height)
        resized_long = int(SIZE * long / short)
        resized = (SIZE, resized_long) if width <= height else (resized_long, SIZE)  # (w, h)
        left = int(round((resized[0] - SIZE) / 2.0))
        top = int(round((resized[1] - SIZE) / 2.0))
        tensors.append(transform(rgb))
        geometry.append((width, height, resized[0], resized[1], left, top))
    return paths, torch.stack(tensors).numpy(), geometry


def make_model(seed, calibration_batch):
    torch.manual_seed(seed)
    model = TinyCNN()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                module.bias.uniform_(-0.05, 0.05)
            elif isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.6, 1.4)
                module.bias.uniform_(-0.2, 0.2)
        model.train()
        for _ in range(4):
            model(torch.randn(8, 3, SIZE, SIZE))
        model.eval()
        # Scale the last layer so that the logits on the demo films spread over about +-2.
        nn.init.normal_(model.classifier.weight, std=1.0)
        model.classifier.bias.uniform_(-0.5, 0.5)
        features = model.features(torch.from_numpy(calibration_batch))
        spread = (features @ model.classifier.weight.T).std().item()
        model.classifier.weight.mul_(1.0 / max(spread, 1e-6))
    return model


def export(model, path, seed):
    buffer = io.BytesIO()
    torch.onnx.export(
        model, (torch.zeros(1, 3, SIZE, SIZE),), buffer, dynamo=False, opset_version=17,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.helper.set_model_props(proto, {
        "labels": ",".join(OBSERVATIONS),
        "producer_script": SCRIPT,
        "seed": str(seed),
    })
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def run_onnxruntime(path, batch):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"input": batch})[0]


def write_matrix(path, paths, values):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path"] + OBSERVATIONS)
        for name, row in zip(paths, values):
            writer.writerow([name] + [f"{float(v):.9g}" for v in row])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--films", default="data/films")
    parser.add_argument("--models", default="data/models")
    parser.add_argument("--fixtures", default="Tests/chexstatsTests/Fixtures/score")
    args = parser.parse_args()
    versions = (f"Python {sys.version.split()[0]}, torch {torch.__version__}, torchvision {torchvision.__version__}, "
                f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, Pillow {PIL.__version__}, numpy {np.__version__}")
    print(f"make_demo_models.py with {versions}")
    torch.set_num_threads(1)
    os.makedirs(args.models, exist_ok=True)
    os.makedirs(args.fixtures, exist_ok=True)

    paths, batch, geometry = load_films(args.films)
    assert batch.dtype == np.float32 and batch.shape == (len(paths), 3, SIZE, SIZE)
    with open(os.path.join(args.fixtures, "preprocess.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path", "width", "height", "resized_width", "resized_height", "crop_left", "crop_top",
                         "sha256_float32_chw", "sum", "min", "max"])
        for name, tensor, geo in zip(paths, batch, geometry):
            data = np.ascontiguousarray(tensor, dtype="<f4")
            writer.writerow([name, *geo, hashlib.sha256(data.tobytes()).hexdigest(),
                             f"{float(data.astype(np.float64).sum()):.9g}", f"{float(data.min()):.9g}",
                             f"{float(data.max()):.9g}"])

    summary = []
    for name, seed in MODELS.items():
        model = make_model(seed, batch)
        path = os.path.join(args.models, f"{name}.onnx")
        export(model, path, seed)
        logits = run_onnxruntime(path, batch)
        one_by_one = np.concatenate([run_onnxruntime(path, batch[i:i + 1]) for i in range(len(paths))])
        with torch.no_grad():
            reference = model(torch.from_numpy(batch)).numpy()
        assert logits.shape == (len(paths), len(OBSERVATIONS)) and logits.dtype == np.float32
        write_matrix(os.path.join(args.fixtures, f"{name}.logits.csv"), paths, logits)
        probabilities = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
        write_matrix(os.path.join(args.fixtures, f"{name}.probabilities.csv"), paths, probabilities)
        line = (f"{name}: seed {seed}, {os.path.getsize(path)} bytes, "
                f"{sum(p.numel() for p in model.parameters())} parameters, logits in "
                f"[{logits.min():.3f}, {logits.max():.3f}], max |batch 10 - batch 1| "
                f"{np.abs(logits - one_by_one).max():.2e}, max |torch - onnxruntime| "
                f"{np.abs(logits - reference).max():.2e}")
        print(line)
        summary.append(line)

    readme = f"""# `chexstats score` fixture: onnxruntime on the demo films

Made by `{SCRIPT}` ({versions}); regenerate from the repository root with
`python3 notebooks-export/make_demo_films.py && python3 notebooks-export/make_demo_models.py`.

Inputs: the ten films of `data/films` in the order of `data/films/labels.csv` (their `Path`
column), and the demo models `data/models/tiny-a.onnx` and `tiny-b.onnx` (tiny random-weight CNNs,
14 outputs in the CheXpert order, dynamic batch; see the script's docstring).

Preprocessing (the `chexpert` preset): `Image.open(path).convert('RGB')`, torchvision
`Resize(320)`, `CenterCrop(320)`, `ToTensor()`, `Normalize((0.485, 0.456, 0.406), (0.229, 0.224,
0.225))` on PIL images; the ten tensors batched (10x3x320x320 float32) and run through onnxruntime
(CPU provider, one thread, graph optimisations disabled). The films' sizes cover every branch of the
transform: 320x390 (crop top 35), 320x389 (crop top round(34.5) = 34), 390x320 (crop left 35),
384x384 (square shrink, no crop), 320x320 (returned untouched, no resampling).

| file | what |
|---|---|
| `tiny-a.logits.csv`, `tiny-b.logits.csv` | `Path` + the 14 outputs, float32 logits with 9 significant digits (round-trip exact), list order |
| `tiny-a.probabilities.csv`, `tiny-b.probabilities.csv` | sigmoid of the float32 logits computed in float64, 9 significant digits |
| `preprocess.csv` | per film: source width and height, size after `Resize(320)`, crop left and top, SHA-256 of the 3x320x320 float32 little-endian tensor bytes, and its sum (float64), min, max |

Expect agreement to float32 rounding (a few 1e-6) on the logits: another engine's convolution
sums in another order. The tensors themselves are reachable bit for bit (see
`/work/shared/reference/preprocessing.md`, section 2), which the SHA-256 column checks.

Run summary:
""" + "".join(f"- {line}\n" for line in summary)
    with open(os.path.join(args.fixtures, "README.md"), "w", encoding="utf-8") as handle:
        handle.write(readme)


if __name__ == "__main__":
    main()
