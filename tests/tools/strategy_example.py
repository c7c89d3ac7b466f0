#!/usr/bin/env python3
"""The worked examples of docs/methods/five-looks.md, span.md and bon.md,
computed independently from the formulas written there.

Standard library only.  Prints every number that tests/test_strategy.c and
tests/test_bon.c check; the tests hard-code these outputs (to 1e-12).  Run
from anywhere:

    python3 tests/tools/strategy_example.py

The inputs are the tables of the documents.  Nothing here reads or mirrors
the C code: each score is its formula in one line (|impact| x likelihood x
window weight; 5 + 5 x Σ signed / Σ |rank|; 1 + 9 x Σ w x normalised / Σ w;
5.5 + Σ w x diff / 2W; ...), with the same defaults the documents list.
Python floats are IEEE doubles, so results agree with the library to a few
units in the last place, not necessarily bit for bit.
"""
import math

NAN = None  # "not known"

CRITERIA = ["price", "availability", "packaging", "performance",
            "ease_of_use", "assurances", "life_cycle_cost", "social_acceptance"]

# ---- defaults (strategy.h, documented in five-looks.md and span.md) -------
WINDOW_WEIGHTS = (1.0, 0.7, 0.4)          # <= 12, <= 36, longer
ATT_WEIGHTS = (0.35, 0.25, 0.25, 0.15)    # size, growth, profit, strategic
PRIORITY_WEIGHTS = (0.4, 0.3, 0.2, 0.1)   # attractiveness, position, pain/10, balance
CUT = 5.5
MIN_MARGIN = 0.20
MIN_REVENUE = 0                           # 0 = no revenue gate
TOP_ITEMS = 3

# ---- the example market ----------------------------------------------------
# look kinds
TREND, INDUSTRY, CUSTOMER, COMPETITION, SELF, OPPORTUNITY = range(6)
LOOK_NAMES = ["trend", "industry", "customer", "competition", "self", "opportunity"]

SEGMENTS = [
    dict(id="energy", size=500_000_000, growth=0.12, profit=8.0, forces=None,
         strategic=9.0, revenue=60_000_000, margin=0.35, share_goal=0.15,
         growth_goal=NAN,
         weights=(3, 1, 0.5, 3, 1, 1, 2, 0.5),
         appeals=[("", (6, 8, 7, 10, 8, 8, 6, 7)),
                  ("Acme", (7, 7, 7, 8, 6, 8, 7, 7)),
                  ("Globex", (8, NAN, NAN, 6, 5, NAN, NAN, NAN))],
         looks=[(TREND, 4, 0.9, 12, "Grid digitalisation mandate"),
                (COMPETITION, -3, 0.7, 24, "Acme bundles hardware at cost"),
                (CUSTOMER, 2, 0.5, 36, "Utilities consolidate vendors"),
                (SELF, -2, 0.8, 6, "Field service capacity is thin"),
                (OPPORTUNITY, 5, 0.6, 48, "Storage integration projects"),
                (INDUSTRY, -1, 0.5, 60, "Steel price volatility"),
                (OPPORTUNITY, 3, 0.5, 12, "Substation retrofit wave")],
         controls=[(1, 0.9, "Lowest service cost per site"),
                   (6, 0.3, "Own the grid-edge data platform"),
                   (5, 0.4, "Co-author the IEC 61850 profile"),
                   (3, 0.6, "Framework agreements with three utilities")],
         pains="energy"),
    dict(id="transport", size=300_000_000, growth=0.18, profit=NAN,
         forces=(4, 2, 3, 4, 2), strategic=7.0, revenue=30_000_000,
         margin=0.12, share_goal=NAN, growth_goal=0.25,
         weights=(1,) * 8,
         appeals=[("", (7, 7, 6, 8, 7, 7, 6, 6)),
                  ("Initech", (6, 7, 6, 7, 6, 7, 7, 6))],
         looks=[(TREND, 2, 1.0, 12, "Rail electrification budget"),
                (COMPETITION, -4, 0.5, 24, "Initech price war")],
         controls=[], pains=None),
    dict(id="water", size=200_000_000, growth=0.20, profit=6.0, forces=None,
         strategic=8.0, revenue=5_000_000, margin=0.25, share_goal=NAN,
         growth_goal=NAN,
         weights=(2, 1, 1, 2, 1, 1, 1, 1),
         appeals=[("", (4, NAN, NAN, 5, NAN, 6, 3, NAN))],
         looks=[], controls=[], pains="water"),
    dict(id="mining", size=150_000_000, growth=0.02, profit=NAN,
         forces=(5, 4, 4, 5, NAN), strategic=4.0, revenue=40_000_000,
         margin=0.30, share_goal=0.30, growth_goal=NAN,
         weights=(1,) * 8,
         appeals=[("", (8, 8, 7, 9, 8, 8, 8, 7)),
                  ("Acme", (6, 7, NAN, 7, NAN, 6, 6, NAN)),
                  ("Umbrella", (7,) * 8)],
         looks=[], controls=[], pains=None),
    dict(id="textiles", size=80_000_000, growth=-0.04, profit=3.0, forces=None,
         strategic=2.0, revenue=-1, margin=NAN, share_goal=NAN, growth_goal=NAN,
         weights=(1,) * 8,
         appeals=[("", (4, 5, 5, 4, 5, 5, 4, 5)),
                  ("Globex", (7,) * 8)],
         looks=[], controls=[], pains=None),
    dict(id="retail", size=-1, growth=0.05, profit=NAN, forces=None,
         strategic=5.0, revenue=2_000_000, margin=NAN, share_goal=NAN,
         growth_goal=0.5,
         weights=(1,) * 8,
         appeals=[("Acme", (6,) * 8)],
         looks=[], controls=[], pains=None),
]

