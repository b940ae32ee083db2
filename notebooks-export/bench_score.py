#!/usr/bin/env python3
"""Scoring a list of real films: `chexstats score` against the pipeline researchers write in Python.

Run through the driver (it unsets OPENBLAS_CORETYPE for this command only and prints the machine):
    notebooks-export/bench_score.sh .build/release/chexstats [options]
or directly, from the repository root:
    python3 notebooks-export/bench_score.py [--chexstats BINARY] [--small 200] [--full 40]
        [--threads 1,2] [--repeats 1] [--work /tmp/chexstats-bench-score] [--source DIR] [--python-only]
        [--sets small,full] [--skip-four]

Inputs (made once in --work, never committed; reused when present):
  small/*.jpg   --small CheXpert-small-sized films: 320 x 390 (w x h) gray JPEG, quality 95, made
                from the real NIH films in --source (default /work/shared/data/radiographs; the
                1024 x 1024 ones and the 512 x 512 one) by cycling through them with a seeded
                random crop (80-100 % of the side) and horizontal flip
  full/*.jpg    --full full-size films: 2320 x 2828 gray JPEG, quality 95, the same films enlarged
                (Pillow BICUBIC) with seeded Gaussian noise (sd 2 gray levels) so that the JPEGs
                carry the entropy of a real detector image (a smooth enlargement decodes too fast)
  small.csv, full.csv   the lists (`Path` column, relative to the folder)
  densenet121-0.onnx .. -3.onnx  four torchvision densenet121(num_classes=14), seeds 20261206 to
                20261209, random weights that look trained (random BatchNorm affine, running
                statistics calibrated on N(0,1) batches in train mode, small biases), legacy
                exporter, opset 17, dynamic batch (four models scoring one list)

Python (the anchor): a torch Dataset doing Image.open(p).convert('RGB') and
transforms.Compose([Resize(320), CenterCrop(320), ToTensor(), Normalize(ImageNet)]), a DataLoader
with batch_size 16, shuffle off and num_workers 0 or num_workers = threads (both timed; the faster is
the anchor), an onnxruntime session (default optimisations, intra_op_num_threads = threads;
torch.set_num_threads(threads) for the transforms), a loop over the whole list, predictions written
to a CSV. Timed from the session's creation to the CSV written (imports and interpreter start-up
excluded). Four models = four such loops, one after another, each decoding the list again.
chexstats: the whole process `chexstats score MODEL... --images DIR --list LIST --out OUT
--threads T --batch 16 --quiet`, wall clock; four models as one call with four models (decoding
each image once) and as four separate calls.
images/s = images in the list / wall seconds (for four models: list images per second, all four
models scored). Each time is the median of --repeats runs. The load average is read before and
after every run and its range printed: rerun when it was above ~1.5 (2 cores).
Versions (printed): Python 3.11, torch 2.13.0+cpu, torchvision 0.28.0, onnxruntime 1.32.0, Pillow 13.0.0.
"""

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
import PIL
import torch
from PIL import Image

_lib = torch.library.Library("torchvision", "DEF")  # the CUDA torchvision's extension does not load
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402
from torchvision import transforms  # noqa: E402

SEED = 20261206
SMALL_SIZE = (320, 390)
FULL_SIZE = (2320, 2828)
MODEL_COPIES = 4
OBSERVATIONS = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
    "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
    "Pleural Other", "Fracture", "Support Devices",
]
LOADS = []


# ---------------------------------------------------------------------------------------- inputs
def source_films(source):
    names = sorted(os.listdir(os.path.join(source, "nih")))
    paths = [os.path.join(source, "nih", n) for n in names if n.endswith(".png") and "Effusion-2" not in n
             and "Effusion2" not in n]
    paths.append(os.path.join(source, "00027426_000.png"))
    films = []
    for path in paths:
        with Image.open(path) as image:
            films.append(image.convert("L"))
    return films


