#!/usr/bin/env python3
"""The worked examples of docs/methods/customers.md and
docs/methods/lead-verification.md, computed from the formulas in those
documents (not from the C code).  Python standard library only.

    python3 tests/tools/customers_example.py

prints every number and text that tests/test_grading.c and
tests/test_verification.c hard-code.  Sums are taken left to right in term
order, as the library promises (score.h), so most values agree with the C
code bit for bit; the tests compare to 1e-12 anyway.
"""

import math

NAN = float("nan")

# ---- formatting, as the documents define it ------------------------------


def money(minor, per_major=100):
    """Minor units -> major units with thousands separators, 2 decimals."""
    u = int(math.floor(minor + 0.5))
    major, frac = divmod(u, per_major)
    digits = len(str(per_major)) - 1
    s = f"{major:,}"
    return s + ("." + str(frac).zfill(digits) if digits else "")


def percent(share):
    h = round(share * 10000)  # hundredths of a percent
    s = f"{h // 100}"
    if h % 100:
        s += "." + f"{h % 100:02d}".rstrip("0")
    return s


def two(v):
    """Two decimals, half away from zero (llround)."""
    h = int(math.floor(abs(v) * 100 + 0.5))
    sign = "-" if v < 0 and h else ""
    return f"{sign}{h // 100}.{h % 100:02d}"


