#!/usr/bin/env python3
"""Benchmark: `chexstats compare` on a 10-run leaderboard against the same analysis in numpy + sklearn.

Run from the repository root:
    python3 notebooks-export/bench_leaderboard.py CHEXSTATS_BINARY [--replicates 1000]
        [--seed 2021] [--repeats 3] [--python-repeats 1] [--keep DIR]

What it does:
  1. In a temporary folder (or --keep DIR), writes 10 prediction CSVs for the 500 studies of
     ../shared/data/chexpert-test: the 3 real prediction files (rewritten in the CheXpert format
     `Study,<5 tasks>`, rows joined on Study), and 7 more made deterministically from them with
     numpy.random.default_rng(20211): real file (k mod 3)'s scores plus Gaussian noise of standard
     deviation 0.02 * (1 + k), k = 0..6.
  2. Times (wall clock, best of --repeats, default 3)
        CHEXSTATS compare --labels GROUNDTRUTH R1.csv ... R10.csv --readers .../radiologists/bc4.csv
          --curves OUTDIR/curves --replicates N --seed 2021 --format json --output OUTDIR/out.json
     If the command fails, its stderr is printed and the Python side still runs.
  3. Times the same analysis in Python, single process (best of --python-repeats, default 1: one
     run takes minutes, and the best of several would only favour Python), including reading the
     CSVs and writing the outputs:
       - one set of N paired resamples of studies (numpy default_rng(seed).integers(0, 500,
         (N, 500))), the same index vectors for every run, task and the reader;
       - per run and task: sklearn roc_auc_score and average_precision_score on the full sample and
         per replicate; percentile 95% CIs (numpy percentile, linear);
       - per replicate: ranks of the 10 runs by per-task AUROC and by mean AUROC over the 5 tasks
         (scipy rankdata, method "min", rank 1 = best); rank intervals = 2.5/97.5 percentiles;
       - the 45 pairwise differences per task and of the mean AUROC: full-sample difference,
         percentile CI of the replicate differences, bootstrap p = min(1, 2 min(P*(d <= 0),
         P*(d >= 0))); DeLong p per task per pair (numpy, Sun & Xu midranks, all 10 runs in one
         covariance matrix); Holm adjustment (statsmodels multipletests method="holm") over the 45
         pairs within each task (DeLong and bootstrap p) and over the 45 mean-AUROC pairs;
       - reader bc4 per task: sensitivity and specificity with statsmodels Wilson 95% CI and a
         bootstrap percentile CI;
       - per run and task: whether bc4 lies below the curve (sklearn roc_curve, then np.interp on
         its points, which on the drop_intermediate=False curve is the upper envelope: at a
         vertical segment np.interp returns its top), and the model's sensitivity at the reader's
         specificity per replicate (reader's specificity on that resample) with a percentile CI;
       - the full-sample ROC (roc_curve) and PR (precision_recall_curve) points as CSV per run and
         task, and everything else as one JSON.
  4. Prints both times, their ratio, the CPU model (/proc/cpuinfo), library versions and the
     load average (before and after).
"""
import argparse
import csv
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy.stats import norm, rankdata
from sklearn.metrics import (average_precision_score, precision_recall_curve, recall_score,
                             roc_auc_score, roc_curve)
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

SHARED = "../shared/data/chexpert-test"
GROUNDTRUTH = os.path.join(SHARED, "groundtruth.csv")
READER = os.path.join(SHARED, "radiologists", "bc4.csv")
TASKS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
NOISE_SEED = 20211


# ---------------------------------------------------------------- inputs

def read_table(path):
    with open(path, newline="") as f:
        return {row["Study"]: row for row in csv.DictReader(f)}


def write_run(path, keys, scores):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Study"] + TASKS)
        for k, row in zip(keys, scores):
            w.writerow([k] + [repr(float(v)) for v in row])


