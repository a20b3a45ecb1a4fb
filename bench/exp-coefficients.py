#!/usr/bin/env python3
"""The polynomial behind the engine's SIMD exp (nn/VectorActivations.POLYNOMIAL).

e^r = 1 + r*(1 + r*P(r)) on the reduced range |r| <= ln2/2 (fitted on |r| <= 0.35, a little wider),
P a degree-9 Chebyshev fit to (e^r - 1 - r)/r^2 computed at 60 digits, its coefficients rounded to
doubles. Prints them, highest power first, and the largest relative error of the whole polynomial
against e^r in exact arithmetic (the double evaluation adds its roundings, about one ulp).
Needs mpmath (pip install mpmath). Not part of the build.
"""
import mpmath as mp

mp.mp.dps = 60
DEGREE, EDGE = 9, mp.mpf("0.35")


def g(r):
    return mp.mpf(1) / 2 if r == 0 else (mp.exp(r) - 1 - r) / r**2


coefficients = [float(c) for c in mp.chebyfit(g, [-EDGE, EDGE], DEGREE + 1)]
worst = mp.mpf(0)
for i in range(4001):
    r = -EDGE + 2 * EDGE * i / 4000
    p = mp.mpf(0)
    for c in coefficients:
        p = p * r + mp.mpf(c)
    worst = max(worst, abs((1 + r * (1 + r * p)) / mp.exp(r) - 1))
for c in coefficients:
    print(f"        {c!r},")
print(f"largest relative error on |r| <= {EDGE}: {mp.nstr(worst, 3)}")
