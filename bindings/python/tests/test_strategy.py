"""Strategy and qualification through the binding: the inputs on segments,
customers and leads round-trip; out-of-range inputs raise naming the field;
the four reports (strategy, BON, grading, verification) return the
documented structure with numbers computed here from the formulas of the
headers (strategy.h, pain.h, grading.h, verification.h), every score's
terms sum to its value, and the reports outlive their market.
"""

import gc
import math
import unittest
import weakref

import support  # noqa: F401
import mtl



def pain_score(severity, urgency, breadth, budget):
    """pain.h: severity x urgency x breadth x (0.5 + 0.5 x budget)."""
    return severity * urgency * breadth * (0.5 + 0.5 * budget)


def scores(value):
    """Every score dict ({"value", "terms"}) inside a report value."""
    if isinstance(value, dict):
        if set(value) == {"value", "terms"}:
            yield value
            return
        for v in value.values():
            yield from scores(v)
    elif isinstance(value, list):
        for v in value:
            yield from scores(v)


class Checks(unittest.TestCase):

    def assertTermsSum(self, report):
        """Every score: the contributions summed left to right are the value,
        bit for bit; each is weight x value; NaN scores have no terms."""
        count = 0
        for score in scores(report):
            count += 1
            if math.isnan(score["value"]):
                self.assertEqual(score["terms"], [])
                continue
            total = 0.0
            for t in score["terms"]:
                self.assertEqual(set(t), {"factor", "weight", "value", "contribution"})
                self.assertIsInstance(t["factor"], str)
                self.assertAlmostEqual(t["contribution"], t["weight"] * t["value"], delta=1e-9)
                total += t["contribution"]
            if score["terms"]:
                self.assertEqual(total, score["value"])
        self.assertGreater(count, 0)

    def assertTerms(self, score, expected):
        """The terms' (factor, weight, value), to 1e-9."""
        got = [(t["factor"], t["weight"], t["value"]) for t in score["terms"]]
        self.assertEqual([g[0] for g in got], [e[0] for e in expected])
        for (_, gw, gv), (name, ew, ev) in zip(got, expected):
            self.assertAlmostEqual(gw, ew, delta=1e-9, msg=name)
            self.assertAlmostEqual(gv, ev, delta=1e-9, msg=name)


# ------------------------------------------------------------------ inputs --


class TestSegmentInputs(Checks):

    def setUp(self):
        self.m = mtl.Market()
        self.seg = self.m.add_segment("A")

    def tearDown(self):
        self.m.close()

    def test_looks(self):
        seg = self.seg
        self.assertEqual(seg.looks(), [])
        seg.add_look(look="competition", impact=-3, likelihood=0.7, window_months=24,
                     text="Rival bundles at cost", evidence="price list")
        seg.add_look("Grid mandate", impact=4, window_months="mid")
        seg.add_look(text="Default look", impact=0, look=4)
        self.assertEqual(seg.looks(), [
            {"look": "competition", "impact": -3.0, "likelihood": 0.7, "window_months": 24,
             "text": "Rival bundles at cost", "evidence": "price list"},
            {"look": "trend", "impact": 4.0, "likelihood": 1.0, "window_months": 36,
             "text": "Grid mandate", "evidence": None},
            {"look": "self", "impact": 0.0, "likelihood": 1.0, "window_months": 12,
             "text": "Default look", "evidence": None}])
        seg.clear_looks()
        self.assertEqual(seg.looks(), [])

    def test_factors(self):
        seg = self.seg
        f = seg.factors()
        self.assertIsNone(f["market_size"])
        self.assertIsNone(f["growth"])
        self.assertEqual(f["forces"], dict.fromkeys(mtl.FORCES))
        self.assertEqual(f["appeals_weights"], dict.fromkeys(mtl.APPEALS, 1.0))
        seg.set_factors(market_size=400000000, growth=0.1, forces={"rivalry": 4, "buyers": 2},
                        strategic_value=7, revenue=5000000, gross_margin=0.3,
                        share_goal=0.1, appeals_weights=[3, 1, 0.5, 3, 1, 1, 2, 0.5])
        f = seg.factors()
        self.assertEqual(f["market_size"], 400000000)
        self.assertEqual(f["revenue"], 5000000)
        self.assertEqual(f["growth"], 0.1)
        self.assertIsNone(f["profit_potential"])
        self.assertEqual(f["forces"], {"rivalry": 4.0, "entrants": None, "substitutes": None,
                                       "buyers": 2.0, "suppliers": None})
        self.assertEqual(list(f["appeals_weights"].values()), [3, 1, 0.5, 3, 1, 1, 2, 0.5])
        self.assertIsNone(f["growth_goal"])
        # factors() feeds set_factors(): change one, keep the rest
        seg.set_factors(**dict(f, growth_goal=0.25))
        self.assertEqual(seg.factors(), dict(f, growth_goal=0.25))
        # set_factors replaces: what is not given is not known
        seg.set_factors(growth=0.2)
        self.assertIsNone(seg.factors()["market_size"])

    def test_appeals(self):
        seg = self.seg
        seg.add_appeals(None, [6, 8, 7, 10, 8, 8, 6, 7])
        seg.add_appeals("Acme", {"price": 7, "performance": 8})
        seg.add_appeals("Acme", {"price": 9})          # replaces Acme's row
        rows = seg.appeals()
        self.assertEqual(len(rows), 2)
        self.assertIsNone(rows[0]["competitor"])
        self.assertEqual(list(rows[0]["ratings"].values()), [6, 8, 7, 10, 8, 8, 6, 7])
        self.assertEqual(rows[1]["competitor"], "Acme")
        self.assertEqual(rows[1]["ratings"], dict(dict.fromkeys(mtl.APPEALS), price=9.0))
        seg.clear_appeals()
        self.assertEqual(seg.appeals(), [])

    def test_control_points(self):
        seg = self.seg
        seg.add_control_point("value_chain", "Own the data platform", 0.3)
        seg.add_control_point(2, "Lead on performance")
        self.assertEqual(seg.control_points(), [
            {"kind": "value_chain", "attainability": 0.3, "text": "Own the data platform"},
            {"kind": "product", "attainability": 1.0, "text": "Lead on performance"}])
        seg.clear_control_points()
        self.assertEqual(seg.control_points(), [])

    def test_pains(self):
        seg = self.seg
        seg.add_pain("Downtime", layer="O", severity=5, urgency=4, breadth=0.4, budget=1,
                     fit=0.9, role="user")
        seg.add_pain("Defaults")
        self.assertEqual(seg.pains(), [
            {"layer": "O", "text": "Downtime", "severity": 5.0, "urgency": 4.0,
             "breadth": 0.4, "budget": 1.0, "fit": 0.9, "role": "user"},
            {"layer": "B", "text": "Defaults", "severity": 1.0, "urgency": 1.0,
             "breadth": 1.0, "budget": 0.0, "fit": 1.0, "role": None}])
        seg.clear_pains()
        self.assertEqual(seg.pains(), [])