# layer, text, severity, urgency, breadth, budget, fit
PAINS = {
    "energy": [
        ("B", "Losing share to integrated suppliers", 4, 3, 0.6, 0.5, 0.8),
        ("O", "Unplanned downtime at substations", 5, 5, 0.4, 1.0, 0.9),
        ("N", "Legacy SCADA cannot scale", 3, 2, 0.8, 0.25, 1.0),
        ("O", "Manual compliance reporting", 2, 4, 0.5, 0.0, 0.5),
        ("ESG", "Carbon reporting pressure", 3, 3, 1.0, 0.5, 0.6),
    ],
    "water": [
        ("N", "Leak detection blind spots", 4, 4, 0.5, 0.5, 1.0),
        ("O", "Meter reading cost", 3, 3, 1.0, 0.0, 0.5),
    ],
    # a customer of the energy segment: three pains, two ties
    "customer:grid-north": [
        ("B", "Budget freeze on new projects", 2, 2, 1.0, 0.0, 1.0),
        ("N", "Network capacity at peak", 4, 2, 0.5, 1.0, 0.5),
        ("O", "Slow approvals", 2, 2, 1.0, 0.0, 1.0),
    ],
}


def known(x):
    return x is not None and not (isinstance(x, float) and math.isnan(x))


# ---- BON (bon.md) ------------------------------------------------------------
def pain_score(s, u, b, budget):
    return s * u * b * (0.5 + 0.5 * budget)


def bon_group(pains):
    rows = []
    for i, (layer, text, s, u, b, budget, fit) in enumerate(pains):
        score = pain_score(s, u, b, budget)
        rows.append(dict(index=i, layer=layer, text=text, score=score,
                         addressable=score * fit))
    n = len(rows)
    index = 100.0 * sum(r["addressable"] for r in rows) / (25.0 * n)
    ranked = sorted(rows, key=lambda r: (-r["addressable"], -r["score"], r["index"]))
    fixed = ["B", "O", "N"]
    names = sorted({r["layer"] for r in rows},
                   key=lambda l: (fixed.index(l), "") if l in fixed else (3, l))
    layers = []
    for l in names:
        on = [r for r in rows if r["layer"] == l]
        a = sum(r["addressable"] for r in on)
        layers.append((l, len(on), a, 100.0 * a / (25.0 * n)))
    return index, rows, ranked, layers


# ---- five looks (five-looks.md) ---------------------------------------------
def window_weight(months):
    if months <= 12:
        return WINDOW_WEIGHTS[0]
    if months <= 36:
        return WINDOW_WEIGHTS[1]
    return WINDOW_WEIGHTS[2]


