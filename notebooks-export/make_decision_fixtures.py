#!/usr/bin/env python3
"""Reference values for chexstats's ROC/PR curves, operating points and decision metrics.

Writes Tests/ChexStatsTests/Fixtures/decisions_reference.json from 8 synthetic data sets made with
numpy.random.default_rng(DATA_SEED) (the seed is in the JSON). Which library makes each value:

  roc          sklearn.metrics.roc_curve(labels, scores, drop_intermediate=False): fpr, tpr,
               thresholds. sklearn >= 1.3 makes thresholds[0] = +inf; it is written as null.
  pr           sklearn.metrics.precision_recall_curve(labels, scores, drop_intermediate=False)
               (the parameter exists in this sklearn and False is also its default): precision,
               recall (one longer than thresholds; the last point is precision 1, recall 0).
  average_precision  sklearn average_precision_score.     auroc  sklearn roc_auc_score.
  proc_coords  R pROC roc(labels, scores, levels = c(0, 1), direction = "<") then
               coords(r, "all", ret = c("threshold", "specificity", "sensitivity"),
               transpose = FALSE), in pROC's order (ascending threshold). The first threshold is
               -Inf (specificity 0, sensitivity 1) and the last is +Inf (specificity 1,
               sensitivity 0): both are written as null.
  proc_sens_at_spec / proc_spec_at_sens
               pROC coords(r, x = v, input = "specificity" (or "sensitivity"),
               ret = "sensitivity" (or "specificity"), transpose = FALSE) for 5 inputs: 0.3, 0.5,
               0.7, 0.9 and one that is exactly a point of the curve (chosen on a segment when
               there is one). Each entry records `hits_segment`: true when several points of the
               empirical curve share that input value (a vertical segment for specificity input,
               a horizontal one for sensitivity input), with the range of the other coordinate
               along it.
               What pROC 1.18.0 does (read from coords.roc and checked here): it sorts the curve
               by ascending threshold, looks for points whose value EQUALS the input (exact ==).
               Several matches (a segment): for input "specificity" (increasing along the curve)
               it takes the first match = lowest threshold = the LARGEST sensitivity (top of the
               vertical segment); for input "sensitivity" (decreasing) it takes the last match =
               highest threshold = the LARGEST specificity (left end of the horizontal segment in
               ROC space). No match: linear interpolation between the two neighbouring points.
               So pROC returns the upper envelope, like the naive definition below; it never
               averages or returns the first point of a segment.
  naive_sens_at_spec / naive_spec_at_sens
               Plain Python (below), the definition: the ROC curve is the piecewise-linear curve
               through sklearn's roc_curve points (drop_intermediate=False) and its upper envelope
               is used. Sensitivity at FPR x = 1 - specificity: the largest TPR among the curve
               points at x (top of a vertical segment), else linear interpolation on the segment
               containing x. Specificity at sensitivity y: 1 - the smallest FPR among the points
               at TPR y (left end of a horizontal segment), else interpolation. "At" means within
               1e-12, so that 1 - 0.7 = 0.30000000000000004 still counts as FPR 0.3.
  metrics      sklearn on `decisions` vs `labels`: sensitivity = recall_score, specificity =
               recall_score(pos_label=0), ppv = precision_score, npv = precision_score(pos_label=0),
               f1 = f1_score, all with zero_division=np.nan; kappa = cohen_kappa_score
               (replace_undefined_by=np.nan); mcc = matthews_corrcoef; tp, fp, tn, fn from
               confusion_matrix. NaN (0/0, undefined) is written as null. sklearn's MCC returns
               0.0 when a margin of the 2x2 table is empty; then `mcc` is null and that sklearn
               value is in `mcc_sklearn_degenerate` (null when MCC is defined).
  wilson / wilson90
               statsmodels proportion_confint(count, nobs, alpha=0.05 / 0.10, method="wilson")
               for sensitivity (tp of tp + fn) and specificity (tn of tn + fp), as [low, high].
  bootstrap    An independent loop on fixed resample indices:
               numpy.random.default_rng(BOOT_SEED).integers(0, n, size=(200, n)) (a fresh
               generator with the same seed for each data set). Stored in `bootstrap_indices`
               only when n <= 60. Per replicate on the resample (labels[idx], scores[idx],
               decisions[idx]): sklearn roc_auc_score, average_precision_score, recall_score
               (sensitivity), recall_score(pos_label=0) (specificity), matthews_corrcoef, and the
               naive sensitivity at the full-sample specificity of the decisions
               (`bootstrap_target_specificity`) on the resample's sklearn ROC curve. null when
               undefined: auroc, average_precision and sens_at_spec when the resample holds one
               class only, sensitivity with no positives, specificity with no negatives, mcc when
               a margin is empty (sklearn would give 0.0).

Run from the repository root:  python3 notebooks-export/make_decision_fixtures.py
Needs numpy, scikit-learn, statsmodels, and Rscript with pROC (apt-get install r-base-core
r-cran-proc).
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import (average_precision_score, cohen_kappa_score, confusion_matrix,
                             f1_score, matthews_corrcoef, precision_recall_curve,
                             precision_score, recall_score, roc_auc_score, roc_curve)
from statsmodels.stats.proportion import proportion_confint

OUT = "Tests/ChexStatsTests/Fixtures/decisions_reference.json"
DATA_SEED = 20261206
BOOT_SEED = 2021
BOOT_N = 200
STORE_INDICES_MAX_N = 60
FIXED_INPUTS = [0.3, 0.5, 0.7, 0.9]
TOL = 1e-12

R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
spec_in <- as.numeric(strsplit(args[2], ",")[[1]])
sens_in <- as.numeric(strsplit(args[3], ",")[[1]])
r <- roc(d$label, d$score, levels = c(0, 1), direction = "<", quiet = TRUE)
fmt <- function(x) formatC(x, digits = 17, format = "g")
a <- coords(r, "all", ret = c("threshold", "specificity", "sensitivity"), transpose = FALSE)
for (i in seq_len(nrow(a))) cat("coord", fmt(a$threshold[i]), fmt(a$specificity[i]), fmt(a$sensitivity[i]), "\n")
for (v in spec_in) cat("sens_at_spec", fmt(v), fmt(coords(r, x = v, input = "specificity", ret = "sensitivity", transpose = FALSE)$sensitivity), "\n")
for (v in sens_in) cat("spec_at_sens", fmt(v), fmt(coords(r, x = v, input = "sensitivity", ret = "specificity", transpose = FALSE)$specificity), "\n")
cat("auc", fmt(as.numeric(auc(r))), "\n")
cat("proc_version", as.character(packageVersion("pROC")), "\n")
cat("r_version", paste(R.version$major, R.version$minor, sep = "."), "\n")
"""


