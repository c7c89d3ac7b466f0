"""The real CRM data (../shared/data/crm-sales-opportunities/), when present:
won 4,238, lost 2,473, won amount 10,005,534 major units.  Skipped when the
data is absent."""

import os
import unittest

import support
import mtl

DATA = os.path.join(support.shared_data(), "crm-sales-opportunities", "sales_pipeline.csv")
MAP = ("opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,"
       "engage_date=created,close_date=closed,close_value=amount")
STAGES = "Prospecting=P1,Engaging=P3,Won=won,Lost=lost"


@unittest.skipUnless(os.path.exists(DATA), "the CRM data set is absent: %s" % DATA)
class TestCrmData(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.m = mtl.Market.from_csv(DATA, map=MAP, stages=STAGES)

    @classmethod
    def tearDownClass(cls):
        cls.m.close()

    def test_import(self):
        res = self.m.last_import
        self.assertEqual(res["rows"], 8800)
        self.assertEqual(res["imported"], 8800)
        self.assertEqual(res["skipped"], 0)
        self.assertEqual(len(self.m), 8800)

    def test_won_lost_amount(self):
        t = self.m.funnel().total
        self.assertEqual(t["won"], 4238)
        self.assertEqual(t["lost"], 2473)
        self.assertEqual(t["won_amount"], 10005534 * self.m.minor_per_major)
        live = self.m.funnel_stages()
        self.assertEqual(sum(r["won_count"] for r in live), 4238)
        self.assertEqual(sum(r["lost_count"] for r in live), 2473)
        self.assertEqual(sum(r["won_amount"] for r in live), 1000553400)

    def test_dict_maps_give_the_same(self):
        fmap = dict(pair.split("=") for pair in MAP.split(","))
        smap = dict(pair.split("=") for pair in STAGES.split(","))
        with mtl.Market.from_csv(DATA, map=fmap, stages=smap) as m:
            self.assertEqual(m.to_bytes(), self.m.to_bytes())

    def test_by_owner_and_forecast(self):
        f = self.m.funnel(group_by="owner")
        self.assertEqual(sum(g["won"] for g in f.groups[1:]), 4238)
        fc = self.m.forecast(("2017-01-01", "2018-01-01"))
        self.assertEqual(fc.summary["closed_won_amount"], 1000553400)

    def test_bulk_path_gives_the_same_counts(self):
        """Read the CSV with the csv module and push it through add_leads."""
        import csv
        with open(DATA, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        stage = {"Prospecting": ("P1", "open"), "Engaging": ("P3", "open"),
                 "Won": ("P7", "won"), "Lost": ("P0", "lost")}
        with mtl.Market() as m:
            accounts = sorted({r["account"] for r in rows if r["account"]})
            for a in accounts:
                m.add_customer(a)
            m.add_leads([r["opportunity_id"] for r in rows],
                        customers=[r["account"] or None for r in rows],
                        owners=[r["sales_agent"] for r in rows],
                        stages=[stage[r["deal_stage"]][0] for r in rows],
                        outcomes=[stage[r["deal_stage"]][1] for r in rows],
                        amounts=[int(r["close_value"] or 0) * 100 for r in rows],
                        created=[r["engage_date"] or None for r in rows],
                        closed=[r["close_date"] or None for r in rows])
            t = m.funnel().total
            self.assertEqual((t["won"], t["lost"], t["won_amount"]), (4238, 2473, 1000553400))


if __name__ == "__main__":
    unittest.main()
