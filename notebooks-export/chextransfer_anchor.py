#!/usr/bin/env python3
"""The CheXtransfer analysis, written the plain way with pandas, scikit-learn, scipy and statsmodels.

This is the reference implementation (correctness and speed anchor) that `chexstats report` is
checked and benchmarked against. It is deliberately *not* optimised: the bootstrap loops over
replicates, tasks and runs and calls sklearn.metrics.roc_auc_score each time, as a researcher would.

Usage:
    python3 notebooks-export/chextransfer_anchor.py LABELS RUNS_DIR [--replicates 1000] [--seed 0]
        [--out bench-out/anchor] [--uncertain ignore|zeros|ones] [--blank zeros|ignore]
        [--ci linear|chexpert] [--compare RUN_A RUN_B]

    LABELS    CheXpert-style ground truth (header `Study,` + observations), e.g. data/demo/labels.csv
    RUNS_DIR  a folder of runs: <name>/predictions.csv (+ <name>/run.json with architecture, family,
              pretrained, parameters, imagenet_top1, truncated_blocks, seed)

Definitions (each one is a choice; chexstats must state the same ones in its report):
  * Tasks: the 5 CheXpert competition tasks. Rows are joined on the `patientNNNNN/studyN` tail of
    `Study`; a run whose studies differ from the labels' studies is refused.
  * Label policy: -1 (uncertain) -> --uncertain (default ignore = drop that study from that task);
    blank -> --blank (default zeros). The demo's labels.csv has neither.
  * AUROC per run and task: sklearn roc_auc_score; mean AUROC = unweighted mean over the 5 tasks.
  * Paired bootstrap: B replicates; replicate b draws n study indices with replacement from
    numpy.random.default_rng(seed).integers(0, n, n) - the same indices for every run and task
    (non-stratified). A replicate in which a task has only one class is skipped for that task (and so
    for every mean over tasks that needs it).
  * Configuration = (architecture, pretrained, truncated_blocks). Its AUROC = mean over its seeds;
    SD = sample SD (ddof=1) of the seeds' mean AUROCs; its bootstrap replicate = mean over seeds of
    the seeds' replicate AUROCs (seed-averaged bootstrap).
  * CI: 95 % percentile. --ci linear (default) = numpy.quantile(method="linear"), i.e. R type 7 as in
    pROC and scipy; --ci chexpert = sorted replicates at 0-based indices int(0.025 B) - 1 and
    int(0.975 B) - 1 (the CheXpert group's confidence_interval.py).
  * Bootstrap p of a difference d (two-sided, percentile): p = min(1, 2 min(#{d*_b <= 0}, #{d*_b >= 0}) / B'),
    B' = replicates used; p = 0 means p < 1 / B'. Also reported: pROC's D = d / sd(d*) with a normal p.
  * Boost = AUROC(pretrained) - AUROC(random init) per architecture (seed-averaged); Holm over the
    16 architectures with statsmodels multipletests(method="holm").
  * Correlations: over the 16 architectures (seed-averaged AUROC), per group (random init,
    pretrained): scipy spearmanr (t approximation), pearsonr (exact), kendalltau (tau-b; exact p
    when n <= 33 without ties). ImageNet top-1 = run.json imagenet_top1.
  * Family: one-way ANOVA (statsmodels OLS `auroc ~ C(family)`, anova_lm type 1) of the 16
    random-init AUROCs; eta^2 = SS_family / SS_total; then `auroc ~ C(family) + log10_params` gives
    the extra share explained by log size within family. Spearman of log10(params) vs AUROC overall
    and on within-family-centred values.
  * Boost vs size: OLS boost ~ log10(params) (statsmodels), plus Spearman.
  * Truncation: for each truncated configuration, difference vs its full pretrained model
    (seed-averaged in each replicate), CI, significant drop = CI upper bound < 0; parameter
    ratio = params(full) / params(truncated). Per architecture the smallest model (fewest parameters,
    the full model included) without a significant drop; efficiency = params(full) / its params;
    mean efficiency = arithmetic mean over the truncated architectures.

Prints the results and the timings (total wall time; the bootstrap part) and writes CSVs to --out.
"""