# ---------------------------------------------------------------- naive upper-envelope look-ups

def naive_sens_at_fpr(fpr, tpr, x):
    """Largest TPR of the piecewise-linear curve through (fpr[i], tpr[i]) at FPR x."""
    at_x = [t for f, t in zip(fpr, tpr) if abs(f - x) <= TOL]
    if at_x:
        return max(at_x)
    for i in range(1, len(fpr)):
        if fpr[i - 1] < x < fpr[i]:
            share = (x - fpr[i - 1]) / (fpr[i] - fpr[i - 1])
            return tpr[i - 1] + share * (tpr[i] - tpr[i - 1])
    raise ValueError(f"FPR {x} outside the curve")


def naive_fpr_at_sens(fpr, tpr, y):
    """Smallest FPR of the curve at TPR y."""
    at_y = [f for f, t in zip(fpr, tpr) if abs(t - y) <= TOL]
    if at_y:
        return min(at_y)
    for i in range(1, len(tpr)):
        if tpr[i - 1] < y < tpr[i]:
            share = (y - tpr[i - 1]) / (tpr[i] - tpr[i - 1])
            return fpr[i - 1] + share * (fpr[i] - fpr[i - 1])
    raise ValueError(f"TPR {y} outside the curve")


def naive_sens_at_spec(labels, scores, specificity):
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    return naive_sens_at_fpr(list(fpr), list(tpr), 1 - specificity)


