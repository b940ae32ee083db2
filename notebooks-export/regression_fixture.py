"""Expected values for Tests/ChexStatsTests/RegressionTests.swift -> Fixtures/regression.json.

OLS from statsmodels OLS(y, add_constant(X)).fit() on seeded generated data; Holm adjusted
p-values from statsmodels multipletests(method="holm") and R p.adjust(method="holm");
one-way ANOVA from scipy.stats.f_oneway (eta^2 = SSB / SST computed with numpy).

Run: python3 notebooks-export/regression_fixture.py > Tests/ChexStatsTests/Fixtures/regression.json
"""
import json
import subprocess
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(7)

ols_cases = []


def add_ols(name, y, columns):
    X = sm.add_constant(np.column_stack(columns), has_constant="add")
    fit = sm.OLS(y, X).fit()
    ci = fit.conf_int(alpha=0.05)
    ols_cases.append({
        "name": name, "y": [float(v) for v in y], "predictors": [[float(v) for v in c] for c in columns],
        "params": fit.params.tolist(), "bse": fit.bse.tolist(), "tvalues": fit.tvalues.tolist(),
        "pvalues": fit.pvalues.tolist(), "ci_low": ci[:, 0].tolist(), "ci_high": ci[:, 1].tolist(),
        "rsquared": float(fit.rsquared), "rsquared_adj": float(fit.rsquared_adj),
        "resid_se": float(np.sqrt(fit.scale)), "fvalue": float(fit.fvalue), "f_pvalue": float(fit.f_pvalue),
        "df_model": float(fit.df_model), "df_resid": float(fit.df_resid), "ssr": float(fit.ssr),
    })


# log10(parameters) vs a boost-like response, k = 16 as in the CheXtransfer table.
x = np.log10(rng.uniform(1e6, 6e7, size=16))
add_ols("boost on log10 params n=16", 0.05 - 0.01 * x + rng.normal(scale=0.005, size=16), [x])
for n in (5, 30, 200):
    x = rng.normal(size=n) * 3 + 10
    add_ols(f"simple n={n}", 2.0 + 0.7 * x + rng.normal(size=n), [x])
x1 = rng.normal(size=50)
x2 = rng.normal(size=50) + 0.5 * x1
x3 = rng.uniform(size=50)
add_ols("three predictors n=50", 1 + x1 - 2 * x2 + 0.1 * x3 + rng.normal(size=50), [x1, x2, x3])
add_ols("weak slope n=12", rng.normal(size=12), [rng.normal(size=12)])

holm_cases = []
for pv in ([0.01, 0.04, 0.03, 0.005, 0.2], [0.5, 0.5, 0.001], [1.0, 0.0, 0.02, 0.02, 0.9, 0.04],
           list(rng.uniform(size=20) ** 3)):
    r_script = f"cat(sprintf('%.17g', p.adjust(c({','.join(repr(float(v)) for v in pv)}), method='holm')), sep=' ')"
    r_out = subprocess.run(["Rscript", "-e", r_script], capture_output=True, text=True, check=True).stdout
    holm_cases.append({
        "p": [float(v) for v in pv],
        "statsmodels_holm": multipletests(pv, method="holm")[1].tolist(),
        "r_holm": [float(v) for v in r_out.split()],
    })

anova_cases = []


def add_anova(name, groups):
    res = stats.f_oneway(*groups)
    allv = np.concatenate(groups)
    ssb = sum(len(g) * (np.mean(g) - allv.mean()) ** 2 for g in groups)
    sst = np.sum((allv - allv.mean()) ** 2)
    anova_cases.append({
        "name": name, "groups": [[float(v) for v in g] for g in groups],
        "f": float(res.statistic), "p": float(res.pvalue), "eta_squared": float(ssb / sst),
        "df_between": len(groups) - 1, "df_within": len(allv) - len(groups),
    })


add_anova("six families", [rng.normal(0.85 + 0.01 * i, 0.01, size=s) for i, s in enumerate((3, 4, 2, 1, 4, 2))])
add_anova("two groups equal size", [rng.normal(0, 1, size=10), rng.normal(1, 1, size=10)])
add_anova("strong effect", [rng.normal(m, 0.1, size=8) for m in (0, 1, 2)])

r_version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True, text=True).stdout
json.dump({
    "_provenance": (
        f"notebooks-export/regression_fixture.py; statsmodels {statsmodels.__version__}, "
        f"scipy {scipy.__version__}, numpy {np.__version__}, {r_version}"
    ),
    "ols": ols_cases, "holm": holm_cases, "anova": anova_cases,
}, sys.stdout, indent=0)
print()
