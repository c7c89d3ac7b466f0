"""Target trees through the binding: both worked examples of
docs/methods/targets.md."""

import datetime
import math
import unittest

import support  # noqa: F401
import mtl


def example_one(market, rescale=False, **options):
    tree = mtl.TargetTree(market, 2025, **options)
    tree.set_inputs(0, formula="hq", base=987654321, growth=0.08, k=1.3)
    east = tree.add(0, "East", formula="region", base=543210987, growth=0.12, years=1,
                    resource=1.05, potential=1.1)
    tree.add(0, "West", formula="region", base=444443334, growth=0.05, resource=0.95,
             potential=0.9)
    tree.add(east, "ann", formula="individual", base=321098765, growth=0.10, rank=1.2)
    tree.add("East", "bob", formula="individual", base=222112222, growth=0.10, rank=0.7)
    tree.set_commitment(east, 800000000)
    tree.set_commitment(tree.find(east, "ann"), 500000000)
    tree.reconcile(rescale=rescale)
    return tree


class TestWorkedExampleOne(unittest.TestCase):

    def setUp(self):
        self.m = mtl.Market()

    def tearDown(self):
        self.m.close()

    def test_formulas_and_gaps(self):
        with example_one(self.m) as tree:
            east, west = tree.find(0, "East"), tree.find(0, "West")
            ann, bob = tree.find(east, "ann"), tree.find(east, "bob")
            company = tree.node(0)
            self.assertEqual((company["kind"], company["formula"], company["name"]),
                             ("company", "hq", "company"))
            self.assertAlmostEqual(company["factor"], 1.104)
            targets = [tree.node(i)["target"] for i in (0, east, west, ann, bob)]
            self.assertEqual(targets, [1090370370, 702697733, 398999003, 423850370, 171026411])
            self.assertEqual(company["bottom_up"], 1198999003)
            self.assertEqual(company["gap"], 108628633)
            self.assertAlmostEqual(company["gap_ratio"], 108628633 / 1090370370)
            self.assertEqual((tree.node(east)["bottom_up"], tree.node(east)["gap"]),
                             (671026411, -31671322))
            self.assertEqual(tree.node(ann)["gap"], 76149630)
            self.assertEqual((tree.node(bob)["bottom_up"], tree.node(bob)["gap"],
                              tree.node(bob)["commitment"]), (None, None, None))
            self.assertEqual(tree.node(east)["commitment"], 800000000)
            self.assertEqual(tree.node(ann)["parent"], east)
            self.assertEqual(tree.node(0)["parent"], None)
            self.assertEqual(tree.minor_per_major, 100)

    def test_rescale_and_split(self):
        with example_one(self.m, rescale=True) as tree:
            east = tree.find(0, "East")
            self.assertEqual(tree.node(east)["target"], 695473411)
            self.assertEqual(tree.node(east)["rescale"], "proportional")
            self.assertEqual(tree.node(tree.find(0, "West"))["target"], 394896959)
            self.assertEqual(tree.node(0)["gap"], 104526589)
            quarters = [tree.node(tree.find(east, "2025-Q%d" % q))["target"] for q in range(1, 5)]
            self.assertEqual(quarters, [104321012, 139094682, 208642023, 243415694])
            q1 = tree.node(tree.find(east, "2025-Q1"))
            self.assertEqual((q1["kind"], q1["formula"], q1["quarter"], q1["period_start"],
                              q1["period_end"]),
                             ("quarter", "split", 1, datetime.date(2025, 1, 1),
                              datetime.date(2025, 4, 1)))
            months = [c["target"] for c in tree.children(tree.find(east, "2025-Q1"))]
            self.assertEqual(months, [34773671, 34773671, 34773670])
            kinds = [c["kind"] for c in tree.children(east)]
            self.assertEqual(kinds, ["quarter"] * 4 + ["owner"] * 2)
            self.assertEqual(len(tree.nodes()), len(tree))

    def test_custom_split(self):
        with example_one(self.m, rescale=True, quarter_shares=[10, 20, 30, 40],
                         month_shares=[1 / 3, 1 / 3, 1 / 3] * 3 + [0.2, 0.3, 0.5]) as tree:
            east = tree.find(0, "East")
            quarters = [tree.node(tree.find(east, "2025-Q%d" % q))["target"] for q in range(1, 5)]
            self.assertEqual(quarters, [69547341, 139094682, 208642023, 278189365])
            months = [c["target"] for c in tree.children(tree.find(east, "2025-Q4"))]
            self.assertEqual(months, [55637873, 83456810, 139094682])

    def test_errors(self):
        with self.assertRaises(mtl.RangeError):
            mtl.TargetTree(self.m, 0)
        with mtl.TargetTree(self.m, 2025, periods="year") as tree:
            with self.assertRaises(mtl.RangeError) as cm:
                tree.set_inputs(0, formula="hq", base=100, growth=0.1, k=2.0)
            self.assertIn("k", cm.exception.message)
            with self.assertRaises(mtl.RangeError):
                tree.add(0, "r", formula="region", base=1, potential=1.5)
            tree.add(0, "r")
            with self.assertRaises(mtl.Duplicate):
                tree.add(0, "r")
            with self.assertRaises(mtl.NotFound):
                tree.find(0, "zzz")
            with self.assertRaises(mtl.StateError):
                tree.node(0)                   # not reconciled
            tree.reconcile()
            self.assertEqual(len(tree), 2)     # company and one region, no periods
            with self.assertRaises(mtl.NotFound):
                tree.node(99)
            with self.assertRaises(mtl.RangeError):
                tree.set_commitment(0, -1)
            tree.set_commitment(0, None)
            with self.assertRaises(mtl.StateError):
                tree.evaluate(self.m)          # changed since the reconciliation
        with self.assertRaises(mtl.InvalidArgument):
            mtl.TargetTree(self.m, 2025, quarter_shares=[1, 2])