def make_runs(folder):
    keys = sorted(read_table(GROUNDTRUTH))
    real = sorted(os.listdir(os.path.join(SHARED, "predictions")))
    bases, paths = [], []
    for name in real:
        table = read_table(os.path.join(SHARED, "predictions", name))
        scores = np.array([[float(table[k][t]) for t in TASKS] for k in keys])
        bases.append(scores)
        paths.append(os.path.join(folder, name))
        write_run(paths[-1], keys, scores)
    rng = np.random.default_rng(NOISE_SEED)
    for k in range(7):
        base = bases[k % 3]
        noisy = base + rng.normal(scale=0.02 * (1 + k), size=base.shape)
        paths.append(os.path.join(folder, f"noisy{k + 1}_{real[k % 3]}"))
        write_run(paths[-1], keys, noisy)
    return paths


# ---------------------------------------------------------------- the Python analysis

def percentile_ci(values, axis=0):
    return np.percentile(values, [2.5, 97.5], axis=axis)


def delong_pairs(y, scores):
    """Paired DeLong for k score vectors (k x n) at once (Sun & Xu 2014, midranks)."""
    pos, neg = scores[:, y == 1], scores[:, y == 0]
    m, n = pos.shape[1], neg.shape[1]
    tx = rankdata(pos, axis=1)
    ty = rankdata(neg, axis=1)
    tz = rankdata(np.concatenate([pos, neg], axis=1), axis=1)
    aucs = (tz[:, :m].sum(axis=1) - m * (m + 1) / 2) / (m * n)
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    cov = np.cov(v01) / m + np.cov(v10) / n
    out = {}
    for i, j in itertools.combinations(range(len(scores)), 2):
        var = cov[i, i] + cov[j, j] - 2 * cov[i, j]
        z = (aucs[i] - aucs[j]) / np.sqrt(var) if var > 0 else 0.0
        out[(i, j)] = float(2 * norm.sf(abs(z)))
    return aucs, out


def boot_p(d):
    return float(min(1.0, 2 * min(np.mean(d <= 0), np.mean(d >= 0))))