def naive_spec_at_sens(labels, scores, sensitivity):
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    return 1 - naive_fpr_at_sens(list(fpr), list(tpr), sensitivity)


# ---------------------------------------------------------------- helpers

def num(v):
    """A float for JSON: NaN and +-inf become null."""
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def nums(values):
    return [num(v) for v in values]


def decision_metrics(y, d):
    y = np.asarray(y)
    d = np.asarray(d)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, d, labels=[0, 1]).ravel())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mcc = float(matthews_corrcoef(y, d))
        m = {
            "tp": tp, "fp": fp, "tn": tn, "fn": fn,
            "sensitivity": num(recall_score(y, d, zero_division=np.nan)),
            "specificity": num(recall_score(y, d, pos_label=0, zero_division=np.nan)),
            "ppv": num(precision_score(y, d, zero_division=np.nan)),
            "npv": num(precision_score(y, d, pos_label=0, zero_division=np.nan)),
            "f1": num(f1_score(y, d, zero_division=np.nan)),
            "kappa": num(cohen_kappa_score(y, d, replace_undefined_by=np.nan)),
        }
    degenerate = (tp + fp) == 0 or (tp + fn) == 0 or (tn + fp) == 0 or (tn + fn) == 0
    m["mcc"] = None if degenerate else mcc
    m["mcc_sklearn_degenerate"] = mcc if degenerate else None
    return m


def wilson(count, nobs, alpha):
    if nobs == 0:
        return None
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    return [float(low), float(high)]


def run_proc(y, s, spec_inputs, sens_inputs):
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "d.csv")
        with open(csv, "w") as f:
            f.write("label,score\n")
            for a, b in zip(y, s):
                f.write(f"{int(a)},{float(b)!r}\n")
        script = os.path.join(tmp, "coords.R")
        with open(script, "w") as f:
            f.write(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", script, csv, ",".join(repr(float(v)) for v in spec_inputs),
             ",".join(repr(float(v)) for v in sens_inputs)],
            capture_output=True, text=True, check=True).stdout
    res = {"coords": [], "sens_at_spec": [], "spec_at_sens": []}
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "coord":
            res["coords"].append(tuple(float(v) for v in parts[1:4]))
        elif parts[0] in ("sens_at_spec", "spec_at_sens"):
            res[parts[0]].append(float(parts[2]))
        elif parts[0] == "auc":
            res["auc"] = float(parts[1])
        else:
            res[parts[0]] = parts[1]
    return res


def segment_info(fpr, tpr, value, along):
    """Points of the sklearn curve sharing this specificity (along='spec') or sensitivity."""
    if along == "spec":
        others = [t for f, t in zip(fpr, tpr) if abs((1 - f) - value) <= TOL]
    else:
        others = [1 - f for f, t in zip(fpr, tpr) if abs(t - value) <= TOL]
    if len(others) >= 2:
        return True, [min(others), max(others)]
    return False, None


