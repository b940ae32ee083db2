#!/usr/bin/env python3
"""Reference values for reader (radiologist) and decision metrics on the real CheXpert test files.

Reads ../shared/data/chexpert-test (groundtruth.csv, radiologists/bc4.csv, predictions/*.csv,
decisions/*.csv; 500 studies). Columns are matched by name and rows by the Study key (the files
order their columns differently). For each competition task (Atelectasis, Cardiomegaly,
Consolidation, Edema, Pleural Effusion), with the ground truth 0/1 of groundtruth.csv:

  positives, negatives          counted from groundtruth.csv.
  readers.bc4 and decisions.<file stem>
      tp, fp, tn, fn            sklearn confusion_matrix
      sensitivity, specificity  sklearn recall_score (pos_label=1 / pos_label=0)
      ppv, npv                  sklearn precision_score (pos_label=1 / pos_label=0)
      f1, mcc, kappa            sklearn f1_score, matthews_corrcoef, cohen_kappa_score
      wilson                    statsmodels proportion_confint(method="wilson", alpha=0.05) of
                                sensitivity (tp of tp + fn) and specificity (tn of tn + fp)
      (undefined 0/0 values would be null, as in make_decision_fixtures.py; none occur here.)
  models.<prediction file stem>
      auroc, average_precision  sklearn roc_auc_score, average_precision_score
      readers.bc4:
        sensitivity_at_reader_specificity, specificity_at_reader_sensitivity
            the naive upper-envelope look-ups of make_decision_fixtures.py (piecewise-linear
            curve through sklearn roc_curve(drop_intermediate=False) points; at a vertical
            segment its top, at a horizontal segment its left end, else interpolation)
        below   true when the reader's sensitivity is strictly below the curve's sensitivity at
                the reader's FPR (by more than 1e-12, so a reader exactly on the curve is not below)
        proc_sensitivity_at_reader_specificity, proc_specificity_at_reader_sensitivity
            cross-check: R pROC 1.18 coords(roc(y, score, levels = c(0, 1), direction = "<"),
            x = reader value, input = "specificity" / "sensitivity")
      readers_below             how many readers are below the curve (only bc4 here: 0 or 1)

Writes Tests/chexstatsTests/Fixtures/chexpert_readers_reference.json. The data files are not
copied into the repository; the tests that use this fixture skip when ../shared is absent.

Run from the repository root: python3 notebooks-export/make_chexpert_readers_reference.py
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_decision_fixtures import (decision_metrics, dumps, naive_fpr_at_sens,  # noqa: E402
                                    naive_sens_at_fpr, wilson)

SHARED = "../shared/data/chexpert-test"
OUT = "Tests/chexstatsTests/Fixtures/chexpert_readers_reference.json"
TASKS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
READERS = ["bc4"]
R = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
sp <- as.numeric(args[2]); se <- as.numeric(args[3])
r <- roc(d$label, d$score, levels = c(0, 1), direction = "<", quiet = TRUE)
fmt <- function(x) formatC(x, digits = 17, format = "g")
cat(fmt(coords(r, x = sp, input = "specificity", ret = "sensitivity", transpose = FALSE)$sensitivity),
    fmt(coords(r, x = se, input = "sensitivity", ret = "specificity", transpose = FALSE)$specificity), "\n")
cat(as.character(packageVersion("pROC")), "\n")
"""


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    table = {r["Study"]: r for r in rows}
    if len(table) != len(rows):
        raise SystemExit(f"{path}: duplicate Study keys")
    return table


def column(table, keys, task, kind):
    missing = [k for k in keys if k not in table]
    if missing:
        raise SystemExit(f"{len(missing)} studies missing, e.g. {missing[0]}")
    return np.array([kind(table[k][task]) for k in keys])


def reader_entry(y, d):
    m = decision_metrics(y, d)
    m["wilson"] = {"sensitivity": wilson(m["tp"], m["tp"] + m["fn"], 0.05),
                   "specificity": wilson(m["tn"], m["tn"] + m["fp"], 0.05)}
    return m


