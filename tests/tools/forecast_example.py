#!/usr/bin/env python3
"""The worked example of docs/methods/forecast.md, computed independently.

Standard library only.  Prints every number that tests/test_forecast.c
checks (the test hard-codes them).  Run from anywhere:

    python3 tests/tools/forecast_example.py

Computed from the definitions of include/mtl/forecast.h and SPEC 3.3, not
from the C code: the period revenue R is enumerated over all 2^n win/loss
outcomes of the open deals (exact fractions, no grid), quantiles are the
smallest value whose CDF is at least q, the won count is enumerated the
same way.

The market: the default P0-P7 model; period 2024-07-01 .. 2024-10-01 (end
excluded), as of 2024-08-15, target 2,600.00; amounts in minor units.
"""
from datetime import date
from fractions import Fraction
from itertools import product
import math

P_MODEL = [0.10, 0.20, 0.25, 0.30, 0.50, 0.75, 0.90, 1.00]
CATEGORY = ["pipeline", "pipeline", "pipeline", "pipeline", "best_case", "best_case",
            "commit", "closed"]
PERIOD_START, PERIOD_END = date(2024, 7, 1), date(2024, 10, 1)
AS_OF = date(2024, 8, 15)
TARGET = 260000

# id, stage, outcome, amount, probability override, category override,
# expected close, closed
LEADS = [
    ("D1", 3, "open", 40000, None, None, "2024-08-20", None),        # P3 30%, pipeline
    ("D2", 5, "open", 120000, None, None, "2024-09-15", None),       # P5 75%, best case
    ("D3", 2, "open", 65000, 0.35, None, "2024-07-25", None),        # override 35%
    ("D4", 1, "open", 50000, None, "omitted", "2024-09-01", None),   # left out of R
    ("D5", 4, "open", 90000, None, "commit", "2024-09-28", None),    # P4 50%, commit
    ("D6", 6, "open", 30000, None, None, "2024-08-05", None),        # P6 90%, commit
    ("X1", 3, "open", 70000, None, None, "2024-10-15", None),        # closes after the period
    ("W1", 7, "won", 80000, None, None, None, "2024-07-15"),         # won in period, to date
    ("W2", 7, "won", 25000, None, None, None, "2024-09-05"),         # won in period, after as_of
    ("W3", 7, "won", 55000, None, None, None, "2024-06-20"),         # won before the period
    ("L1", 2, "lost", 45000, None, None, None, "2024-08-10"),        # lost: never revenue
]


def in_period(day):
    return day is not None and PERIOD_START <= day < PERIOD_END


def d(text):
    return date.fromisoformat(text) if text else None


def compute(change=None):
    """change: (lead id, None) leaves the deal out; (lead id, p) sets its
    probability (the what-if of forecast.h)."""
    deals, cats = [], dict(pipeline=0, best_case=0, commit=0, closed=0, omitted=0)
    closed_won = closed_won_count = won_to_date = 0
    for lid, stage, outcome, amount, p, cat, expected, closed in LEADS:
        if outcome == "won" and in_period(d(closed)):
            closed_won += amount
            closed_won_count += 1
            if d(closed) <= AS_OF:
                won_to_date += amount
        if outcome != "open" or not in_period(d(expected)):
            continue
        cat = cat or CATEGORY[stage]
        cats[cat] += amount
        if cat == "omitted":
            continue
        p = p if p is not None else P_MODEL[stage]
        if change and change[0] == lid:
            if change[1] is None:
                cats[cat] -= amount
                continue
            p = change[1]
        deals.append((lid, amount, p, cat))
    cats["closed"] += closed_won

    # every outcome of the deals, exactly (probabilities as the doubles given)
    dist, wins = {}, {}
    for outcome in product((0, 1), repeat=len(deals)):
        pr = Fraction(1)
        r = closed_won
        for won, (_, amount, p, _) in zip(outcome, deals):
            pr *= Fraction(p) if won else 1 - Fraction(p)
            r += amount * won
        dist[r] = dist.get(r, 0) + pr
        wins[sum(outcome)] = wins.get(sum(outcome), 0) + pr
    values = sorted(dist)
    mean = sum(v * dist[v] for v in values)
    var = sum((v - mean) ** 2 * dist[v] for v in values)

    def quantile(q, dd):
        c = Fraction(0)
        for v in sorted(dd):
            c += dd[v]
            assert abs(c - Fraction(q)) > Fraction(1, 10**9), "CDF lands on q"
            if c >= Fraction(q):
                return v
        return max(dd)

    out = dict(
        deals=deals, cats=cats, closed_won=closed_won, closed_won_count=closed_won_count,
        won_to_date=won_to_date, dist=dist, wins=wins, mean=mean, var=var,
        p10=quantile(0.1, dist), p50=quantile(0.5, dist), p90=quantile(0.9, dist),
        p_hit=sum(dist[v] for v in values if v >= TARGET),
        shortfall=sum((TARGET - v) * dist[v] for v in values if v < TARGET),
        wins_mean=sum(k * wins[k] for k in wins),
        w10=quantile(0.1, wins), w50=quantile(0.5, wins), w90=quantile(0.9, wins))
    out["wins_var"] = sum((k - out["wins_mean"]) ** 2 * wins[k] for k in wins)
    return out


def main():
    r = compute()
    print("deals in R (market order): id, amount, p, category")
    for deal in r["deals"]:
        print("  %s %d %r %s" % deal)
    c = r["cats"]
    print("categories alone:", ", ".join(f"{k}={v}" for k, v in c.items()))
    print("commit_forecast =", c["commit"] + c["closed"])
    print("best_case_forecast =", c["best_case"] + c["commit"] + c["closed"])
    print("open_pipeline =", c["pipeline"] + c["best_case"] + c["commit"])
    print("closed_won_count =", r["closed_won_count"])
    print("closed_won_amount =", r["closed_won"])
    print("won_to_date_amount =", r["won_to_date"])
    print("deal_count =", len(r["deals"]))
    print("expected = %r" % float(r["mean"]))
    print("variance = %r" % float(r["var"]))
    print("p10 = %d, p50 = %d, p90 = %d" % (r["p10"], r["p50"], r["p90"]))
    print("target = %d" % TARGET)
    print("p_hit_target = %r" % float(r["p_hit"]))
    print("expected_shortfall = %r" % float(r["shortfall"]))
    print("won_count_mean = %r, won_count_variance = %r" %
          (float(r["wins_mean"]), float(r["wins_var"])))
    print("won_count p10 = %d, p50 = %d, p90 = %d" % (r["w10"], r["w50"], r["w90"]))
    print("distribution of R (value, probability, CDF):")
    cdf = Fraction(0)
    for v in sorted(r["dist"]):
        cdf += r["dist"][v]
        print("  {%d, %r}, /* CDF %.6f */" % (v, float(r["dist"][v]), float(cdf)))
    print("distribution of the won count (k, probability):")
    for k in sorted(r["wins"]):
        print("  %d %r" % (k, float(r["wins"][k])))

    for change in (("D2", None), ("D2", 0.4), ("D3", 0.9)):
        w = compute(change)
        what = "without %s" % change[0] if change[1] is None else \
            "%s at p = %r" % change
        print("what-if %s: expected = %r, variance = %r, p10/p50/p90 = %d/%d/%d, "
              "p_hit_target = %r, expected_shortfall = %r, best_case = %d" %
              (what, float(w["mean"]), float(w["var"]), w["p10"], w["p50"], w["p90"],
               float(w["p_hit"]), float(w["shortfall"]), w["cats"]["best_case"]))


if __name__ == "__main__":
    main()
