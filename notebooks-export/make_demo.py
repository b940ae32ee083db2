#!/usr/bin/env python3
"""Generate the chexstats demo study (data/demo/): CheXpert-style labels and 150 simulated runs.

Usage:
    python3 notebooks-export/make_demo.py [--seed 20210601] [--out data/demo]
        [--architectures data/architectures.csv]
        [--truncation data/demo/truncation-params.csv]

Needs numpy and scipy only. The same seed gives byte-identical files.

What it writes (see data/demo/README.md for the full description):
  labels.csv            500 studies x 14 observations, integer 0/1, the real CheXpert test-set
                        positives for the 5 competition tasks
  labels-uncertain.csv  the same studies in the labeler coding (1.0 / 0.0 / -1.0 / blank)
  planted.csv           the generator's true (population) AUROC per run and task
  runs/<name>/predictions.csv, runs/<name>/run.json
                        16 architectures x {pretrained, random} x seeds 1-3, plus pretrained
                        models of 6 architectures with 1, 2 and 3 final blocks cut off, seeds 1-3

The score model (binormal, equal variances). For run r, task t, study i with label y:

    x[r,i,t] = delta[r,t] * y[i,t] + sqrt(W_SHARED) * D[i,t]          (all runs share D)
                                  + sqrt(W_CONFIG) * C[cfg(r),i,t]    (runs of one configuration)
                                  + sqrt(W_RUN)    * S[r,i,t]         (this run only)

with D, C, S independent N(0, 1) and W_SHARED + W_CONFIG + W_RUN = 1, so both classes have unit
variance and the population AUROC is Phi(delta / sqrt(2)); delta = sqrt(2) * Phi^-1(target).
A truncated model's C is sqrt(TRUNC_CONFIG_SHARE) * C[its pretrained full model] +
sqrt(1 - TRUNC_CONFIG_SHARE) * fresh noise (it was cut from that model and fine-tuned again).
Runs therefore correlate as real models do (W_SHARED between any two runs, W_SHARED + W_CONFIG
between seeds of one configuration), which is what gives paired tests their power.

Target AUROC of run r on task t:
    base_random[arch] + TASK_OFFSET[t]
    + pretrained * boost[arch] * BOOST_TASK_WEIGHT[t]
    - DROP[arch][truncated_blocks]
    + seed shift ~ N(0, SEED_SD)          (one value per run, the same for its 5 tasks)
    + seed-task noise ~ N(0, SEED_TASK_SD) (one value per run and task)
The seed terms are centred within each configuration (and rescaled by sqrt(3/2) to keep their
spread), so the mean over a configuration's 3 seeds equals its planted value exactly, per task.

Calibration: on 500 studies the finite-sample AUROC of a binormal draw scatters about its
population value by ~0.01-0.02, which would blur effects of that size. So delta is not taken from
the formula above but found by bisection such that the *empirical* AUROC of the generated scores
on these 500 studies equals the target (to within one AUROC step, 1 / (positives x negatives)).
The per-run, per-task targets are written to planted.csv: an analysis of the demo must reproduce
them exactly as point estimates; only the CIs and tests carry sampling uncertainty.
The probability written is sigmoid(logit(prevalence) + SLOPE * (x - delta * prevalence)), 7
significant digits (float32 precision).
"""

import argparse
import csv
import json
import os
import shutil

import numpy as np
from scipy import stats

GENERATOR = "notebooks-export/make_demo.py"
DEFAULT_SEED = 20210601

OBSERVATIONS = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
    "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
    "Pleural Other", "Fracture", "Support Devices",
]
TASKS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]

N_STUDIES = 500
# Positives of 500 studies. The 5 competition tasks: the real CheXpert test set. The other 9: the
# counts of the real test ground truth as well (plausible by construction).
POSITIVES = {
    "No Finding": 62, "Enlarged Cardiomediastinum": 253, "Cardiomegaly": 151, "Lung Opacity": 264,
    "Lung Lesion": 8, "Edema": 78, "Consolidation": 29, "Pneumonia": 11, "Atelectasis": 153,
    "Pneumothorax": 9, "Pleural Effusion": 104, "Pleural Other": 4, "Fracture": 5,
    "Support Devices": 261,
}
# Loading of each pathology on a shared "how sick" factor (Gaussian copula), so that findings
# co-occur as they do in real studies. No Finding is set for the least sick studies first.
SICKNESS_LOADING = {
    "Enlarged Cardiomediastinum": 0.6, "Cardiomegaly": 0.6, "Lung Opacity": 0.6, "Lung Lesion": 0.3,
    "Edema": 0.6, "Consolidation": 0.5, "Pneumonia": 0.4, "Atelectasis": 0.5, "Pneumothorax": 0.3,
    "Pleural Effusion": 0.6, "Pleural Other": 0.3, "Fracture": 0.2, "Support Devices": 0.5,
}
# Labeler coding for labels-uncertain.csv: probability that a positive becomes -1.0, that a
# negative becomes -1.0, that a negative becomes blank, that a positive becomes blank.
UNCERTAIN_RATES = {
    "Atelectasis": (0.35, 0.10, 0.75, 0.02), "Cardiomegaly": (0.10, 0.03, 0.80, 0.02),
    "Consolidation": (0.30, 0.10, 0.65, 0.02), "Edema": (0.20, 0.05, 0.70, 0.02),
    "Pleural Effusion": (0.15, 0.05, 0.55, 0.02),
}
UNCERTAIN_DEFAULT = (0.10, 0.03, 0.85, 0.02)

