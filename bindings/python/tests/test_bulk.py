"""Bulk add (mtl_lead_append_columns) from lists and array.array columns."""

import array
import datetime
import unittest

import support  # noqa: F401
import mtl


def fresh():
    m = mtl.Market()
    for s in ("s1", "s2"):
        m.add_segment(s)
    m.add_customer("C1", "s1", region="East")
    m.add_customer("C2", "s2", region="West")
    return m


class TestIntegerIds(unittest.TestCase):
    """Integer ids go to the library as int64 (id_numbers), which writes
    them in decimal: the same ids as formatting them in Python."""

    def ids_of(self, m):
        return sorted(l.id for l in m.leads)

    def test_int_id_columns(self):
        want = sorted(["-7", "0", "42", "9223372036854775807"])
        columns = [
            [42, -7, 0, (1 << 63) - 1],
            array.array("q", [42, -7, 0, (1 << 63) - 1]),
        ]
        for ids in columns:
            with mtl.Market() as m:
                self.assertEqual(m.add_leads(ids, stages=[1, 2, 3, 4]), 4)
                self.assertEqual(self.ids_of(m), want)
                self.assertEqual(m.leads["42"].stage, "P1")
        with mtl.Market() as m:  # smaller integer arrays are widened
            m.add_leads(array.array("i", [5, -5, 6]))
            self.assertEqual(self.ids_of(m), ["-5", "5", "6"])

    def test_what_stays_text(self):
        with mtl.Market() as m:  # beyond int64: formatted in Python
            m.add_leads([1 << 64, 3])
            self.assertEqual(self.ids_of(m), ["18446744073709551616", "3"])
        with mtl.Market() as m:  # a mixed list: as before, text per value
            m.add_leads([7, "x8"])
            self.assertEqual(self.ids_of(m), ["7", "x8"])
        with mtl.Market() as m:  # a prefix is applied in Python
            m.add_leads([1, 2], id_prefix="L")
            self.assertEqual(self.ids_of(m), ["L1", "L2"])

    def test_duplicate_number_row(self):
        with mtl.Market() as m:
            with self.assertRaises(mtl.Duplicate) as cm:
                m.add_leads(array.array("q", [1, 2, 1]))
            self.assertEqual(cm.exception.row, 2)
            self.assertEqual(len(m.leads), 0)