def point_on_segment(y, fpr, tpr, along):
    """An input that is exactly a point of the curve, on a segment when there is one.

    Computed from integer counts as pROC does (tn / controls, tp / cases) so that R's == matches.
    """
    n_neg = int(np.sum(np.asarray(y) == 0))
    n_pos = int(np.sum(np.asarray(y) == 1))
    if along == "spec":
        counts = [int(round(f * n_neg)) for f in fpr]
        values = [(n_neg - c) / n_neg for c in counts]
        other = [int(round(t * n_pos)) for t in tpr]
    else:
        counts = [int(round(t * n_pos)) for t in tpr]
        values = [c / n_pos for c in counts]
        other = [int(round(f * n_neg)) for f in fpr]
    candidates = []
    for c in sorted(set(counts)):
        spread = {o for cc, o in zip(counts, other) if cc == c}
        if len(spread) >= 2:
            candidates.append(c)
    if not candidates:
        candidates = sorted(set(counts))
    pick = [c for c in candidates if 0 < c < max(counts)] or candidates
    c = pick[len(pick) // 2]
    return values[counts.index(c)]


# ---------------------------------------------------------------- data sets

def datasets():
    rng = np.random.default_rng(DATA_SEED)

    def logistic(v):
        return 1 / (1 + np.exp(-v))

    # 1. Hand-sized with ties across classes; decisions = score >= 0.4.
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6, 0.95, 0.3])
    yield "hand_ties_12", "hand-written; decisions = score >= 0.4", y, s, (s >= 0.4).astype(int)

    # 2. n = 60, probabilities rounded to 1 decimal (many ties); decisions = score >= 0.5.
    y = (rng.random(60) < 0.4).astype(int)
    s = np.round(logistic(1.2 * y + rng.normal(size=60) - 0.3), 1)
    yield "rounded_60", "logistic(1.2 y + N(0,1) - 0.3) rounded to 1 decimal; decisions = score >= 0.5", \
        y, s, (s >= 0.5).astype(int)

    # 3. n = 300, continuous; decisions = labels with 20 % random flips.
    y = (rng.random(300) < 0.3).astype(int)
    s = 1.0 * y + rng.normal(size=300)
    flips = rng.random(300) < 0.2
    yield "continuous_300", "1.0 y + N(0,1); decisions = labels flipped with probability 0.2", \
        y, s, np.where(flips, 1 - y, y)

    # 4. n = 1000, continuous probabilities; decisions = score > 0.35.
    y = (rng.random(1000) < 0.25).astype(int)
    s = logistic(1.5 * y + rng.normal(size=1000) - 1.0)
    yield "large_1000", "logistic(1.5 y + N(0,1) - 1); decisions = score > 0.35", \
        y, s, (s > 0.35).astype(int)

    # 5. Decisions all positive: NPV 0/0, MCC undefined.
    y = np.array([1] * 16 + [0] * 24)
    rng.shuffle(y)
    s = np.round(0.8 * y + rng.normal(size=40), 2)
    yield "all_positive_decisions_40", "0.8 y + N(0,1) rounded to 2 decimals; decisions all 1", \
        y, s, np.ones(40, dtype=int)

    # 6. Decisions all negative: PPV 0/0, MCC undefined.
    y = np.array([1] * 20 + [0] * 30)
    rng.shuffle(y)
    s = 0.8 * y + rng.normal(size=50)
    yield "all_negative_decisions_50", "0.8 y + N(0,1); decisions all 0", \
        y, s, np.zeros(50, dtype=int)

    # 7. Imbalanced: 5 positives of 200; decisions = score > 1.0.
    y = np.zeros(200, dtype=int)
    y[rng.choice(200, 5, replace=False)] = 1
    s = 1.5 * y + rng.normal(size=200)
    yield "imbalanced_5_of_200", "5 positives; 1.5 y + N(0,1); decisions = score > 1.0", \
        y, s, (s > 1.0).astype(int)

    # 8. Five score levels, 24 + 24 (specificities on a 1/24 grid: many segments);
    #    decisions = labels with 25 % random flips.
    y = np.array([1] * 24 + [0] * 24)
    rng.shuffle(y)
    s = np.clip(np.round(1 + 1.2 * y + rng.normal(size=48)), 0, 4) / 4
    flips = rng.random(48) < 0.25
    yield "five_levels_48", "clip(round(1 + 1.2 y + N(0,1)), 0, 4) / 4; decisions = labels flipped with probability 0.25", \
        y, s, np.where(flips, 1 - y, y)