def python_analysis(run_paths, outdir, replicates, seed):
    truth = read_table(GROUNDTRUTH)
    keys = sorted(truth)
    n = len(keys)
    y = np.array([[int(truth[k][t]) for t in TASKS] for k in keys])
    reader = read_table(READER)
    r = np.array([[int(reader[k][t]) for t in TASKS] for k in keys])
    names = [os.path.basename(p)[:-4] for p in run_paths]
    s = np.empty((len(run_paths), n, len(TASKS)))
    for i, p in enumerate(run_paths):
        table = read_table(p)
        s[i] = [[float(table[k][t]) for t in TASKS] for k in keys]
    R, T = len(names), len(TASKS)

    idx = np.random.default_rng(seed).integers(0, n, size=(replicates, n))

    auc = np.array([[roc_auc_score(y[:, t], s[i, :, t]) for t in range(T)] for i in range(R)])
    ap = np.array([[average_precision_score(y[:, t], s[i, :, t]) for t in range(T)] for i in range(R)])
    auc_b = np.empty((replicates, R, T))
    ap_b = np.empty((replicates, R, T))
    sens_at_spec_b = np.empty((replicates, R, T))
    reader_sens_b = np.empty((replicates, T))
    reader_spec_b = np.empty((replicates, T))
    for b in range(replicates):
        ib = idx[b]
        for t in range(T):
            yb, rb = y[ib, t], r[ib, t]
            reader_sens_b[b, t] = recall_score(yb, rb)
            reader_spec_b[b, t] = recall_score(yb, rb, pos_label=0)
            for i in range(R):
                sb = s[i, ib, t]
                auc_b[b, i, t] = roc_auc_score(yb, sb)
                ap_b[b, i, t] = average_precision_score(yb, sb)
                fpr, tpr, _ = roc_curve(yb, sb, drop_intermediate=False)
                sens_at_spec_b[b, i, t] = np.interp(1 - reader_spec_b[b, t], fpr, tpr)

    result = {"runs": names, "tasks": TASKS, "replicates": replicates, "seed": seed, "per_run": {}}
    auc_ci = percentile_ci(auc_b)
    ap_ci = percentile_ci(ap_b)
    mean_b = auc_b.mean(axis=2)
    mean_ci = percentile_ci(mean_b)
    ranks_task = np.stack([rankdata(-auc_b[:, :, t], method="min", axis=1) for t in range(T)], axis=2)
    ranks_mean = rankdata(-mean_b, method="min", axis=1)
    rank_task_ci = percentile_ci(ranks_task)
    rank_mean_ci = percentile_ci(ranks_mean)

    # Reader.
    reader_out = {}
    reader_fpr = {}
    for t, task in enumerate(TASKS):
        tp = int(np.sum((y[:, t] == 1) & (r[:, t] == 1)))
        fn = int(np.sum((y[:, t] == 1) & (r[:, t] == 0)))
        tn = int(np.sum((y[:, t] == 0) & (r[:, t] == 0)))
        fp = int(np.sum((y[:, t] == 0) & (r[:, t] == 1)))
        reader_fpr[task] = fp / (fp + tn)
        reader_out[task] = {
            "sensitivity": tp / (tp + fn), "specificity": tn / (tn + fp),
            "sensitivity_wilson": list(proportion_confint(tp, tp + fn, method="wilson")),
            "specificity_wilson": list(proportion_confint(tn, tn + fp, method="wilson")),
            "sensitivity_boot_ci": percentile_ci(reader_sens_b[:, t]).tolist(),
            "specificity_boot_ci": percentile_ci(reader_spec_b[:, t]).tolist(),
        }
    result["reader_bc4"] = reader_out

    curves = os.path.join(outdir, "curves")
    os.makedirs(curves, exist_ok=True)
    for i, name in enumerate(names):
        per_task = {}
        for t, task in enumerate(TASKS):
            fpr, tpr, thr = roc_curve(y[:, t], s[i, :, t], drop_intermediate=False)
            prec, rec, pthr = precision_recall_curve(y[:, t], s[i, :, t])
            stem = os.path.join(curves, f"{name}_{task.replace(' ', '_')}")
            np.savetxt(stem + "_roc.csv", np.column_stack([thr, fpr, tpr]), delimiter=",",
                       header="threshold,fpr,tpr", comments="", fmt="%.17g")
            np.savetxt(stem + "_pr.csv", np.column_stack([np.append(pthr, np.nan), prec, rec]),
                       delimiter=",", header="threshold,precision,recall", comments="", fmt="%.17g")
            curve_sens = float(np.interp(reader_fpr[task], fpr, tpr))
            per_task[task] = {
                "auroc": auc[i, t], "auroc_ci": auc_ci[:, i, t].tolist(),
                "ap": ap[i, t], "ap_ci": ap_ci[:, i, t].tolist(),
                "rank_interval": rank_task_ci[:, i, t].tolist(),
                "reader_below": bool(reader_out[task]["sensitivity"] < curve_sens),
                "sens_at_reader_spec": curve_sens,
                "sens_at_reader_spec_ci": percentile_ci(sens_at_spec_b[:, i, t]).tolist(),
            }
        result["per_run"][name] = {
            "tasks": per_task, "mean_auroc": float(auc[i].mean()),
            "mean_auroc_ci": mean_ci[:, i].tolist(), "mean_rank_interval": rank_mean_ci[:, i].tolist()}

    pairs = list(itertools.combinations(range(R), 2))
    comparisons = {task: [] for task in TASKS}
    for t, task in enumerate(TASKS):
        _, delong = delong_pairs(y[:, t], s[:, :, t])
        for i, j in pairs:
            d = auc_b[:, i, t] - auc_b[:, j, t]
            comparisons[task].append({
                "a": names[i], "b": names[j], "difference": auc[i, t] - auc[j, t],
                "ci": percentile_ci(d).tolist(), "boot_p": boot_p(d), "delong_p": delong[(i, j)]})
        for key in ("boot_p", "delong_p"):
            adjusted = multipletests([c[key] for c in comparisons[task]], method="holm")[1]
            for c, p in zip(comparisons[task], adjusted):
                c[key + "_holm"] = float(p)
    comparisons["mean"] = []
    for i, j in pairs:
        d = mean_b[:, i] - mean_b[:, j]
        comparisons["mean"].append({
            "a": names[i], "b": names[j], "difference": auc[i].mean() - auc[j].mean(),
            "ci": percentile_ci(d).tolist(), "boot_p": boot_p(d)})
    adjusted = multipletests([c["boot_p"] for c in comparisons["mean"]], method="holm")[1]
    for c, p in zip(comparisons["mean"], adjusted):
        c["boot_p_holm"] = float(p)
    result["comparisons"] = comparisons

    with open(os.path.join(outdir, "out.json"), "w") as f:
        json.dump(result, f, indent=1, default=float)
    return result


