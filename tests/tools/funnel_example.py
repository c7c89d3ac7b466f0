#!/usr/bin/env python3
"""The worked example of docs/methods/funnel.md, computed independently.

Standard library only.  Prints every number that tests/test_funnel.c
checks (the test hard-codes them); with --c it prints them as the C
initializers the test holds.  Run from anywhere:

    python3 tests/tools/funnel_example.py [--c]

Everything here follows the definitions of include/mtl/funnel.h and SPEC
3.1, not the C code: each lead's set of reached stages is written out
directly (history stages plus the current stage; without history every
ordinary stage up to the current one), the Wilson interval comes from
statistics.NormalDist, quantiles are numpy's default (linear interpolation
between order statistics, "type 7").

The market: the default P0-P7 model (P7 flagged won), 13 leads in two
segments (east, west) and one without a segment; amounts in minor units
(cents).  Period 2024-07-01 .. 2024-10-01 (end excluded), as of 2024-08-15,
target 5,000.00.
"""
from datetime import date
from statistics import NormalDist
import math
import sys

STAGES = ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7"]
P_MODEL = [0.10, 0.20, 0.25, 0.30, 0.50, 0.75, 0.90, 1.00]
FLAGGED = [False] * 7 + [True]  # P7: reaching it means won
N = len(STAGES)

OPEN, WON, LOST = "open", "won", "lost"
NEW, NURTURE, CONVERTED, CLOSED = "new", "nurture", "converted", "closed"


def d(text):
    return date.fromisoformat(text)


# id, segment, stage, outcome, amount, override p, status, created,
# expected close, closed, history [(day, stage)]
LEADS = [
    ("E1", "east", 7, WON, 120000, None, CONVERTED, "2024-01-10", None, "2024-07-20", []),
    ("E2", "east", 7, WON, 80000, None, CONVERTED, "2024-02-01", None, "2024-08-30", []),
    ("E3", "east", 2, LOST, 50000, None, CLOSED, "2024-03-05", None, "2024-05-01", []),
    ("E4", "east", 4, OPEN, 200000, 0.375, CONVERTED, "2024-04-01", "2024-09-10", None, []),
    ("E5", "east", 1, OPEN, 30000, None, NEW, "2024-06-15", "2024-12-01", None, []),
    ("E6", "east", 5, OPEN, 150000, None, CONVERTED, "2024-01-20", "2024-08-01", None,
     [("2024-02-01", 0), ("2024-03-01", 2), ("2024-05-01", 5)]),
    ("E7", "east", 6, WON, 60000, None, CONVERTED, "2024-03-01", None, "2024-06-10", []),
    ("W1", "west", 7, WON, 90000, None, CONVERTED, "2024-02-10", None, "2024-07-05",
     [("2024-02-10", 1), ("2024-03-20", 3), ("2024-05-05", 6)]),
    ("W2", "west", 3, LOST, 40000, None, CLOSED, "2024-01-15", None, "2024-04-20", []),
    ("W3", "west", 0, OPEN, 10000, None, NEW, "2024-07-02", "2024-09-30", None, []),
    ("W4", "west", 6, OPEN, 70000, 0.625, CONVERTED, "2024-05-10", "2024-09-20", None, []),
    ("W5", "west", 5, LOST, 110000, None, CONVERTED, "2024-02-20", None, "2024-06-01",
     [("2024-03-01", 2), ("2024-04-15", 5)]),
    ("N1", None, 3, OPEN, 25000, None, NURTURE, "2024-05-05", "2024-07-31", None, []),
]

PERIOD_START, PERIOD_END, AS_OF = d("2024-07-01"), d("2024-10-01"), d("2024-08-15")
TARGET = 500000
CONFIDENCE = 0.90


class Lead:
    def __init__(self, row):
        (self.id, self.segment, self.stage, self.outcome, self.amount, self.p_override,
         self.status, created, expected, closed, history) = row
        self.created = d(created) if created else None
        self.expected = d(expected) if expected else None
        self.closed = d(closed) if closed else None
        self.history = [(d(day), s) for day, s in history]

    def reached(self):
        """The stages the lead reached (funnel.h conventions)."""
        if self.history:
            return {s for _, s in self.history} | {self.stage}
        return {s for s in range(self.stage) if not FLAGGED[s]} | {self.stage}

    def p(self):
        return self.p_override if self.p_override is not None else P_MODEL[self.stage]

    def stays(self):
        """(stage, days) for each completed stay in the history."""
        out = []
        for k, (day, s) in enumerate(self.history):
            if k + 1 < len(self.history):
                end = self.history[k + 1][0]
            elif self.outcome != OPEN and self.closed is not None:
                end = self.closed
            else:
                continue
            out.append((s, (end - day).days))
        return out