class TestCustomerAndLeadInputs(Checks):

    def setUp(self):
        self.m = mtl.Market()
        self.c = self.m.add_customer("C1")
        self.lead = self.m.add_lead("L1", self.c)

    def tearDown(self):
        self.m.close()

    def test_relationship(self):
        c = self.c
        self.assertIsNone(c.relationship())           # never assessed
        c.set_relationship({"acceptance": 5, "support": 4})
        self.assertEqual(c.relationship(), {"acceptance": 5.0, "events": None,
                                            "information": None, "guidance": None,
                                            "support": 4.0, "competition": None})
        c.set_relationship([1, 2, 3, 4, 5, None])
        self.assertEqual(list(c.relationship().values()), [1, 2, 3, 4, 5, None])
        c.set_relationship(None)
        self.assertIsNone(c.relationship())

    def test_contacts(self):
        c = self.c
        c.add_contact("Ann", "decider", attitude="supporter", coach=True, title="CTO")
        c.add_contact("Bob", role=6)
        self.assertEqual(c.contacts(), [
            {"name": "Ann", "title": "CTO", "role": "decider", "attitude": "supporter",
             "coach": True},
            {"name": "Bob", "title": None, "role": "buyer", "attitude": "neutral",
             "coach": False}])
        c.clear_contacts()
        self.assertEqual(c.contacts(), [])

    def test_customer_pains(self):
        self.c.add_pain("Budget freeze", severity=2, urgency=2)
        self.assertEqual([p["text"] for p in self.c.pains()], ["Budget freeze"])
        self.c.clear_pains()
        self.assertEqual(self.c.pains(), [])

    def test_answers(self):
        lead = self.lead
        self.assertEqual(lead.answers(), {})
        self.assertIsNone(lead.answer("budget"))
        lead.set_answer("budget", 0.7, "PO approved")
        lead.set_answer(0, 0.9)                            # strategic_fit by code
        self.assertEqual(lead.answer("budget"),
                         {"score": 0.7, "evidence": "PO approved", "question": 2})
        self.assertEqual(lead.answers(), {
            "strategic_fit": {"score": 0.9, "evidence": None, "question": 1},
            "budget": {"score": 0.7, "evidence": "PO approved", "question": 2}})
        lead.set_answer("budget", None)                    # removes it
        self.assertEqual(list(lead.answers()), ["strategic_fit"])
        lead.clear_answers()
        self.assertEqual(lead.answers(), {})

    def test_constants(self):
        self.assertEqual(mtl.ROLES, ("initiator", "user", "influencer", "decider",
                                     "approver", "buyer", "gatekeeper"))
        self.assertEqual(len(mtl.CRITERIA), 12)
        self.assertEqual(mtl.CRITERIA[0], "strategic_fit")
        self.assertEqual(mtl.CRITERION_QUESTIONS["competition"], 3)
        self.assertEqual(mtl.LOOKS, ("trend", "industry", "customer", "competition",
                                     "self", "opportunity"))
        self.assertEqual(mtl.CONTROL_KINDS[-1], "value_chain")
        self.assertEqual(mtl.VERDICTS, ("nurture", "convert", "close"))
        self.assertEqual(mtl.LEAD_CLASSES, ("early", "mature"))
        self.assertEqual(mtl.QUADRANTS[1], "grow")
        self.assertEqual(mtl.STRATEGIES[5], "fix_economics")
        self.assertEqual(mtl.ATTITUDES, ("neutral", "supporter", "opponent"))
        self.assertEqual(mtl.WINDOWS, {"near": 12, "mid": 36, "long": 60})
        self.assertIn("answers", mtl.CSV_KINDS)


