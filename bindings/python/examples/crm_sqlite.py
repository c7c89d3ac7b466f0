#!/usr/bin/env python3
"""A small CRM in SQLite, read with SQL and analysed with libmtl.

    MTL_LIBRARY=build/lib/libmtl.so.1 PYTHONPATH=bindings/python \\
        python3 bindings/python/examples/crm_sqlite.py [--db crm.sqlite] [--seed 7]

1. Builds a CRM database with Python's sqlite3 module: accounts (with their
   industry, region and owner), opportunities and their stage history.  The
   data are synthetic and deterministic (--seed).
2. Reads it back with SQL and pushes it into an mtl.Market: segments and
   customers one by one (a few dozen), the opportunities in one bulk call
   (Market.add_leads, columns straight from the query), the stage history
   per event.
3. Prints the funnel by segment, a forecast of the next quarter with its
   distribution, the segment table, and the SPAN table (strategy
   positioning, SPEC section 4) from the analysts' segment facts and
   $APPEALS ratings, kept in two more tables.
"""

import argparse
import datetime
import os
import random
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))   # bindings/python, for running from a checkout

import mtl  # noqa: E402

TODAY = datetime.date(2024, 6, 30)
INDUSTRIES = ["energy", "finance", "health", "logistics", "public"]
REGIONS = ["North", "South", "East", "West"]
OWNERS = ["ann", "bob", "cat", "dan", "eve", "fay"]
STAGES = ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7"]
#: Chance to move on from each stage (P0 -> P1 ... P6 -> P7), as in the
#: default stage probabilities.
MOVE_ON = [0.5, 0.8, 0.83, 0.6, 0.67, 0.83, 0.9]

SCHEMA = """
CREATE TABLE accounts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, industry TEXT NOT NULL,
    region TEXT NOT NULL, owner TEXT NOT NULL, annual_revenue INTEGER NOT NULL);
CREATE TABLE opportunities (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),
    owner TEXT NOT NULL, source TEXT NOT NULL, stage TEXT NOT NULL,
    status TEXT NOT NULL,              -- open, won, lost
    amount_cents INTEGER NOT NULL, created TEXT NOT NULL,
    expected_close TEXT, closed TEXT);
CREATE TABLE stage_history (
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id),
    entered TEXT NOT NULL, stage TEXT NOT NULL);
CREATE TABLE segment_facts (           -- what the analysts know of each industry
    industry TEXT PRIMARY KEY, market_size_cents INTEGER NOT NULL,
    growth REAL NOT NULL, strategic_value REAL NOT NULL, gross_margin REAL NOT NULL,
    rivalry REAL, buyer_power REAL);
CREATE TABLE appeals (                 -- $APPEALS ratings; competitor '' is us
    industry TEXT NOT NULL, competitor TEXT NOT NULL, price REAL, availability REAL,
    packaging REAL, performance REAL, ease_of_use REAL, assurances REAL,
    life_cycle_cost REAL, social_acceptance REAL);
"""