def make_set(films, folder, count, size, rng, noise):
    list_path = folder + ".csv"
    if os.path.exists(list_path):
        with open(list_path, newline="") as handle:
            if sum(1 for _ in handle) - 1 == count:
                return list_path
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    names = []
    width, height = size
    for i in range(count):
        film = films[i % len(films)]
        side = film.size[0]
        # A random crop of 80-100 % of the side with the target aspect ratio, then a flip.
        crop_h = int(side * rng.uniform(0.8, 1.0))
        crop_w = int(crop_h * width / height)
        left = int(rng.integers(0, side - crop_w + 1))
        top = int(rng.integers(0, side - crop_h + 1))
        image = film.crop((left, top, left + crop_w, top + crop_h))
        if rng.random() < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        image = image.resize(size, Image.BICUBIC if noise else Image.BILINEAR)
        if noise:
            pixels = np.asarray(image, dtype=np.float32) + rng.normal(0.0, noise, (height, width)).astype(np.float32)
            image = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode="L")
        name = f"film{i:04d}.jpg"
        image.save(os.path.join(folder, name), format="JPEG", quality=95)
        names.append(name)
    with open(list_path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path"])
        writer.writerows([n] for n in names)
    return list_path


def make_densenet(folder):
    """Four DenseNet121s with different random weights (seeds SEED .. SEED + 3)."""
    paths = [os.path.join(folder, f"densenet121-{k}.onnx") for k in range(MODEL_COPIES)]
    marker = os.path.join(folder, "densenet121.seeds")
    if all(os.path.exists(p) for p in paths) and os.path.exists(marker):
        return paths
    for k, path in enumerate(paths):
        torch.manual_seed(SEED + k)
        model = torchvision.models.densenet121(weights=None, num_classes=len(OBSERVATIONS))
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.2, 0.2)
                elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)) and module.bias is not None:
                    module.bias.uniform_(-0.05, 0.05)
            model.train()
            for _ in range(2):
                model(torch.randn(4, 3, 320, 320))
            model.eval()
        torch.onnx.export(model, (torch.zeros(1, 3, 320, 320),), path, dynamo=False, opset_version=17,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        proto = onnx.load(path)
        onnx.helper.set_model_props(proto, {"labels": ",".join(OBSERVATIONS), "seed": str(SEED + k)})
        onnx.save(proto, path)
    with open(marker, "w") as handle:
        handle.write(" ".join(str(SEED + k) for k in range(MODEL_COPIES)) + "\n")
    return paths


# ------------------------------------------------------------------------------- the Python side
class ChestXrayDataset(Dataset):
    """What CheXpert training code does: a CSV of paths, PIL, torchvision transforms."""

    def __init__(self, root, list_path, transform):
        with open(list_path, newline="") as handle:
            self.paths = [row["Path"] for row in csv.DictReader(handle)]
        self.root = root
        self.transform = transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        image = Image.open(os.path.join(self.root, self.paths[index])).convert("RGB")
        return self.transform(image)


TRANSFORM = transforms.Compose([
    transforms.Resize(320),
    transforms.CenterCrop(320),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])


def python_score(model_path, root, list_path, threads, workers, out_path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    dataset = ChestXrayDataset(root, list_path, TRANSFORM)
    loader = DataLoader(dataset, batch_size=16, shuffle=False, num_workers=workers)
    outputs = []
    for batch in loader:
        outputs.append(session.run(None, {"input": batch.numpy()})[0])
    logits = np.concatenate(outputs)
    with open(out_path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path"] + OBSERVATIONS)
        for path, row in zip(dataset.paths, logits):
            writer.writerow([path] + [f"{v:.9g}" for v in row])
    return logits


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        LOADS.append(os.getloadavg()[0])
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        LOADS.append(os.getloadavg()[0])
    return statistics.median(times)


def time_python(models, root, list_path, threads, workers, work, repeats):
    torch.set_num_threads(threads)
    out = os.path.join(work, "python-out.csv")

    def job():
        for model in models:
            python_score(model, root, list_path, threads, workers, out)

    return timed(job, repeats)


def time_chexstats(binary, models, root, list_path, threads, work, repeats, separate=False):
    out = os.path.join(work, "chexstats-out")

    def run(model_list, folder):
        shutil.rmtree(folder, ignore_errors=True)
        command = [binary, "score", *model_list, "--images", root, "--list", list_path, "--out", folder,
                   "--threads", str(threads), "--batch", "16", "--quiet"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"chexstats failed ({' '.join(command)}):\n{result.stderr}")

    def job():
        if separate:
            for k, model in enumerate(models):
                run([model], f"{out}-{k}")
        else:
            run(models, out)

    return timed(job, repeats)


def check_agreement(binary, model, root, list_path, work):
    """chexstats' logits against the Python pipeline's on the same list (one thread)."""
    reference = python_score(model, root, list_path, 1, 0, os.path.join(work, "python-check.csv"))
    folder = os.path.join(work, "chexstats-check")
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([binary, "score", model, "--images", root, "--list", list_path, "--out", folder,
                    "--threads", "1", "--quiet"], check=True)
    with open(os.path.join(folder, "predictions.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if c != "Path"]
    ours = np.array([[float(r[c]) for c in columns] for r in rows])
    return float(np.abs(ours - reference[:, :len(columns)]).max())


# ---------------------------------------------------------------------------------------- main
def cpu_model():
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        name = next(line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("Model name"))
        flags = open("/proc/cpuinfo").read()
        return f"{name}, {os.cpu_count()} cores, {'AVX-512' if 'avx512f' in flags else 'no AVX-512'}"
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def rate(n, seconds):
    return f"{n / seconds:.1f}" if seconds else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chexstats", help="the chexstats binary (release build); without it only Python runs")
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--full", type=int, default=40)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--work", default="/tmp/chexstats-bench-score")
    parser.add_argument("--source", default="/work/shared/data/radiographs")
    parser.add_argument("--python-only", action="store_true")
    parser.add_argument("--skip-four", action="store_true", help="leave out the four-model rows")
    parser.add_argument("--sets", default="small,full", help="which input sets to time (small, full or both)")
    args = parser.parse_args()
    binary = None if args.python_only or not args.chexstats else os.path.abspath(args.chexstats)
    thread_counts = [int(t) for t in args.threads.split(",")]
    os.makedirs(args.work, exist_ok=True)

    print(f"bench_score.py: Python {platform.python_version()}, torch {torch.__version__}, torchvision "
          f"{torchvision.__version__}, onnxruntime {ort.__version__}, Pillow {PIL.__version__}, numpy {np.__version__}")
    print(f"CPU: {cpu_model()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    if binary:
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"chexstats: {binary} {version}")

    films = source_films(args.source)
    started = time.perf_counter()
    sets = {
        "small": (make_set(films, os.path.join(args.work, "small"), args.small, SMALL_SIZE,
                           np.random.default_rng(SEED), 0), args.small),
        "full": (make_set(films, os.path.join(args.work, "full"), args.full, FULL_SIZE,
                          np.random.default_rng(SEED + 1), 2.0), args.full),
    }
    models = make_densenet(args.work)
    for name, (list_path, n) in sets.items():
        folder = list_path[:-4]
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        print(f"inputs {name}: {n} JPEGs in {folder}, {size / n / 1e3:.0f} kB each on average")
    print(f"inputs and model ready in {time.perf_counter() - started:.1f} s ({models[0]}, "
          f"{os.path.getsize(models[0]) / 1e6:.1f} MB)")

    if binary:
        for name, (list_path, _) in sets.items():
            difference = check_agreement(binary, models[0], list_path[:-4], list_path, args.work)
            print(f"check {name}: max |chexstats - Python pipeline| logit = {difference:.2e}")

    rows = []
    for name, (list_path, n) in sets.items():
        if name not in args.sets.split(","):
            continue
        root = list_path[:-4]
        for model_count in ([1] if args.skip_four else [1, MODEL_COPIES]):
            chosen = models[:model_count]
            for threads in thread_counts:
                # Warm the page cache and the libraries once per configuration.
                python_score(chosen[0], root, list_path, threads, 0, os.path.join(args.work, "warm.csv"))
                py0 = time_python(chosen, root, list_path, threads, 0, args.work, args.repeats)
                pyw = time_python(chosen, root, list_path, threads, threads, args.work, args.repeats)
                one = separate = None
                if binary:
                    one = time_chexstats(binary, chosen, root, list_path, threads, args.work, args.repeats)
                    if model_count > 1:
                        separate = time_chexstats(binary, chosen, root, list_path, threads, args.work,
                                                  args.repeats, separate=True)
                row = dict(inputs=name, n=n, models=model_count, threads=threads, py0=py0, pyw=pyw,
                           one=one, separate=separate)
                rows.append(row)
                print(f"  {name} x{model_count} models, {threads} thread(s): Python nw=0 {py0:.2f} s, "
                      f"nw={threads} {pyw:.2f} s" + (f", chexstats {one:.2f} s" if one else "")
                      + (f", chexstats separate {separate:.2f} s" if separate else ""), flush=True)

    print()
    print(f"CPU: {cpu_model()}; load average (1 min) seen during the runs: {min(LOADS):.2f} to {max(LOADS):.2f}")
    print()
    print("| inputs | images | models | threads | Python, num_workers=0: s (img/s) | Python, num_workers=threads: s (img/s) "
          "| chexstats score: s (img/s) | chexstats, one call per model: s (img/s) | chexstats vs faster Python |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        label = "CheXpert-small 320x390" if r["inputs"] == "small" else "full-size 2320x2828"
        best = min(r["py0"], r["pyw"])
        cell = lambda s: f"{s:.2f} ({rate(r['n'], s)})" if s else "-"  # noqa: E731
        ratio = f"{best / r['one']:.2f}x" if r["one"] else "-"
        print(f"| {label} | {r['n']} | {r['models']} | {r['threads']} | {cell(r['py0'])} | {cell(r['pyw'])} "
              f"| {cell(r['one'])} | {cell(r['separate']) if r['models'] > 1 else '-'} | {ratio} |")
    print()
    print("Python with 4 models = 4 loops (each decodes the list again); chexstats with 4 models = one "
          "`score` call decoding each image once, beside 4 separate calls. images/s = list images / wall s.")


if __name__ == "__main__":
    sys.exit(main())