# Variance shares of the latent score (sum 1).
W_SHARED, W_CONFIG, W_RUN = 0.85, 0.10, 0.05
TRUNC_CONFIG_SHARE = 0.8
SEED_SD = 0.0035
SEED_TASK_SD = 0.004
SLOPE = 1.6

# Per-task AUROC offsets (sum 0) and weights of the pretraining boost (mean 1).
TASK_OFFSET = {"Atelectasis": -0.030, "Cardiomegaly": -0.015, "Consolidation": 0.000,
               "Edema": 0.020, "Pleural Effusion": 0.025}
BOOST_TASK_WEIGHT = {"Atelectasis": 1.5, "Cardiomegaly": 1.6, "Consolidation": 0.4, "Edema": 0.3,
                     "Pleural Effusion": 1.2}

# Planted per-architecture values: mean AUROC over the 5 tasks with random initialisation, and the
# pretraining boost of the mean AUROC. Family means 0.856 DenseNet, 0.848 ResNet, 0.852 Inception,
# 0.806 MNASNet, 0.812 MobileNet, 0.826 EfficientNet, plus within-family offsets within +-0.004
# unrelated to size; boost = 0.031 - 0.017 (log10 params - 6.35) + scatter. The offsets and scatter
# were drawn once (numpy default_rng(7), best of 20,000 draws for the targets below) and frozen here.
PLANTED = {
    "DenseNet121": (0.859, 0.027), "DenseNet169": (0.855, 0.014), "DenseNet201": (0.854, 0.014),
    "ResNet18": (0.846, 0.018), "ResNet34": (0.849, 0.006), "ResNet50": (0.848, 0.023),
    "ResNet101": (0.847, 0.018), "Inception-v3": (0.851, 0.020), "Inception-v4": (0.855, 0.018),
    "MNASNet1.0": (0.802, 0.038), "MobileNetV2": (0.812, 0.033), "MobileNetV3-Large": (0.816, 0.027),
    "EfficientNet-B0": (0.828, 0.032), "EfficientNet-B1": (0.822, 0.024),
    "EfficientNet-B2": (0.827, 0.019), "EfficientNet-B3": (0.828, 0.017),
}
# Drop of the mean AUROC (vs the pretrained full model) when 1, 2, 3 final blocks are cut off.
DROP = {
    "DenseNet121": (0.000, 0.002, 0.030), "ResNet50": (0.000, 0.022, 0.055),
    "Inception-v3": (0.000, 0.001, 0.028), "MNASNet1.0": (0.001, 0.003, 0.035),
    "MobileNetV2": (0.000, 0.020, 0.045), "EfficientNet-B0": (0.000, 0.002, 0.030),
}
SEEDS = (1, 2, 3)
SHUFFLE_ROWS_SHARE = 0.1
SHUFFLE_COLUMNS_SHARE = 0.1


def read_architectures(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["architecture"]: row for row in csv.DictReader(handle)}