def proc_lookups(tmp, y, s, spec, sens):
    data = os.path.join(tmp, "d.csv")
    with open(data, "w") as f:
        f.write("label,score\n")
        for a, b in zip(y, s):
            f.write(f"{int(a)},{float(b)!r}\n")
    script = os.path.join(tmp, "c.R")
    with open(script, "w") as f:
        f.write(R)
    lines = subprocess.run(["Rscript", script, data, repr(float(spec)), repr(float(sens))],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    se, sp = (float(v) for v in lines[0].split())
    return se, sp, lines[1].strip()


def main():
    truth = read(os.path.join(SHARED, "groundtruth.csv"))
    keys = sorted(truth)
    readers = {r: read(os.path.join(SHARED, "radiologists", r + ".csv")) for r in READERS}
    pred_files = sorted(os.listdir(os.path.join(SHARED, "predictions")))
    preds = {f[:-4]: read(os.path.join(SHARED, "predictions", f)) for f in pred_files}
    dec_files = sorted(os.listdir(os.path.join(SHARED, "decisions")))
    decs = {f[:-4]: read(os.path.join(SHARED, "decisions", f)) for f in dec_files}

    out = {"_provenance": (
        f"notebooks-export/make_chexpert_readers_reference.py; scikit-learn {sklearn.__version__}, "
        f"statsmodels {statsmodels.__version__}, numpy {np.__version__}, Python "
        f"{sys.version.split()[0]}; pROC cross-check "),
        "studies": len(keys), "tasks": TASKS, "readers": READERS,
        "models": list(preds), "decisions": list(decs), "by_task": {}}
    version = "?"
    with tempfile.TemporaryDirectory() as tmp:
        for task in TASKS:
            y = column(truth, keys, task, int)
            entry = {"positives": int(y.sum()), "negatives": int(len(y) - y.sum()),
                     "readers": {}, "models": {}, "decisions": {}}
            for r, table in readers.items():
                entry["readers"][r] = reader_entry(y, column(table, keys, task, int))
            for name, table in preds.items():
                s = column(table, keys, task, float)
                fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
                fpr, tpr = [float(v) for v in fpr], [float(v) for v in tpr]
                model = {"auroc": float(roc_auc_score(y, s)),
                         "average_precision": float(average_precision_score(y, s)),
                         "readers": {}}
                below_count = 0
                for r in readers:
                    rm = entry["readers"][r]
                    reader_fpr = rm["fp"] / (rm["fp"] + rm["tn"])
                    curve_sens = naive_sens_at_fpr(fpr, tpr, reader_fpr)
                    below = rm["sensitivity"] < curve_sens - 1e-12
                    below_count += int(below)
                    p_se, p_sp, version = proc_lookups(tmp, y, s, rm["specificity"], rm["sensitivity"])
                    model["readers"][r] = {
                        "reader_fpr": reader_fpr,
                        "below": bool(below),
                        "sensitivity_at_reader_specificity": curve_sens,
                        "specificity_at_reader_sensitivity": 1 - naive_fpr_at_sens(fpr, tpr, rm["sensitivity"]),
                        "proc_sensitivity_at_reader_specificity": p_se,
                        "proc_specificity_at_reader_sensitivity": p_sp,
                    }
                model["readers_below"] = below_count
                entry["models"][name] = model
            for name, table in decs.items():
                entry["decisions"][name] = reader_entry(y, column(table, keys, task, int))
            out["by_task"][task] = entry
            bc4 = entry["readers"]["bc4"]
            print(f"{task}: positives {entry['positives']}, bc4 sens {bc4['sensitivity']:.4f} "
                  f"spec {bc4['specificity']:.4f}; " + ", ".join(
                      f"{m} auroc {v['auroc']:.4f} {'below' if v['readers']['bc4']['below'] else 'not below'}"
                      f" (curve sens {v['readers']['bc4']['sensitivity_at_reader_specificity']:.4f},"
                      f" pROC {v['readers']['bc4']['proc_sensitivity_at_reader_specificity']:.4f})"
                      for m, v in entry["models"].items()))
    out["_provenance"] += f"R pROC {version}"
    with open(OUT, "w") as f:
        f.write(dumps(out))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
