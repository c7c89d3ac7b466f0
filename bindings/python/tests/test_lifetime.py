"""Lifetime: no Python object outlives the C object it points to.

A record keeps its Market object alive; closing the market (or leaving its
``with`` block) kills every record object, which then raises StateError; a
removed record's object raises StateError even after its slot is reused.
The risky sequences also run in a child interpreter, so that a crash would
show as a failed exit status instead of killing the test runner.
"""

import gc
import os
import subprocess
import sys
import textwrap
import unittest
import weakref

import support
import mtl


class TestLifetime(unittest.TestCase):

    def test_close_then_use_a_lead(self):
        m = mtl.Market()
        seg = m.add_segment("s")
        cust = m.add_customer("c", seg)
        lead = m.add_lead("L1", cust, amount=5)
        attrs = lead.attributes
        m.close()
        self.assertTrue(m.closed)
        self.assertFalse(lead.alive)
        for action in (lambda: lead.amount, lambda: lead.id, lambda: setattr(lead, "amount", 1),
                       lambda: lead.customer, lambda: lead.events, lambda: lead.to_dict(),
                       lambda: cust.name, lambda: seg.parent, lambda: attrs["x"],
                       lambda: len(m), lambda: m.leads, lambda: len(m.leads),
                       lambda: m.add_lead("L2"), lambda: m.funnel_stages(),
                       lambda: m.forecast(("2024-01-01", "2025-01-01")), lambda: lead.remove()):
            with self.assertRaises(mtl.StateError) as cm:
                action()
            self.assertEqual(cm.exception.status, mtl.E_STATE)
            self.assertIn("closed", str(cm.exception))
        self.assertIn("closed", repr(lead))
        self.assertIn("L1", repr(lead))
        m.close()   # idempotent

    def test_with_block(self):
        with mtl.Market() as m:
            lead = m.add_lead("L1")
        with self.assertRaises(mtl.Error):
            lead.stage

    def test_dropping_the_market_object_keeps_records_valid(self):
        m = mtl.Market()
        lead = m.add_lead("L1", amount=42)
        ref = weakref.ref(m)
        del m
        gc.collect()
        self.assertIsNotNone(ref())          # the lead holds it
        self.assertEqual(lead.amount, 42)
        self.assertIs(lead.market, ref())
        del lead
        gc.collect()
        self.assertIsNone(ref())             # released with the last record

    def test_removed_lead(self):
        with mtl.Market() as m:
            lead = m.add_lead("L1")
            same = m.leads["L1"]
            self.assertIs(same, lead)
            lead.remove()
            for obj in (lead, same):
                with self.assertRaises(mtl.StateError) as cm:
                    obj.amount
                self.assertIn("'L1' was removed", cm.exception.message)
            self.assertFalse(lead.alive)
            # the freed slot is reused by the next add: the old object stays dead
            new = m.add_lead("L2")
            self.assertIsNot(new, lead)
            with self.assertRaises(mtl.StateError):
                lead.id
            self.assertEqual(new.id, "L2")
            with self.assertRaises(mtl.StateError):
                m.remove(lead)
            with self.assertRaises(mtl.NotFound):
                m.leads["L1"]

    def test_removed_segment_and_customer(self):
        with mtl.Market() as m:
            seg = m.add_segment("s")
            cust = m.add_customer("c", seg)
            with self.assertRaises(mtl.InUseError):
                seg.remove()
            cust.remove()
            seg.remove()
            with self.assertRaises(mtl.StateError):
                cust.segment
            with self.assertRaises(mtl.StateError):
                seg.name = "x"

    def test_record_of_another_market(self):
        with mtl.Market() as a, mtl.Market() as b:
            seg = a.add_segment("s")
            lead = b.add_lead("L1")
            with self.assertRaises(mtl.InvalidArgument):
                lead.segment = seg           # the C library checks the market
            with self.assertRaises(mtl.InvalidArgument):
                b.remove(a.add_lead("x"))

    def test_reports_outlive_the_market(self):
        m = support.forecast_market()
        forecast = m.forecast(**support.FORECAST_OPTIONS)
        funnel = m.funnel(group_by="segment")
        tree = m.target_tree(2024)
        m.close()
        self.assertEqual(forecast.summary["expected"], 301750)
        self.assertEqual(len(forecast.without("D2")), 4)
        self.assertEqual(funnel.total["leads"], 11)
        tree.reconcile()
        self.assertEqual(tree.node(0)["target"], 0)
        with self.assertRaises(mtl.StateError):
            funnel.stages()                  # live counters need the market
        copy = forecast.copy()
        forecast.close()
        self.assertEqual(copy.summary["expected"], 301750)
        with self.assertRaises(mtl.StateError):
            forecast.summary
        copy.close()
        tree.close()
        with self.assertRaises(mtl.StateError):
            len(tree)

    def test_child_interpreter_never_crashes(self):
        script = textwrap.dedent("""
            import gc, mtl
            m = mtl.Market()
            leads = [m.add_lead("L%d" % i, amount=i) for i in range(1000)]
            for l in leads[::2]:
                l.remove()
            m.add_leads(["N%d" % i for i in range(500)])
            for l in leads:
                try:
                    l.amount = 1
                except mtl.StateError:
                    pass
            it = iter(m.leads)
            first = next(it)
            m.close()
            try:
                next(it)
            except mtl.StateError:
                pass
            for l in leads:
                try:
                    l.to_dict()
                except mtl.StateError:
                    pass
            del m
            gc.collect()
            m2 = mtl.Market()
            x = m2.add_lead("x")
            del m2
            gc.collect()
            assert x.id == "x"
            print("survived")
        """)
        env = dict(os.environ, PYTHONPATH=support.PACKAGE_ROOT)
        proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), "survived")


if __name__ == "__main__":
    unittest.main()