class TestLists(unittest.TestCase):

    def test_every_column(self):
        with fresh() as m:
            n = m.add_leads(
                ["L1", "L2", "L3"],
                customers=["C1", "C2", None],
                segments=[None, "s1", "s2"],
                owners=["ann", "bob", "ann"],
                regions=["North", None, ""],
                sources=["web", "event", None],
                stages=["P3", 7, "P2"],
                outcomes=["open", "won", 2],
                statuses=["converted", "new", "closed"],
                amounts=[100, 200, 300],
                probabilities=[0.5, None, float("nan")],
                categories=["commit", None, "omitted"],
                created=["2024-01-01", datetime.date(2024, 2, 1), 19783],
                expected_close=[None, "2024-06-30", None],
                closed=[None, "2024-05-01", "2024-04-01"],
                decision_steps=["evaluation", None, 1],
                attributes={"industry": ["power", "water", None], "size": "L"})
            self.assertEqual(n, 3)
            d = [m.leads[i].to_dict() for i in ("L1", "L2", "L3")]
            self.assertEqual(d[0], {
                "id": "L1", "customer": "C1", "segment": "s1", "owner": "ann",
                "region": "North", "source": "web", "status": "converted", "stage": "P3",
                "outcome": "open", "amount": 100, "probability": 0.5, "category": "commit",
                "decision_step": "evaluation", "created": datetime.date(2024, 1, 1),
                "expected_close": None, "closed": None,
                "attributes": {"industry": "power", "size": "L"}})
            # segment given wins over the customer's; region absent -> customer's
            self.assertEqual((d[1]["segment"], d[1]["region"]), ("s1", "West"))
            self.assertEqual((d[1]["stage"], d[1]["outcome"], d[1]["probability"]),
                             ("P7", "won", None))
            self.assertEqual((d[2]["customer"], d[2]["segment"], d[2]["region"]),
                             (None, "s2", None))
            self.assertEqual((d[2]["probability"], d[2]["decision_step"]),
                             (None, "satisfied"))
            self.assertEqual(d[2]["attributes"], {"size": "L"})

    def test_keep_absent(self):
        with fresh() as m:
            m.add_leads(["a", "b"], customers=["C1", "C2"], keep_absent_segment=True,
                        keep_absent_region=True)
            self.assertIsNone(m.leads["a"].segment)
            self.assertIsNone(m.leads["b"].region)
            m.add_leads(["c"], customers=["C1"])
            self.assertEqual(m.leads["c"].segment.id, "s1")

    def test_integer_ids_and_prefix(self):
        with fresh() as m:
            m.add_leads(list(range(1, 6)))
            m.add_leads(range(1, 4), id_prefix="X-")
            m.add_leads(array.array("q", [10, 200, 3000]), id_prefix="A")
            m.add_leads(array.array("I", [7, 8]))
            m.add_leads([9, "nine"])
            self.assertEqual(sorted(m.leads.ids()), sorted(
                ["1", "2", "3", "4", "5", "X-1", "X-2", "X-3", "A10", "A200", "A3000",
                 "7", "8", "9", "nine"]))

    def test_dictionary_encoded(self):
        with fresh() as m:
            m.add_leads(["a", "b", "c", "d"],
                        customers=([0, 1, 0, 0xFFFFFFFF], ["C1", "C2"]),
                        owners=mtl.Dictionary(array.array("I", [1, 1, 0, 1]), ["x", "y"]),
                        regions=([0, 0, -1, 0], ["R"]),
                        attributes={"k": (array.array("I", [0, 1, 0, 1]), ["v0", "v1"])})
            self.assertEqual([m.leads[i].customer.id if m.leads[i].customer else None
                              for i in "abcd"], ["C1", "C2", "C1", None])
            self.assertEqual([m.leads[i].owner for i in "abcd"], ["y", "y", "x", "y"])
            self.assertEqual([m.leads[i].region for i in "abcd"], ["R", "R", "East", "R"])
            self.assertEqual([m.leads[i].attributes["k"] for i in "abcd"],
                             ["v0", "v1", "v0", "v1"])
            with self.assertRaises(mtl.RangeError) as cm:
                m.add_leads(["e", "f"], owners=([0, 5], ["x"]))
            self.assertEqual(cm.exception.row, 1)

    def test_array_columns_zero_copy_types(self):
        with fresh() as m:
            n = 1000
            ids = ["L%d" % i for i in range(n)]
            stages = array.array("i", [i % 7 for i in range(n)])
            amounts = array.array("q", range(n))
            created = array.array("i", [19000 + i for i in range(n)])
            probs = array.array("d", [0.5] * n)
            probs[3] = float("nan")
            m.add_leads(ids, stages=stages, amounts=amounts, created=created,
                        probabilities=probs, owners="same owner", outcomes=0)
            self.assertEqual(len(m), n)
            lead = m.leads["L10"]
            self.assertEqual((lead.stage, lead.amount, lead.created, lead.probability,
                              lead.owner), ("P3", 10, datetime.date(2022, 1, 18), 0.5,
                                             "same owner"))
            self.assertIsNone(m.leads["L3"].probability)
            # other integer widths are converted
            m.add_leads(["x", "y"], stages=array.array("h", [1, 2]),
                        amounts=array.array("i", [5, 6]))
            self.assertEqual(m.leads["y"].amount, 6)

    def test_all_or_nothing_and_rows(self):
        with fresh() as m:
            cases = [
                (dict(customers=["C1", "nobody", "C2"]), mtl.NotFound, 1),
                (dict(stages=["P1", "P2", "P7"]), mtl.StateError, 2),  # open at a won stage
                (dict(amounts=[1, -2, 3]), mtl.RangeError, 1),
                (dict(stages=[1, "P1", "bogus"]), mtl.NotFound, 2),
                (dict(created=["2024-01-01", "2024-02-30", None]), mtl.RangeError, 1),
                (dict(amounts=[1, 2, 2 ** 70]), mtl.RangeError, 2),
            ]
            for kwargs, exc, row in cases:
                with self.subTest(kwargs=kwargs):
                    with self.assertRaises(exc) as cm:
                        m.add_leads(["a", "b", "c"], **kwargs)
                    self.assertEqual(cm.exception.row, row)
                    self.assertEqual(cm.exception.line, row + 1)
                    self.assertEqual(len(m), 0)
            with self.assertRaises(mtl.Duplicate) as cm:
                m.add_leads(["a", "b", "a"])
            self.assertEqual(cm.exception.row, 2)
            with self.assertRaises(mtl.InvalidArgument):
                m.add_leads(["a", None, "c"])
            with self.assertRaises(mtl.InvalidArgument):
                m.add_leads(["a", "b"], amounts=[1, 2, 3])   # length mismatch
            with self.assertRaises(TypeError):
                m.add_leads(["a"], amounts=[1.5])
            with self.assertRaises(TypeError):
                m.add_leads(["a"], amounts=array.array("d", [1.0]))
            with self.assertRaises(mtl.InvalidArgument):
                m.add_leads(["a\0b"])
            self.assertEqual(len(m), 0)

    def test_empty_and_unicode(self):
        with fresh() as m:
            self.assertEqual(m.add_leads([]), 0)
            m.add_leads(["线索-1", "線索-2"], owners=["张三", "李四"],
                        attributes={"行业": ["电力", "水务"]})
            self.assertEqual(m.leads["线索-1"].owner, "张三")
            self.assertEqual(dict(m.leads["線索-2"].attributes), {"行业": "水务"})

    def test_generator_columns(self):
        with fresh() as m:
            m.add_leads(("g%d" % i for i in range(3)) and ["g0", "g1", "g2"],
                        amounts=(i * 10 for i in range(3)))
            self.assertEqual(m.leads["g2"].amount, 20)


if __name__ == "__main__":
    unittest.main()