class TestErrors(Checks):

    def setUp(self):
        self.m = mtl.Market()
        self.seg = self.m.add_segment("A")
        self.c = self.m.add_customer("C1", self.seg)
        self.lead = self.m.add_lead("L1", self.c)
        self.seg.add_look(text="kept", impact=1)

    def tearDown(self):
        self.m.close()

    def assertRaisesNaming(self, exc, field, fn, *args, **kwargs):
        with self.assertRaises(exc) as cm:
            fn(*args, **kwargs)
        self.assertIn(field, str(cm.exception))
        if isinstance(cm.exception, mtl.Error):
            self.assertIn(cm.exception.status, (mtl.E_RANGE, mtl.E_INVALID_ARGUMENT))
        return cm.exception

    def test_look_out_of_range(self):
        e = self.assertRaisesNaming(mtl.RangeError, "impact", self.seg.add_look,
                                    text="x", impact=7)
        self.assertEqual(e.status, mtl.E_RANGE)
        self.assertEqual(e.status_name, "MTL_E_RANGE")
        self.assertRaisesNaming(mtl.RangeError, "likelihood", self.seg.add_look,
                                text="x", impact=1, likelihood=1.2)
        self.assertRaisesNaming(mtl.RangeError, "window", self.seg.add_look,
                                text="x", impact=1, window_months=0)
        self.assertRaisesNaming(mtl.RangeError, "look", self.seg.add_look,
                                text="x", impact=1, look="sideways")
        self.assertRaisesNaming(mtl.InvalidArgument, "text", self.seg.add_look, impact=1)
        self.assertRaisesNaming(TypeError, "colour", self.seg.add_look, text="x",
                                colour="red")
        self.assertEqual([x["text"] for x in self.seg.looks()], ["kept"])  # unchanged

    def test_roles(self):
        self.assertRaisesNaming(mtl.RangeError, "role", self.c.add_contact, "B", "boss")
        self.assertRaisesNaming(mtl.RangeError, "role", self.c.add_contact, "B", 9)
        self.assertRaisesNaming(mtl.RangeError, "attitude", self.c.add_contact, "B",
                                "buyer", attitude="hostile")
        self.assertRaisesNaming(mtl.RangeError, "role", self.seg.add_pain, "p",
                                role="chief")
        self.assertEqual(self.c.contacts(), [])

    def test_other_inputs(self):
        self.assertRaisesNaming(mtl.RangeError, "severity", self.seg.add_pain, "p",
                                severity=6)
        self.assertRaisesNaming(mtl.RangeError, "breadth", self.c.add_pain, "p",
                                breadth=1.5)
        self.assertRaisesNaming(mtl.RangeError, "attainability",
                                self.seg.add_control_point, "cost", "c", 2)
        self.assertRaisesNaming(mtl.RangeError, "growth", self.seg.set_factors, growth=-2)
        self.assertRaisesNaming(mtl.RangeError, "rivalry", self.seg.set_factors,
                                forces={"rivalry": 9})
        self.assertRaisesNaming(mtl.RangeError, "forces", self.seg.set_factors,
                                forces={"gravity": 3})
        self.assertRaisesNaming(mtl.InvalidArgument, "appeals_weights",
                                self.seg.set_factors, appeals_weights=[1, 2])
        self.assertRaisesNaming(mtl.RangeError, "price", self.seg.add_appeals, "X",
                                {"price": 11})
        self.assertRaisesNaming(mtl.RangeError, "support", self.c.set_relationship,
                                {"support": 6})
        self.assertRaisesNaming(mtl.RangeError, "budget", self.lead.set_answer, "budget", 1.5)
        self.assertRaisesNaming(mtl.RangeError, "criterion", self.lead.set_answer,
                                "luck", 0.5)
        self.assertRaisesNaming(mtl.RangeError, "criterion", self.lead.set_answer, 12, 0.5)

    def test_report_options(self):
        m = self.m
        self.assertRaisesNaming(mtl.RangeError, "cut_position", m.strategy, cut_position=11)
        self.assertRaisesNaming(mtl.RangeError, "window_weights", m.strategy,
                                window_weights=[1, 0, 0.5])
        self.assertRaisesNaming(mtl.RangeError, "normalise", m.strategy, normalise="log")
        self.assertRaisesNaming(TypeError, "cut_pos", m.strategy, cut_pos=5)
        self.assertRaisesNaming(TypeError, "include", m.bon, include=True)
        self.assertRaisesNaming(mtl.RangeError, "quantiles", m.grading,
                                quantiles=[0.5, 0.2, 0.1])
        self.assertRaisesNaming(mtl.RangeError, "role", m.grading, roles=["chief"])
        self.assertRaisesNaming(mtl.RangeError, "pass", m.verification, pass_=[2, 0.5, 0.5])
        self.assertRaisesNaming(mtl.RangeError, "hard_fail", m.verification, hard_fail=-1)
        self.assertRaisesNaming(mtl.RangeError, "scope", m.verification, scope="some")


