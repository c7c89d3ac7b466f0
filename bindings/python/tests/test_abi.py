"""The ctypes mirrors of the public structs match the headers byte for byte.

Two independent checks:

* the C helper tests/abi_layout.c (built by meson, path in MTL_ABI_LAYOUT)
  prints sizeof and every field's offset and size as compiled from the
  headers; each must equal the ctypes mirror's;
* every *_init function accepts exactly sizeof(mirror) and stores the
  library's own sizeof in struct_size, so the mirror's size is the
  library's (a smaller one is refused with VersionError).
"""

import ctypes
import os
import subprocess
import unittest

import support
import mtl
from mtl import _lib

INITS = {
    "mtl_market_options": "mtl_market_options_init",
    "mtl_lead_columns": "mtl_lead_columns_init",
    "mtl_csv_options": "mtl_csv_options_init",
    "mtl_csv_result": "mtl_csv_result_init",
    "mtl_funnel_options": "mtl_funnel_options_init",
    "mtl_forecast_options": "mtl_forecast_options_init",
    "mtl_target_options": "mtl_target_options_init",
    "mtl_target_inputs": "mtl_target_inputs_init",
    "mtl_target_reconcile_options": "mtl_target_reconcile_options_init",
    "mtl_target_evaluate_options": "mtl_target_evaluate_options_init",
    "mtl_target_history_options": "mtl_target_history_options_init",
    "mtl_look_item": "mtl_look_item_init",
    "mtl_segment_factors": "mtl_segment_factors_init",
    "mtl_appeals_rating": "mtl_appeals_rating_init",
    "mtl_control_point": "mtl_control_point_init",
    "mtl_pain": "mtl_pain_init",
    "mtl_contact": "mtl_contact_init",
    "mtl_strategy_options": "mtl_strategy_options_init",
    "mtl_bon_options": "mtl_bon_options_init",
    "mtl_grading_options": "mtl_grading_options_init",
    "mtl_verification_options": "mtl_verification_options_init",
}

#: Report rows the library fills: the caller sets struct_size, a smaller one
#: is refused.  (struct, function, its leading index arguments)
READERS = {
    "mtl_strategy_segment": ("mtl_strategy_segment_at", 1),
    "mtl_strategy_look": ("mtl_strategy_look_at", 2),
    "mtl_strategy_control_point": ("mtl_strategy_control_point_at", 2),
    "mtl_bon_group": ("mtl_bon_group_at", 1),
    "mtl_bon_layer": ("mtl_bon_layer_at", 2),
    "mtl_bon_pain": ("mtl_bon_pain_at", 2),
    "mtl_customer_grading": ("mtl_grading_at", 1),
    "mtl_lead_verdict": ("mtl_verification_at", 1),
}

#: The frozen layouts embedded in report rows (score.h), as on LP64.
FROZEN = {"mtl_term": (32, [("factor", 0), ("weight", 8), ("value", 16),
                            ("contribution", 24)]),
          "mtl_score": (24, [("value", 0), ("terms", 8), ("term_count", 16)])}


def c_layout():
    exe = os.environ.get("MTL_ABI_LAYOUT")
    if not exe or not os.path.exists(exe):
        return None
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    sizes, fields = {}, {}
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "struct":
            sizes[parts[1]] = int(parts[2])
        elif parts[0] == "field":
            fields[(parts[1], parts[2])] = (int(parts[3]), int(parts[4]))
    return sizes, fields


