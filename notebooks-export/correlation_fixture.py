"""Expected values for Tests/ChexStatsTests/CorrelationTests.swift -> Fixtures/correlation.json.

Pearson (scipy.stats.pearsonr with its Fisher-z confidence_interval), Spearman
(scipy.stats.spearmanr: t approximation), Kendall tau-b (scipy.stats.kendalltau, method
"auto" and "asymptotic"), R 4.2 cor.test(method="spearman", exact=TRUE) (AS 89: exact for
n <= 9, Edgeworth series for larger n), and for n <= 10 without ties a brute-force enumeration of
all n! permutations for the exact Spearman p-value.

Run: python3 notebooks-export/correlation_fixture.py > Tests/ChexStatsTests/Fixtures/correlation.json
"""
import itertools
import os
import tempfile
import json
import subprocess
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20240601)


def r_spearman_exact(x, y):
    script = (
        f"x <- c({','.join(repr(float(v)) for v in x)}); y <- c({','.join(repr(float(v)) for v in y)});"
        "cat(sprintf('%.17g', suppressWarnings(cor.test(x, y, method='spearman', exact=TRUE)$p.value)))"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(["Rscript", handle.name], capture_output=True, text=True, check=True)
    os.unlink(handle.name)
    return float(out.stdout.strip())


def brute_force_spearman_p(x, y):
    """Two-sided exact p: share of the n! orderings of y whose |rho| >= observed |rho|."""
    n = len(x)
    rx = stats.rankdata(x)
    ry = stats.rankdata(y)
    observed = abs(np.sum((rx - ry) ** 2) - (n**3 - n) / 6)
    perms = np.array(list(itertools.permutations(range(1, n + 1))), dtype=np.int64)
    d2 = np.sum((perms - rx.astype(np.int64)) ** 2, axis=1)
    centre = (n**3 - n) / 6
    return float(np.mean(np.abs(d2 - centre) >= observed - 1e-9))


cases = []


def add(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    n = len(x)
    pr = stats.pearsonr(x, y)
    ci = pr.confidence_interval(confidence_level=0.95)
    sr = stats.spearmanr(x, y)
    ka = stats.kendalltau(x, y, method="auto")
    kasym = stats.kendalltau(x, y, method="asymptotic")
    ties = len(set(x)) < n or len(set(y)) < n
    case = {
        "name": name, "x": x, "y": y,
        "pearson_r": float(pr.statistic), "pearson_p": float(pr.pvalue),
        "pearson_ci_low": float(ci.low) if n > 3 else None,
        "pearson_ci_high": float(ci.high) if n > 3 else None,
        "spearman_rho": float(sr.statistic), "spearman_p_t": float(sr.pvalue),
        "kendall_tau": float(ka.statistic), "kendall_p_auto": float(ka.pvalue),
        "kendall_p_asymptotic": float(kasym.pvalue),
        "kendall_auto_is_exact": bool((not ties) and (n <= 33)),
        "ties": ties,
        "r_spearman_exact_p": r_spearman_exact(x, y) if n < 1290 else None,
        "brute_force_spearman_p": brute_force_spearman_p(x, y) if (not ties and n <= 10) else None,
    }
    cases.append(case)


for n in (4, 5, 7, 8, 9, 10, 12, 16, 30, 100, 500):
    for rep in range(2):
        x = rng.normal(size=n)
        y = 0.4 * x + rng.normal(size=n)
        add(f"normal n={n} #{rep}", x, y)
for n in (9, 16, 40, 200):
    x = np.round(rng.normal(size=n) * 2)
    y = np.round(x + rng.normal(size=n) * 2)
    add(f"ties n={n}", x, y)
add("perfect increasing n=8", range(8), [2 * v + 1 for v in range(8)])
add("reversed n=7", range(7), list(reversed(range(7))))
add("strong n=16", np.arange(16), np.arange(16) + rng.normal(size=16) * 2)
add("hand n=5", [1, 2, 3, 4, 5], [2, 1, 4, 3, 5])

json.dump({
    "_provenance": (
        f"notebooks-export/correlation_fixture.py; scipy {scipy.__version__}, numpy {np.__version__}, "
        f"R {subprocess.run(['Rscript', '-e', 'cat(R.version.string)'], capture_output=True, text=True).stdout}"
    ),
    "cases": cases,
}, sys.stdout, indent=0)
print()