# ----------------------------------------------------------------- reports --


def strategy_market():
    """Two segments with the numbers worked out in TestStrategy."""
    m = mtl.Market()
    a = m.add_segment("A", name="Energy")
    b = m.add_segment("B", name="Textiles")
    a.set_factors(market_size=400000000, growth=0.10, profit_potential=10, strategic_value=10,
                  revenue=50000000, gross_margin=0.30, share_goal=0.10)
    b.set_factors(market_size=100000000, growth=0.30, forces=[5, 5, 5, 5, 5],
                  strategic_value=1, revenue=20000000, growth_goal=0.5)
    a.add_appeals("", [8] * 8)
    a.add_appeals("X", [6] * 8)
    b.add_appeals(None, [4] * 8)
    b.add_appeals("Y", [7] * 8)
    a.add_look(look="opportunity", impact=4, likelihood=0.5, window_months=12,
               text="Retrofit wave")
    a.add_look(look="competition", impact=-2, likelihood=1.0, window_months=24,
               text="Price war", evidence="tender results")
    a.add_look(look="trend", impact=1, likelihood=1.0, window_months=60, text="Storage")
    a.add_control_point("brand", "Brand", 0.5)
    a.add_control_point("cost", "Cost", 1.0)
    a.add_control_point("standard", "Standards", 0.6)
    a.add_pain("Share loss", severity=4, urgency=3, breadth=0.5, budget=0.6, fit=0.5)
    a.add_pain("Outages", layer="O", severity=5, urgency=5, breadth=1, budget=1, fit=1)
    return m


