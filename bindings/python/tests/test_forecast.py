"""Forecasts through the binding: the worked example of
docs/methods/forecast.md, what-if, reference counting, Monte Carlo."""

import datetime
import math
import unittest

import support
import mtl


class TestWorkedExample(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.m = support.forecast_market()
        cls.fc = cls.m.forecast(**support.FORECAST_OPTIONS)

    @classmethod
    def tearDownClass(cls):
        cls.fc.close()
        cls.m.close()

    def test_summary(self):
        s = self.fc.summary
        self.assertEqual((s["period_start"], s["period_end"], s["as_of"]),
                         (datetime.date(2024, 7, 1), datetime.date(2024, 10, 1),
                          datetime.date(2024, 8, 15)))
        self.assertEqual(s["method"], "exact")
        self.assertEqual((s["closed_won_count"], s["closed_won_amount"],
                          s["won_to_date_amount"]), (2, 105000, 80000))
        self.assertEqual((s["pipeline"], s["best_case"], s["commit"], s["closed"],
                          s["omitted"]), (105000, 120000, 120000, 105000, 50000))
        self.assertEqual((s["commit_forecast"], s["best_case_forecast"], s["open_pipeline"]),
                         (225000, 345000, 345000))
        self.assertEqual(s["deal_count"], 5)
        self.assertAlmostEqual(s["expected"], 301750, places=6)
        self.assertAlmostEqual(s["variance"], 6103187500, delta=1e-3)
        self.assertEqual((s["p10"], s["p50"], s["p90"]), (200000, 315000, 410000))
        self.assertAlmostEqual(s["p_hit_target"], 0.6450625, places=12)
        self.assertAlmostEqual(s["expected_shortfall"], 15243.4375, places=6)
        self.assertAlmostEqual(s["won_count_mean"], 2.8)
        self.assertAlmostEqual(s["won_count_variance"], 0.965)
        self.assertEqual((s["won_count_p10"], s["won_count_p50"], s["won_count_p90"]),
                         (2, 3, 4))
        self.assertEqual((s["grid"], s["quantization_sd"]), (10, 0))
        self.assertEqual(s["target"], 260000)

    def test_functions(self):
        fc = self.fc
        self.assertEqual(fc.quantile(0.5), 315000)
        self.assertEqual(fc.quantile(0), 105000)
        with self.assertRaises(mtl.RangeError):
            fc.quantile(1.5)
        self.assertAlmostEqual(fc.probability_at_least(260000), 0.6450625, places=12)
        self.assertAlmostEqual(fc.expected_shortfall(260000), 15243.4375, places=6)
        self.assertEqual(len(fc), 5)
        deals = fc.deals
        self.assertEqual([d["id"] for d in deals], ["D1", "D2", "D3", "D5", "D6"])
        self.assertEqual(deals[2], {"id": "D3", "amount": 65000, "probability": 0.35,
                                    "category": "pipeline"})
        self.assertEqual(deals[3]["category"], "commit")

    def test_distribution(self):
        d = self.fc.distribution()
        nonzero = [(v, p) for v, p in zip(d["values"], d["probabilities"]) if p > 1e-15]
        self.assertEqual(len(nonzero), 28)
        self.assertEqual(nonzero[0][0], 105000)
        self.assertAlmostEqual(nonzero[0][1], 0.0056875, places=12)
        self.assertEqual(nonzero[-1][0], 450000)
        self.assertAlmostEqual(sum(d["probabilities"]), 1.0, places=12)
        self.assertEqual(d["step"], 10)
        w = self.fc.won_count_distribution()
        self.assertEqual(w["values"][:6], [0, 1, 2, 3, 4, 5])
        for got, want in zip(w["probabilities"], [0.0056875, 0.0794375, 0.294625, 0.385125,
                                                  0.1996875, 0.0354375]):
            self.assertAlmostEqual(got, want, places=12)

    def test_what_if(self):
        for make, expected, variance, quantiles, p_hit in (
                (lambda: self.fc.without("D2"), 211750, 3403187500,
                 (135000, 225000, 290000), 0.26275),
                (lambda: self.fc.with_probability("D2", 0.4), 259750, 6859187500,
                 (135000, 255000, 385000), 0.46665),
                (lambda: self.fc.with_probability(self.m.leads["D3"], 0.9), 337500, 5522250000,
                 (225000, 330000, 420000), 0.839625)):
            with make() as f:
                s = f.summary
                self.assertAlmostEqual(s["expected"], expected, places=4)
                self.assertAlmostEqual(s["variance"], variance, delta=1)
                self.assertEqual((s["p10"], s["p50"], s["p90"]), quantiles)
                self.assertAlmostEqual(s["p_hit_target"], p_hit, places=9)
        with self.assertRaises(mtl.NotFound):
            self.fc.without("X1")
        with self.assertRaises(mtl.RangeError):
            self.fc.with_probability("D1", 1.5)

    def test_reference_counting(self):
        a = self.m.forecast(**support.FORECAST_OPTIONS)
        b = a.copy()
        self.assertEqual(a._ptr, b._ptr)       # one C forecast, two references
        a.close()
        a.close()
        self.assertEqual(b.summary["deal_count"], 5)
        with self.assertRaises(mtl.StateError):
            len(a)
        del b                                  # the last reference, via __del__
        self.assertIn("expected 301750", repr(self.fc))


class TestOptions(unittest.TestCase):

    def test_scope_and_errors(self):
        with support.funnel_market() as m:
            period = ("2024-07-01", "2024-10-01")
            whole = m.forecast(period).summary
            east = m.forecast(period, segment="east").summary
            west = m.forecast(period, segment=m.segments["west"]).summary
            self.assertAlmostEqual(east["expected"] + west["expected"] +
                                   m.forecast(period, owner="nobody").summary["expected"],
                                   whole["expected"] - 25000 * 0.3, places=6)
            strategic = m.forecast(period, grade="strategic").summary
            self.assertEqual(strategic["closed_won_amount"], 200000)   # E1 + E2 of C1
            calibrated = m.forecast(period, probability_source="calibrated").summary
            self.assertNotEqual(calibrated["expected"], whole["expected"])
            with self.assertRaises(mtl.RangeError):
                m.forecast(("2024-10-01", "2024-07-01"))
            # creation cohort and source scopes
            h1 = m.forecast(period, created=("2024-01-01", "2024-04-01")).summary
            self.assertEqual(h1["closed_won_amount"], 290000)    # E1, E2, W1 (created Q1)
            self.assertEqual(h1["deal_count"], 1)                 # E6 (E4 created in April)
            later = m.forecast(period, created=("2024-04-01", None)).summary
            self.assertEqual(later["deal_count"], 4)              # E4, W3, W4, N1
            with self.assertRaises(mtl.RangeError):
                m.forecast(period, created=("2024-04-01", "2024-01-01"))
            m.leads["E4"].source = "web"
            web = m.forecast(period, source="web").summary
            self.assertEqual((web["deal_count"], web["closed_won_count"]), (1, 0))
            with self.assertRaises(mtl.RangeError):
                m.forecast(period, method="guess")
            with self.assertRaises(mtl.NotFound):
                m.forecast(period, segment="nowhere")

    def test_monte_carlo(self):
        with support.forecast_market() as m:
            exact = m.forecast(**support.FORECAST_OPTIONS).summary
            mc = m.forecast(method="monte_carlo", draws=20000, seed=7,
                            **support.FORECAST_OPTIONS)
            s = mc.summary
            self.assertEqual((s["method"], s["draws"]), ("monte_carlo", 20000))
            self.assertLess(abs(s["expected"] - exact["expected"]), 5 * s["error_bound"])
            self.assertEqual(mc.distribution()["probabilities"], [])
            again = m.forecast(method="monte_carlo", draws=20000, seed=7,
                               **support.FORECAST_OPTIONS).summary
            self.assertEqual(again["expected"], s["expected"])   # seeded
            corr = m.forecast(method="monte_carlo", draws=5000, seed=1, correlation=0.5,
                              **support.FORECAST_OPTIONS).summary
            self.assertTrue(math.isfinite(corr["variance"]))


if __name__ == "__main__":
    unittest.main()