def lsum(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


# ---- the market ----------------------------------------------------------

GRADES = ["none", "strategic", "partner", "commercial", "general"]
ROLES = ["none", "initiator", "user", "influencer", "decider", "approver",
         "buyer", "gatekeeper"]
REL = ["acceptance", "events", "information", "guidance", "support",
       "competition"]
REL_W = [0.15, 0.10, 0.15, 0.15, 0.30, 0.15]

SUPPORTER, NEUTRAL, OPPONENT = "supporter", "neutral", "opponent"

# segment -> pains (text, severity, urgency, breadth, budget, fit)
SEGMENT_PAINS = {
    "energy": [("peak load outages", 5, 4, 0.6, 0.5, 0.9),
               ("field crews idle", 3, 3, 0.4, 1.0, 0.5)],
    "finance": [],
    "retail": [],
}

# id, name, segment, revenue, investment, participation
CUSTOMERS = [
    ("C01", "Northgrid", "energy", 500000000, 1000000000, 0.5),
    ("C02", "Harbor Bank", "finance", 300000000, 800000000, 0.25),
    ("C03", "Metro Rail", "retail", 200000000, 600000000, 0.5),
    ("C04", "Sunfield Power", "energy", 250000000, 0, 0.0),
    ("C05", "Lakeside Foods", "retail", 100000000, 400000000, 0.3),
    ("C06", "Pioneer Insurance", "finance", 150000000, 280000000, 0.25),
    ("C07", "Delta Logistics", "retail", 80000000, 100000000, 0.5),
    ("C08", "Crest Pharma", "retail", 60000000, 0, 0.0),
    ("C09", "Orchard Clinics", "finance", 20000000, 50000000, 0.2),
    ("C10", "Kite Studio", "retail", 5000000, 0, 0.0),
]

RELATIONSHIP = {
    "C01": [4, 3, 5, 4, 5, 2],
    "C02": [5, NAN, 4, NAN, 3, NAN],
}

# name, title, role, attitude, coach
CONTACTS = {
    "C01": [("Li Wei", "CTO", "decider", SUPPORTER, 1),
            ("Zhang Min", "Procurement", "buyer", NEUTRAL, 0),
            ("Wang Fang", "Grid operations", "user", SUPPORTER, 0),
            ("Chen Jie", "CFO", "approver", OPPONENT, 0),
            ("Zhao Lei", "Chief architect", "influencer", SUPPORTER, 0)],
    "C03": [("Sun Hao", "COO", "decider", OPPONENT, 0),
            ("Ma Li", "Assistant to the CEO", "gatekeeper", NEUTRAL, 1)],
}

CUSTOMER_PAINS = {
    "C01": [("grid outages cost revenue", 4, 5, 0.5, 0.5, 0.8),
            ("manual meter reading", 3, 2, 1.0, 0.0, 1.0)],
}


def pain_index(pains):
    """pain.h: 100 x sum(addressable) / (25 x n); terms weight 100/(25 n)."""
    if not pains:
        return NAN
    w = 100.0 / (25.0 * len(pains))
    terms = []
    for _, s, u, b, budget, fit in pains:
        score = s * u * b * (0.5 + 0.5 * budget)
        terms.append(w * (score * fit))
    return lsum(terms)


def value(c):
    _, _, _, rev, inv, p = c
    return lsum([1.0 * rev, p * inv])


def relationship(cid, weights=REL_W):
    ratings = RELATIONSHIP.get(cid)
    if not ratings:
        return NAN, []
    assessed = [k for k in range(6) if not math.isnan(ratings[k])]
    wsum = lsum([weights[k] for k in assessed])
    if not assessed or wsum <= 0:
        return NAN, []
    terms = [(REL[k], 100.0 * weights[k] / (4.0 * wsum), ratings[k] - 1.0)
             for k in assessed]
    return lsum([w * v for _, w, v in terms]), terms


def chain(cid, roles=range(1, 8)):
    contacts = CONTACTS.get(cid, [])
    supported = {c[2] for c in contacts if c[3] == SUPPORTER}
    opposed = {c[2] for c in contacts if c[3] == OPPONENT}
    coaches = sum(1 for c in contacts if c[4] == 1)
    counted = [ROLES[r] for r in sorted(roles)]
    missing = [r for r in counted if r not in supported]
    if not contacts:
        return NAN, [], supported, missing, opposed, coaches, 0
    k = len(counted)
    terms = [(r, 1.0 / k, 1.0 if r in supported else 0.0) for r in counted]
    cov = lsum([w * v for _, w, v in terms])
    return cov, terms, supported, missing, opposed, coaches, len(contacts)


def ceil_cut(q, n):
    c = math.ceil(q * n - 1e-9)
    return max(0, min(n, c))


def grade_quantiles(ranked, quantiles=(0.05, 0.20, 0.50)):
    n = len(ranked)
    cuts = [ceil_cut(q, n) for q in quantiles]
    out = []
    tie_rank = 0
    for i, (cid, v) in enumerate(ranked):
        rank = i + 1
        k = next((j for j in range(3) if rank <= cuts[j]), 3)
        grade = 1 + k
        tied = False
        if i > 0 and v == ranked[i - 1][1] and out[i - 1][1] < grade:
            grade = out[i - 1][1]
            tied = True
            if tie_rank == 0:
                tie_rank = i
        else:
            tie_rank = 0
        pct = percent(quantiles[2 if grade == 4 else grade - 1])
        if tied:
            why = (f"value {money(v)} ranks {rank} of {n}, tied with rank "
                   f"{tie_rank} in the top {pct}% ({GRADES[grade]})")
        elif grade == 4:
            why = f"value {money(v)} ranks {rank} of {n}, below the top {pct}% (general)"
        else:
            why = (f"value {money(v)} ranks {rank} of {n}, in the top {pct}% "
                   f"({GRADES[grade]})")
        out.append((cid, grade, why))
    return out


def grade_thresholds(ranked, thresholds):
    out = []
    for cid, v in ranked:
        k = next((j for j in range(3) if v >= thresholds[j]), 3)
        if k < 3:
            why = f"value {money(v)} >= {GRADES[1 + k]} threshold {money(thresholds[k])}"
        else:
            why = f"value {money(v)} < commercial threshold {money(thresholds[2])}"
        out.append((cid, 1 + k, why))
    return out


# ---- lead verification -----------------------------------------------------

CRIT = ["strategic_fit", "real_need", "acceptable_risk", "urgent_need",
        "procurement", "budget", "timeline", "relationship",
        "value_proposition", "solution_maturity", "key_team", "competition"]
QUESTION = [(0, 3), (3, 7), (7, 12)]
PASS = [0.6, 0.5, 0.5]
HARD_FAIL = 0.2
BUDGET_MATURE = 0.5
PRIORITY_W = [0.2, 0.3, 0.3, 0.2]

# id, customer, segment, status, amount, answers; in the order added
LEADS = [
    ("L1", "C01", "energy", "new", 200000000,
     {"strategic_fit": 0.9, "real_need": 0.8, "acceptable_risk": 0.8,
      "procurement": 0.6, "budget": 0.7, "timeline": 0.8,
      "value_proposition": 0.7, "solution_maturity": 0.8, "key_team": 0.6,
      "competition": 0.5}),
    ("L2", "C02", "finance", "new", 50000000,
     {"strategic_fit": 0.5, "real_need": 0.1}),
    ("L3", "C04", "energy", "new", 120000000,
     {"strategic_fit": 0.7, "real_need": 0.7, "acceptable_risk": 0.6,
      "procurement": 0.15, "budget": 0.3, "timeline": 0.6,
      "value_proposition": 0.6, "competition": 0.4}),
    ("L4", None, "energy", "nurture", 0, {"strategic_fit": 0.6}),
    ("L5", "C03", "retail", "nurture", 80000000,
     {"strategic_fit": 1.0, "real_need": 1.0, "acceptable_risk": 0.2,
      "budget": 0.9}),
    ("L6", "C01", "energy", "converted", 300000000,
     {"strategic_fit": 0.9, "real_need": 0.9, "acceptable_risk": 0.9}),
    ("L8", None, None, "new", 10000000, {"strategic_fit": 0.5}),
    ("L7", None, None, "new", 10000000, {"strategic_fit": 0.5}),
]


def derived_relationship(cid):
    """0.5 x relationship/100, 0.3 x coverage, 0.2 x coach present, over
    the known components (grading defaults)."""
    rel, _ = relationship(cid)
    cov, _, _, _, _, coaches, ncontacts = chain(cid)
    num = den = 0.0
    if not math.isnan(rel):
        num += 0.5 * (rel / 100.0)
        den += 0.5
    if ncontacts:
        num += 0.3 * cov
        den += 0.3
        num += 0.2 * (1.0 if coaches else 0.0)
        den += 0.2
    return num / den if den > 0 else NAN


def verify(lead, max_amount):
    lid, cid, seg, _, amount, answers = lead
    score = {k: v for k, v in answers.items()}
    derived = set()
    if "urgent_need" not in score:
        u = NAN
        if cid and CUSTOMER_PAINS.get(cid):
            u = pain_index(CUSTOMER_PAINS[cid]) / 100.0
        elif seg and SEGMENT_PAINS.get(seg):
            u = pain_index(SEGMENT_PAINS[seg]) / 100.0
        if not math.isnan(u):
            score["urgent_need"] = u
            derived.add("urgent_need")
    if "relationship" not in score and cid:
        r = derived_relationship(cid)
        if not math.isnan(r):
            score["relationship"] = r
            derived.add("relationship")
    qs = []
    for a, b in QUESTION:
        known = [CRIT[k] for k in range(a, b) if CRIT[k] in score]
        if not known:
            qs.append(0.0)
            continue
        wsum = lsum([1.0 for _ in known])
        qs.append(lsum([(1.0 / wsum) * score[c] for c in known]))
    reasons = []
    close = False
    for k in range(0, 3):
        c = CRIT[k]
        if c in score and score[c] <= HARD_FAIL:
            close = True
            reasons.append(f"{c} {two(score[c])} <= {two(HARD_FAIL)} (hard fail)")
    passed = True
    for q in range(3):
        if qs[q] >= PASS[q]:
            reasons.append(f"q{q + 1} {two(qs[q])} >= {two(PASS[q])}")
            continue
        passed = False
        a, b = QUESTION[q]
        known = [CRIT[k] for k in range(a, b) if CRIT[k] in score]
        if not known:
            reasons.append(f"q{q + 1} {two(qs[q])} < {two(PASS[q])} (nothing known)")
        else:
            low = known[0]
            for c in known:
                if score[c] < score[low]:
                    low = c
            reasons.append(f"q{q + 1} {two(qs[q])} < {two(PASS[q])} "
                           f"(lowest: {low} {two(score[low])})")
    verdict = "close" if close else "convert" if passed else "nurture"
    cls = ("mature" if "budget" in answers and answers["budget"] >= BUDGET_MATURE
           else "early")
    psum = lsum(PRIORITY_W)
    size = amount / max_amount if max_amount > 0 and amount > 0 else 0.0
    prio = lsum([(100.0 * PRIORITY_W[0] / psum) * qs[0],
                 (100.0 * PRIORITY_W[1] / psum) * qs[1],
                 (100.0 * PRIORITY_W[2] / psum) * qs[2],
                 (100.0 * PRIORITY_W[3] / psum) * size])
    return dict(id=lid, q=qs, verdict=verdict, cls=cls, priority=prio,
                size=size, reasons="; ".join(reasons),
                derived=sorted(derived), urgent=score.get("urgent_need"),
                relationship=score.get("relationship"))


def review(scope):
    leads = [l for l in LEADS
             if scope == "all" or l[3] in ("new", "nurture")]
    max_amount = max([l[4] for l in leads] + [0])
    rows = [verify(l, max_amount) for l in leads]
    rows.sort(key=lambda r: (-r["priority"], r["id"]))
    return rows


def main():
    print("== customers.md ==")
    print("segment pain index energy:", repr(pain_index(SEGMENT_PAINS["energy"])))
    values = {c[0]: value(c) for c in CUSTOMERS}
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    print("\nrank id value(minor) value(major)")
    for i, (cid, v) in enumerate(ranked):
        print(f"{i + 1:2d} {cid} {v!r} {money(v)}")
    print("\nquantile grades (default 0.05, 0.20, 0.50):")
    for cid, g, why in grade_quantiles(ranked):
        print(f"  {cid} {GRADES[g]:10s} {why}")
    th = (500000000, 200000000, 50000000)
    print(f"\nthreshold grades {th}:")
    for cid, g, why in grade_thresholds(ranked, th):
        print(f"  {cid} {GRADES[g]:10s} {why}")
    print("\nrelationship:")
    for cid in ("C01", "C02"):
        rel, terms = relationship(cid)
        print(f"  {cid} {rel!r}")
        for f, w, v in terms:
            print(f"      {f:12s} weight {w!r} value {v!r} contribution {w * v!r}")
    print("\ndecision chain (all seven roles):")
    for cid in ("C01", "C03", "C02"):
        cov, _, sup, missing, opp, coaches, n = chain(cid)
        print(f"  {cid} coverage {cov!r} contacts {n} coaches {coaches} "
              f"supported {sorted(sup)} missing {missing} opposed {sorted(opp)}")
    cov, _, sup, missing, *_ = chain("C01", roles=(2, 4, 5, 6))
    print(f"  C01 roles user, decider, approver, buyer: coverage {cov!r} "
          f"missing {missing}")
    print("\ncustomer pain index C01:", repr(pain_index(CUSTOMER_PAINS["C01"])))

    print("\n== lead-verification.md ==")
    for cid in ("C01", "C02", "C03"):
        print(f"derived relationship {cid}: {derived_relationship(cid)!r}")
    for scope in ("pending", "all"):
        print(f"\nreview, scope {scope}:")
        for i, r in enumerate(review(scope)):
            print(f"  {i + 1} {r['id']} {r['verdict']:8s} {r['cls']:6s} "
                  f"priority {r['priority']!r}")
            print(f"      q {r['q'][0]!r} {r['q'][1]!r} {r['q'][2]!r} "
                  f"size {r['size']!r} derived {r['derived']}")
            print(f"      urgent {r['urgent']!r} relationship {r['relationship']!r}")
            print(f"      {r['reasons']}")


if __name__ == "__main__":
    main()