def build_crm(db, seed):
    """Fill the CRM tables with deterministic synthetic data."""
    rnd = random.Random(seed)
    db.executescript(SCHEMA)
    accounts = []
    for i in range(1, 41):
        acc = ("A%03d" % i, "Account %d" % i, rnd.choice(INDUSTRIES), rnd.choice(REGIONS),
               rnd.choice(OWNERS), rnd.randrange(1, 500) * 1_000_000)
        accounts.append(acc)
    db.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)", accounts)
    opps, history = [], []
    for i in range(1, 401):
        acc = rnd.choice(accounts)
        created = TODAY - datetime.timedelta(days=rnd.randrange(20, 540))
        day, stage = created, 0
        events = [(day, 0)]
        closed_by_now = rnd.random() < 0.65
        while stage < 7:
            if rnd.random() >= MOVE_ON[stage]:
                break
            day += datetime.timedelta(days=rnd.randrange(5, 40))
            if day > TODAY:
                closed_by_now = False
                break
            stage += 1
            events.append((day, stage))
        if stage == 7:
            status, closed, expected = "won", events[-1][0], None
        elif closed_by_now and day + datetime.timedelta(days=15) <= TODAY:
            status, closed, expected = "lost", day + datetime.timedelta(days=15), None
        else:
            status, closed = "open", None
            expected = TODAY + datetime.timedelta(days=rnd.randrange(1, 150))
        amount = int(rnd.lognormvariate(11, 0.8)) * 100          # cents
        oid = "OPP-%04d" % i
        opps.append((oid, acc[0], acc[4] if rnd.random() < 0.8 else rnd.choice(OWNERS),
                     rnd.choice(["web", "event", "partner", "referral"]), STAGES[stage],
                     status, amount, created.isoformat(),
                     expected.isoformat() if expected else None,
                     closed.isoformat() if closed else None))
        history += [(oid, d.isoformat(), STAGES[s]) for d, s in events]
    db.executemany("INSERT INTO opportunities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", opps)
    db.executemany("INSERT INTO stage_history VALUES (?, ?, ?)", history)
    # The strategy inputs, from their own generator (the CRM data above
    # stays the same whatever is added here).
    srnd = random.Random(seed + 1)
    for industry in INDUSTRIES:
        db.execute("INSERT INTO segment_facts VALUES (?, ?, ?, ?, ?, ?, ?)", (
            industry, srnd.randrange(50, 900) * 1_000_000_00, srnd.randrange(-3, 15) / 100,
            srnd.randrange(2, 10), srnd.randrange(8, 40) / 100, srnd.randrange(1, 6),
            srnd.randrange(1, 6)))
        for competitor in ("", "Acme", "Globex"):
            db.execute("INSERT INTO appeals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (industry, competitor) + tuple(srnd.randrange(3, 10) for _ in range(8)))
    db.commit()


def load_market(db):
    """Read the CRM with SQL and push it into a new market."""
    market = mtl.Market()
    for (industry,) in db.execute("SELECT DISTINCT industry FROM accounts ORDER BY 1"):
        market.add_segment(industry, name=industry.capitalize())
    for acc_id, name, industry, region, owner, revenue in db.execute(
            "SELECT id, name, industry, region, owner, annual_revenue FROM accounts"):
        market.add_customer(acc_id, industry, name=name, region=region, owner=owner,
                            revenue=revenue)
    # The opportunities in one call: one list per column, straight from SQL.
    cols = list(zip(*db.execute(
        "SELECT o.id, o.account_id, o.owner, o.source, o.stage, o.status, o.amount_cents,"
        "       o.created, o.expected_close, o.closed"
        "  FROM opportunities o JOIN accounts a ON a.id = o.account_id ORDER BY o.id")))
    ids, accounts, owners, sources, stages, status, amounts, created, expected, closed = cols
    market.add_leads(ids, customers=accounts, owners=owners, sources=sources, stages=stages,
                     outcomes=status, amounts=amounts, created=created,
                     expected_close=expected, closed=closed,
                     statuses=["converted"] * len(ids))
    for oid, entered, stage in db.execute(
            "SELECT opportunity_id, entered, stage FROM stage_history ORDER BY rowid"):
        market.leads[oid].add_event(entered, stage)
    for industry, size, growth, strategic, margin, rivalry, buyers in db.execute(
            "SELECT * FROM segment_facts"):
        market.segments[industry].set_factors(
            market_size=size, growth=growth, strategic_value=strategic, gross_margin=margin,
            forces={"rivalry": rivalry, "buyers": buyers})
    for row in db.execute("SELECT * FROM appeals ORDER BY industry, competitor"):
        market.segments[row[0]].add_appeals(row[1], row[2:])
    return market


def money(minor, market):
    return "{:,.0f}".format(minor / market.minor_per_major)


def print_funnel(market, period):
    funnel = market.funnel(group_by="segment", period=period, target=150_000_000)
    print("Funnel by segment (open / won / lost leads, win rate T, coverage V)")
    print("  %-10s %6s %5s %5s %6s %13s %7s" % ("segment", "open", "won", "lost", "T",
                                               "weighted", "V"))
    for g in funnel.summaries():
        print("  %-10s %6d %5d %5d %6.2f %13s %7.2f" % (
            g["name"], g["open"], g["won"], g["lost"], g["win_rate"],
            money(g["weighted_amount"], market), g["coverage"]))
    print("\nStage table of the whole market (with stage history: exact reached counts)")
    print("  %-5s %6s %8s %6s %9s %10s %12s" % ("stage", "open", "reached", "won", "win rate",
                                               "days p50", "calibration"))
    for s in funnel.total["stages"]:
        print("  %-5s %6d %8d %6d %9.2f %10.1f %12s" % (
            s["stage"], s["open_count"], s["reached"], s["won_count"], s["win_rate"],
            s["days_median"], s["calibration"]))
    return funnel


def print_forecast(market, period):
    target = 120_000_000
    with market.forecast(period, target=target, probability_source="calibrated") as fc:
        s = fc.summary
        print("\nForecast %s .. %s (calibrated win rates), target %s" % (
            s["period_start"], s["period_end"], money(target, market)))
        print("  open deals %d, expected %s, P10 %s, P50 %s, P90 %s" % (
            s["deal_count"], money(s["expected"], market), money(s["p10"], market),
            money(s["p50"], market), money(s["p90"], market)))
        print("  commit forecast %s, best case %s, P(hit target) %.1f%%, "
              "expected shortfall %s" % (
                  money(s["commit_forecast"], market), money(s["best_case_forecast"], market),
                  100 * s["p_hit_target"], money(s["expected_shortfall"], market)))
        deals = sorted(fc.deals, key=lambda d: d["amount"] * d["probability"], reverse=True)
        if deals:
            top = deals[0]
            with fc.without(top["id"]) as w:
                print("  without the largest expected deal %s: P(hit) %.1f%%" % (
                    top["id"], 100 * w.summary["p_hit_target"]))


def print_segments(market):
    print("\nSegment table (live counters)")
    print("  %-10s %-10s %9s %6s %14s %14s" % ("segment", "name", "customers", "open",
                                             "open amount", "won amount"))
    per_segment = {}
    for c in market.customers:
        per_segment[c.segment.id] = per_segment.get(c.segment.id, 0) + 1
    for seg in market.segments:
        rows = seg.funnel_stages()
        print("  %-10s %-10s %9d %6d %14s %14s" % (
            seg.id, seg.name, per_segment.get(seg.id, 0),
            sum(r["open_count"] for r in rows),
            money(sum(r["open_amount"] for r in rows), market),
            money(sum(r["won_amount"] for r in rows), market)))


def print_span(market):
    print("\nSPAN table (attractiveness from size, growth, five forces, strategic value;")
    print("position from $APPEALS against the strongest competitor)")
    print("  %4s %-10s %14s %8s %11s %-10s %-15s %-13s %8s" % (
        "rank", "segment", "market size", "attract", "position", "vs", "quadrant",
        "strategy", "priority"))
    for s in market.strategy():
        print("  %4d %-10s %14s %8.2f %11.2f %-10s %-15s %-13s %8.2f" % (
            s["rank"], s["id"], money(s["market_size"], market), s["attractiveness"]["value"],
            s["position"]["value"], s["competitor"] or "(par)", s["quadrant"], s["strategy"],
            s["priority"]["value"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.db != ":memory:" and os.path.exists(args.db):
        os.remove(args.db)
    db = sqlite3.connect(args.db)
    try:
        build_crm(db, args.seed)
        (n_acc,), = db.execute("SELECT count(*) FROM accounts")
        (n_opp,), = db.execute("SELECT count(*) FROM opportunities")
        (n_hist,), = db.execute("SELECT count(*) FROM stage_history")
        print("CRM: %d accounts, %d opportunities, %d stage events (libmtl %s)\n" % (
            n_acc, n_opp, n_hist, mtl.library_version))
        with load_market(db) as market:
            period = ("2024-07-01", "2024-10-01")
            print_funnel(market, period)
            print_forecast(market, period)
            print_segments(market)
            print_span(market)
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
