#!/usr/bin/env python3
"""The worked examples of docs/methods/targets.md, computed independently.

Standard library only.  Prints every number that tests/test_targets.c
checks; the test hard-codes these outputs.  Run from anywhere:

    python3 tests/tools/targets_example.py

Amounts are integers in minor units (cents).  A formula's value is the
double-precision product (the same operations, in the same order, as the
C code: Python floats are IEEE doubles) rounded to the nearest minor unit,
halves away from zero, done exactly with fractions.  Splits and rescales
use the largest-remainder method in exact integer arithmetic.
"""
from fractions import Fraction
import math


def round_half_away(x):
    """Nearest integer to the double x, halves away from zero (exact)."""
    f = Fraction(x)
    n = math.floor(abs(f) + Fraction(1, 2))
    return n if f >= 0 else -n


def hq(base, growth, k=1.3):
    factor = 1.0 + growth * k
    return factor, round_half_away(float(base) * factor)


def region(base, growth, years=1, resource=1.0, potential=1.0):
    factor = (1.0 + growth) ** years * resource * potential
    return factor, round_half_away(float(base) * factor)


def individual(base, growth, rank=1.0):
    factor = (1.0 + growth) * rank
    return factor, round_half_away(float(base) * factor)


def largest_remainder(total, weights):
    """Split total in proportion to weights; the parts sum to total.

    Each part is floor(total * w / sum); the units left over go one each to
    the parts with the largest remainders, the earlier part first on ties.
    """
    s = sum(weights)
    if s == 0:
        weights = [1] * len(weights)
        s = len(weights)
    parts = [total * w // s for w in weights]
    rems = [total * w % s for w in weights]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-rems[i], i))
    for i in order[:left]:
        parts[i] += 1
    assert sum(parts) == total
    return parts


def rank_coefficient(larger, n):
    """Builder mapping: 1.2 for the top owner down to 0.7 for the bottom."""
    return 1.2 - 0.5 * larger / (n - 1) if n > 1 else 1.0


def show(name, value):
    print(f"{name} = {value}")


def example_formulas():
    print("# Example 1: the three formulas, reconciliation and split")
    company_base = 987_654_321
    f, company = hq(company_base, 0.08, 1.3)
    show("company.factor", repr(f))
    show("company.target", company)

    east_base, west_base = 543_210_987, 444_443_334
    assert east_base + west_base == company_base
    fe, east = region(east_base, 0.12, 1, 1.05, 1.1)
    fw, west = region(west_base, 0.05, 1, 0.95, 0.9)
    show("east.factor", repr(fe))
    show("east.formula", east)
    show("west.factor", repr(fw))
    show("west.formula", west)

    ann_base, bob_base = 321_098_765, 222_112_222
    assert ann_base + bob_base == east_base
    fa, ann = individual(ann_base, 0.10, 1.2)
    fb, bob = individual(bob_base, 0.10, 0.7)
    show("ann.factor", repr(fa))
    show("ann.formula", ann)
    show("bob.factor", repr(fb))
    show("bob.formula", bob)

    # no rescale: commitments East 800,000,000 and ann 500,000,000
    east_commit, ann_commit = 800_000_000, 500_000_000
    company_bu = east_commit + west          # West counted at its target
    show("norescale.company.bottom_up", company_bu)
    show("norescale.company.gap", company_bu - company)
    show("norescale.company.gap_ratio", repr((company_bu - company) / company))
    east_bu = ann_commit + bob               # bob counted at his target
    show("norescale.east.bottom_up", east_bu)
    show("norescale.east.gap", east_bu - east)
    show("norescale.ann.bottom_up", ann_commit)
    show("norescale.ann.gap", ann_commit - ann)

    # rescale: regions to the company, owners to their region
    east_r, west_r = largest_remainder(company, [east, west])
    show("rescale.east.target", east_r)
    show("rescale.west.target", west_r)
    show("rescale.east.scale", repr(company / (east + west)))
    ann_r, bob_r = largest_remainder(east_r, [ann, bob])
    show("rescale.ann.target", ann_r)
    show("rescale.bob.target", bob_r)
    company_bu = east_commit + west_r
    show("rescale.company.bottom_up", company_bu)
    show("rescale.company.gap", company_bu - company)
    east_bu = ann_commit + bob_r
    show("rescale.east.gap", east_bu - east_r)

    # period split of the rescaled East target: 15/20/30/35, even months
    quarters = largest_remainder(east_r, [1500, 2000, 3000, 3500])
    show("rescale.east.quarters", quarters)
    months = []
    for q in quarters:
        months += largest_remainder(q, [1, 1, 1])
    show("rescale.east.months", months)
    # a custom split: 10/20/30/40 with Q4's months 20/30/50
    quarters = largest_remainder(east_r, [1000, 2000, 3000, 4000])
    show("custom.east.quarters", quarters)
    show("custom.east.q4_months", largest_remainder(quarters[3], [2000, 3000, 5000]))


def example_history():
    print("# Example 2: the tree built from a market's history (year 2025)")
    # won amounts (minor units) by region, owner and close year
    won = [
        # region, owner, year, amount
        ("North", "ann", 2024, 300_000),
        ("North", "ann", 2023, 250_000),
        ("North", "bob", 2024, 200_000),
        ("North", "bob", 2023, 150_000),
        ("North", "cat", 2024, 100_000),
        ("South", "dan", 2024, 150_000),
        ("South", "dan", 2023, 200_000),
        ("North", "ann", 2025, 120_000),
    ]
    growth, k = 0.05, 1.3
    base = {}
    prior = {}
    for r, o, y, a in won:
        if y == 2024:
            base[(r, o)] = base.get((r, o), 0) + a
        if y == 2023:
            prior[(r, o)] = prior.get((r, o), 0) + a
    company_base = sum(base.values())
    f, company = hq(company_base, growth, k)
    show("company.base", company_base)
    show("company.target", company)
    for r in ("North", "South"):
        rb = sum(v for (rr, _), v in base.items() if rr == r)
        rp = sum(v for (rr, _), v in prior.items() if rr == r)
        g = rb / rp - 1.0 if rp > 0 else growth
        fr, rt = region(rb, g)
        show(f"{r}.base", rb)
        show(f"{r}.growth", repr(g))
        show(f"{r}.target", rt)
        owners = sorted({o for (rr, o) in base if rr == r},
                        key=lambda o: (-base[(r, o)], o))
        n = len(owners)
        for o in owners:
            ob = base[(r, o)]
            larger = sum(1 for p in owners if base[(r, p)] > ob)
            rank = rank_coefficient(larger, n)
            fo, ot = individual(ob, fr - 1.0, rank)
            show(f"{r}.{o}.rank", repr(rank))
            show(f"{r}.{o}.target", ot)


if __name__ == "__main__":
    example_formulas()
    example_history()
