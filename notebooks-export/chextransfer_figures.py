#!/usr/bin/env python
# coding: utf-8

# # CheXtransfer Figure 1 from the `chexstats report` CSVs
# 
# This notebook draws the four panels of Figure 1 of Ke et al., *CheXtransfer: performance and parameter
# efficiency of ImageNet models for chest X-ray interpretation* (ACM CHIL 2021), from nothing but the CSV
# files that `chexstats report` writes. It shows how those tidy tables feed external plotting with pandas and
# matplotlib; `chexstats` draws its own SVG versions of the same panels.
# 
# The report folder is set in the next cell (default `bench-out/demo-report`, relative to the repository root;
# the environment variable `CHEXSTATS_REPORT` overrides it). Make it from the demo study with:
# 
# ```sh
# swift build -c release && .build/release/chexstats report data/demo/runs --labels data/demo/labels.csv --out bench-out/demo-report
# ```
# 
# Definitions used by the report (its `report.md` states them in full): a run's AUROC is the unweighted mean over
# the tasks; a configuration (architecture, pretrained, blocks cut) averages its seeds; every interval is a 95%
# percentile interval from one paired bootstrap of studies shared by all runs. The paper's error bars are one
# standard deviation; here they are the bootstrap 95% CIs (the SD across seeds is `auroc_sd_seeds` in
# `configurations.csv`).

# In[ ]:


import os
from pathlib import Path

# The folder written by `chexstats report ... --out DIR`, relative to the repository root (or absolute).
REPORT = os.environ.get("CHEXSTATS_REPORT", "bench-out/demo-report")
# A folder to also save each figure to as PNG; None only shows them.
FIGURES = os.environ.get("CHEXSTATS_FIGURES")


def repository_root(start):
    # The nearest folder upwards holding Package.swift; nbconvert runs the notebook inside notebooks-export/.
    for folder in [start, *start.parents]:
        if (folder / "Package.swift").exists():
            return folder
    return start


ROOT = repository_root(Path.cwd().resolve())
report_dir = ROOT / REPORT
if not (report_dir / "runs.csv").is_file():
    raise FileNotFoundError(
        f"{report_dir} holds no runs.csv; make the report first, from {ROOT}: swift build -c release && "
        ".build/release/chexstats report data/demo/runs --labels data/demo/labels.csv --out bench-out/demo-report"
    )
print("report folder:", REPORT)


# In[ ]:


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.stats
from IPython.display import display
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

plt.rcParams.update({
    "figure.dpi": 80,
    "savefig.dpi": 110,
    "figure.figsize": (6.4, 4.6),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
})


def read(name):
    # One CSV of the report: `true`/`false` become booleans, empty cells become NaN.
    return pd.read_csv(report_dir / name, true_values=["true"], false_values=["false"])


runs = read("runs.csv")
configurations = read("configurations.csv")
architectures = read("architectures.csv")
correlations = read("correlations.csv")
family_size = read("family_size.csv")
boost_fit = read("boost_fit.csv")
truncation = read("truncation.csv")
efficiency = read("efficiency.csv")

for name, table in [
    ("runs.csv", runs), ("configurations.csv", configurations), ("architectures.csv", architectures),
    ("correlations.csv", correlations), ("family_size.csv", family_size), ("boost_fit.csv", boost_fit),
    ("truncation.csv", truncation), ("efficiency.csv", efficiency),
]:
    print(f"{name:20} {len(table):4d} rows")

# One colour per family, in the order of architectures.csv (the reference table's order).
families = list(dict.fromkeys(architectures["family"]))
family_colour = {family: plt.cm.tab10(i % 10) for i, family in enumerate(families)}


def finish(fig, name):
    # Show a figure; with FIGURES set, also save it there as NAME.png.
    fig.tight_layout()
    if FIGURES:
        Path(FIGURES).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(FIGURES) / f"{name}.png")
    plt.show()


def parameter_axis(ax):
    # A log x axis of parameter counts, ticked at 1, 2 and 5 times powers of ten and labelled in millions.
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / 1e6:g} M"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("parameters (log scale)")


