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
}


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
