"""Market, segments, customers, leads: every getter and setter, iteration,
lookup, the stage model, dates, CSV and snapshots."""

import datetime
import os
import tempfile
import unittest

import support  # noqa: F401
import mtl


class TestDates(unittest.TestCase):

    def test_conversions(self):
        self.assertEqual(mtl.date_from_ymd(1970, 1, 1), 0)
        self.assertEqual(mtl.date_from_ymd(2024, 3, 1), 19783)
        self.assertEqual(mtl.date_to_ymd(19783), (2024, 3, 1))
        self.assertEqual(mtl.format_date(19783), "2024-03-01")
        self.assertEqual(mtl.parse_date("2024-03-01"), 19783)
        self.assertEqual(mtl.day_to_date(19783), datetime.date(2024, 3, 1))
        self.assertIsNone(mtl.day_to_date(-2 ** 31))
        self.assertEqual(mtl.to_day(datetime.date(2024, 3, 1)), 19783)
        self.assertEqual(mtl.to_day(datetime.datetime(2024, 3, 1, 23, 59)), 19783)
        self.assertEqual(mtl.to_day("2024-03-01"), 19783)
        self.assertEqual(mtl.to_day(None), -2 ** 31)
        self.assertEqual(mtl.day_to_date(mtl.date_from_ymd(1, 1, 1)), datetime.date(1, 1, 1))
        self.assertEqual(mtl.day_to_date(mtl.date_from_ymd(9999, 12, 31)),
                         datetime.date(9999, 12, 31))
        with self.assertRaises(mtl.RangeError):
            mtl.date_from_ymd(2023, 2, 29)
        with self.assertRaises(mtl.RangeError):
            mtl.date_to_ymd(10 ** 8)
        with self.assertRaises(TypeError):
            mtl.to_day(1.5)


class TestStageModel(unittest.TestCase):

    def test_default(self):
        with mtl.Market() as m:
            self.assertEqual(m.stage_names, tuple("P%d" % i for i in range(8)))
            model = m.stage_model
            self.assertEqual(model[7]["name"], "P7")
            self.assertTrue(model[7]["won"])
            self.assertEqual(model[7]["category"], "closed")
            self.assertEqual(model[4]["category"], "best_case")
            self.assertAlmostEqual(model[3]["probability"], 0.30)
            self.assertIn("research", model[0]["phase"])
            self.assertEqual(m.stage_index("P5"), 5)
            self.assertEqual(m.minor_per_major, 100)
            self.assertGreater(m.memory_used, 0)

    def test_custom(self):
        stages = [("Lead", 0.1, "first contact"), ("Qualified", 0.4),
                  {"name": "Proposal", "probability": 0.6, "category": "commit"},
                  {"name": "Won", "probability": 1.0, "category": "closed", "won": True},
                  {"name": "Lost", "probability": 0.0, "category": "omitted", "lost": True}]
        with mtl.Market(stages=stages, minor_per_major=1000) as m:
            self.assertEqual(m.stage_names, ("Lead", "Qualified", "Proposal", "Won", "Lost"))
            self.assertEqual(m.minor_per_major, 1000)
            self.assertTrue(m.stage_model[4]["lost"])
            self.assertEqual(m.stage_model[0]["phase"], "first contact")
            lead = m.add_lead("x", stage="Won", outcome="won")
            self.assertEqual(lead.stage, "Won")
            with self.assertRaises(mtl.StateError):
                m.add_lead("y", stage="Lost", outcome="open")
            self.assertNotIn("y", m.leads)   # all or nothing

    def test_stage_model_object(self):
        with mtl.StageModel(default=True) as model:
            self.assertEqual(len(model), 8)
            model.add("P8", 1.0, category="closed", won=True)
            self.assertEqual(len(model), 9)
            with self.assertRaises(mtl.Duplicate):
                model.add("P8", 0.5)
            with self.assertRaises(mtl.RangeError):
                model.add("bad", 1.5)
            with mtl.Market(stages=model) as m:
                self.assertEqual(m.stage_names[-1], "P8")
        with self.assertRaises(mtl.StateError):
            len(model)
        with self.assertRaises(mtl.RangeError):
            mtl.Market(stages=mtl.StageModel())   # empty model
        with self.assertRaises(mtl.RangeError):
            mtl.Market(minor_per_major=7)


