#!/usr/bin/env python3
"""Benchmark: decoding one radiograph in chexstats (ImageDecoder) vs Pillow's Image.open(p).load().

One run, one machine, the same files for both, each engine in its own process, one thread:
- a 2320 x 2828 gray JPEG at quality 95 (the size of a full CheXpert film), made from a real NIH
  film (../shared/data/radiographs/nih/00000001_000-Cardiomegaly.png) resized with Pillow's bicubic
  filter, plus light seeded noise so that the entropy coder works as on a real film;
- the 1024 x 1024 8-bit gray PNG of that film as published (zlib-compressed by its source);
- the 1024 x 1024 JPEG Baseline DICOM and the 1841 x 1955 15-bit uncompressed DICOM of the shared
  data (chexstats only; Pillow does not read DICOM).

chexstats is timed by `chexstats-bench decode FILE RUNS` (release build: reading the file from the
page cache and decoding it), Pillow by the same loop in Python (open, load). The two alternate in
ROUNDS rounds of RUNS runs each (so that load from other work on the machine falls on both); the
table gives the median and the minimum over all runs. Run from the repository root after
`swift build -c release --product chexstats-bench`:

    python3 notebooks-export/bench_decoding.py [RUNS] [ROUNDS]

Needs numpy and Pillow.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import PIL
from PIL import Image, features

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(os.path.dirname(root), "shared/data/radiographs")
bench = os.path.join(root, ".build/release/chexstats-bench")
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def pillow_times(path):
    Image.open(path).load()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        Image.open(path).load()
        times.append((time.perf_counter() - start) * 1000)
    return times


def chexstats_times(path):
    out = subprocess.run([bench, "decode", path, str(runs)], capture_output=True, text=True, check=True).stdout
    size = out.split(": ")[1].split(",")[0]
    return size, [float(t) for t in out.split("times ")[1].split()]


def summary(times):
    times = sorted(times)
    return f"{times[len(times) // 2]:.2f} ({times[0]:.2f})"


def cpu():
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return "?"


with tempfile.TemporaryDirectory() as folder:
    source = os.path.join(shared, "nih/00000001_000-Cardiomegaly.png")
    big = Image.open(source).resize((2320, 2828), Image.BICUBIC)
    noisy = np.clip(np.asarray(big).astype(np.int16) + np.random.default_rng(7).integers(-2, 3, (2828, 2320)),
                    0, 255).astype(np.uint8)
    jpeg = os.path.join(folder, "film-2320x2828-q95.jpg")
    Image.fromarray(noisy).save(jpeg, "JPEG", quality=95)
    files = [(jpeg, True), (source, True), (os.path.join(shared, "siim-monochrome2.dcm"), False),
             (os.path.join(shared, "rg1-cr-15bit-monochrome1.dcm"), False)]
    print(f"CPU: {cpu()}; load average {os.getloadavg()[0]:.2f}; Pillow {PIL.__version__} "
          f"(libjpeg-turbo {features.version('libjpeg_turbo')}, zlib {features.version('zlib')}); "
          f"{rounds} rounds of {runs} runs")
    print("| file | size | chexstats median (min) ms | Pillow median (min) ms |")
    print("|---|---|---|---|")
    for path, with_pillow in files:
        ours, theirs = [], []
        for _ in range(rounds):
            size, times = chexstats_times(path)
            ours += times
            if with_pillow:
                theirs += pillow_times(path)
        other = summary(theirs) if theirs else "-"
        print(f"| {os.path.basename(path)} | {size} | {summary(ours)} | {other} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