def looks(items):
    rows = []
    for i, (kind, impact, lik, months, text) in enumerate(items):
        rows.append(dict(index=i, kind=kind, impact=impact, text=text,
                         rank=abs(impact) * lik * window_weight(months)))
    ranked = sorted(rows, key=lambda r: (-r["rank"], r["index"]))
    opp = [r for r in ranked if r["impact"] > 0][:TOP_ITEMS]
    thr = [r for r in ranked if r["impact"] < 0][:TOP_ITEMS]
    for r in rows:
        r["top"] = 1 if r in opp else -1 if r in thr else 0
    total = sum(r["rank"] for r in rows)
    signed = sum(math.copysign(r["rank"], r["impact"]) for r in rows if r["impact"])
    balance = 5.0 if total == 0 else 5.0 + 5.0 * signed / total
    return ranked, balance


# ---- SPAN (span.md) -----------------------------------------------------------
def profit(seg):
    if known(seg["profit"]):
        return seg["profit"], 0
    rated = [f for f in (seg["forces"] or ()) if known(f)]
    if not rated:
        return NAN, 0
    mean = sum(rated) / len(rated)
    return 1 + 9 * (5 - mean) / 4, 1


def normalised(segs, bands=None):
    """Per segment: [size, growth, profit, strategic] in [0, 1] or NAN."""
    sizes = [s["size"] for s in segs if s["size"] >= 0]
    growths = [s["growth"] for s in segs if known(s["growth"])]
    out = []
    for s in segs:
        f = [NAN] * 4
        if s["size"] >= 0:
            if bands:
                lo, hi = bands[0], bands[1]
                f[0] = min(1.0, max(0.0, (s["size"] - lo) / (hi - lo)))
            else:
                f[0] = s["size"] / max(sizes) if max(sizes) > 0 else 0.0
        if known(s["growth"]):
            if bands:
                lo, hi = bands[2], bands[3]
                f[1] = min(1.0, max(0.0, (s["growth"] - lo) / (hi - lo)))
            else:
                lo, hi = min(growths), max(growths)
                f[1] = 0.5 if hi == lo else (s["growth"] - lo) / (hi - lo)
        p, _ = profit(s)
        if known(p):
            f[2] = (p - 1) / 9
        if known(s["strategic"]):
            f[3] = (s["strategic"] - 1) / 9
        out.append(f)
    return out


def attractiveness(f, weights=ATT_WEIGHTS):
    w = [weights[i] for i in range(4) if known(f[i])]
    if not w or sum(w) == 0:
        return NAN
    return 1 + 9 * sum(weights[i] * f[i] for i in range(4) if known(f[i])) / sum(w)


def level(ratings, weights):
    rated = [c for c in range(8) if known(ratings[c])]
    den = sum(weights[c] for c in rated)
    if not rated or den == 0:
        return NAN
    return sum(weights[c] * ratings[c] for c in rated) / den


def position(seg):
    w = seg["weights"]
    us = next((r for name, r in seg["appeals"] if name == ""), None)
    best, best_level = None, None
    for name, r in seg["appeals"]:
        if name == "":
            continue
        lv = level(r, w)
        if known(lv) and (best is None or lv > best_level):
            best, best_level = (name, r), lv
    name, theirs = best if best else ("", (5.5,) * 8)
    if us is None:
        return NAN, name, []
    common = [c for c in range(8) if known(us[c]) and known(theirs[c])]
    W = sum(w[c] for c in common)
    if not common or W == 0:
        return NAN, name, []
    terms = [(CRITERIA[c], w[c] / (2 * W), us[c] - theirs[c]) for c in common]
    return 5.5 + sum(wt * v for _, wt, v in terms) / 1.0, name, terms


def quadrant(att, pos):
    if not (known(att) and known(pos)):
        return "UNRATED"
    if att >= CUT:
        return "GROW" if pos >= CUT else "ACQUIRE_SKILLS"
    return "HARVEST" if pos >= CUT else "AVOID"


def round_half_away(x):
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def target(seg):
    if known(seg["share_goal"]) and seg["size"] >= 0:
        return round_half_away(seg["size"] * seg["share_goal"]), "SHARE"
    if known(seg["growth_goal"]) and seg["revenue"] >= 0:
        return round_half_away(seg["revenue"] * (1 + seg["growth_goal"])), "GROWTH"
    if known(seg["growth"]) and seg["revenue"] >= 0:
        return round_half_away(seg["revenue"] * (1 + seg["growth"])), "MARKET"
    return 0, "NONE"


