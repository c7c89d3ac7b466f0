"""Error mapping: status, class, message, line and column from the C detail."""

import os
import pickle
import tempfile
import unittest

import support  # noqa: F401
import mtl
from mtl import errors


class TestClasses(unittest.TestCase):

    def test_one_class_per_status(self):
        expected = {
            mtl.E_INVALID_ARGUMENT: mtl.InvalidArgument, mtl.E_NO_MEMORY: mtl.NoMemory,
            mtl.E_NOT_FOUND: mtl.NotFound, mtl.E_DUPLICATE: mtl.Duplicate,
            mtl.E_RANGE: mtl.RangeError, mtl.E_PARSE: mtl.ParseError,
            mtl.E_LIMIT: mtl.LimitError, mtl.E_VERSION: mtl.VersionError,
            mtl.E_IN_USE: mtl.InUseError, mtl.E_STATE: mtl.StateError,
            mtl.E_IO: mtl.IOError, mtl.E_CORRUPT: mtl.CorruptError,
        }
        for status, cls in expected.items():
            with self.subTest(status=status):
                exc = errors.make(status, "m", 3, 4)
                self.assertIs(type(exc), cls)
                self.assertIsInstance(exc, mtl.Error)
                self.assertEqual((exc.status, exc.message, exc.line, exc.column),
                                 (status, "m", 3, 4))
                self.assertEqual(exc.status_name, mtl.status_string(status))
        self.assertIs(type(errors.make(99, "x")), mtl.Error)
        self.assertEqual(errors.make(99, "x").status_name, "MTL_E_UNKNOWN")

    def test_builtin_bases(self):
        self.assertTrue(issubclass(mtl.NotFound, KeyError))
        self.assertTrue(issubclass(mtl.RangeError, ValueError))
        self.assertTrue(issubclass(mtl.ParseError, ValueError))
        self.assertTrue(issubclass(mtl.InvalidArgument, ValueError))
        self.assertTrue(issubclass(mtl.IOError, OSError))
        self.assertTrue(issubclass(mtl.NoMemory, MemoryError))

    def test_status_strings(self):
        self.assertEqual(mtl.status_string(0), "MTL_OK")
        self.assertEqual(mtl.status_string(mtl.E_RANGE), "MTL_E_RANGE")
        self.assertEqual(mtl.status_string(1000), "MTL_E_UNKNOWN")

    def test_pickle(self):
        exc = errors.make(mtl.E_PARSE, "bad", 2, 7)
        again = pickle.loads(pickle.dumps(exc))
        self.assertIs(type(again), mtl.ParseError)
        self.assertEqual((again.status, again.message, again.line, again.column),
                         (mtl.E_PARSE, "bad", 2, 7))

    def test_str(self):
        self.assertEqual(str(errors.make(mtl.E_PARSE, "bad", 2, 7)),
                         "bad (line 2, column 7)")
        self.assertEqual(str(errors.make(mtl.E_RANGE, "out")), "out")


