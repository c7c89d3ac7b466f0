"""The funnel through the binding: the worked example of
docs/methods/funnel.md, grouped reports, and the live counters."""

import math
import unittest

import support
import mtl


class TestWorkedExample(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.m = support.funnel_market()
        cls.f = cls.m.funnel(**support.FUNNEL_OPTIONS)

    @classmethod
    def tearDownClass(cls):
        cls.m.close()

    def test_stage_table(self):
        stages = self.f.total["stages"]
        self.assertEqual([s["stage"] for s in stages], ["P%d" % i for i in range(8)])
        self.assertEqual([s["open_count"] for s in stages], [1, 1, 0, 1, 1, 1, 1, 0])
        self.assertEqual([s["won_count"] for s in stages], [0, 0, 0, 0, 0, 0, 1, 3])
        self.assertEqual([s["lost_count"] for s in stages], [0, 0, 1, 1, 0, 1, 0, 0])
        self.assertEqual([s["reached"] for s in stages], [11, 10, 10, 8, 5, 6, 5, 3])
        self.assertEqual([s["weighted_amount"] for s in stages],
                         [1000, 6000, 0, 7500, 75000, 112500, 43750, 0])
        self.assertEqual([s["calibration"] for s in stages],
                         ["below", "below", "inside", "below", "below", "inside", "inside",
                          "inside"])
        p2 = stages[2]
        self.assertAlmostEqual(p2["conversion"], 0.9)
        self.assertAlmostEqual(p2["win_rate"], 0.5)
        self.assertAlmostEqual(p2["win_rate_low"], 0.22126, places=5)
        self.assertAlmostEqual(p2["win_rate_high"], 0.77874, places=5)
        self.assertEqual(p2["days_count"], 2)
        self.assertAlmostEqual(p2["days_p90"], 59.4)
        self.assertTrue(math.isnan(stages[7]["conversion"]))
        self.assertEqual([(s["plan_leads"], s["plan_pipeline"]) for s in stages][:4],
                         [(2, 83750), (2, 75375), (2, 100500), (2, 62812.5)])

    def test_summary(self):
        t = self.f.total
        self.assertEqual(t["name"], "(total)")
        self.assertEqual((t["leads"], t["open"], t["won"], t["lost"]), (13, 6, 4, 3))
        self.assertEqual((t["open_amount"], t["won_amount"], t["lost_amount"]),
                         (485000, 350000, 200000))
        self.assertEqual(t["weighted_amount"], 245750)
        self.assertAlmostEqual(t["win_rate"], 4 / 7)
        self.assertEqual((t["verified"], t["converted"]), (11, 8))
        self.assertEqual((t["period_won"], t["period_won_amount"], t["won_to_date_amount"]),
                         (3, 290000, 210000))
        self.assertAlmostEqual(t["coverage"], 1.568966, places=6)
        self.assertEqual((t["cycle_count"], t["cycle_median"]), (4, 169))
        self.assertAlmostEqual(t["cycle_p90"], 205.3)
        self.assertAlmostEqual(t["velocity"], 1846.1538, places=4)
        self.assertEqual((t["plan_gap"], t["plan_wins"], t["plan_new_leads"]), (50250, 1, 2))
        self.assertAlmostEqual(t["plan_new_leads_per_week"], 1 / 3)

    def test_by_segment(self):
        f = self.m.funnel(group_by="segment", **support.FUNNEL_OPTIONS)
        self.assertEqual(f.group_names(), ["(total)", "(none)", "east", "west"])
        self.assertEqual(len(f), 4)
        self.assertEqual(f["east"]["leads"], 7)
        self.assertAlmostEqual(f["east"]["win_rate"], 0.75)
        self.assertEqual(f["west"]["plan_new_leads"], math.inf)
        self.assertEqual(f["west"]["stages"][5]["calibration"], "above")
        self.assertTrue(math.isnan(f["(none)"]["win_rate"]))
        # parts sum to the whole
        for key in ("leads", "open", "won", "lost", "open_amount", "won_amount"):
            self.assertEqual(sum(g[key] for g in f.groups[1:]), f.total[key])
        rows = f.rows()
        self.assertEqual(len(rows), 32)
        self.assertEqual((rows[8]["group"], rows[8]["stage"]), ("(none)", "P0"))
        self.assertEqual(len(f.summaries()), 4)
        self.assertNotIn("stages", f.summaries()[0])
        cols = mtl.to_columns(f.summaries())
        self.assertEqual(cols["name"], f.group_names())
        with self.assertRaises(KeyError):
            f["nowhere"]

    def test_other_groupings(self):
        for group_by, names in (("grade", None), ("owner", ["(total)", "(none)"]),
                                ("cohort_quarter", None), ("year", ["(total)", "2024"]),
                                (None, ["(total)"])):
            with self.subTest(group_by=group_by):
                f = self.m.funnel(group_by=group_by)
                self.assertEqual(f.total["leads"], 13)
                if names is not None:
                    self.assertEqual(f.group_names(), names)
        with self.assertRaises(mtl.RangeError):
            self.m.funnel(group_by="colour")
        with self.assertRaises(mtl.RangeError):
            self.m.funnel(confidence=1.5)
        with self.assertRaises(mtl.RangeError):
            self.m.funnel(period=("2024-10-01", "2024-07-01"))
        self.assertAlmostEqual(self.m.funnel(confidence=0.95).total["stages"][0]["win_rate_low"],
                               0.23072, places=5)

    def test_live_counters_match_the_report(self):
        live = self.m.funnel_stages()
        report = self.f.total["stages"]
        keys = ("open_count", "won_count", "lost_count", "open_amount", "won_amount",
                "lost_amount", "weighted_amount")
        for a, b in zip(live, report):
            self.assertEqual({k: a[k] for k in keys}, {k: b[k] for k in keys})
        self.assertEqual([r["open_count"] for r in self.f.stages()],
                         [r["open_count"] for r in live])
        east = self.m.segments["east"].funnel_stages()
        self.assertEqual(sum(r["open_count"] for r in east), 3)   # E4, E5, E6
        self.assertEqual([r["lost_amount"] for r in self.m.funnel_stages("west")],
                         [r["lost_amount"] for r in self.m.funnel_stages(self.m.segments["west"])])

    def test_funnel_by_segment(self):
        rows = self.m.funnel_by_segment()
        self.assertEqual(len(rows), 2 * 8)
        self.assertEqual([(r["segment"], r["stage"]) for r in rows[:2]],
                         [("east", "P0"), ("east", "P1")])
        self.assertEqual(sum(r["won_count"] for r in rows if r["segment"] == "west"), 1)
        with_total = self.m.funnel_by_segment(include_total=True)
        self.assertEqual(len(with_total), 3 * 8)
        self.assertIsNone(with_total[-1]["segment"])
        self.assertEqual(sum(r["open_count"] for r in with_total if r["segment"] is None), 6)


class TestLiveUpdates(unittest.TestCase):

    def test_counters_follow_changes(self):
        with mtl.Market() as m:
            seg = m.add_segment("s")
            lead = m.add_lead("L1", segment=seg, stage="P2", amount=1000)
            self.assertEqual(seg.funnel_stages()[2]["open_amount"], 1000)
            lead.amount = 3000
            lead.set_stage_outcome("P4", "won")
            rows = seg.funnel_stages()
            self.assertEqual((rows[2]["open_amount"], rows[4]["won_amount"]), (0, 3000))
            lead.remove()
            self.assertEqual(sum(r["won_count"] for r in seg.funnel_stages()), 0)


if __name__ == "__main__":
    unittest.main()