class TestStrategy(Checks):

    def test_report(self):
        with strategy_market() as m:
            report = m.strategy()
        self.assertTermsSum(report)
        self.assertEqual([s["id"] for s in report], ["A", "B"])
        a, b = report
        self.assertEqual((a["rank"], b["rank"]), (1, 2))
        self.assertEqual(a["name"], "Energy")

        # attractiveness = 1 + 9 Σ w x / Σ w; relative: size / largest, growth
        # min-max; profit (p - 1) / 9 or 1 + 9 (5 - mean force) / 4
        w = (0.35, 0.25, 0.25, 0.15)
        att_a = 1 + 9 * (w[0] * 1 + w[1] * 0 + w[2] * 1 + w[3] * 1)
        att_b = 1 + 9 * (w[0] * 0.25 + w[1] * 1 + w[2] * 0 + w[3] * 0)
        self.assertAlmostEqual(a["attractiveness"]["value"], att_a, delta=1e-9)   # 7.75
        self.assertAlmostEqual(b["attractiveness"]["value"], att_b, delta=1e-9)   # 4.0375
        self.assertTerms(a["attractiveness"], [
            ("base", 1, 1), ("market_size", 9 * 0.35, 1), ("growth", 9 * 0.25, 0),
            ("profit_potential", 9 * 0.25, 1), ("strategic_value", 9 * 0.15, 1)])
        self.assertEqual(b["profit_potential"], 1.0)
        self.assertTrue(b["profit_from_forces"])
        self.assertFalse(a["profit_from_forces"])

        # position = 5.5 + Σ w (ours - theirs) / 2W
        self.assertAlmostEqual(a["position"]["value"], 5.5 + 8 * 2 / 16, delta=1e-9)  # 6.5
        self.assertAlmostEqual(b["position"]["value"], 5.5 - 8 * 3 / 16, delta=1e-9)  # 4.0
        self.assertEqual(a["position"]["terms"][1]["factor"], "price")
        self.assertEqual((a["competitor"], b["competitor"]), ("X", "Y"))

        # looks: rank score |impact| x likelihood x window weight (1, 0.7, 0.4)
        ranks = [4 * 0.5 * 1.0, 2 * 1.0 * 0.7, 1 * 1.0 * 0.4]
        self.assertEqual([x["text"] for x in a["looks"]], ["Retrofit wave", "Price war",
                                                           "Storage"])
        for look, r in zip(a["looks"], ranks):
            self.assertAlmostEqual(look["rank_score"]["value"], r, delta=1e-12)
        self.assertEqual([x["top"] for x in a["looks"]], [1, -1, 1])
        self.assertEqual([x["rank"] for x in a["looks"]], [1, 2, 3])
        self.assertEqual([x["index"] for x in a["looks"]], [0, 1, 2])
        self.assertEqual(a["looks"][1]["look"], "competition")
        self.assertEqual(a["looks"][1]["evidence"], "tender results")
        self.assertEqual(a["looks"][1]["window_weight"], 0.7)
        balance = 5 + 5 * (ranks[0] - ranks[1] + ranks[2]) / sum(ranks)
        self.assertAlmostEqual(a["look_balance"]["value"], balance, delta=1e-9)
        self.assertEqual(b["look_balance"]["value"], 5.0)
        self.assertEqual(b["looks"], [])

        # control points: kind x attainability, ranked
        self.assertEqual([(p["kind"], p["rank"], p["index"]) for p in a["control_points"]],
                         [("standard", 1, 2), ("brand", 2, 0), ("cost", 3, 1)])
        self.assertAlmostEqual(a["control_points"][0]["score"]["value"], 5 * 0.6, delta=1e-12)

        # pain index = 100 Σ addressable / (25 n); addressable = score x fit
        index_a = 100 * (pain_score(4, 3, 0.5, 0.6) * 0.5 + pain_score(5, 5, 1, 1)) / 50
        self.assertAlmostEqual(index_a, 54.8)
        self.assertAlmostEqual(a["pain_index"]["value"], index_a, delta=1e-9)
        self.assertTrue(math.isnan(b["pain_index"]["value"]))

        # priority: Σ w factor over the known factors, weights renormalised
        prio_a = 0.4 * att_a + 0.3 * 6.5 + 0.2 * index_a / 10 + 0.1 * balance
        prio_b = (0.4 * att_b + 0.3 * 4.0 + 0.1 * 5) / 0.8
        self.assertAlmostEqual(a["priority"]["value"], prio_a, delta=1e-9)
        self.assertAlmostEqual(b["priority"]["value"], prio_b, delta=1e-9)
        self.assertEqual([t["factor"] for t in b["priority"]["terms"]],
                         ["attractiveness", "position", "look_balance"])
        self.assertAlmostEqual(b["priority"]["terms"][0]["weight"], 0.5, delta=1e-12)

        # quadrants, strategy, targets
        self.assertEqual((a["quadrant"], a["strategy"], a["gate_veto"]), ("grow", "invest", []))
        self.assertEqual((b["quadrant"], b["strategy"]), ("avoid", "exit"))
        self.assertEqual((a["target"], a["target_basis"]), (40000000, "share"))
        self.assertEqual((b["target"], b["target_basis"]), (30000000, "growth"))
        self.assertEqual((a["market_size"], a["revenue"]), (400000000, 50000000))

    def test_options(self):
        with strategy_market() as m:
            gated = m.strategy(min_gross_margin=0.4, min_revenue=60000000, top_items=1)
            no_gate = m.strategy(min_gross_margin=None)
            banded = m.strategy(normalise="bands", size_low=0, size_high=800000000,
                                growth_low=0, growth_high=0.2,
                                priority_weights={"pain_index": 0})
        a = gated[0] if gated[0]["id"] == "A" else gated[1]
        self.assertEqual((a["strategy"], a["gate_veto"]), ("fix_economics",
                                                            ["revenue", "margin"]))
        self.assertEqual([x["top"] for x in a["looks"]], [1, -1, 0])
        self.assertEqual(no_gate[0]["strategy"], "invest")
        a = banded[0]
        # bands: size 400/800 = 0.5, growth 0.1 / 0.2 = 0.5
        self.assertAlmostEqual(a["attractiveness"]["value"],
                               1 + 9 * (0.35 * 0.5 + 0.25 * 0.5 + 0.25 + 0.15), delta=1e-9)
        pain_term = [t for t in a["priority"]["terms"] if t["factor"] == "pain_index"]
        self.assertEqual(pain_term[0]["weight"], 0.0)
        self.assertTermsSum(banded)

    def test_empty_market(self):
        with mtl.Market() as m:
            self.assertEqual(m.strategy(), [])
            self.assertEqual(m.bon(), [])
            self.assertEqual(m.grading(), [])
            self.assertEqual(m.verification(), [])