# ---------------------------------------------------------------- bootstrap

def bootstrap(y, s, d, target_spec, indices):
    out = {k: [] for k in ("auroc", "average_precision", "sensitivity", "specificity", "mcc",
                           "sens_at_spec")}
    for idx in indices:
        yb, sb, db = y[idx], s[idx], d[idx]
        n_pos = int(yb.sum())
        n_neg = len(yb) - n_pos
        both = n_pos > 0 and n_neg > 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["auroc"].append(float(roc_auc_score(yb, sb)) if both else None)
            out["average_precision"].append(float(average_precision_score(yb, sb)) if both else None)
            out["sensitivity"].append(float(recall_score(yb, db)) if n_pos > 0 else None)
            out["specificity"].append(float(recall_score(yb, db, pos_label=0)) if n_neg > 0 else None)
            margins_ok = n_pos > 0 and n_neg > 0 and 0 < int(db.sum()) < len(db)
            out["mcc"].append(float(matthews_corrcoef(yb, db)) if margins_ok else None)
        out["sens_at_spec"].append(
            float(naive_sens_at_spec(yb, sb, target_spec)) if both and target_spec is not None else None)
    return out


# ---------------------------------------------------------------- main

def main():
    out = {
        "_provenance": (
            f"notebooks-export/make_decision_fixtures.py; numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}, statsmodels {statsmodels.__version__}, Python "
            f"{sys.version.split()[0]}; pROC values from Rscript (versions below); data seed "
            f"{DATA_SEED} (numpy default_rng), bootstrap seed {BOOT_SEED}"),
        "data_seed": DATA_SEED,
        "bootstrap_seed": BOOT_SEED,
        "bootstrap_replicates": BOOT_N,
        "bootstrap_indices_rule": (
            "numpy.random.default_rng(bootstrap_seed).integers(0, n, size=(bootstrap_replicates, n)), "
            "a fresh generator per data set; stored only when n <= 60"),
        "naive_tolerance": TOL,
        "datasets": [],
    }
    disagreements = []
    for name, how, y, s, d in datasets():
        y = np.asarray(y, dtype=int)
        s = np.asarray(s, dtype=float)
        d = np.asarray(d, dtype=int)
        n = len(y)
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
        prec, rec, pthr = precision_recall_curve(y, s, drop_intermediate=False)
        fpr_l, tpr_l = [float(v) for v in fpr], [float(v) for v in tpr]

        spec_inputs = FIXED_INPUTS + [point_on_segment(y, fpr_l, tpr_l, "spec")]
        sens_inputs = FIXED_INPUTS + [point_on_segment(y, fpr_l, tpr_l, "sens")]
        proc = run_proc(y, s, spec_inputs, sens_inputs)
        out["proc_version"] = proc["proc_version"]
        out["r_version"] = proc["r_version"]

        proc_sens, naive_sens, proc_spec, naive_spec = [], [], [], []
        for v, pv in zip(spec_inputs, proc["sens_at_spec"]):
            hit, rng_ = segment_info(fpr_l, tpr_l, v, "spec")
            nv = naive_sens_at_fpr(fpr_l, tpr_l, 1 - v)
            proc_sens.append({"specificity": v, "sensitivity": pv, "hits_segment": hit,
                              "segment_sensitivity_range": rng_})
            naive_sens.append({"specificity": v, "sensitivity": nv})
            if abs(nv - pv) > 1e-12:
                disagreements.append((name, "sens_at_spec", v, pv, nv))
        for v, pv in zip(sens_inputs, proc["spec_at_sens"]):
            hit, rng_ = segment_info(fpr_l, tpr_l, v, "sens")
            nv = 1 - naive_fpr_at_sens(fpr_l, tpr_l, v)
            proc_spec.append({"sensitivity": v, "specificity": pv, "hits_segment": hit,
                              "segment_specificity_range": rng_})
            naive_spec.append({"sensitivity": v, "specificity": nv})
            if abs(nv - pv) > 1e-12:
                disagreements.append((name, "spec_at_sens", v, pv, nv))

        # sklearn's curve and pROC's, same points in opposite order?
        pc = proc["coords"]
        p_fpr = [1 - c[1] for c in reversed(pc)]
        p_tpr = [c[2] for c in reversed(pc)]
        if len(p_fpr) != len(fpr_l) or max(abs(a - b) for a, b in zip(p_fpr, fpr_l)) > 1e-12 \
                or max(abs(a - b) for a, b in zip(p_tpr, tpr_l)) > 1e-12:
            disagreements.append((name, "curve points differ", len(p_fpr), len(fpr_l)))
        auroc = float(roc_auc_score(y, s))
        if abs(auroc - proc["auc"]) > 1e-12:
            disagreements.append((name, "auroc", auroc, proc["auc"]))

        metrics = decision_metrics(y, d)
        tp, fp, tn, fn = metrics["tp"], metrics["fp"], metrics["tn"], metrics["fn"]
        target_spec = metrics["specificity"]

        boot_rng = np.random.default_rng(BOOT_SEED)
        indices = boot_rng.integers(0, n, size=(BOOT_N, n))
        entry = {
            "name": name,
            "how": how,
            "n": n,
            "positives": int(y.sum()),
            "labels": [int(v) for v in y],
            "scores": [float(v) for v in s],
            "decisions": [int(v) for v in d],
            "roc": {"fpr": fpr_l, "tpr": tpr_l, "thresholds": nums(thr)},
            "pr": {"precision": [float(v) for v in prec], "recall": [float(v) for v in rec],
                   "thresholds": [float(v) for v in pthr]},
            "average_precision": float(average_precision_score(y, s)),
            "auroc": auroc,
            "proc_auc": proc["auc"],
            "proc_coords": {"threshold": [num(c[0]) for c in pc],
                            "specificity": [c[1] for c in pc],
                            "sensitivity": [c[2] for c in pc]},
            "proc_sens_at_spec": proc_sens,
            "proc_spec_at_sens": proc_spec,
            "naive_sens_at_spec": naive_sens,
            "naive_spec_at_sens": naive_spec,
            "metrics": metrics,
            "wilson": {"sensitivity": wilson(tp, tp + fn, 0.05),
                       "specificity": wilson(tn, tn + fp, 0.05)},
            "wilson90": {"sensitivity": wilson(tp, tp + fn, 0.10),
                         "specificity": wilson(tn, tn + fp, 0.10)},
            "bootstrap_target_specificity": target_spec,
            "bootstrap_indices": ([[int(i) for i in row] for row in indices]
                                  if n <= STORE_INDICES_MAX_N else None),
            "bootstrap_values": bootstrap(y, s, d, target_spec, indices),
        }
        out["datasets"].append(entry)
        print(f"{name}: n={n} pos={int(y.sum())} auroc={auroc:.6f} ap={entry['average_precision']:.6f} "
              f"segments hit (spec/sens) {sum(e['hits_segment'] for e in proc_sens)}/"
              f"{sum(e['hits_segment'] for e in proc_spec)}")
    out["naive_vs_proc_disagreements"] = [list(t) for t in disagreements]
    print("disagreements (> 1e-12):", disagreements or "none")
    with open(OUT, "w") as f:
        f.write(dumps(out))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


def dumps(obj, level=0):
    """JSON with indentation for objects and one line per list of numbers (full float repr)."""
    pad = " " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {dumps(v, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(obj, list) and obj and all(isinstance(v, (list, dict)) for v in obj):
        items = [pad + dumps(v, level + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + " " * level + "]"
    return json.dumps(obj, allow_nan=False)


if __name__ == "__main__":
    main()