# ---------------------------------------------------------------- timing and report

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def main():
    ap_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap_.add_argument("binary")
    ap_.add_argument("--replicates", type=int, default=1000)
    ap_.add_argument("--seed", type=int, default=2021)
    ap_.add_argument("--repeats", type=int, default=3, help="chexstats runs (best of)")
    ap_.add_argument("--python-repeats", type=int, default=1, help="Python runs (best of)")
    ap_.add_argument("--keep", help="use this folder instead of a temporary one, and keep it")
    args = ap_.parse_args()

    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs); load average at start: {loadavg()}")
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__}")
    folder = args.keep or tempfile.mkdtemp(prefix="bench_leaderboard_")
    os.makedirs(folder, exist_ok=True)
    try:
        runs_dir = os.path.join(folder, "runs")
        os.makedirs(runs_dir, exist_ok=True)
        run_paths = make_runs(runs_dir)
        print(f"{len(run_paths)} runs in {runs_dir}; {args.replicates} replicates, seed {args.seed}")

        chex_out = os.path.join(folder, "chexstats")
        os.makedirs(chex_out, exist_ok=True)
        cmd = [args.binary, "compare", "--labels", GROUNDTRUTH, *run_paths, "--readers", READER,
               "--curves", os.path.join(chex_out, "curves"), "--replicates", str(args.replicates),
               "--seed", str(args.seed), "--format", "json",
               "--output", os.path.join(chex_out, "out.json")]
        chex_times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True)
                rc, err = proc.returncode, proc.stderr
            except OSError as e:
                rc, err = -1, str(e)
            elapsed = time.perf_counter() - start
            if rc != 0:
                print(f"chexstats failed (exit {rc}):\n{err.strip()}")
                chex_times = []
                break
            chex_times.append(elapsed)
        print(f"load average after chexstats: {loadavg()}")

        py_out = os.path.join(folder, "python")
        py_times = []
        for _ in range(args.python_repeats):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                python_analysis(run_paths, py_out, args.replicates, args.seed)
            py_times.append(time.perf_counter() - start)
        print(f"load average after Python: {loadavg()}")

        py_best = min(py_times)
        print(f"Python (numpy + scikit-learn, 1 process): {py_best:.2f} s "
              f"(best of {len(py_times)}: {', '.join(f'{t:.2f}' for t in py_times)})")
        if chex_times:
            best = min(chex_times)
            print(f"chexstats compare: {best:.3f} s (best of {len(chex_times)}: "
                  f"{', '.join(f'{t:.3f}' for t in chex_times)})")
            print(f"ratio Python / chexstats: {py_best / best:.1f}x")
        else:
            print("chexstats compare: failed, no time")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