def error_bars(table, value, low, high):
    # matplotlib's yerr/xerr (distances below and above) from a value and its interval bounds.
    return np.vstack([table[value] - table[low], table[high] - table[value]])


# ## The tables
# 
# `architectures.csv` has one row per architecture: its family, parameter count and ImageNet top-1 (each with
# where it came from), the mean AUROC of the full model with and without pretraining, the pretraining boost with
# its bootstrap CI, and Holm-corrected p-values. Panels (a) to (c) read it; panel (d) reads
# `configurations.csv` (one row per configuration) and `truncation.csv` (one row per truncated model).

# In[ ]:


display(architectures[[
    "architecture", "family", "parameters", "imagenet_top1", "auroc_random", "auroc_pretrained",
    "boost", "boost_low", "boost_high", "p_holm", "significant_holm",
]].round(4))


# ## (a) ImageNet top-1 vs CheXpert AUROC
# 
# One point per architecture and initialisation, from `architectures.csv`: x is `imagenet_top1`, y is
# `auroc_pretrained` (pretrained) or `auroc_random` (random initialisation), and the vertical bars are the CI
# columns `auroc_pretrained_low`/`_high` and `auroc_random_low`/`_high`. Each group gets a least-squares line
# (`numpy.polyfit`, degree 1); the two groups' markers are shifted by 0.08 points either side of
# their x so that their error bars do not overlap. Spearman's rho in the legend comes from `correlations.csv` (the row with that
# `group`, `x = imagenet_top1` and `method = spearman`, with its interval when there is one) and is computed with
# `scipy.stats.spearmanr` when the file has no such row. The paper reports rho = 0.06 (pretrained) and 0.08
# (random): no relationship.

# In[ ]:


GROUPS = [
    # group in correlations.csv, column in architectures.csv, label, colour, horizontal shift of the markers
    ("pretrained", "auroc_pretrained", "ImageNet pretrained", "tab:blue", 0.08),
    ("random", "auroc_random", "random initialisation", "tab:orange", -0.08),
]


def spearman_label(group, x, xs, ys):
    # Spearman's rho of ys on xs as legend text: from correlations.csv when it has the row, else scipy.
    rows = correlations[
        (correlations["group"] == group) & (correlations["x"] == x) & (correlations["method"] == "spearman")
    ]
    rows = rows[rows["y"].astype(str).str.contains("auroc")] if len(rows) > 1 else rows
    if len(rows) > 0:
        row = rows.iloc[0]
        interval = "" if pd.isna(row["low"]) else f" [{row['low']:.2f}, {row['high']:.2f}]"
        return f"ρ = {row['estimate']:.2f}{interval}"
    return f"ρ = {scipy.stats.spearmanr(xs, ys).statistic:.2f} (scipy)"


def panel_a(ax):
    for group, column, label, colour, shift in GROUPS:
        xs, ys = architectures["imagenet_top1"], architectures[column]
        rho = spearman_label(group, "imagenet_top1", xs, ys)
        # The small shift keeps the two groups' error bars apart where they share an x.
        ax.errorbar(
            xs + shift, ys, yerr=error_bars(architectures, column, f"{column}_low", f"{column}_high"),
            fmt="o", color=colour, ecolor=colour, elinewidth=0.8, capsize=2, alpha=0.9,
            label=f"{label}, {rho}",
        )
        slope, intercept = np.polyfit(xs, ys, 1)
        line_x = np.array([xs.min(), xs.max()])
        ax.plot(line_x, intercept + slope * line_x, color=colour, linewidth=1.2)
    ax.set_xlabel("ImageNet top-1 accuracy (%)")
    ax.set_ylabel("CheXpert mean AUROC")
    ax.set_title("(a) ImageNet vs CheXpert performance")
    ax.legend(loc="lower right", fontsize="small")


fig, ax = plt.subplots()
panel_a(ax)
finish(fig, "fig1a-imagenet-vs-chexpert")