import argparse
import glob
import json
import os
import re
import sys
import time

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.formula.api as smf
from scipy import stats
from sklearn.metrics import roc_auc_score
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.multitest import multipletests

TASKS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
KEY_TAIL = re.compile(r"(patient\d+/study\d+)")


def study_tail(key):
    match = KEY_TAIL.search(str(key))
    if match is None:
        raise ValueError(f"study key {key!r} has no patientNNNNN/studyN part")
    return match.group(1)


def read_labels(path, uncertain, blank):
    """Labels as a float array (studies x tasks) with NaN for 'not used in this task'."""
    frame = pd.read_csv(path, dtype={"Study": str})
    missing = [t for t in TASKS if t not in frame.columns]
    if missing:
        sys.exit(f"{path}: missing columns {missing}")
    frame.index = frame["Study"].map(study_tail)
    if frame.index.duplicated().any():
        sys.exit(f"{path}: duplicate studies {list(frame.index[frame.index.duplicated()][:3])}")
    raw = frame[TASKS].astype(float)  # blank cells read as NaN
    values = raw.copy()
    values[raw == -1] = {"ignore": np.nan, "zeros": 0.0, "ones": 1.0}[uncertain]
    values[raw.isna()] = 0.0 if blank == "zeros" else np.nan
    bad = ~values.isna() & ~values.isin([0.0, 1.0])
    if bad.any().any():
        sys.exit(f"{path}: labels must be 1, 0, -1 or blank; found {sorted(set(raw[bad].stack()))[:5]}")
    return values


def read_runs(folder, studies):
    runs = []
    for path in sorted(glob.glob(os.path.join(folder, "*", "predictions.csv"))):
        run_dir = os.path.dirname(path)
        meta_path = os.path.join(run_dir, "run.json")
        meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
        meta.setdefault("name", os.path.basename(run_dir))
        meta.setdefault("truncated_blocks", 0)
        frame = pd.read_csv(path, dtype={"Study": str})
        frame.index = frame["Study"].map(study_tail)
        if set(frame.index) != set(studies) or len(frame) != len(studies):
            sys.exit(f"{path}: its studies differ from the labels' studies; refusing to guess a join")
        missing = [t for t in TASKS if t not in frame.columns]
        if missing:
            sys.exit(f"{path}: missing columns {missing}")
        meta["scores"] = frame.loc[studies, TASKS].to_numpy(dtype=float)  # match by name, key
        runs.append(meta)
    if not runs:
        sys.exit(f"{folder}: no <run>/predictions.csv found")
    return runs


def percentile_ci(values, method):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if method == "chexpert":
        ordered = np.sort(values)
        n = len(ordered)
        return ordered[int(0.025 * n) - 1], ordered[int(0.975 * n) - 1]
    return tuple(np.quantile(values, [0.025, 0.975], method="linear"))


def bootstrap_p(differences):
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    p = min(1.0, 2.0 * min((d <= 0).sum(), (d >= 0).sum()) / len(d))
    return p