def wilson(k, n, conf):
    if n == 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + conf / 2)
    ph = k / n
    center = (ph + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


def quantile7(values, q):
    """numpy.quantile(values, q) with the default linear method."""
    v = sorted(values)
    if not v:
        return math.nan
    h = q * (len(v) - 1)
    lo = math.floor(h)
    if lo + 1 >= len(v):
        return float(v[lo])
    return v[lo] + (h - lo) * (v[lo + 1] - v[lo])


def ratio(a, b):
    return a / b if b > 0 else math.nan


def div(a, b):
    """a / b with IEEE semantics (x/0 = ±inf, 0/0 and NaN = NaN)."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


def ceil(x):
    return x if math.isnan(x) or math.isinf(x) else float(math.ceil(x))


def stage_rows(leads):
    rows = []
    for s in range(N):
        at = [l for l in leads if l.stage == s]
        reached = [l for l in leads if s in l.reached()]
        won_reached = sum(l.outcome == WON for l in reached)
        lost_reached = sum(l.outcome == LOST for l in reached)
        moved_on = sum(l.stage != s for l in reached)
        lost_at = sum(l.outcome == LOST for l in at)
        if s == N - 1 or FLAGGED[s]:
            conversion = math.nan
        else:
            conversion = ratio(moved_on, moved_on + lost_at)
        win_rate = ratio(won_reached, won_reached + lost_reached)
        low, high = wilson(won_reached, won_reached + lost_reached, CONFIDENCE)
        if math.isnan(win_rate):
            calibration = "UNKNOWN"
        elif P_MODEL[s] < low:
            calibration = "BELOW"
        elif P_MODEL[s] > high:
            calibration = "ABOVE"
        else:
            calibration = "INSIDE"
        days = [n for l in leads for st, n in l.stays() if st == s]
        rows.append(dict(
            open_count=sum(l.outcome == OPEN for l in at),
            won_count=sum(l.outcome == WON for l in at),
            lost_count=sum(l.outcome == LOST for l in at),
            open_amount=sum(l.amount for l in at if l.outcome == OPEN),
            won_amount=sum(l.amount for l in at if l.outcome == WON),
            lost_amount=sum(l.amount for l in at if l.outcome == LOST),
            weighted_amount=sum(l.amount * l.p() for l in at if l.outcome == OPEN),
            reached=len(reached), won_reached=won_reached, lost_reached=lost_reached,
            conversion=conversion, win_rate=win_rate, win_rate_low=low,
            win_rate_high=high, model_probability=P_MODEL[s], calibration=calibration,
            days_count=len(days),
            days_mean=sum(days) / len(days) if days else math.nan,
            days_median=quantile7(days, 0.5), days_p90=quantile7(days, 0.9)))
    return rows


def in_period(day):
    return day is not None and PERIOD_START <= day < PERIOD_END


def summary(leads, rows):
    open_ = [l for l in leads if l.outcome == OPEN]
    won = [l for l in leads if l.outcome == WON]
    lost = [l for l in leads if l.outcome == LOST]
    s = dict(leads=len(leads), open=len(open_), won=len(won), lost=len(lost),
             open_amount=sum(l.amount for l in open_),
             won_amount=sum(l.amount for l in won),
             lost_amount=sum(l.amount for l in lost),
             weighted_amount=sum(l.amount * l.p() for l in open_))
    # T
    s["win_rate"] = ratio(len(won), len(won) + len(lost))
    s["win_rate_amount"] = ratio(s["won_amount"], s["won_amount"] + s["lost_amount"])
    # L: verified = status other than new, converted = status converted
    s["verified"] = sum(l.status != NEW for l in leads)
    s["converted"] = sum(l.status == CONVERTED for l in leads)
    s["lead_conversion"] = ratio(s["converted"], s["verified"])
    # BPI and won to date
    pw = [l for l in won if in_period(l.closed)]
    s["period_won"] = len(pw)
    s["period_won_amount"] = sum(l.amount for l in pw)
    s["won_to_date_amount"] = sum(l.amount for l in pw if l.closed <= AS_OF)
    # V
    po = [l for l in open_ if in_period(l.expected)]
    s["period_open_amount"] = sum(l.amount for l in po)
    s["period_weighted_amount"] = sum(l.amount * l.p() for l in po)
    left = TARGET - s["won_to_date_amount"]
    s["coverage"] = s["period_open_amount"] / left if left > 0 else math.inf
    s["coverage_weighted"] = s["period_weighted_amount"] / left if left > 0 else math.inf
    # cycle and velocity
    cycle = [(l.closed - l.created).days for l in won if l.created and l.closed]
    s["cycle_count"] = len(cycle)
    s["cycle_mean"] = sum(cycle) / len(cycle) if cycle else math.nan
    s["cycle_median"] = quantile7(cycle, 0.5)
    s["cycle_p90"] = quantile7(cycle, 0.9)
    s["average_won_amount"] = ratio(s["won_amount"], len(won))
    s["velocity"] = div(len(open_) * s["win_rate"] * s["average_won_amount"],
                        s["cycle_mean"] if s["cycle_mean"] > 0 else math.nan)
    # the funnel-mouth plan
    gap = max(0.0, TARGET - s["won_to_date_amount"] - s["period_weighted_amount"])
    s["plan_gap"] = gap
    s["plan_wins"] = ceil(div(gap, s["average_won_amount"]))
    s["plan_new_leads"] = ceil(div(s["plan_wins"], rows[0]["win_rate"]))
    # whole weeks from as_of to the period's end: the days after as_of
    weeks = max(1, (PERIOD_END - AS_OF).days // 7)
    s["plan_weeks"] = weeks
    s["plan_new_leads_per_week"] = s["plan_new_leads"] / weeks
    plan = [(ceil(div(s["plan_wins"], r["win_rate"])), div(gap, r["win_rate"]))
            for r in rows]
    return s, plan


ROW_FIELDS = ["open_count", "won_count", "lost_count", "open_amount", "won_amount",
              "lost_amount", "weighted_amount", "reached", "won_reached", "lost_reached",
              "conversion", "win_rate", "win_rate_low", "win_rate_high",
              "model_probability", "calibration", "days_count", "days_mean",
              "days_median", "days_p90"]
SUM_FIELDS = ["leads", "open", "won", "lost", "open_amount", "won_amount", "lost_amount",
              "weighted_amount", "win_rate", "win_rate_amount", "verified", "converted",
              "lead_conversion", "period_won", "period_won_amount", "won_to_date_amount",
              "period_open_amount", "period_weighted_amount", "coverage",
              "coverage_weighted", "cycle_count", "cycle_mean", "cycle_median",
              "cycle_p90", "average_won_amount", "velocity", "plan_gap", "plan_wins",
              "plan_new_leads", "plan_new_leads_per_week"]


def groups():
    leads = [Lead(r) for r in LEADS]
    out = [("(total)", leads)]
    names = sorted({l.segment or "(none)" for l in leads})
    for name in names:
        out.append((name, [l for l in leads if (l.segment or "(none)") == name]))
    return out


def c_double(x):
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY"
    return repr(float(x))


def c_value(x):
    if isinstance(x, str):
        return "MTL_CALIBRATION_" + x
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    return c_double(x)


def print_c():
    print("/* generated by tests/tools/funnel_example.py --c */")
    print("static const example_row example_rows[EX_GROUPS][8] = {")
    for name, leads in groups():
        print(f"    {{ /* {name} */")
        for s, r in enumerate(stage_rows(leads)):
            vals = ", ".join(c_value(r[f]) for f in ROW_FIELDS)
            print(f"        {{{vals}}}, /* {STAGES[s]} */")
        print("    },")
    print("};")
    print("static const example_summary example_sums[EX_GROUPS] = {")
    for name, leads in groups():
        s, _ = summary(leads, stage_rows(leads))
        vals = ", ".join(c_value(s[f]) for f in SUM_FIELDS)
        print(f"    {{{vals}}}, /* {name} */")
    print("};")
    print("static const double example_plan[EX_GROUPS][8][2] = {")
    for name, leads in groups():
        _, plan = summary(leads, stage_rows(leads))
        vals = ", ".join(f"{{{c_double(a)}, {c_double(b)}}}" for a, b in plan)
        print(f"    {{{vals}}}, /* {name} */")
    print("};")


def fmt(x):
    if isinstance(x, float):
        return f"{x:.12g}"
    return str(x)


def print_text():
    low, high = wilson(3, 5, 0.95)
    print(f"P0 of the total at confidence 0.95: win rate 3/5, Wilson [{low!r}, {high!r}]")
    for name, leads in groups():
        print(f"== group {name}: {len(leads)} leads")
        rows = stage_rows(leads)
        for l in leads:
            print(f"   {l.id}: reached {sorted(l.reached())}")
        for s, r in enumerate(rows):
            print(f"  {STAGES[s]}: " + ", ".join(f"{f}={fmt(r[f])}" for f in ROW_FIELDS))
        s, plan = summary(leads, rows)
        for f in SUM_FIELDS + ["plan_weeks"]:
            print(f"  {f} = {fmt(s[f])}")
        for st, (a, b) in enumerate(plan):
            print(f"  plan {STAGES[st]}: leads {fmt(a)}, pipeline {fmt(b)}")


if __name__ == "__main__":
    if "--c" in sys.argv[1:]:
        print_c()
    else:
        print_text()