class TestRecords(unittest.TestCase):

    def setUp(self):
        self.m = mtl.Market()

    def tearDown(self):
        self.m.close()

    def test_segment(self):
        m = self.m
        parent = m.add_segment("energy", name="Energy")
        child = m.add_segment("energy/grid", name="Grid", parent="energy")
        self.assertEqual(child.parent, parent)
        self.assertIs(child.parent, parent)   # one wrapper per record
        self.assertEqual(parent.children, [child])
        self.assertEqual(child.to_dict(), {"id": "energy/grid", "name": "Grid",
                                           "parent": "energy"})
        with self.assertRaises(mtl.StateError):
            parent.parent = child            # a cycle
        child.parent = None
        self.assertIsNone(child.parent)
        child.name = None
        self.assertEqual(child.name, "")
        self.assertIs(child.market, m)
        self.assertEqual(len(m.segments), 2)
        self.assertEqual([s.id for s in m.segments], ["energy", "energy/grid"])
        self.assertIs(m.segments["energy"], parent)
        self.assertIsNone(m.segments.get("nope"))
        with self.assertRaises(mtl.NotFound):
            m.segments["nope"]
        with self.assertRaises(KeyError):
            m.segments["nope"]
        self.assertIn("energy", m.segments)
        self.assertIn(parent, m.segments)
        self.assertNotIn(parent, m.customers)

    def test_customer(self):
        m = self.m
        seg = m.add_segment("s1")
        c = m.add_customer("C1", seg, name="Northwind", region="East", owner="ann",
                           revenue=12345, investment=500, participation=0.25,
                           grade="partner")
        self.assertEqual(c.to_dict(), {
            "id": "C1", "name": "Northwind", "segment": "s1", "region": "East",
            "owner": "ann", "revenue": 12345, "investment": 500, "participation": 0.25,
            "grade": "partner"})
        c.region = None
        c.owner = ""
        c.grade = None
        c.segment = None
        self.assertEqual((c.region, c.owner, c.grade, c.segment), (None, None, None, None))
        c.segment = "s1"
        self.assertIs(c.segment, seg)
        c.grade = 1
        self.assertEqual(c.grade, "strategic")
        for bad in (dict(revenue=-1), dict(investment=-1), dict(participation=1.5),
                    dict(grade=9)):
            with self.subTest(bad=bad), self.assertRaises(mtl.RangeError):
                for k, v in bad.items():
                    setattr(c, k, v)
        with self.assertRaises(mtl.RangeError):
            c.grade = "vip"
        with self.assertRaises(mtl.RangeError):   # all or nothing
            m.add_customer("C2", revenue=-5)
        self.assertNotIn("C2", m.customers)
        with self.assertRaises(TypeError):
            m.add_customer("C3", colour="red")
        self.assertNotIn("C3", m.customers)

    def test_lead_fields(self):
        m = self.m
        m.add_segment("s1")
        m.add_segment("s2")
        c = m.add_customer("C1", "s1", region="East")
        lead = m.add_lead("L1", c)
        # defaults and values copied from the customer
        self.assertEqual(lead.segment.id, "s1")
        self.assertEqual(lead.region, "East")
        self.assertEqual((lead.stage, lead.stage_index, lead.outcome, lead.status),
                         ("P0", 0, "open", "new"))
        self.assertEqual((lead.amount, lead.probability, lead.category, lead.decision_step),
                         (0, None, None, None))
        self.assertEqual((lead.created, lead.expected_close, lead.closed), (None, None, None))
        self.assertIsNone(lead.owner)
        self.assertIsNone(lead.source)
        # every setter
        lead.segment = "s2"
        lead.owner = "ann"
        lead.region = "West"
        lead.source = "web"
        lead.status = "converted"
        lead.stage = "P4"
        lead.amount = 4800000
        lead.probability = 0.45
        lead.category = "commit"
        lead.decision_step = "evaluation"
        lead.created = "2024-01-05"
        lead.expected_close = datetime.date(2024, 6, 30)
        lead.closed = 19783
        self.assertEqual(lead.to_dict(), {
            "id": "L1", "customer": "C1", "segment": "s2", "owner": "ann", "region": "West",
            "source": "web", "status": "converted", "stage": "P4", "outcome": "open",
            "amount": 4800000, "probability": 0.45, "category": "commit",
            "decision_step": "evaluation", "created": datetime.date(2024, 1, 5),
            "expected_close": datetime.date(2024, 6, 30),
            "closed": datetime.date(2024, 3, 1), "attributes": {}})
        lead.stage_index = 5
        self.assertEqual(lead.stage, "P5")
        lead.set_stage_outcome("P7", "won")
        self.assertEqual((lead.stage, lead.outcome), ("P7", "won"))
        lead.set_stage_outcome(3, "lost")
        self.assertEqual((lead.stage, lead.outcome), ("P3", "lost"))
        lead.outcome = "open"
        lead.probability = None
        lead.category = None
        lead.decision_step = None
        lead.closed = None
        lead.customer = None
        self.assertEqual((lead.probability, lead.category, lead.decision_step, lead.closed,
                          lead.customer), (None, None, None, None, None))
        lead.customer = "C1"
        self.assertIs(lead.customer, c)
        for attr, bad, exc in (("amount", -5, mtl.RangeError),
                               ("probability", 2.0, mtl.RangeError),
                               ("probability", float("nan"), mtl.RangeError),
                               ("status", "lost", mtl.RangeError),
                               ("category", 17, mtl.RangeError),
                               ("decision_step", 99, mtl.RangeError),
                               ("created", 10 ** 8, mtl.RangeError),
                               ("stage", "P99", mtl.NotFound),
                               ("stage_index", 99, mtl.RangeError),
                               ("customer", "nobody", mtl.NotFound),
                               ("segment", "nowhere", mtl.NotFound),
                               ("owner", "x" * 5000, mtl.LimitError)):
            with self.subTest(attr=attr, bad=bad), self.assertRaises(exc):
                setattr(lead, attr, bad)
        with self.assertRaises(TypeError):
            lead.segment = c

    def test_attributes(self):
        lead = self.m.add_lead("L1", attributes={"industry": "power", "size": "L"})
        attrs = lead.attributes
        self.assertEqual(dict(attrs), {"industry": "power", "size": "L"})
        self.assertEqual(len(attrs), 2)
        self.assertEqual(attrs["size"], "L")
        attrs["size"] = "XL"
        attrs["产品"] = "云"
        self.assertEqual(list(attrs), ["industry", "size", "产品"])
        del attrs["industry"]
        self.assertNotIn("industry", attrs)
        with self.assertRaises(KeyError):
            del attrs["industry"]
        with self.assertRaises(KeyError):
            attrs["missing"]
        attrs["size"] = None
        self.assertEqual(dict(attrs), {"产品": "云"})
        lead.attributes = {"a": "1"}
        self.assertEqual(dict(lead.attributes), {"a": "1"})
        with self.assertRaises(mtl.InvalidArgument):
            attrs[""] = "x"

    def test_events(self):
        lead = self.m.add_lead("L1")
        lead.add_event("2024-03-01", "P2")
        lead.add_event(datetime.date(2024, 1, 1), 0)
        lead.add_event(19783, "P3")           # same day as the first: after it
        self.assertEqual(lead.events, [(datetime.date(2024, 1, 1), "P0"),
                                       (datetime.date(2024, 3, 1), "P2"),
                                       (datetime.date(2024, 3, 1), "P3")])
        self.assertEqual(lead.stage, "P0")    # history does not move the stage
        with self.assertRaises(mtl.RangeError):
            lead.add_event("2024-01-01", 42)
        lead.clear_events()
        self.assertEqual(lead.events, [])

    def test_find_many_and_iteration(self):
        m = self.m
        for i in range(10):
            m.add_lead("L%d" % i)
        self.assertEqual(len(m), 10)
        self.assertEqual(len(m.leads), 10)
        found = m.leads.find_many(["L3", "nope", "", None, "L9"])
        self.assertEqual([x.id if x else None for x in found], ["L3", None, None, None, "L9"])
        self.assertIs(found[0], m.leads["L3"])
        self.assertEqual(m.leads.ids(), ["L%d" % i for i in range(10)])
        # remove while iterating: every other lead, and the next one too
        seen = []
        for lead in m.leads:
            seen.append(lead.id)
            if lead.id in ("L2", "L5"):
                nxt = m.leads["L%d" % (int(lead.id[1:]) + 1)]
                lead.remove()
                nxt.remove()
        self.assertEqual(seen, ["L0", "L1", "L2", "L4", "L5", "L7", "L8", "L9"])
        self.assertEqual(m.leads.ids(), ["L0", "L1", "L4", "L7", "L8", "L9"])
        m.leads.remove("L0")
        m.remove(m.leads["L1"])
        self.assertEqual(len(m), 4)
        with self.assertRaises(TypeError):
            m.customers.find_many(["x"])

    def test_add_lead_all_or_nothing(self):
        with self.assertRaises(mtl.StateError):
            self.m.add_lead("L1", stage="P7")          # open at a won stage
        with self.assertRaises(mtl.RangeError):
            self.m.add_lead("L2", amount=-1)
        with self.assertRaises(TypeError):
            self.m.add_lead("L3", colour="red")
        self.assertEqual(len(self.m), 0)

    def test_repr(self):
        lead = self.m.add_lead("L1")
        self.assertIn("L1", repr(lead))
        self.assertIn("1 leads", repr(self.m))
        lead.remove()
        self.assertIn("removed", repr(lead))