def read_truncation(path):
    with open(path, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {(r["architecture"], int(r["truncated_blocks"])): int(r["parameters_5_outputs"])
            for r in csv.DictReader(lines)}


def slug(architecture):
    """The torchvision builder name (densenet121, inception_v3, mobilenet_v3_large, ...)."""
    return architecture.lower().replace(".", "_").replace("-", "_").replace("mobilenetv", "mobilenet_v")


def study_keys():
    return [f"CheXpert-v1.0/test/patient{90001 + i}/study1" for i in range(N_STUDIES)]


def make_labels(rng):
    """0/1 labels with exact positive counts; co-occurrence through a shared sickness factor."""
    sickness = rng.standard_normal(N_STUDIES)
    labels = {name: np.zeros(N_STUDIES, dtype=int) for name in OBSERVATIONS}
    healthy = np.argsort(sickness)[: POSITIVES["No Finding"]]
    labels["No Finding"][healthy] = 1
    eligible = np.ones(N_STUDIES, dtype=bool)
    eligible[healthy] = False
    for name in OBSERVATIONS[1:]:
        load = SICKNESS_LOADING[name]
        latent = load * sickness + np.sqrt(1 - load**2) * rng.standard_normal(N_STUDIES)
        # Support devices may be present in a study with no finding; pathologies may not.
        pool = np.arange(N_STUDIES) if name == "Support Devices" else np.flatnonzero(eligible)
        chosen = pool[np.argsort(-latent[pool])[: POSITIVES[name]]]
        labels[name][chosen] = 1
    return labels


def make_uncertain(rng, labels):
    """The labeler coding: float text, -1.0 uncertain, blank not mentioned."""
    coded = {}
    for name in OBSERVATIONS:
        y = labels[name]
        cells = np.where(y == 1, "1.0", "0.0").astype(object)
        if name == "No Finding":
            cells[y == 0] = ""  # the labeler writes No Finding only as 1.0 or blank
        else:
            pos_unc, neg_unc, neg_blank, pos_blank = UNCERTAIN_RATES.get(name, UNCERTAIN_DEFAULT)
            u = rng.random(N_STUDIES)
            cells[(y == 1) & (u < pos_unc)] = "-1.0"
            cells[(y == 1) & (u >= pos_unc) & (u < pos_unc + pos_blank)] = ""
            cells[(y == 0) & (u < neg_unc)] = "-1.0"
            cells[(y == 0) & (u >= neg_unc) & (u < neg_unc + neg_blank)] = ""
        coded[name] = cells
    return coded


def write_labels(path, keys, columns, fmt):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Study"] + OBSERVATIONS)
        for i, key in enumerate(keys):
            writer.writerow([key] + [fmt(columns[name][i]) for name in OBSERVATIONS])


def run_plan(architectures, truncation):
    """Every run: (name, configuration key, metadata)."""
    plan = []
    for arch in PLANTED:
        row = architectures[arch]
        top1 = row["imagenet_top1_torchvision"] or row["imagenet_top1_timm"]
        top1_source = "torchvision IMAGENET1K_V1" if row["imagenet_top1_torchvision"] else \
            "timm " + row["source_timm"].split(" in ")[0]
        configs = [("pretrained", True, 0), ("random", False, 0)]
        if arch in DROP:
            configs += [(f"trunc{k}", True, k) for k in (1, 2, 3)]
        for label, pretrained, cut in configs:
            params = int(row["params_5_outputs"]) if cut == 0 else truncation[(arch, cut)]
            for seed in SEEDS:
                name = f"{slug(arch)}-{label}-s{seed}"
                meta = {
                    "name": name, "architecture": arch, "family": row["family"],
                    "pretrained": pretrained, "parameters": params,
                    "imagenet_top1": float(top1), "imagenet_top1_source": top1_source,
                    "truncated_blocks": cut, "truncated_from": arch, "seed": seed,
                }
                plan.append((name, (arch, pretrained, cut), meta))
    return plan


def empirical_auroc(labels, scores):
    """Mann-Whitney AUROC with midranks for ties (= the trapezoidal area under the ROC curve)."""
    ranks = stats.rankdata(scores)
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return (ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def calibrate(labels, noise, target):
    """The separation delta for which AUROC(delta * labels + noise) equals target (bisection)."""
    low, high = -2.0, 6.0
    for _ in range(60):
        middle = (low + high) / 2
        if empirical_auroc(labels, middle * labels + noise) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def target_auroc(arch, pretrained, cut, task):
    base, boost = PLANTED[arch]
    value = base + TASK_OFFSET[task]
    if pretrained:
        value += boost * BOOST_TASK_WEIGHT[task]
    if cut:
        value -= DROP[arch][cut - 1]
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", default="data/demo")
    parser.add_argument("--architectures", default="data/architectures.csv")
    parser.add_argument("--truncation", default="data/demo/truncation-params.csv")
    args = parser.parse_args(argv)

    architectures = read_architectures(args.architectures)
    truncation = read_truncation(args.truncation)
    rng = np.random.default_rng(args.seed)

    keys = study_keys()
    labels = make_labels(rng)
    uncertain = make_uncertain(rng, labels)
    os.makedirs(args.out, exist_ok=True)
    write_labels(os.path.join(args.out, "labels.csv"), keys, labels, lambda v: str(int(v)))
    write_labels(os.path.join(args.out, "labels-uncertain.csv"), keys, uncertain, str)

    y = np.stack([labels[t] for t in TASKS], axis=1)  # (studies, tasks)
    prevalence = y.mean(axis=0)
    shared = rng.standard_normal((N_STUDIES, len(TASKS)))
    config_noise = {}

    def noise_for(config):
        if config not in config_noise:
            arch, pretrained, cut = config
            fresh = rng.standard_normal((N_STUDIES, len(TASKS)))
            if cut:
                parent = noise_for((arch, True, 0))
                fresh = np.sqrt(TRUNC_CONFIG_SHARE) * parent + np.sqrt(1 - TRUNC_CONFIG_SHARE) * fresh
            config_noise[config] = fresh
        return config_noise[config]

    seed_offsets = {}

    def seed_offsets_for(config):
        """Seed-to-seed AUROC offsets (seeds x tasks), centred so the seeds average to the target."""
        if config not in seed_offsets:
            common = rng.normal(0.0, SEED_SD, (len(SEEDS), 1))
            per_task = rng.normal(0.0, SEED_TASK_SD, (len(SEEDS), len(TASKS)))
            offsets = common + per_task
            # Centring k draws shrinks their spread by sqrt((k - 1) / k); undo that.
            seed_offsets[config] = (offsets - offsets.mean(axis=0)) * np.sqrt(len(SEEDS) / (len(SEEDS) - 1))
        return seed_offsets[config]

    runs_dir = os.path.join(args.out, "runs")
    if os.path.isdir(runs_dir):
        shutil.rmtree(runs_dir)
    plan = run_plan(architectures, truncation)
    planted_rows = []
    for name, config, meta in plan:
        arch, pretrained, cut = config
        targets = np.array([target_auroc(arch, pretrained, cut, t) for t in TASKS])
        targets += seed_offsets_for(config)[SEEDS.index(meta["seed"])]
        noise = (np.sqrt(W_SHARED) * shared + np.sqrt(W_CONFIG) * noise_for(config)
                 + np.sqrt(W_RUN) * rng.standard_normal((N_STUDIES, len(TASKS))))
        delta = np.array([calibrate(y[:, j], noise[:, j], targets[j]) for j in range(len(TASKS))])
        x = delta * y + noise
        logit = np.log(prevalence / (1 - prevalence)) + SLOPE * (x - delta * prevalence)
        prob = 1.0 / (1.0 + np.exp(-logit))

        columns = list(TASKS)
        if rng.random() < SHUFFLE_COLUMNS_SHARE:
            columns = list(rng.permutation(TASKS))
        order = np.arange(N_STUDIES)
        if rng.random() < SHUFFLE_ROWS_SHARE:
            order = rng.permutation(N_STUDIES)
        folder = os.path.join(runs_dir, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "predictions.csv"), "w", newline="", encoding="utf-8") as handle:
            handle.write("Study," + ",".join(columns) + "\n")
            index = [TASKS.index(c) for c in columns]
            for i in order:
                handle.write(keys[i] + "," + ",".join(f"{prob[i, j]:.7g}" for j in index) + "\n")
        meta = dict(meta, generator=GENERATOR, generator_seed=args.seed,
                    columns_shuffled=columns != TASKS, rows_shuffled=bool((order != np.arange(N_STUDIES)).any()))
        with open(os.path.join(folder, "run.json"), "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")
        planted_rows.append({"run": name, "architecture": arch, "pretrained": pretrained,
                             "truncated_blocks": cut, "seed": meta["seed"],
                             **{t: f"{v:.6f}" for t, v in zip(TASKS, targets)},
                             "mean": f"{targets.mean():.6f}"})

    with open(os.path.join(args.out, "planted.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(planted_rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(planted_rows)
    print(f"wrote {len(plan)} runs, labels.csv, labels-uncertain.csv and planted.csv to {args.out} "
          f"(seed {args.seed})")
    print_truth(architectures)


def print_truth(architectures):
    """The planted (population) relationships, as data/demo/README.md states them."""
    names = list(PLANTED)
    base = np.array([PLANTED[a][0] for a in names])
    boost = np.array([PLANTED[a][1] for a in names])
    top1 = np.array([float(architectures[a]["imagenet_top1_torchvision"] or architectures[a]["imagenet_top1_timm"])
                     for a in names])
    log_params = np.log10([int(architectures[a]["params_5_outputs"]) for a in names])
    families = [architectures[a]["family"] for a in names]
    grand = base.mean()
    between = sum(
        families.count(f) * (base[[g == f for g in families]].mean() - grand) ** 2 for f in set(families))
    print("true Spearman ImageNet top-1 vs mean AUROC: random "
          f"{stats.spearmanr(top1, base)[0]:.3f}, pretrained {stats.spearmanr(top1, base + boost)[0]:.3f}")
    print(f"true share of random-init AUROC variance explained by family (eta^2): "
          f"{between / ((base - grand) ** 2).sum():.3f}")
    print(f"true Spearman log10 params vs mean AUROC: random {stats.spearmanr(log_params, base)[0]:.3f}, "
          f"pretrained {stats.spearmanr(log_params, base + boost)[0]:.3f}")
    print(f"true Spearman boost vs log10 params: {stats.spearmanr(log_params, boost)[0]:.3f}")


if __name__ == "__main__":
    main()
