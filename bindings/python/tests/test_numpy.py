"""numpy: bulk add from numpy columns (zero copy where the dtype fits),
datetime64 dates, categorical-like string columns, and reports as numpy
arrays.  Skipped when this interpreter has no numpy (it is optional)."""

import datetime
import unittest

import support

np = support.numpy_or_none()
import mtl  # noqa: E402


class FakeCategorical:
    """What pandas.Categorical offers the binding: codes (-1 = NaN) and categories."""

    def __init__(self, values):
        self.categories = sorted({v for v in values if v is not None})
        index = {v: i for i, v in enumerate(self.categories)}
        self.codes = np.array([index.get(v, -1) for v in values], dtype=np.int8)

    def __len__(self):
        return len(self.codes)


@unittest.skipIf(np is None, "numpy is not installed for this interpreter")
class TestNumpyBulk(unittest.TestCase):

    def setUp(self):
        self.m = mtl.Market()
        for s in ("s1", "s2"):
            self.m.add_segment(s)
        for c in range(1, 6):
            self.m.add_customer(str(c), "s1" if c % 2 else "s2")

    def tearDown(self):
        self.m.close()

    def test_numeric_columns(self):
        n = 10000
        ids = np.arange(1, n + 1, dtype=np.int64)
        stages = (np.arange(n) % 7).astype(np.int32)
        amounts = np.arange(n, dtype=np.int64) * 100
        created = np.full(n, 19783, dtype=np.int32)
        probs = np.full(n, 0.25)
        probs[5] = np.nan
        self.m.add_leads(ids, customers=(np.arange(n) % 5 + 1).astype(np.int64),
                         stages=stages, amounts=amounts, created=created, probabilities=probs,
                         outcomes=np.zeros(n, dtype=np.uint8))
        self.assertEqual(len(self.m), n)
        lead = self.m.leads["1234"]
        self.assertEqual((lead.stage_index, lead.amount, lead.created, lead.probability),
                         (1233 % 7, 123300, datetime.date(2024, 3, 1), 0.25))
        self.assertEqual(lead.customer.id, str(1233 % 5 + 1))
        self.assertIsNone(self.m.leads["6"].probability)

    def test_integer_ids_formatting(self):
        ids = np.array([0, 9, 10, 99, 100, 4294967295, 4294967296, 10 ** 18], dtype=np.int64)
        self.m.add_leads(ids)
        self.m.add_leads(ids.astype(np.uint64), id_prefix="u-")
        self.m.add_leads(np.array([-5, 3], dtype=np.int32), id_prefix="n")
        expected = [str(v) for v in ids.tolist()] + ["u-%d" % v for v in ids.tolist()] + \
            ["n-5", "n3"]
        self.assertEqual(sorted(self.m.leads.ids()), sorted(expected))

    def test_string_arrays(self):
        self.m.add_leads(np.array(["a", "b", "c"]), owners=np.array(["x", "y", "x"]),
                         segments=np.array(["s2", "s1", "s2"], dtype=object),
                         stages=np.array(["P1", "P2", "P1"]),
                         outcomes=np.array(["open", "open", "lost"]),
                         attributes={"k": np.array([b"v", b"w", b"v"])})
        self.m.add_leads(np.array([b"bytes-id"]))
        self.assertEqual([self.m.leads[i].owner for i in "abc"], ["x", "y", "x"])
        self.assertEqual(self.m.leads["b"].segment.id, "s1")
        self.assertEqual(self.m.leads["c"].outcome, "lost")
        self.assertEqual(self.m.leads["c"].attributes["k"], "v")
        self.assertIn("bytes-id", self.m.leads)

    def test_datetime64(self):
        created = np.array(["2024-03-01", "NaT", "2024-03-02T13:00"], dtype="datetime64[m]")
        self.m.add_leads(["a", "b", "c"], created=created,
                         closed=np.array(["2024-04-01", "NaT", "NaT"], dtype="datetime64[D]"),
                         outcomes=["lost", "open", "open"])
        self.assertEqual([self.m.leads[i].created for i in "abc"],
                         [datetime.date(2024, 3, 1), None, datetime.date(2024, 3, 2)])
        self.assertEqual(self.m.leads["a"].closed, datetime.date(2024, 4, 1))

    def test_categorical(self):
        cat = FakeCategorical(["x", None, "y", "x"])
        self.m.add_leads(["a", "b", "c", "d"], owners=cat)
        self.assertEqual([self.m.leads[i].owner for i in "abcd"], ["x", None, "y", "x"])
        self.m.add_leads(["e", "f"], regions=(np.array([1, 0], dtype=np.uint32), ["R0", "R1"]))
        self.assertEqual(self.m.leads["e"].region, "R1")

    def test_errors(self):
        with self.assertRaises(TypeError):
            self.m.add_leads(["a"], amounts=np.array([1.5]))
        with self.assertRaises(mtl.RangeError) as cm:
            self.m.add_leads(["a", "b"], stages=np.array([1, 2 ** 40], dtype=np.int64))
        self.assertEqual(cm.exception.row, 1)
        with self.assertRaises(mtl.InvalidArgument):
            self.m.add_leads(["a"], stages=np.zeros((1, 1), dtype=np.int32))
        with self.assertRaises(mtl.InvalidArgument):
            self.m.add_leads(["a"], stages=np.zeros(2, dtype=np.int32))
        with self.assertRaises(mtl.RangeError) as cm:
            self.m.add_leads(np.arange(3), amounts=np.array([1, -1, 1]))
        self.assertEqual(cm.exception.line, 2)
        self.assertEqual(len(self.m), 0)

    def test_non_contiguous_and_other_dtypes(self):
        amounts = np.arange(10, dtype=np.int64)[::2]      # a strided view
        self.m.add_leads(np.arange(5), amounts=amounts, stages=np.ones(5, dtype=np.int16),
                         probabilities=np.full(5, 0.5, dtype=np.float32))
        self.assertEqual(self.m.leads["4"].amount, 8)
        self.assertEqual(self.m.leads["4"].stage, "P1")


@unittest.skipIf(np is None, "numpy is not installed for this interpreter")
class TestNumpyReports(unittest.TestCase):

    def test_funnel_to_numpy(self):
        with support.funnel_market() as m:
            f = m.funnel(group_by="segment")
            cols = f.to_numpy()
            self.assertEqual(len(cols["open_count"]), 4 * 8)
            self.assertEqual(cols["open_count"].dtype, np.int64)
            self.assertEqual(cols["win_rate"].dtype, np.float64)
            self.assertEqual(list(cols["group"][:1]), ["(total)"])
            self.assertEqual(int(cols["open_count"][:8].sum()), 6)
            sums = f.summaries_to_numpy()
            self.assertEqual(int(sums["leads"][0]), 13)
            live = mtl.to_numpy(m.funnel_by_segment())
            self.assertEqual(int(live["won_count"].sum()), 4)

    def test_distribution(self):
        with support.forecast_market() as m:
            fc = m.forecast(**support.FORECAST_OPTIONS)
            d = fc.distribution(numpy=True)
            self.assertAlmostEqual(float(d["probabilities"].sum()), 1.0, places=12)
            self.assertAlmostEqual(float((d["values"] * d["probabilities"]).sum()), 301750, 4)
            w = fc.won_count_distribution(numpy=True)
            self.assertEqual(int(w["values"][0]), 0)


if __name__ == "__main__":
    unittest.main()