class TestFromHistory(unittest.TestCase):

    def market(self):
        m = mtl.Market()
        deals = [("North", "ann", 2023, 250000), ("North", "ann", 2024, 300000),
                 ("North", "bob", 2023, 150000), ("North", "bob", 2024, 200000),
                 ("North", "cat", 2024, 100000), ("South", "dan", 2023, 200000),
                 ("South", "dan", 2024, 150000)]
        m.add_leads(["H%d" % i for i in range(len(deals))],
                    regions=[d[0] for d in deals], owners=[d[1] for d in deals],
                    amounts=[d[3] for d in deals], stages="P7", outcomes="won",
                    closed=["%d-06-30" % d[2] for d in deals])
        return m

    def test_tree(self):
        with self.market() as m:
            tree = mtl.TargetTree.from_history(m, 2025, growth=0.05, k=1.3)
            self.assertEqual(tree.node(0)["target"], 798750)
            north, south = tree.find(0, "North"), tree.find(0, "South")
            self.assertEqual(tree.node(north)["target"], 900000)
            self.assertEqual(tree.node(south)["target"], 112500)
            self.assertEqual([tree.node(tree.find(north, o))["target"]
                              for o in ("ann", "bob", "cat")], [540000, 285000, 105000])
            self.assertAlmostEqual(tree.node(tree.find(north, "bob"))["rank"], 0.95)
            self.assertEqual(tree.node(0)["bottom_up"], 1042500)
            self.assertEqual(tree.node(0)["gap"], 243750)
            # evaluation against the market, with a won and an open deal in 2025
            m.add_lead("W25", region="North", owner="ann", amount=120000,
                       stage="P7", outcome="won", closed="2025-05-10")
            m.add_lead("O25", region="South", owner="dan", amount=40000, stage="P4",
                       expected_close="2025-12-15")
            tree.evaluate(m)
            north_node = tree.node(north)
            self.assertTrue(north_node["evaluated"])
            self.assertEqual(north_node["actual"], 120000)
            q4 = tree.node(tree.find(south, "2025-Q4"))
            self.assertEqual(q4["target"], 39375)
            self.assertAlmostEqual(q4["p_hit"], 0.5)
            tree.close()

    def test_overrides(self):
        with self.market() as m:
            with mtl.TargetTree.from_history(m, 2025, growth=0.05,
                                             regions={"South": {"growth": 0.1,
                                                                "potential": 1.2}}) as tree:
                south = tree.node(tree.find(0, "South"))
                self.assertAlmostEqual(south["growth"], 0.1)
                self.assertEqual(south["target"], round(150000 * 1.1 * 1.2))
            with self.assertRaises(mtl.NotFound):
                mtl.TargetTree.from_history(m, 2025, regions={"East": {"growth": 0.1}})
            tree = mtl.TargetTree.from_history(m, 2025, periods="quarters")
            self.assertTrue(all(n["kind"] != "month" for n in tree.nodes()))
            self.assertTrue(math.isnan(tree.node(0)["attainment"]))


if __name__ == "__main__":
    unittest.main()