def proc_d_p(observed, differences):
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    sd = d.std(ddof=1)
    if sd == 0:
        return (0.0, 1.0) if observed == 0 else (np.inf, 0.0)
    z = observed / sd
    return z, 2 * stats.norm.sf(abs(z))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels")
    parser.add_argument("runs")
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="bench-out/anchor")
    parser.add_argument("--uncertain", choices=["ignore", "zeros", "ones"], default="ignore")
    parser.add_argument("--blank", choices=["zeros", "ignore"], default="zeros")
    parser.add_argument("--ci", choices=["linear", "chexpert"], default="linear")
    parser.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"))
    args = parser.parse_args(argv)
    if args.replicates < 1:
        parser.error("--replicates must be at least 1")
    if args.ci == "chexpert" and args.replicates < 40:
        parser.error("--ci chexpert reads index int(0.025 B) - 1, which needs B >= 40")

    t_start = time.perf_counter()
    os.makedirs(args.out, exist_ok=True)
    labels = read_labels(args.labels, args.uncertain, args.blank)
    studies = list(labels.index)
    y = labels.to_numpy()
    runs = read_runs(args.runs, studies)
    names = [r["name"] for r in runs]
    n_studies, n_runs, n_tasks, n_boot = len(studies), len(runs), len(TASKS), args.replicates
    print(f"anchor: {n_runs} runs, {n_studies} studies, {n_tasks} tasks, B = {n_boot}, seed {args.seed}; "
          f"numpy {np.__version__}, pandas {pd.__version__}, scikit-learn {sklearn.__version__}, "
          f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}")

    # --- point estimates ---------------------------------------------------------------------
    auc = np.empty((n_runs, n_tasks))
    for r, run in enumerate(runs):
        for t in range(n_tasks):
            keep = ~np.isnan(y[:, t])
            auc[r, t] = roc_auc_score(y[keep, t], run["scores"][keep, t])
    mean_auc = auc.mean(axis=1)

    # --- paired bootstrap of studies ---------------------------------------------------------
    t_boot = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    boot = np.full((n_runs, n_tasks, n_boot), np.nan)
    skipped = np.zeros(n_tasks, dtype=int)
    for b in range(n_boot):
        idx = rng.integers(0, n_studies, n_studies)
        for t in range(n_tasks):
            yb = y[idx, t]
            keep = ~np.isnan(yb)
            yb = yb[keep]
            if len(np.unique(yb)) < 2:
                skipped[t] += 1
                continue
            for r in range(n_runs):
                boot[r, t, b] = roc_auc_score(yb, runs[r]["scores"][idx, t][keep])
    boot_mean = boot.mean(axis=1)  # NaN where any task was skipped
    bootstrap_seconds = time.perf_counter() - t_boot

    # --- per run -----------------------------------------------------------------------------
    run_rows = []
    for r, run in enumerate(runs):
        lo, hi = percentile_ci(boot_mean[r], args.ci)
        run_rows.append({
            "run": run["name"], "architecture": run.get("architecture"), "family": run.get("family"),
            "pretrained": run.get("pretrained"), "truncated_blocks": run.get("truncated_blocks", 0),
            "seed": run.get("seed"), "parameters": run.get("parameters"),
            "imagenet_top1": run.get("imagenet_top1"),
            **{t: auc[r, j] for j, t in enumerate(TASKS)},
            "mean_auroc": mean_auc[r], "ci_lower": lo, "ci_upper": hi,
        })
    run_table = pd.DataFrame(run_rows)
    run_table.to_csv(os.path.join(args.out, "runs.csv"), index=False)

    # --- per configuration -------------------------------------------------------------------
    config_keys = ["architecture", "pretrained", "truncated_blocks"]
    configs = {}
    config_rows = []
    for key, group in run_table.groupby(config_keys, sort=False):
        members = group.index.to_numpy()
        replicates = boot_mean[members].mean(axis=0)
        task_replicates = boot[members].mean(axis=0)  # tasks x B
        lo, hi = percentile_ci(replicates, args.ci)
        first = group.iloc[0]
        configs[key] = {"replicates": replicates, "task_replicates": task_replicates,
                        "mean": group["mean_auroc"].mean(), "tasks": group[TASKS].mean().to_numpy(),
                        "parameters": first["parameters"], "family": first["family"],
                        "imagenet_top1": first["imagenet_top1"]}
        config_rows.append({
            "architecture": key[0], "family": first["family"], "pretrained": key[1],
            "truncated_blocks": key[2], "parameters": first["parameters"],
            "imagenet_top1": first["imagenet_top1"], "seeds": len(group),
            **{t: group[t].mean() for t in TASKS},
            "mean_auroc": group["mean_auroc"].mean(),
            "sd_across_seeds": group["mean_auroc"].std(ddof=1) if len(group) > 1 else np.nan,
            "ci_lower": lo, "ci_upper": hi,
        })
    config_table = pd.DataFrame(config_rows)
    config_table.to_csv(os.path.join(args.out, "configurations.csv"), index=False)

    # --- architecture table: boost -----------------------------------------------------------
    arch_rows = []
    for arch in dict.fromkeys(run_table["architecture"]):
        pre, rnd = configs.get((arch, True, 0)), configs.get((arch, False, 0))
        if pre is None or rnd is None:
            continue
        diff = pre["replicates"] - rnd["replicates"]
        boost = pre["mean"] - rnd["mean"]
        lo, hi = percentile_ci(diff, args.ci)
        z, p_normal = proc_d_p(boost, diff)
        arch_rows.append({
            "architecture": arch, "family": pre["family"], "parameters": pre["parameters"],
            "log10_parameters": np.log10(pre["parameters"]), "imagenet_top1": pre["imagenet_top1"],
            "auroc_random": rnd["mean"], "ci_random_lower": percentile_ci(rnd["replicates"], args.ci)[0],
            "ci_random_upper": percentile_ci(rnd["replicates"], args.ci)[1],
            "auroc_pretrained": pre["mean"], "ci_pretrained_lower": percentile_ci(pre["replicates"], args.ci)[0],
            "ci_pretrained_upper": percentile_ci(pre["replicates"], args.ci)[1],
            "boost": boost, "boost_ci_lower": lo, "boost_ci_upper": hi,
            "boost_p_bootstrap": bootstrap_p(diff), "boost_D": z, "boost_p_D_normal": p_normal,
        })
    arch_table = pd.DataFrame(arch_rows)
    reject, p_holm, _, _ = multipletests(arch_table["boost_p_bootstrap"], alpha=0.05, method="holm")
    arch_table["boost_p_holm"] = p_holm
    arch_table["boost_significant_holm"] = reject
    arch_table.to_csv(os.path.join(args.out, "architectures.csv"), index=False)

    # --- correlations ------------------------------------------------------------------------
    corr_rows = []
    for group, column in (("random", "auroc_random"), ("pretrained", "auroc_pretrained")):
        x, v = arch_table["imagenet_top1"].astype(float), arch_table[column]
        for label, (stat, p) in (("spearman", stats.spearmanr(x, v)), ("pearson", stats.pearsonr(x, v)),
                                 ("kendall", stats.kendalltau(x, v))):
            corr_rows.append({"x": "imagenet_top1", "y": f"mean_auroc_{group}", "method": label,
                              "statistic": float(stat), "p_value": float(p), "n": len(x)})
        stat, p = stats.spearmanr(arch_table["log10_parameters"], v)
        corr_rows.append({"x": "log10_parameters", "y": f"mean_auroc_{group}", "method": "spearman",
                          "statistic": float(stat), "p_value": float(p), "n": len(x)})

    # --- family vs size (random init) --------------------------------------------------------
    family_frame = arch_table[["family", "log10_parameters", "auroc_random"]].rename(columns={"auroc_random": "auroc"})
    family_fit = smf.ols("auroc ~ C(family)", data=family_frame).fit()
    family_anova = anova_lm(family_fit, typ=1)
    ss_total = ((family_frame["auroc"] - family_frame["auroc"].mean()) ** 2).sum()
    eta2_family = family_anova.loc["C(family)", "sum_sq"] / ss_total
    both_fit = smf.ols("auroc ~ C(family) + log10_parameters", data=family_frame).fit()
    both_anova = anova_lm(both_fit, typ=1)
    share_size_within = both_anova.loc["log10_parameters", "sum_sq"] / ss_total
    centred = family_frame.copy()
    for column in ("auroc", "log10_parameters"):
        centred[column] = centred[column] - centred.groupby("family")[column].transform("mean")
    within_rho, within_p = stats.spearmanr(centred["log10_parameters"], centred["auroc"])
    corr_rows.append({"x": "log10_parameters (within-family centred)", "y": "mean_auroc_random",
                      "method": "spearman", "statistic": float(within_rho), "p_value": float(within_p),
                      "n": len(centred)})
    family_rows = [
        {"model": "auroc ~ C(family)", "term": "C(family)", "df": family_anova.loc["C(family)", "df"],
         "sum_sq": family_anova.loc["C(family)", "sum_sq"], "F": family_anova.loc["C(family)", "F"],
         "p_value": family_anova.loc["C(family)", "PR(>F)"], "share_of_total_ss": eta2_family},
        {"model": "auroc ~ C(family) + log10_parameters", "term": "log10_parameters",
         "df": both_anova.loc["log10_parameters", "df"], "sum_sq": both_anova.loc["log10_parameters", "sum_sq"],
         "F": both_anova.loc["log10_parameters", "F"], "p_value": both_anova.loc["log10_parameters", "PR(>F)"],
         "share_of_total_ss": share_size_within},
    ]
    pd.DataFrame(family_rows).to_csv(os.path.join(args.out, "family_anova.csv"), index=False)

    # --- boost vs size ---------------------------------------------------------------------------
    boost_fit = smf.ols("boost ~ log10_parameters", data=arch_table).fit()
    conf = boost_fit.conf_int()
    boost_rho, boost_rho_p = stats.spearmanr(arch_table["log10_parameters"], arch_table["boost"])
    corr_rows.append({"x": "log10_parameters", "y": "boost", "method": "spearman",
                      "statistic": float(boost_rho), "p_value": float(boost_rho_p), "n": len(arch_table)})
    pd.DataFrame([{
        "term": term, "estimate": boost_fit.params[term], "std_error": boost_fit.bse[term],
        "t": boost_fit.tvalues[term], "p_value": boost_fit.pvalues[term],
        "ci_lower": conf.loc[term, 0], "ci_upper": conf.loc[term, 1],
        "r_squared": boost_fit.rsquared, "n": int(boost_fit.nobs),
    } for term in boost_fit.params.index]).to_csv(os.path.join(args.out, "boost_ols.csv"), index=False)
    corr_table = pd.DataFrame(corr_rows)
    corr_table.to_csv(os.path.join(args.out, "correlations.csv"), index=False)

    # --- truncation --------------------------------------------------------------------------
    trunc_rows = []
    for (arch, pretrained, cut), config in configs.items():
        if cut == 0 or not pretrained or (arch, True, 0) not in configs:
            continue
        full = configs[(arch, True, 0)]
        diff = config["replicates"] - full["replicates"]
        lo, hi = percentile_ci(diff, args.ci)
        trunc_rows.append({
            "architecture": arch, "truncated_blocks": cut, "parameters": config["parameters"],
            "parameters_full": full["parameters"], "parameter_ratio": full["parameters"] / config["parameters"],
            "auroc": config["mean"], "auroc_full": full["mean"], "difference": config["mean"] - full["mean"],
            "ci_lower": lo, "ci_upper": hi, "p_bootstrap": bootstrap_p(diff), "significant_drop": hi < 0,
        })
    trunc_table = pd.DataFrame(trunc_rows).sort_values(["architecture", "truncated_blocks"])
    efficiency_rows = []
    for arch, group in trunc_table.groupby("architecture", sort=False):
        ok = group[~group["significant_drop"]]
        if len(ok):
            best = ok.loc[ok["parameters"].idxmin()]
            efficiency_rows.append({"architecture": arch, "smallest_without_drop_blocks": int(best["truncated_blocks"]),
                                    "parameters": best["parameters"], "efficiency": best["parameter_ratio"]})
        else:
            efficiency_rows.append({"architecture": arch, "smallest_without_drop_blocks": 0,
                                    "parameters": group["parameters_full"].iloc[0], "efficiency": 1.0})
    efficiency_table = pd.DataFrame(efficiency_rows)
    mean_efficiency = efficiency_table["efficiency"].mean() if len(efficiency_table) else np.nan
    trunc_table.to_csv(os.path.join(args.out, "truncation.csv"), index=False)
    efficiency_table.to_csv(os.path.join(args.out, "efficiency.csv"), index=False)

    # --- optional two-run comparison -----------------------------------------------------------
    compare_table = None
    if args.compare:
        a, b_ = (names.index(n) for n in args.compare)
        rows = []
        for j, task in enumerate(TASKS + ["Mean"]):
            if task == "Mean":
                obs, diff = mean_auc[a] - mean_auc[b_], boot_mean[a] - boot_mean[b_]
                va, vb = mean_auc[a], mean_auc[b_]
            else:
                obs, diff = auc[a, j] - auc[b_, j], boot[a, j] - boot[b_, j]
                va, vb = auc[a, j], auc[b_, j]
            lo, hi = percentile_ci(diff, args.ci)
            rows.append({"task": task, "auroc_a": va, "auroc_b": vb, "difference": obs, "ci_lower": lo,
                         "ci_upper": hi, "p_bootstrap": bootstrap_p(diff), "significant": lo > 0 or hi < 0})
        compare_table = pd.DataFrame(rows)
        compare_table.to_csv(os.path.join(args.out, "compare.csv"), index=False)

    total_seconds = time.perf_counter() - t_start
    timings = {"replicates": n_boot, "runs": n_runs, "studies": n_studies, "tasks": n_tasks,
               "roc_auc_score_calls_in_bootstrap": int((~np.isnan(boot)).sum()),
               "bootstrap_seconds": bootstrap_seconds, "total_seconds": total_seconds,
               "skipped_replicates_per_task": dict(zip(TASKS, skipped.tolist()))}
    with open(os.path.join(args.out, "timings.json"), "w") as handle:
        json.dump(timings, handle, indent=2)

    # --- print ---------------------------------------------------------------------------------
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    fmt = {"float_format": lambda v: f"{v:.4f}"}
    print("\nArchitectures (seed-averaged mean AUROC; boost = pretrained - random; "
          f"95% percentile CI, {args.ci}; p = bootstrap percentile, Holm over {len(arch_table)}):")
    print(arch_table[["architecture", "family", "parameters", "imagenet_top1", "auroc_random", "auroc_pretrained",
                      "boost", "boost_ci_lower", "boost_ci_upper", "boost_p_bootstrap", "boost_p_holm",
                      "boost_significant_holm"]].to_string(index=False, **fmt))
    print(f"\nSD across seeds of mean AUROC: median {config_table['sd_across_seeds'].median():.4f}, "
          f"range {config_table['sd_across_seeds'].min():.4f}-{config_table['sd_across_seeds'].max():.4f}")
    print("\nCorrelations (over architectures):")
    print(corr_table.to_string(index=False, **fmt))
    print(f"\nFamily (random init): eta^2 = {eta2_family:.3f} (F = {family_rows[0]['F']:.2f}, "
          f"p = {family_rows[0]['p_value']:.3g}); log10 params within family adds {share_size_within:.3f} of the "
          f"total SS (p = {family_rows[1]['p_value']:.3g})")
    print(f"\nOLS boost ~ log10(params): slope {boost_fit.params['log10_parameters']:.4f} "
          f"(SE {boost_fit.bse['log10_parameters']:.4f}, 95% CI {conf.loc['log10_parameters', 0]:.4f} to "
          f"{conf.loc['log10_parameters', 1]:.4f}, p = {boost_fit.pvalues['log10_parameters']:.3g}), "
          f"R^2 = {boost_fit.rsquared:.3f}; Spearman {boost_rho:.3f} (p = {boost_rho_p:.3g})")
    print("\nTruncation (difference vs the full pretrained model):")
    print(trunc_table[["architecture", "truncated_blocks", "parameters", "parameter_ratio", "auroc", "difference",
                       "ci_lower", "ci_upper", "p_bootstrap", "significant_drop"]].to_string(index=False, **fmt))
    print("\nSmallest model without a significant drop:")
    print(efficiency_table.to_string(index=False, **fmt))
    print(f"mean parameter efficiency: {mean_efficiency:.3f}x")
    if compare_table is not None:
        print(f"\nCompare {args.compare[0]} (a) vs {args.compare[1]} (b):")
        print(compare_table.to_string(index=False, **fmt))
    print(f"\ntimings: bootstrap {bootstrap_seconds:.1f} s ({timings['roc_auc_score_calls_in_bootstrap']} "
          f"roc_auc_score calls), total wall time {total_seconds:.1f} s; CSVs in {args.out}")


if __name__ == "__main__":
    main()