class TestFromCalls(unittest.TestCase):

    def setUp(self):
        self.m = mtl.Market()
        self.lead = self.m.add_lead("L1")

    def tearDown(self):
        self.m.close()

    def test_range(self):
        with self.assertRaises(mtl.RangeError) as cm:
            self.lead.amount = -1
        self.assertEqual(cm.exception.status, mtl.E_RANGE)
        self.assertTrue(cm.exception.message)
        self.assertEqual(self.lead.amount, 0)  # unchanged

    def test_state(self):
        with self.assertRaises(mtl.StateError) as cm:
            self.lead.stage = "P7"  # won-flagged stage while open
        self.assertEqual(cm.exception.status, mtl.E_STATE)
        self.assertEqual(self.lead.stage, "P0")

    def test_duplicate(self):
        with self.assertRaises(mtl.Duplicate) as cm:
            self.m.add_lead("L1")
        self.assertIn("L1", cm.exception.message)

    def test_not_found_stage(self):
        with self.assertRaises(mtl.NotFound) as cm:
            self.m.stage_index("Z9")
        self.assertEqual(cm.exception.status, mtl.E_NOT_FOUND)

    def test_in_use(self):
        c = self.m.add_customer("C1")
        self.lead.customer = c
        with self.assertRaises(mtl.InUseError) as cm:
            c.remove()
        self.assertIn("C1", cm.exception.message)
        self.assertTrue(c.alive)

    def test_limit(self):
        with self.assertRaises(mtl.LimitError):
            self.m.add_segment("x" * 5000)

    def test_invalid_argument(self):
        with self.assertRaises(mtl.InvalidArgument):
            self.m.add_segment("")
        with self.assertRaises(mtl.InvalidArgument):
            self.m.add_segment("a\0b")

    def test_date_parse_column(self):
        with self.assertRaises(mtl.ParseError) as cm:
            mtl.parse_date("2024-1x-01")
        self.assertEqual(cm.exception.status, mtl.E_PARSE)
        self.assertGreater(cm.exception.column, 0)
        with self.assertRaises(mtl.RangeError):
            mtl.parse_date("2023-02-29")
        with self.assertRaises(mtl.ParseError):
            self.lead.created = "yesterday"

    def test_io(self):
        with self.assertRaises(mtl.IOError) as cm:
            mtl.Market.load("/nonexistent/dir/x.mtl")
        self.assertIsInstance(cm.exception, OSError)
        self.assertEqual(cm.exception.status, mtl.E_IO)

    def test_corrupt(self):
        data = bytearray(self.m.to_bytes())
        data[len(data) // 2] ^= 0xFF
        with self.assertRaises(mtl.CorruptError):
            mtl.Market.from_bytes(bytes(data))
        with self.assertRaises(mtl.CorruptError):
            mtl.Market.from_bytes(b"not a snapshot")

    def test_version_struct(self):
        import ctypes
        from mtl import _lib
        opts = _lib.MarketOptions()
        st = _lib.lib.mtl_market_options_init(ctypes.byref(opts), 3)
        exc = errors.last(st)
        self.assertIsInstance(exc, mtl.VersionError)


class TestCsvErrors(unittest.TestCase):
    """A bad CSV: status, message, line and column, and nothing imported."""

    CSV = (b"id,customer,stage,amount,created\n"
           b"L1,C1,P1,100.00,2024-01-02\n"
           b"L2,C1,P2,12x.5,2024-01-03\n"
           b"L3,C2,P3,5,2024-13-01\n")

    def test_stop_at_first_error(self):
        with mtl.Market() as m:
            with self.assertRaises(mtl.ParseError) as cm:
                m.import_csv(self.CSV)
            e = cm.exception
            self.assertEqual(e.status, mtl.E_PARSE)
            self.assertEqual(e.line, 3)
            self.assertEqual(e.column, 10)       # the amount field of line 3
            self.assertIn("12x.5", e.message)
            self.assertEqual(len(m), 0)          # nothing imported
            self.assertEqual(e.result["errors"][0]["line"], 3)
            self.assertEqual(e.result["errors"][0]["column"], 10)

    def test_from_csv_file_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.csv")
            with open(path, "wb") as f:
                f.write(self.CSV)
            with self.assertRaises(mtl.ParseError) as cm:
                mtl.Market.from_csv(path)
            self.assertEqual((cm.exception.line, cm.exception.column), (3, 10))

    def test_skip_bad_rows(self):
        with mtl.Market() as m:
            res = m.import_csv(self.CSV, skip_bad=True)
            self.assertEqual(res["rows"], 3)
            self.assertEqual(res["imported"], 1)
            self.assertEqual(res["skipped"], 2)
            self.assertEqual([(e["line"], e["status_name"]) for e in res["errors"]],
                             [(3, "MTL_E_PARSE"), (4, "MTL_E_RANGE")])
            self.assertEqual(m.leads.ids(), ["L1"])
            self.assertIs(m.last_import, res)

    def test_strict(self):
        with mtl.Market() as m:
            with self.assertRaises(mtl.NotFound) as cm:
                m.import_csv(b"id,customer\nL1,C1\n", strict=True)
            self.assertEqual(cm.exception.line, 2)

    def test_bad_maps(self):
        with mtl.Market() as m:
            with self.assertRaises(mtl.InvalidArgument):
                m.import_csv(b"id\nL1\n", map={"a,b": "id"})
            with self.assertRaises(mtl.Error):
                m.import_csv(b"id,stage\nL1,Won\n", stages="Won")

    def test_bulk_row(self):
        with mtl.Market() as m:
            m.add_lead("L2")
            with self.assertRaises(mtl.Duplicate) as cm:
                m.add_leads(["L0", "L1", "L2", "L3"])
            self.assertEqual(cm.exception.line, 3)
            self.assertEqual(cm.exception.row, 2)
            self.assertEqual(cm.exception.column, 0)
            self.assertEqual(len(m), 1)


if __name__ == "__main__":
    unittest.main()