# ## (b) AUROC by family and size, random initialisation
# 
# Without pretraining, does the family matter more than the size within a family? One point per architecture
# from `architectures.csv`: x is `parameters` on a log axis, y is `auroc_random` with its CI, the colour is
# `family`, and a line joins the members of one family from smallest to largest (panel (c) names every
# architecture with its size). When `family_size.csv` has
# rows, the share of variance explained by family and by size within family is printed under the figure.

# In[ ]:


def panel_b(ax):
    for family in families:
        members = architectures[architectures["family"] == family].sort_values("parameters")
        colour = family_colour[family]
        ax.errorbar(
            members["parameters"], members["auroc_random"],
            yerr=error_bars(members, "auroc_random", "auroc_random_low", "auroc_random_high"),
            fmt="o-", color=colour, ecolor=colour, elinewidth=0.8, capsize=2, label=family,
        )
    parameter_axis(ax)
    ax.set_ylabel("CheXpert mean AUROC (random init.)")
    ax.set_title("(b) Family vs size, random initialisation")
    ax.legend(fontsize="small", ncol=2, loc="lower right")


fig, ax = plt.subplots()
panel_b(ax)
finish(fig, "fig1b-family-and-size")

if len(family_size) > 0:
    display(family_size)
else:
    print("family_size.csv has no rows in this report.")


# ## (c) Pretrained vs random initialisation per architecture
# 
# A dumbbell per architecture from `architectures.csv`, sorted by `parameters` (smallest at the top): the open
# orange marker is `auroc_random`, the filled blue one `auroc_pretrained`, each with its CI as a thin bar, and the
# grey segment between them is the `boost`. A star marks the architectures whose boost stays significant after
# Holm's correction (`significant_holm`; `p_holm` < 0.05). The paper finds a significant boost that is larger for
# smaller architectures; `boost_fit.csv` holds the least-squares fit of boost on log10(parameters) when present.

# In[ ]:


def panel_c(ax):
    table = architectures.sort_values("parameters").reset_index(drop=True)
    position = np.arange(len(table))
    ax.hlines(position, table["auroc_random"], table["auroc_pretrained"], color="0.6", linewidth=2.5, zorder=1)
    ax.errorbar(
        table["auroc_random"], position,
        xerr=error_bars(table, "auroc_random", "auroc_random_low", "auroc_random_high"),
        fmt="o", markerfacecolor="white", color="tab:orange", elinewidth=0.7, alpha=0.9, zorder=2,
        label="random initialisation",
    )
    ax.errorbar(
        table["auroc_pretrained"], position,
        xerr=error_bars(table, "auroc_pretrained", "auroc_pretrained_low", "auroc_pretrained_high"),
        fmt="o", color="tab:blue", elinewidth=0.7, alpha=0.9, zorder=3, label="ImageNet pretrained",
    )
    significant = table["significant_holm"] == True  # noqa: E712 (the column may hold NaN)
    ax.plot(
        table.loc[significant, "auroc_pretrained_high"] + 0.004, position[significant], "*",
        color="black", markersize=7, linestyle="none", label="boost significant (Holm)",
    )
    labels = [f"{a} ({p / 1e6:.1f} M)" for a, p in zip(table["architecture"], table["parameters"])]
    ax.set_yticks(position, labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("CheXpert mean AUROC")
    ax.set_title("(c) Pretraining boost per architecture")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)


fig, ax = plt.subplots(figsize=(6.4, 5.6))
panel_c(ax)
finish(fig, "fig1c-pretraining")

if len(boost_fit) > 0:
    display(boost_fit)
else:
    print("boost_fit.csv has no rows in this report.")


# ## (d) AUROC vs parameters under truncation
# 
# For each architecture that `truncation.csv` lists, one line runs from the full pretrained model through its
# truncated variants: x is `parameters` (log axis) and y the seed-averaged `auroc` with its CI, both from the
# pretrained rows of `configurations.csv` (`truncated_blocks` 0 is the full model). A hollow marker is a truncated
# model whose AUROC drop from the full model is significant (`significant_drop` in `truncation.csv`, from the
# paired bootstrap of `difference`). `efficiency.csv` gives each architecture's parameter efficiency: full
# parameters over those of the smallest truncated model without a significant drop; its mean is in the title
# (the paper reports 3.25x for its own models).