def priority(att, pos, pain_index, balance):
    vals = [att, pos, pain_index / 10 if known(pain_index) else NAN, balance]
    w = [PRIORITY_WEIGHTS[i] for i in range(4) if known(vals[i])]
    if not w or sum(w) == 0:
        return NAN
    return sum(PRIORITY_WEIGHTS[i] * vals[i] for i in range(4) if known(vals[i])) / sum(w)


def fmt(x):
    return "NaN" if not known(x) else repr(x)


def main():
    print("== BON (bon.md)")
    for key in ("energy", "water", "customer:grid-north"):
        index, rows, ranked, layers = bon_group(PAINS[key])
        print(f"group {key}: index {fmt(index)}")
        for r in rows:
            print(f"  pain {r['index']} [{r['layer']}] score {fmt(r['score'])} "
                  f"addressable {fmt(r['addressable'])}")
        print("  ranked:", [r["index"] for r in ranked])
        for l in layers:
            print(f"  layer {l[0]}: pains {l[1]} addressable {fmt(l[2])} "
                  f"index_points {fmt(l[3])}")

    print("== five looks (five-looks.md)")
    balances = {}
    for seg in SEGMENTS:
        ranked, balance = looks(seg["looks"])
        balances[seg["id"]] = balance
        print(f"segment {seg['id']}: look_balance {fmt(balance)}")
        for r in ranked:
            print(f"  look {r['index']} {LOOK_NAMES[r['kind']]} impact {r['impact']} "
                  f"rank {fmt(r['rank'])} top {r['top']}")

    print("== control points")
    for seg in SEGMENTS:
        rows = [(k * a, k, i, t) for i, (k, a, t) in enumerate(seg["controls"])]
        for score, kind, i, t in sorted(rows, key=lambda r: (-r[0], -r[1], r[2])):
            print(f"  {seg['id']} point {i} kind {kind} score {fmt(score)}")

    for label, bands in (("relative", None),
                         ("bands", (0, 400_000_000, 0.0, 0.15))):
        print(f"== SPAN ({label} normalisation)")
        norm = normalised(SEGMENTS, bands)
        results = []
        for seg, f in zip(SEGMENTS, norm):
            att = attractiveness(f)
            pos, comp, terms = position(seg)
            p, from_forces = profit(seg)
            pain = bon_group(PAINS[seg["pains"]])[0] if seg["pains"] else NAN
            quad = quadrant(att, pos)
            veto = []
            if quad == "GROW":
                if MIN_REVENUE > 0 and 0 <= seg["revenue"] < MIN_REVENUE:
                    veto.append("REVENUE")
                if known(seg["margin"]) and seg["margin"] < MIN_MARGIN:
                    veto.append("MARGIN")
            strategy = {"GROW": "FIX_ECONOMICS" if veto else "INVEST",
                        "ACQUIRE_SKILLS": "BUILD", "HARVEST": "HARVEST",
                        "AVOID": "EXIT", "UNRATED": "UNRATED"}[quad]
            tgt, basis = target(seg)
            prio = priority(att, pos, pain, balances[seg["id"]])
            results.append((seg, f, att, pos, comp, terms, p, from_forces, pain,
                            quad, veto, strategy, tgt, basis, prio))
        order = sorted(results, key=lambda r: (
            0 if known(r[14]) else 1, -(r[14] if known(r[14]) else 0),
            -r[0]["size"], r[0]["id"]))
        for rank, r in enumerate(order, 1):
            (seg, f, att, pos, comp, terms, p, ff, pain, quad, veto, strategy,
             tgt, basis, prio) = r
            print(f"rank {rank} {seg['id']}: priority {fmt(prio)}")
            print(f"  normalised size {fmt(f[0])} growth {fmt(f[1])} "
                  f"profit {fmt(f[2])} strategic {fmt(f[3])}")
            print(f"  profit_potential {fmt(p)} from_forces {ff}")
            print(f"  attractiveness {fmt(att)} position {fmt(pos)} "
                  f"competitor '{comp}'")
            print(f"  position terms {[(n, round(w, 6), v) for n, w, v in terms]}")
            print(f"  pain_index {fmt(pain)} look_balance {fmt(balances[seg['id']])}")
            print(f"  quadrant {quad} veto {veto} strategy {strategy} "
                  f"target {tgt} {basis}")


if __name__ == "__main__":
    main()