class TestBon(Checks):

    def test_report(self):
        with strategy_market() as m:
            c = m.add_customer("C1", "A", name="Grid North")
            c.add_pain("Budget freeze", layer="B", severity=2, urgency=2, breadth=1)
            c.add_pain("Peak capacity", layer="N", severity=4, urgency=2, breadth=0.5,
                       budget=1, fit=0.5, role="user")
            m.add_customer("quiet")
            report = m.bon()
            everything = m.bon(include_empty=True)
        self.assertTermsSum(report)
        self.assertEqual([(g["owner"], g["id"]) for g in report],
                         [("segment", "A"), ("customer", "C1")])
        self.assertEqual([g["id"] for g in everything], ["A", "B", "C1", "quiet"])
        self.assertTrue(math.isnan(everything[1]["index"]["value"]))
        a, c1 = report
        self.assertIsNone(a["segment_id"])
        self.assertEqual((c1["segment_id"], c1["name"]), ("A", "Grid North"))

        share = pain_score(4, 3, 0.5, 0.6)             # 4·3·0.5·(0.5+0.5·0.6) = 4.8
        self.assertAlmostEqual(share, 4.8)
        outages = pain_score(5, 5, 1, 1)               # 25
        first, second = a["pains"]
        self.assertEqual((first["text"], first["rank"], first["index"]), ("Outages", 1, 1))
        self.assertEqual((second["text"], second["rank"], second["index"]),
                         ("Share loss", 2, 0))
        self.assertAlmostEqual(second["score"]["value"], share, delta=1e-12)
        self.assertAlmostEqual(second["addressable"]["value"], share * 0.5, delta=1e-12)
        self.assertTerms(second["score"], [("severity*urgency*breadth", 0.5, 6),
                                           ("budget", 0.5 * 6, 0.6)])
        self.assertTerms(second["addressable"], [("pain_score", 0.5, share)])
        self.assertAlmostEqual(a["index"]["value"], 100 * (share * 0.5 + outages) / 50,
                               delta=1e-9)
        self.assertTerms(a["index"], [("Share loss", 2, share * 0.5), ("Outages", 2, outages)])
        self.assertEqual([(x["layer"], x["pain_count"]) for x in a["layers"]],
                         [("B", 1), ("O", 1)])
        self.assertAlmostEqual(a["layers"][0]["index_points"], 2 * share * 0.5, delta=1e-9)

        freeze, peak = pain_score(2, 2, 1, 0), pain_score(4, 2, 0.5, 1) * 0.5   # 2 and 2
        self.assertAlmostEqual(c1["index"]["value"], 100 * (freeze + peak) / 50, delta=1e-9)
        self.assertEqual([p["text"] for p in c1["pains"]], ["Peak capacity", "Budget freeze"])
        self.assertEqual(c1["pains"][0]["role"], "user")
        self.assertEqual(c1["pains"][1]["role"], None)


def grading_market():
    m = mtl.Market()
    seg = m.add_segment("S")
    c1 = m.add_customer("C1", seg, name="Big", revenue=1000000, investment=2000000,
                        participation=0.5, grade="partner")
    m.add_customer("C2", revenue=500000)
    m.add_customer("C3", seg, revenue=100000)
    c1.set_relationship({"acceptance": 5, "events": 3, "support": 4})
    c1.add_contact("Ann", "decider", attitude="supporter", coach=True)
    c1.add_contact("Bob", "buyer", attitude="opponent")
    c1.add_contact("Cy", "user", attitude="supporter")
    c1.add_pain("Budget freeze", severity=2, urgency=2)
    return m