# In[ ]:


def panel_d(ax):
    pretrained = configurations[configurations["pretrained"] == True]  # noqa: E712
    drops = truncation.set_index(["architecture", "truncated_blocks"])["significant_drop"]
    for i, architecture in enumerate(dict.fromkeys(truncation["architecture"])):
        colour = plt.cm.tab10(i % 10)
        line = pretrained[pretrained["architecture"] == architecture].sort_values("truncated_blocks")
        ax.errorbar(
            line["parameters"], line["auroc"], yerr=error_bars(line, "auroc", "auroc_low", "auroc_high"),
            fmt="-", color=colour, elinewidth=0.7, capsize=2, alpha=0.9,
        )
        hollow = np.array([
            bool(drops.get((architecture, blocks), False)) for blocks in line["truncated_blocks"]
        ])
        ax.plot(line["parameters"][~hollow], line["auroc"][~hollow], "o", color=colour, label=architecture)
        ax.plot(
            line["parameters"][hollow], line["auroc"][hollow], "o", color=colour, markerfacecolor="white",
            markeredgewidth=1.5,
        )
    # Two legend-only entries explain the marker fill.
    ax.plot([], [], "o", color="0.3", label="full or no significant drop")
    ax.plot([], [], "o", color="0.3", markerfacecolor="white", markeredgewidth=1.5, label="significant drop")
    parameter_axis(ax)
    ax.set_ylabel("CheXpert mean AUROC (pretrained)")
    title = "(d) Truncating final blocks"
    if len(efficiency) > 0:
        title += f", mean efficiency {efficiency['efficiency'].mean():.2f}x"
    ax.set_title(title)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)


fig, ax = plt.subplots(figsize=(6.4, 5.2))
panel_d(ax)
finish(fig, "fig1d-truncation")

display(efficiency.round(3))


# ## The long format: per-task AUROC with a groupby
# 
# `runs.csv` is tidy: one row per run and task (the task `mean` is the run's mean AUROC), with the run's
# metadata repeated on every row. That is the shape pandas `groupby`/`pivot_table` and seaborn-style plotting
# expect. Here: the per-task AUROC of the full pretrained models, averaged over seeds, one row per architecture;
# then its spread over the architectures, task by task.

# In[ ]:


full_pretrained = runs[(runs["pretrained"] == True) & (runs["truncated_blocks"] == 0)]  # noqa: E712
per_task = full_pretrained.groupby(["architecture", "task"])["auroc"].mean().unstack("task")
# Rows in the order of architectures.csv; columns are the tasks, then `mean`.
per_task = per_task.reindex([a for a in architectures["architecture"] if a in per_task.index])
display(per_task.round(3))

tasks = [task for task in per_task.columns if task != "mean"]
family_of = architectures.set_index("architecture")["family"]
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for i, task in enumerate(tasks):
    values = per_task[task]
    jitter = np.linspace(-0.2, 0.2, len(values))
    ax.scatter(i + jitter, values, c=[family_colour[family_of[a]] for a in values.index], s=18)
for family in families:
    ax.scatter([], [], color=family_colour[family], s=18, label=family)
ax.legend(fontsize="x-small", ncol=6, loc="upper center", bbox_to_anchor=(0.5, -0.1))
ax.set_xticks(range(len(tasks)), tasks, fontsize=8)
ax.set_ylabel("AUROC (pretrained, mean of seeds)")
ax.set_title("Per-task AUROC of the full pretrained models (colour = family)")
finish(fig, "per-task-auroc")


# ## Figure 1, all four panels
# 
# The same panel functions on one 2 x 2 figure, as in the paper.

# In[ ]:


fig, axes = plt.subplots(2, 2, figsize=(12, 10.5))
panel_a(axes[0, 0])
panel_b(axes[0, 1])
panel_c(axes[1, 0])
panel_d(axes[1, 1])
finish(fig, "fig1")

