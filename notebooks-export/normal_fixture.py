"""Expected values for Tests/ChexStatsTests/NormalTests.swift -> Fixtures/normal.json.

Each grid point carries scipy's value (scipy.special.ndtr / ndtri) and a 40-digit reference
from mpmath, because scipy's ndtr loses up to ~2e-13 relative in the far lower tail (it evaluates
erfc(-x/sqrt(2)), rounding the argument first). The Swift tests compare with both.

Run: python3 notebooks-export/normal_fixture.py > Tests/ChexStatsTests/Fixtures/normal.json
"""
import json
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import special

mp.mp.dps = 40


def true_cdf(x):
    return float(mp.ncdf(mp.mpf(x)))


def true_sf(x):
    return float(mp.ncdf(-mp.mpf(x)))


def true_quantile(p):
    p = mp.mpf(p)
    x0 = mp.mpf(float(special.ndtri(float(p))))
    return float(mp.findroot(lambda x: mp.ncdf(x) - p, x0, tol=mp.mpf(10) ** -35))


xs = sorted(set(
    [float(v) for v in np.round(np.arange(-37.0, 9.0001, 0.0625), 6)]
    + [float(v) for v in np.linspace(-1.5, 1.5, 61)]
    + [0.0, 1e-300, -1e-20, 0.6629126073623882, -0.6629126073623882, 5.656854249492381,
       -5.656854249492381, 7.5, -37.5, 8.25, 12.0, 37.0, -1.0e-8, 3.0e-9]
))

cdf_rows = []
for x in xs:
    cdf_rows.append({
        "x": x,
        "scipy_cdf": float(special.ndtr(x)),
        "scipy_sf": float(special.ndtr(-x)),
        "true_cdf": true_cdf(x),
        "true_sf": true_sf(x),
    })

ps = set()
for e in np.linspace(-300, -1, 300):
    ps.add(float(10.0 ** e))
for p in np.linspace(0.0005, 0.9995, 400):
    ps.add(float(p))
for k in range(1, 16):
    ps.add(1.0 - 10.0 ** -k)
    ps.add(10.0 ** -k)
ps.update([0.5, 0.025, 0.975, 0.05, 0.95, 0.075, 0.925, 1e-10, 2.2250738585072014e-308])
quantile_rows = []
for p in sorted(ps):
    quantile_rows.append({
        "p": p,
        "scipy_quantile": float(special.ndtri(p)),
        "true_quantile": true_quantile(p),
    })

json.dump({
    "_provenance": (
        f"notebooks-export/normal_fixture.py; scipy {scipy.__version__}, numpy {np.__version__}, "
        f"mpmath {mp.__version__} (dps 40); Python {sys.version.split()[0]}"
    ),
    "cdf": cdf_rows,
    "quantile": quantile_rows,
}, sys.stdout, indent=0)
print()
