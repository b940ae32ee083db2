"""Expected values for Tests/ChexStatsTests/SpecialFunctionsTests.swift -> Fixtures/beta_t_f.json.

Regularized incomplete beta I_x(a, b) and its complement, Student t cdf/sf/quantile and F cdf/sf.
Each row carries scipy's value (scipy.special.betainc/betaincc, scipy.stats.t, scipy.stats.f)
and a 40-digit mpmath reference, so the Swift tests can tell scipy's own error from ours.

Run: python3 notebooks-export/beta_t_f_fixture.py > Tests/ChexStatsTests/Fixtures/beta_t_f.json
"""
import json
import math
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import special, stats

mp.mp.dps = 40


def series(x, a, b):
    """I_x(a, b) from the all-positive series x^a (1-x)^b / (a B(a, b)) *
    sum_n [(a+b)_n / (a+1)_n] x^n (Abramowitz & Stegun 26.5.4 with 15.1.1), at the current
    mpmath precision."""
    prefactor = mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(mp.beta(a, b)))
    term = mp.mpf(1)
    total = mp.mpf(1)
    n = 0
    while True:  # every term is positive, so the partial sums only grow
        term *= (a + b + n) / (a + 1 + n) * x
        total += term
        n += 1
        if term < total * mp.mpf(10) ** -(mp.mp.dps + 2) and (a + b + n) * x < (a + 1 + n):
            break
    return prefactor * total / a


def slow(x, a, b):
    """Whether the series in x needs many terms (its ratio stays near 1)."""
    return (1 - x) * (a + 1) < 1e-3 * a or x > 0.9999


def beta_pair_mp(x, a, b):
    """(I_x(a, b), 1 - I_x(a, b)) to 40 digits: sum the faster series and, when the answer is
    the complement of a sum near 1, raise the working precision until the complement has 40
    digits."""
    x, a, b = mp.mpf(x), mp.mpf(a), mp.mpf(b)
    if x == 0:
        return mp.mpf(0), mp.mpf(1)
    y = 1 - x
    use_x = x <= a / (a + b)
    if use_x and slow(x, a, b):
        use_x = False
    elif not use_x and slow(y, b, a):
        use_x = True
    extra = 20
    while True:
        with mp.workdps(40 + extra):
            xx = mp.mpf(x)
            yy = 1 - xx
            if use_x:
                lower = series(xx, a, b)
                upper = 1 - lower
            else:
                upper = series(yy, b, a)
                lower = 1 - upper
            small = min(lower, upper)
            direct_is_small = (use_x and lower <= upper) or (not use_x and upper <= lower)
            if direct_is_small or (small > 0 and mp.log10(small) > -extra + 2):
                return +lower, +upper
            extra += 20 if small <= 0 else int(-mp.log10(small)) + 20
            if extra > 3000:
                raise RuntimeError(f"no convergence for {x}, {a}, {b}")


def beta_pair(x, a, b):
    lower, upper = beta_pair_mp(x, a, b)
    return float(lower), float(upper)


beta_rows = []
params = [0.1, 0.5, 1.0, 2.5, 7.0, 10.0, 30.0, 100.0, 1000.0, 10000.0]
for a in params:
    for b in params:
        mean = a / (a + b)
        sd = (a * b / ((a + b) ** 2 * (a + b + 1))) ** 0.5
        xs = {1e-10, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999}
        for k in (-6, -3, -1, 0, 1, 3, 6):
            x = mean + k * sd
            if 0 < x < 1:
                xs.add(float(x))
        for x in sorted(xs):
            lower, upper = beta_pair(x, a, b)
            beta_rows.append({
                "x": x, "a": a, "b": b,
                "scipy_lower": float(special.betainc(a, b, x)),
                "scipy_upper": float(special.betaincc(a, b, x)),
                "true_lower": lower, "true_upper": upper,
            })


def t_pair(t, nu):
    t, nu = mp.mpf(t), mp.mpf(nu)
    x = nu / (nu + t * t)
    half = beta_pair_mp(x, nu / 2, mp.mpf(1) / 2)[0] / 2
    if t >= 0:
        return float(1 - half), float(half)
    return float(half), float(1 - half)


