#!/usr/bin/env python3
"""Reference values for comparing real CheXpert leaderboard models (the shared test-set files).

For each pair of prediction files in ../shared/data/chexpert-test/predictions and each of the 5
competition tasks: scikit-learn roc_auc_score of both models (joined on the Study key, so row
order does not matter), and R pROC roc.test(paired = TRUE, method = "delong") z and p with
direction "<". Writes Tests/chexstatsTests/Fixtures/chexpert_test_reference.json. The data files
are not copied into the repository; the tests that use this fixture skip when ../shared is absent.

Run from the repository root: python3 notebooks-export/make_chexpert_test_reference.py
"""
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

SHARED = "../shared/data/chexpert-test"
OUT = "Tests/chexstatsTests/Fixtures/chexpert_test_reference.json"
TASKS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
R = r"""
suppressMessages(library(pROC))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
r1 <- roc(d$label, d$a, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(d$label, d$b, levels = c(0, 1), direction = "<", quiet = TRUE)
t <- roc.test(r1, r2, paired = TRUE, method = "delong")
cat(formatC(c(as.numeric(t$statistic), t$p.value, t$conf.int), digits = 17, format = "g"), "\n")
cat(as.character(packageVersion("pROC")), "\n")
"""


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["Study"]: r for r in rows}


def main():
    truth = read(os.path.join(SHARED, "groundtruth.csv"))
    keys = sorted(truth)
    files = sorted(os.listdir(os.path.join(SHARED, "predictions")))
    preds = {f: read(os.path.join(SHARED, "predictions", f)) for f in files}
    out = {"_provenance": (
        f"notebooks-export/make_chexpert_test_reference.py; scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, Python {sys.version.split()[0]}; DeLong from R pROC "),
        "pairs": []}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "t.R")
        open(script, "w").write(R)
        for fa, fb in itertools.combinations(files, 2):
            pair = {"a": fa, "b": fb, "tasks": {}}
            for task in TASKS:
                y = np.array([int(truth[k][task]) for k in keys])
                a = np.array([float(preds[fa][k][task]) for k in keys])
                b = np.array([float(preds[fb][k][task]) for k in keys])
                data = os.path.join(tmp, "d.csv")
                with open(data, "w") as f:
                    f.write("label,a,b\n")
                    for row in zip(y, a, b):
                        f.write(f"{int(row[0])},{float(row[1])!r},{float(row[2])!r}\n")
                lines = subprocess.run(["Rscript", script, data], capture_output=True, text=True,
                                       check=True).stdout.splitlines()
                z, p, lo, hi = map(float, lines[0].split())
                version = lines[1].strip()
                pair["tasks"][task] = {
                    "auroc_a": float(roc_auc_score(y, a)), "auroc_b": float(roc_auc_score(y, b)),
                    "delong_z": z, "delong_p": p, "delong_ci_low": lo, "delong_ci_high": hi}
            out["pairs"].append(pair)
            print(fa, fb, {t: round(v["delong_p"], 6) for t, v in pair["tasks"].items()})
    out["_provenance"] += f"{version}"
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