class TestGrading(Checks):

    def test_report(self):
        with grading_market() as m:
            report = m.grading(grade_by="thresholds",
                               thresholds={"strategic": 1500000, "partner": 400000,
                                           "commercial": 200000})
            counted = m.grading(roles=["decider", "buyer"])
        self.assertTermsSum(report)
        self.assertEqual([(c["id"], c["rank"]) for c in report],
                         [("C1", 1), ("C2", 2), ("C3", 3)])
        c1, c2, c3 = report
        # value = revenue + investment x participation
        self.assertEqual(c1["value"]["value"], 1000000 + 2000000 * 0.5)
        self.assertTerms(c1["value"], [("revenue", 1, 1000000), ("investment", 0.5, 2000000)])
        self.assertEqual([c["grade"] for c in report], ["strategic", "partner", "general"])
        self.assertEqual(c1["recorded_grade"], "partner")
        self.assertIsNone(c2["recorded_grade"])
        self.assertTrue(c1["grade_reason"])
        self.assertEqual((c1["segment_id"], c2["segment_id"]), ("S", None))
        self.assertEqual(c1["name"], "Big")

        # relationship: weight 100 w / (4 Σw) over the assessed, value rating - 1
        ws = {"acceptance": 0.15, "events": 0.10, "support": 0.30}
        k = 100 / (4 * sum(ws.values()))
        self.assertAlmostEqual(c1["relationship"]["value"],
                               k * (0.15 * 4 + 0.10 * 2 + 0.30 * 3), delta=1e-9)
        self.assertTerms(c1["relationship"], [("acceptance", k * 0.15, 4),
                                              ("events", k * 0.10, 2),
                                              ("support", k * 0.30, 3)])
        self.assertTrue(math.isnan(c2["relationship"]["value"]))

        # coverage: the share of the decision roles held by a supporter
        self.assertAlmostEqual(c1["coverage"]["value"], 2 / 7, delta=1e-12)
        self.assertEqual(c1["supported_roles"], ["user", "decider"])
        self.assertEqual(c1["missing_roles"], ["initiator", "influencer", "approver", "buyer",
                                               "gatekeeper"])
        self.assertEqual(c1["opposed_roles"], ["buyer"])
        self.assertEqual((c1["contact_count"], c1["coach_count"]), (3, 1))
        self.assertTrue(math.isnan(c3["coverage"]["value"]))
        self.assertAlmostEqual(c1["pain_index"]["value"], 100 * pain_score(2, 2, 1, 0) / 25,
                               delta=1e-9)

        c1 = counted[0]
        self.assertAlmostEqual(c1["coverage"]["value"], 0.5, delta=1e-12)
        self.assertEqual(c1["missing_roles"], ["buyer"])
        self.assertEqual([t["factor"] for t in c1["coverage"]["terms"]], ["decider", "buyer"])


def verification_market():
    m = mtl.Market()
    m.add_customer("C1")
    l1 = m.add_lead("L1", "C1", amount=1000)
    answers = {"strategic_fit": 0.9, "real_need": 0.8, "acceptable_risk": 0.7,
               "urgent_need": 0.6, "procurement": 0.5, "budget": 0.8, "timeline": 0.5,
               "relationship": 0.7, "value_proposition": 0.6, "solution_maturity": 0.5,
               "key_team": 0.5, "competition": 0.45}
    for name, score in answers.items():
        l1.set_answer(name, score, "evidence of " + name)
    l2 = m.add_lead("L2", amount=500)
    l2.set_answer("strategic_fit", 0.1)
    l2.set_answer("real_need", 0.9)
    m.add_lead("L3", amount=2000, status="converted")
    return m


class TestVerification(Checks):

    def test_report(self):
        with verification_market() as m:
            report = m.verification()
            everything = m.verification(scope="all")
        self.assertTermsSum(report)
        self.assertEqual([(v["id"], v["rank"]) for v in report], [("L1", 1), ("L2", 2)])
        l1, l2 = report
        q = [(0.9 + 0.8 + 0.7) / 3, (0.6 + 0.5 + 0.8 + 0.5) / 4,
             (0.7 + 0.6 + 0.5 + 0.5 + 0.45) / 5]
        for got, want in zip(l1["questions"], q):
            self.assertAlmostEqual(got["value"], want, delta=1e-12)
        self.assertTerms(l1["questions"][0], [("strategic_fit", 1 / 3, 0.9),
                                              ("real_need", 1 / 3, 0.8),
                                              ("acceptable_risk", 1 / 3, 0.7)])
        self.assertEqual((l1["verdict"], l1["lead_class"]), ("convert", "mature"))
        self.assertEqual(l1["answered"], list(mtl.CRITERIA))
        self.assertEqual(l1["derived"], [])
        self.assertEqual((l1["customer_id"], l1["segment_id"], l1["amount"]),
                         ("C1", None, 1000))
        # priority: 100 x (0.2 q1 + 0.3 q2 + 0.3 q3 + 0.2 size), size = amount / largest
        self.assertAlmostEqual(l1["priority"]["value"],
                               100 * (0.2 * q[0] + 0.3 * q[1] + 0.3 * q[2] + 0.2 * 1.0),
                               delta=1e-9)
        self.assertTerms(l1["priority"], [("q1", 20, q[0]), ("q2", 30, q[1]),
                                          ("q3", 30, q[2]), ("size", 20, 1.0)])

        # question 1 fails hard (strategic fit 0.1 <= 0.2): close, early
        self.assertEqual((l2["verdict"], l2["lead_class"]), ("close", "early"))
        self.assertAlmostEqual(l2["questions"][0]["value"], 0.5, delta=1e-12)
        self.assertEqual(l2["questions"][1], {"value": 0.0, "terms": []})
        self.assertAlmostEqual(l2["priority"]["value"], 20 * 0.5 + 20 * 0.5, delta=1e-9)
        self.assertTrue(l2["reasons"])
        self.assertIsNone(l2["customer_id"])

        self.assertEqual(sorted(v["id"] for v in everything), ["L1", "L2", "L3"])

    def test_options_and_derived(self):
        with verification_market() as m:
            m.customers["C1"].add_pain("p", severity=5, urgency=5)   # index 100 x 12.5/25
            l4 = m.add_lead("L4", "C1", amount=10)
            l4.set_answer("budget", 0.2)
            strict = m.verification(pass_=[0.9, 0.9, 0.9])
            weighted = m.verification(weights={"strategic_fit": 0, "acceptable_risk": 0},
                                      **{"pass": (0.6, 0.5, 0.5)})
        self.assertEqual([v["verdict"] for v in strict if v["id"] == "L1"], ["nurture"])
        l4 = [v for v in strict if v["id"] == "L4"][0]
        self.assertEqual(l4["derived"], ["urgent_need"])
        self.assertEqual(l4["answered"], ["budget"])
        self.assertAlmostEqual(l4["questions"][1]["terms"][0]["value"], 0.5, delta=1e-12)
        l1 = [v for v in weighted if v["id"] == "L1"][0]
        self.assertAlmostEqual(l1["questions"][0]["value"], 0.8, delta=1e-12)
        self.assertTermsSum(weighted)


