#!/usr/bin/env python3
"""Known values for tests/test_distribution.c (the three-deal example).

Exact rational arithmetic, independent of the C engine: each deal (x, p)
takes 0 with probability 1 - p, floor(x) with p (1 - f) and floor(x) + 1 with
p f, f = x - floor(x) (the mean-preserving split); the deals are independent.

    python3 tests/tools/distribution_example.py
"""
from fractions import Fraction as F
from itertools import product
import math

DEALS = [(F(2), F(1, 2)), (F(3), F(2, 5)), (F(3, 2), F(1, 5))]


def outcomes(x, p):
    lo = math.floor(x)
    f = x - lo
    out = {0: 1 - p}
    out[lo] = out.get(lo, 0) + p * (1 - f)
    if f:
        out[lo + 1] = out.get(lo + 1, 0) + p * f
    return [(v, q) for v, q in out.items() if q]


def pmf(deals):
    dist = {}
    for combo in product(*(outcomes(x, p) for x, p in deals)):
        v = sum(c[0] for c in combo)
        q = F(1)
        for c in combo:
            q *= c[1]
        dist[v] = dist.get(v, 0) + q
    return dict(sorted(dist.items()))


def quantile(dist, q):
    cum = F(0)
    for v, pr in dist.items():
        cum += pr
        if cum >= q:
            return v
    return max(dist)


def at_least(dist, v):
    return sum((pr for k, pr in dist.items() if k >= v), F(0))


def shortfall(dist, v):
    return sum(((v - k) * pr for k, pr in dist.items() if k < v), F(0))


def main():
    d = pmf(DEALS)
    print("pmf:", {k: str(v) for k, v in d.items()})
    print("mean:", sum(k * v for k, v in d.items()))
    for q in (F(0), F(1, 10), F(1, 4), F(1, 2), F(9, 10), F(99, 100), F(1)):
        print("quantile(%s) = %d" % (q, quantile(d, q)))
    for v in (0, 3, 6, 8):
        print("at_least(%d) = %s" % (v, at_least(d, v)))
    for v in (F(0), F(5, 2), F(4), F(10)):
        print("shortfall(%s) = %s" % (v, shortfall(d, v)))


if __name__ == "__main__":
    main()
