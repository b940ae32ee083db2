#!/usr/bin/env python3
"""Benchmark: the paired AUROC bootstrap in chexstats vs scikit-learn's per-replicate loop and pROC.

One run, one machine, the same job for every engine: 2 models x 14 tasks, paired resampling of
studies (the same indices for every task and both models), 1000 replicates, at n = 500 and
n = 50,000 studies. Data: seeded binormal scores rounded to 2 decimals (ties occur), prevalence 0.3,
written as CheXpert-style CSVs (labels + two prediction files) that every engine reads.

- chexstats: `chexstats compare A.csv B.csv --labels L.csv --tasks all --format csv` (release build),
  wall time of the whole process (reading the CSVs, DeLong for 14 tasks, the bootstrap, the report),
  on 1 thread and on all cores.
- scikit-learn: the loop the field's scripts use: per replicate draw indices with numpy, then
  roc_auc_score per task and model (a replicate where a task has one class is skipped).
- pROC: per task, `cov(roc1, roc2, method = "bootstrap", boot.n = B, boot.stratified = FALSE)`, the
  paired bootstrap that pROC's roc.test uses; R's time is measured inside R (system.time).

At n = 50,000 the anchors take minutes per 1000 replicates; `--anchor-replicates` (default 100 there)
times fewer replicates and scales linearly to 1000 (per-replicate cost is constant), which the
output states. Run from the repository root after `swift build -c release`:

    env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_bootstrap.py

Needs numpy, scikit-learn, Rscript with pROC.
"""
import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

OBS = ["No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
       "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
       "Pleural Other", "Fracture", "Support Devices"]

R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
labels <- read.csv(args[1], check.names = FALSE)
a <- read.csv(args[2], check.names = FALSE)
b <- read.csv(args[3], check.names = FALSE)
boot.n <- as.integer(args[4])
tasks <- colnames(labels)[-1]
set.seed(1)
elapsed <- system.time({
  for (task in tasks) {
    r1 <- roc(labels[[task]], a[[task]], levels = c(0, 1), direction = "<", quiet = TRUE)
    r2 <- roc(labels[[task]], b[[task]], levels = c(0, 1), direction = "<", quiet = TRUE)
    invisible(cov(r1, r2, method = "bootstrap", boot.n = boot.n, boot.stratified = FALSE,
                  progress = "none"))
  }
})[["elapsed"]]
cat(elapsed, as.character(packageVersion("pROC")), "\n")
"""


def make_data(n, tasks, seed, folder):
    rng = np.random.default_rng(seed)
    y = (rng.random((tasks, n)) < 0.3).astype(int)
    shared = rng.normal(size=(tasks, n))
    a = np.round((1.2 * y + shared + rng.normal(size=(tasks, n))) * 25) / 100
    b = np.round((1.08 * y + shared + rng.normal(size=(tasks, n))) * 25) / 100
    keys = [f"CheXpert-v1.0/test/patient{i:06d}/study1" for i in range(n)]
    names = OBS[:tasks]

    def write(path, matrix, fmt):
        with open(path, "w") as f:
            f.write("Study," + ",".join(names) + "\n")
            for i, key in enumerate(keys):
                f.write(key + "," + ",".join(fmt(matrix[t, i]) for t in range(tasks)) + "\n")

    paths = [os.path.join(folder, x) for x in ("labels.csv", "a.csv", "b.csv")]
    write(paths[0], y, lambda v: str(int(v)))
    write(paths[1], a, lambda v: repr(float(v)))
    write(paths[2], b, lambda v: repr(float(v)))
    return y, a, b, paths


def time_chexstats(binary, paths, replicates, threads):
    args = [binary, "compare", paths[1], paths[2], "--labels", paths[0], "--tasks", "all",
            "--format", "csv", "--replicates", str(replicates), "--threads", str(threads)]
    best = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best.append(time.perf_counter() - start)
    return float(np.median(best))


def time_sklearn(y, a, b, replicates, seed=0):
    rng = np.random.default_rng(seed)
    n = y.shape[1]
    start = time.perf_counter()
    for _ in range(replicates):
        idx = rng.integers(0, n, n)
        for t in range(y.shape[0]):
            yt = y[t, idx]
            if yt.min() == yt.max():
                continue
            roc_auc_score(yt, a[t, idx])
            roc_auc_score(yt, b[t, idx])
    return time.perf_counter() - start


def time_proc(paths, replicates):
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as f:
        f.write(R_SCRIPT)
        script = f.name
    out = subprocess.run(["Rscript", script, *paths, str(replicates)], check=True,
                         capture_output=True, text=True).stdout.split()
    os.unlink(script)
    return float(out[0]), out[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build/release/chexstats")
    parser.add_argument("--n", type=int, nargs="+", default=[500, 50000])
    parser.add_argument("--tasks", type=int, default=14)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--anchor-replicates", type=int, default=None,
                        help="replicates for scikit-learn and pROC above n = 5000 (default 100)")
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"# bootstrap benchmark: 2 models x {args.tasks} tasks, {args.replicates} paired replicates")
    print(f"# {platform.processor() or platform.machine()}, {cores} cores, Python "
          f"{sys.version.split()[0]}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.n:
            y, a, b, paths = make_data(n, args.tasks, seed=n, folder=folder)
            anchor_b = args.anchor_replicates or (args.replicates if n <= 5000 else 100)
            scale = args.replicates / anchor_b
            cx1 = time_chexstats(args.binary, paths, args.replicates, 1)
            cxn = time_chexstats(args.binary, paths, args.replicates, cores)
            sk = time_sklearn(y, a, b, anchor_b) * scale
            pr, proc_version = time_proc(paths, anchor_b)
            pr *= scale
            note = "" if scale == 1 else f" (anchors timed on {anchor_b} replicates, x{scale:g})"
            rows.append((n, cx1, cxn, sk, pr, note))
            print(f"n={n}: chexstats {cx1:.3f} s (1 thread) {cxn:.3f} s ({cores} threads); "
                  f"scikit-learn {sk:.1f} s; pROC {proc_version} {pr:.1f} s{note}", flush=True)
    print()
    print(f"| n | chexstats 1 thread (s) | chexstats {cores} threads (s) | scikit-learn loop (s) | "
          f"pROC (s) | vs scikit-learn | vs pROC |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, cx1, cxn, sk, pr, note in rows:
        best = min(cx1, cxn)
        print(f"| {n:,} | {cx1:.3f} | {cxn:.3f} | {sk:.1f}{'*' if note else ''} | "
              f"{pr:.1f}{'*' if note else ''} | {sk / best:,.0f}x | {pr / best:,.0f}x |")
    if any(r[5] for r in rows):
        print("\n* anchors timed on fewer replicates and scaled linearly to the full count.")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