def t_quantile(p, nu):
    """The t with P(T <= t) = p: secant iterations on log P(|T| tail) in log |t|."""
    q = min(p, 1 - p)
    sign = -1 if p < 0.5 else 1
    nu = mp.mpf(nu)
    target = mp.log(mp.mpf(q))

    def f(u):
        t = mp.exp(u)
        x = nu / (nu + t * t)
        return mp.log(beta_pair_mp(x, nu / 2, mp.mpf(1) / 2)[0] / 2) - target

    guess = abs(float(stats.t.ppf(q, float(nu))))
    if math.isfinite(guess) and guess > 0:
        u0 = mp.log(mp.mpf(guess))
    else:
        # scipy's ppf overflows far out (t.ppf(1e-300, 3) is +inf, likewise for nu 3 to 10);
        # start from the tail asymptote P(T > t) ~ nu^(nu/2 - 1) t^(-nu) / B(nu/2, 1/2), in log t.
        u0 = ((nu / 2 - 1) * mp.log(nu) - mp.log(mp.beta(nu / 2, mp.mpf(1) / 2)) - target) / nu
    root = mp.findroot(f, (u0, u0 * (1 + mp.mpf(10) ** -6) + mp.mpf(10) ** -8), solver="secant",
                       tol=mp.mpf(10) ** -32, verify=False)
    assert abs(f(root)) < mp.mpf(10) ** -25, (p, nu)
    return sign * float(mp.exp(root))


t_rows = []
dfs = [1.0, 2.0, 3.0, 4.5, 5.0, 10.0, 14.0, 30.0, 100.0, 1000.0, 100000.0]
ts = [0.0, 1e-8, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e5]
for nu in dfs:
    for t in sorted(set(ts + [-v for v in ts])):
        lower, upper = t_pair(t, nu)
        t_rows.append({
            "t": t, "df": nu,
            "scipy_cdf": float(stats.t.cdf(t, nu)), "scipy_sf": float(stats.t.sf(t, nu)),
            "true_cdf": lower, "true_sf": upper,
        })

def finite_or_none(value):
    """JSON has no infinity: scipy's overflowed quantiles (t.ppf(1e-300, 3) is +inf) become null."""
    return value if math.isfinite(value) else None


tq_rows = []
ps = [1e-300, 1e-100, 1e-30, 1e-12, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.49, 0.5,
      0.51, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-12]
for nu in dfs:
    for p in ps:
        if nu < 1.5 and p < 1e-200:
            continue  # the Cauchy quantile overflows
        tq_rows.append({
            "p": p, "df": nu,
            "scipy_quantile": finite_or_none(float(stats.t.ppf(p, nu))),
            "true_quantile": t_quantile(p, nu) if p != 0.5 else 0.0,
        })

f_rows = []
for d1 in [1.0, 2.0, 3.0, 5.0, 10.0, 50.0]:
    for d2 in [1.0, 2.0, 5.0, 10.0, 14.0, 30.0, 100.0, 1000.0]:
        for f in [1e-4, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 1e3]:
            x = mp.mpf(d1) * f / (mp.mpf(d1) * f + d2)
            lower, upper = beta_pair_mp(x, mp.mpf(d1) / 2, mp.mpf(d2) / 2)
            f_rows.append({
                "f": f, "d1": d1, "d2": d2,
                "scipy_cdf": float(stats.f.cdf(f, d1, d2)), "scipy_sf": float(stats.f.sf(f, d1, d2)),
                "true_cdf": float(lower), "true_sf": float(upper),
            })

json.dump({
    "_provenance": (
        f"notebooks-export/beta_t_f_fixture.py; scipy {scipy.__version__}, numpy {np.__version__}, "
        f"mpmath {mp.__version__} (dps 40); Python {sys.version.split()[0]}"
    ),
    "beta": beta_rows, "t": t_rows, "t_quantile": tq_rows, "f": f_rows,
}, sys.stdout, indent=0, allow_nan=False)
print()