class TestIo(unittest.TestCase):

    def build(self):
        m = mtl.Market()
        m.add_segment("s1", name="Segment one")
        m.add_customer("C1", "s1", name="Acme, Inc.", region="East", grade="general")
        m.add_lead("L1", "C1", stage="P3", amount=12345, owner="ann", created="2024-01-02",
                   attributes={"industry": "power"})
        m.add_lead("L2", "C1", stage="P7", outcome="won", amount=5, closed="2024-02-03")
        m.leads["L1"].add_event("2024-01-02", "P1")
        return m

    def test_snapshot_bytes_and_file(self):
        with self.build() as m, tempfile.TemporaryDirectory() as tmp:
            data = m.to_bytes()
            with mtl.Market.from_bytes(data) as again:
                self.assertEqual(again.to_bytes(), data)
                self.assertEqual(again.leads["L1"].to_dict(), m.leads["L1"].to_dict())
                self.assertEqual(again.leads["L1"].events, m.leads["L1"].events)
            with mtl.Market.from_bytes(bytearray(data)) as again:
                self.assertEqual(len(again), 2)
            path = os.path.join(tmp, "m.mtl")
            m.save(path)
            with mtl.Market.load(path) as again:
                self.assertEqual(again.customers["C1"].name, "Acme, Inc.")
                self.assertEqual(again.segments["s1"].name, "Segment one")

    def test_csv_round_trip(self):
        with self.build() as m, tempfile.TemporaryDirectory() as tmp:
            text = m.to_csv("leads")
            self.assertTrue(text.startswith("id,"))
            self.assertIn("L1", text)
            for kind in ("segments", "customers", "leads"):
                m.export_csv(kind, os.path.join(tmp, kind + ".csv"))
            with mtl.Market() as again:
                for kind in ("segments", "customers", "leads"):
                    res = again.import_csv(os.path.join(tmp, kind + ".csv"), kind=kind,
                                           strict=True)
                    self.assertEqual(res["skipped"], 0)
                self.assertEqual(again.to_csv("leads"), text)
                self.assertEqual(again.to_csv("customers"), m.to_csv("customers"))
                self.assertEqual(again.to_csv(kind="segments", sep=";"),
                                 m.to_csv("segments", sep=";"))
            with self.assertRaises(mtl.RangeError):
                m.to_csv("accounts")
            with self.assertRaises(mtl.IOError):
                m.export_csv("leads", "/nonexistent/dir/x.csv")

    def test_from_csv_options(self):
        csv = ("Lead ID;Account;Deal Stage;Value;Region\n"
               "1;A;Won;10.50;North\n2;B;Open;3;South\n").encode()
        calls = []
        with mtl.Market.from_csv(csv, map={"Lead ID": "id"}, stages={"Won": "won",
                                                                    "Open": "P2"},
                                 sep=";", progress=lambda d, t: calls.append((d, t))) as m:
            self.assertEqual(m.last_import["separator"], ";")
            self.assertEqual(m.last_import["customers_created"], 2)
            self.assertEqual(m.leads["1"].outcome, "won")
            self.assertEqual(m.leads["1"].amount, 1050)
            self.assertEqual(m.leads["2"].stage, "P2")
            self.assertEqual(m.leads["2"].region, "South")
            self.assertTrue(calls)
            self.assertEqual(calls[-1][0], calls[-1][1])
        with mtl.Market.from_csv(b"id\tname\nS1\tx\n", kind="segments", sep="\t") as m:
            self.assertEqual(m.segments.ids(), ["S1"])
        with self.assertRaises(mtl.RangeError):
            mtl.Market.from_csv(b"id\nL1\n", sep="|")


if __name__ == "__main__":
    unittest.main()