class TestLayoutAgainstC(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.layout = c_layout()

    def setUp(self):
        if self.layout is None:
            self.skipTest("MTL_ABI_LAYOUT (the C layout helper) is not built")

    def test_sizes(self):
        sizes, _ = self.layout
        self.assertEqual(sorted(sizes), sorted(_lib.STRUCTS))
        for name, cls in _lib.STRUCTS.items():
            with self.subTest(struct=name):
                self.assertEqual(ctypes.sizeof(cls), sizes[name])

    def test_fields(self):
        _, fields = self.layout
        for name, cls in _lib.STRUCTS.items():
            for field, ctype in cls._fields_:
                with self.subTest(struct=name, field=field):
                    offset, size = fields[(name, field)]
                    self.assertEqual(getattr(cls, field).offset, offset)
                    self.assertEqual(ctypes.sizeof(ctype), size)


class TestHelperUpToDate(unittest.TestCase):

    def test_generated_source(self):
        """tests/abi_layout.c lists exactly the mirrors' fields."""
        import gen_abi_layout
        with open(os.path.join(support.HERE, "abi_layout.c"), encoding="utf-8") as f:
            self.assertEqual(f.read(), gen_abi_layout.source(),
                             "run tests/gen_abi_layout.py")


class TestLayoutThroughInit(unittest.TestCase):

    def test_init_stores_the_library_size(self):
        for cname, fname in INITS.items():
            cls = _lib.STRUCTS[cname]
            with self.subTest(struct=cname):
                s = cls()
                st = getattr(_lib.lib, fname)(ctypes.byref(s), ctypes.sizeof(s))
                self.assertEqual(st, mtl.OK)
                self.assertEqual(s.struct_size, ctypes.sizeof(cls),
                                 "the library's sizeof differs from the mirror's")

    def test_smaller_size_is_refused(self):
        for cname, fname in INITS.items():
            cls = _lib.STRUCTS[cname]
            with self.subTest(struct=cname):
                s = cls()
                st = getattr(_lib.lib, fname)(ctypes.byref(s), ctypes.sizeof(s) - 1)
                self.assertEqual(st, mtl.E_VERSION)
                self.assertEqual(mtl.errors.last(st).status, mtl.E_VERSION)

    def test_every_struct_with_struct_size_is_checked(self):
        """Each mirrored struct with a struct_size has an _init here or is a
        report row in READERS (which the report test below exercises)."""
        for name, cls in _lib.STRUCTS.items():
            if cls._fields_[0][0] == "struct_size" and name not in (
                    "mtl_csv_result", "mtl_funnel_stage", "mtl_funnel_summary",
                    "mtl_forecast_summary", "mtl_target_node"):
                with self.subTest(struct=name):
                    self.assertTrue(name in INITS or name in READERS)

    def test_frozen_layouts(self):
        """mtl_term and mtl_score have no struct_size: their layout is frozen."""
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            self.skipTest("the frozen offsets are written for LP64")
        for name, (size, fields) in FROZEN.items():
            cls = _lib.STRUCTS[name]
            with self.subTest(struct=name):
                self.assertEqual(ctypes.sizeof(cls), size)
                self.assertEqual([(f, getattr(cls, f).offset) for f, _ in cls._fields_],
                                 fields)

    def test_report_rows_need_struct_size(self):
        """Every report row of the strategy and qualification reports is
        refused with VersionError when struct_size is too small."""
        L = _lib.lib
        with mtl.Market() as m:
            seg = m.add_segment("s")
            seg.add_look(text="t", impact=1)
            seg.add_control_point("cost", "c")
            seg.add_pain("p")
            m.add_customer("c", seg)
            m.add_lead("l", "c")
            reports = {}
            for prefix, opts in (("strategy", _lib.StrategyOptions),
                                 ("bon", _lib.BonOptions),
                                 ("grading", _lib.GradingOptions),
                                 ("verification", _lib.VerificationOptions)):
                o = opts()
                self.assertEqual(getattr(L, "mtl_%s_options_init" % prefix)(
                    ctypes.byref(o), ctypes.sizeof(o)), mtl.OK)
                out = ctypes.c_void_p()
                self.assertEqual(getattr(L, "mtl_%s_compute" % prefix)(
                    ctypes.byref(out), m._p(), ctypes.byref(o)), mtl.OK)
                reports[prefix] = out.value
        try:   # read after the market is released: the reports are plain values
            for cname, (fname, nargs) in READERS.items():
                cls = _lib.STRUCTS[cname]
                report = reports[fname[4:].split("_")[0]]
                args = [report] + [0] * nargs
                with self.subTest(struct=cname):
                    row = cls()
                    row.struct_size = ctypes.sizeof(cls) - 1
                    self.assertEqual(getattr(L, fname)(*args, ctypes.byref(row)),
                                     mtl.E_VERSION)
                    row.struct_size = ctypes.sizeof(cls)
                    self.assertEqual(getattr(L, fname)(*args, ctypes.byref(row)), mtl.OK)
        finally:
            for prefix, r in reports.items():
                getattr(L, "mtl_%s_destroy" % prefix)(r)

    def test_out_structs_need_struct_size(self):
        """Report structs filled by the library check the caller's size."""
        with mtl.Market() as m:
            rows = (_lib.FunnelStage * 8)()
            st = _lib.lib.mtl_funnel_stages(m._p(), None, rows, 8)
            self.assertEqual(st, mtl.E_VERSION)
            for r in rows:
                r.struct_size = ctypes.sizeof(r)
            self.assertEqual(_lib.lib.mtl_funnel_stages(m._p(), None, rows, 8), mtl.OK)


if __name__ == "__main__":
    unittest.main()
