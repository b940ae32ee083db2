"""Times chexstats' preprocessing against Pillow + torchvision on the same film, in one session.

Run from the repository root after `swift build -c release --product chexstats-bench`:
    python3 notebooks-export/bench_preprocess.py
Needs Pillow, numpy, torch + torchvision (CPU), and ../shared/data/radiographs.

The film: a real 1024 x 1024 NIH film enlarged with Pillow's BICUBIC filter to 2320 x 2828 (the size
of a full-resolution CheXpert film), 8-bit gray; also as 16 bits (v * 257) for the float path.
chexstats: `chexstats-bench preprocess` (one thread, 0.3 s warm-up, median of 50 runs).
Anchor: the CheXpert group's transform on the decoded image, one torch thread, median of 50 runs:
`Normalize(ToTensor(CenterCrop(Resize(img.convert('RGB')))))`, and the same on the gray image
(one band) to show the cost of the RGB conversion. Both tensors are compared bit for bit.
"""

import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import PIL
import torch
from PIL import Image

_lib = torch.library.Library("torchvision", "DEF")
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, Tensor dets_zp, float dets_scale, int scale_zp, Tensor dets_scale_zp, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torchvision import transforms  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BENCH = os.path.join(ROOT, ".build", "release", "chexstats-bench")
FILM = os.path.join(ROOT, "..", "shared", "data", "radiographs", "nih", "00000001_000-Cardiomegaly.png")
WIDTH, HEIGHT, RUNS = 2320, 2828, 50


def cpu_model():
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def median_ms(f, runs=RUNS):
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        f()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)


def main():
    torch.set_num_threads(1)
    film = Image.open(FILM).convert("L").resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    pixels = np.asarray(film)
    chexpert = transforms.Compose([transforms.Resize(320), transforms.CenterCrop(320), transforms.ToTensor(),
                                   transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    gray = transforms.Compose([transforms.Resize(320), transforms.CenterCrop(320), transforms.ToTensor(),
                               transforms.Normalize([0.485], [0.229])])
    print(f"CPU: {cpu_model()}; load average {os.getloadavg()[0]:.2f}; Pillow {PIL.__version__}, "
          f"torch {torch.__version__}, torchvision {torchvision.__version__}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        raw8, raw16, out = os.path.join(tmp, "film.u8"), os.path.join(tmp, "film.u16"), os.path.join(tmp, "out.npy")
        pixels.tofile(raw8)
        (pixels.astype("<u2") * 257).tofile(raw16)
        for raw, bits in ((raw8, 8), (raw16, 16)):
            line = subprocess.run([BENCH, "preprocess", raw, str(WIDTH), str(HEIGHT), str(bits), "chexpert", str(RUNS), out],
                                  check=True, capture_output=True, text=True).stdout.strip()
            median = float(line.split("median ")[1].split(" ms")[0])
            rows.append((f"chexstats, {bits}-bit film", median))
            if bits == 8:
                ours = np.load(out)
                reference = chexpert(film.convert("RGB")).numpy()
                same = np.array_equal(ours.view(np.uint32), reference.view(np.uint32))
                print(f"chexstats 8-bit tensor bit-identical to torchvision's: {same}")
    rows.append(("Pillow + torchvision, convert('RGB') + transform",
                 median_ms(lambda: chexpert(film.convert("RGB")))[0]))
    rows.append(("Pillow + torchvision, gray transform (1 band)", median_ms(lambda: gray(film))[0]))
    rows.append(("Pillow resize alone (gray, 2320x2828 -> 320x390)",
                 median_ms(lambda: film.resize((320, 390), Image.Resampling.BILINEAR))[0]))
    print(f"\n{WIDTH} x {HEIGHT} 8-bit gray film -> chexpert tensor 3 x 320 x 320, one thread, median of {RUNS}:\n")
    print("| pipeline | ms |")
    print("|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
