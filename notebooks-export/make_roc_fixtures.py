#!/usr/bin/env python3
"""Reference values for chexstats's ROC statistics, from scikit-learn and R's pROC.

Writes Tests/ChexStatsTests/Fixtures/roc_reference.json:
  - AUROC of each model on each data set: sklearn.metrics.roc_auc_score;
  - paired DeLong (z, p, CI of the difference, variances, covariance):
    pROC::roc.test(paired = TRUE, method = "delong"), pROC::var, pROC::cov, direction "<";
  - DeLong CI of one AUROC: pROC::ci.auc(method = "delong");
  - bootstrap references: pROC::ci.auc(method = "bootstrap", boot.stratified = FALSE/TRUE) and the
    standard deviation of pROC's paired bootstrap differences (pROC::cov(..., boot.return = TRUE)),
    with a large number of replicates so that Monte-Carlo error is small; chexstats checks its own
    bootstrap against them within a stated Monte-Carlo tolerance.

Run from the repository root:  python3 notebooks-export/make_roc_fixtures.py
Needs numpy, scikit-learn, and Rscript with pROC (apt-get install r-base-core r-cran-proc).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

OUT = "Tests/ChexStatsTests/Fixtures/roc_reference.json"
BOOT_N = 20000

R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
boot.n <- as.integer(args[2])
r1 <- roc(d$label, d$a, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(d$label, d$b, levels = c(0, 1), direction = "<", quiet = TRUE)
t <- roc.test(r1, r2, paired = TRUE, method = "delong")
ci1 <- ci.auc(r1, method = "delong")
if (boot.n > 0) {
set.seed(1)
bu <- ci.auc(r1, method = "bootstrap", boot.n = boot.n, boot.stratified = FALSE, progress = "none")
set.seed(2)
bs <- ci.auc(r1, method = "bootstrap", boot.n = boot.n, boot.stratified = TRUE, progress = "none")
set.seed(3)
cv <- cov(r1, r2, method = "bootstrap", boot.n = boot.n, boot.stratified = FALSE,
          boot.return = TRUE, progress = "none")
reps <- attr(cv, "resampled.values")
if (nrow(reps) == 2 && ncol(reps) != 2) reps <- t(reps)
diffs <- reps[, 1] - reps[, 2]
}
fmt <- function(x) formatC(x, digits = 17, format = "g")
cat("auc1", fmt(as.numeric(auc(r1))), "\n")
cat("auc2", fmt(as.numeric(auc(r2))), "\n")
cat("z", fmt(as.numeric(t$statistic)), "\n")
cat("p", fmt(t$p.value), "\n")
cat("diff_ci_low", fmt(t$conf.int[1]), "\n")
cat("diff_ci_high", fmt(t$conf.int[2]), "\n")
cat("var1", fmt(var(r1, method = "delong")), "\n")
cat("var2", fmt(var(r2, method = "delong")), "\n")
cat("cov12", fmt(cov(r1, r2, method = "delong")), "\n")
cat("ci1_low", fmt(ci1[1]), "\n")
cat("ci1_high", fmt(ci1[3]), "\n")
if (boot.n > 0) {
cat("boot_ci1_low", fmt(bu[1]), "\n")
cat("boot_ci1_high", fmt(bu[3]), "\n")
cat("strat_ci1_low", fmt(bs[1]), "\n")
cat("strat_ci1_high", fmt(bs[3]), "\n")
cat("boot_diff_sd", fmt(sd(diffs)), "\n")
}
cat("proc_version", as.character(packageVersion("pROC")), "\n")
cat("r_version", paste(R.version$major, R.version$minor, sep = "."), "\n")
"""


def run_proc(labels, a, b, boot_n):
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "d.csv")
        with open(csv, "w") as f:
            f.write("label,a,b\n")
            for y, x1, x2 in zip(labels, a, b):
                f.write(f"{int(y)},{float(x1)!r},{float(x2)!r}\n")
        script = os.path.join(tmp, "proc.R")
        with open(script, "w") as f:
            f.write(R_SCRIPT)
        out = subprocess.run(["Rscript", script, csv, str(boot_n)], capture_output=True,
                             text=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        key, value = line.split()[:2]
        values[key] = value if key.endswith("version") else float(value)
    return values


def datasets():
    rng = np.random.default_rng(20261128)
    # 1. Hand-sized, with ties across classes.
    yield "tiny_ties", np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0]), \
        np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6]), \
        np.array([0.3, 0.3, 0.3, 0.7, 0.1, 0.5, 0.5, 0.7, 0.2, 0.3])
    # 2. Correlated continuous scores, n = 200, about 30 % positives.
    n = 200
    y = (rng.random(n) < 0.3).astype(int)
    shared = rng.normal(size=n)
    a = 1.2 * y + shared + 0.8 * rng.normal(size=n)
    b = 0.9 * y + shared + 0.8 * rng.normal(size=n)
    yield "correlated_200", y, a, b
    # 3. Heavy ties: scores on a 0.1 grid (probabilities rounded), n = 150.
    n = 150
    y = (rng.random(n) < 0.4).astype(int)
    p = 1 / (1 + np.exp(-(1.0 * y + rng.normal(size=n))))
    q = 1 / (1 + np.exp(-(0.6 * y + rng.normal(size=n))))
    yield "rounded_ties_150", y, np.round(p, 1), np.round(q, 1)
    # 4. Rare positives (as Consolidation), n = 500 with 29 positives.
    n = 500
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, 29, replace=False)] = 1
    shared = rng.normal(size=n)
    yield "rare_500", y, 1.0 * y + shared + rng.normal(size=n), 0.7 * y + shared + rng.normal(size=n)
    # 5. Larger, for 64-bit counting paths: n = 5000.
    n = 5000
    y = (rng.random(n) < 0.2).astype(int)
    shared = rng.normal(size=n)
    yield "large_5000", y, 0.8 * y + shared + rng.normal(size=n), \
        0.8 * y + shared + rng.normal(size=n) + 0.1 * y


def main():
    out = {
        "_provenance": (
            f"notebooks-export/make_roc_fixtures.py; numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}, Python {sys.version.split()[0]}; pROC values from Rscript "
            f"(versions below); bootstrap references use {BOOT_N} replicates"),
        "bootstrap_replicates": BOOT_N,
        "datasets": [],
    }
    for name, y, a, b in datasets():
        # Too few studies for a non-stratified bootstrap: pROC stops on one-class resamples.
        proc = run_proc(y, a, b, BOOT_N if len(y) >= 100 else 0)
        out["proc_version"] = proc.pop("proc_version")
        out["r_version"] = proc.pop("r_version")
        out["datasets"].append({
            "name": name,
            "labels": [int(v) for v in y],
            "a": [float(v) for v in a],
            "b": [float(v) for v in b],
            "sklearn_auc_a": float(roc_auc_score(y, a)),
            "sklearn_auc_b": float(roc_auc_score(y, b)),
            "proc": proc,
        })
        print(name, out["datasets"][-1]["sklearn_auc_a"], proc["auc1"], proc["p"])
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