class TestLifetime(Checks):

    def test_reports_survive_the_market(self):
        m = strategy_market()
        grading_source = m.add_customer("C9", "A")
        grading_source.add_contact("Ann", "decider", attitude="supporter")
        m.add_lead("L9", "C9", amount=5).set_answer("budget", 0.9, "signed")
        ref = weakref.ref(m)
        reports = (m.strategy(), m.bon(), m.grading(), m.verification())
        del m, grading_source
        gc.collect()
        self.assertIsNone(ref())                   # the market is gone
        strategy, bon, grading, review = reports
        self.assertEqual(strategy[0]["looks"][1]["evidence"], "tender results")
        self.assertEqual(bon[0]["pains"][0]["text"], "Outages")
        self.assertEqual(grading[0]["supported_roles"], ["decider"])
        self.assertEqual(review[0]["id"], "L9")
        for r in reports:
            self.assertTermsSum(r)

    def test_closed_market(self):
        m = strategy_market()
        seg = m.segments["A"]
        m.close()
        for action in (m.strategy, m.bon, m.grading, m.verification, seg.looks,
                       seg.factors, lambda: seg.add_pain("p")):
            with self.assertRaises(mtl.StateError):
                action()


class TestSnapshot(Checks):

    def test_inputs_survive_a_snapshot(self):
        with strategy_market() as m:
            c = m.add_customer("C1", "A")
            c.add_contact("Ann", "decider", attitude="supporter")
            c.set_relationship([1, 2, 3, 4, 5, None])
            m.add_lead("L1", c).set_answer("budget", 0.5, "seen")
            with mtl.Market.from_bytes(m.to_bytes()) as again:
                for sid in ("A", "B"):
                    a, b = m.segments[sid], again.segments[sid]
                    for read in ("looks", "factors", "appeals", "control_points", "pains"):
                        self.assertEqual(getattr(a, read)(), getattr(b, read)(), read)
                self.assertEqual(again.customers["C1"].contacts(), c.contacts())
                self.assertEqual(again.customers["C1"].relationship(), c.relationship())
                self.assertEqual(again.leads["L1"].answers(), m.leads["L1"].answers())
                self.assertEqual(repr(again.strategy()), repr(m.strategy()))


class TestCsv(Checks):

    def test_import_and_export_new_kinds(self):
        with mtl.Market() as m:
            seg = m.add_segment("A")
            m.add_customer("C1", seg)
            m.add_lead("L1", "C1")
            result = m.import_csv(b"segment,look,text,impact,likelihood,window\n"
                                  b"A,competition,Rival,-2,0.5,mid\n", kind="looks")
            self.assertEqual(result["imported"], 1)
            self.assertEqual(seg.looks()[0]["window_months"], 36)
            m.import_csv(b"customer,name,role,attitude\nC1,Ann,decider,supporter\n",
                         kind="contacts")
            self.assertEqual(m.customers["C1"].contacts()[0]["role"], "decider")
            m.import_csv(b"lead,criterion,score\nL1,budget,0.8\n", kind="answers")
            self.assertEqual(m.leads["L1"].answer("budget")["score"], 0.8)
            text = m.to_csv("looks")
            self.assertIn("Rival", text)
            with self.assertRaises(mtl.RangeError) as cm:
                m.import_csv(b"segment,text,impact\nA,x,7\n", kind="looks")
            self.assertIn("impact", str(cm.exception))
            self.assertEqual(cm.exception.line, 2)
            self.assertEqual(len(seg.looks()), 1)       # unchanged


if __name__ == "__main__":
    unittest.main()
