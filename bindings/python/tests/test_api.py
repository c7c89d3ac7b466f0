"""Every exported function is declared and reachable through the binding.

lib/libmtl.map is the export list.  Each name must have argtypes and restype
declared on the loaded library, and must be called somewhere in the package
(outside the declaration table) — except the JSON writer, which the binding
does not wrap (Python has json) and which this test drives directly.
"""

import ctypes
import glob
import os
import re
import subprocess
import sys
import unittest

import support
import mtl
from mtl import _lib

MAP = os.path.join(support.SOURCE_ROOT, "lib", "libmtl.map")
NOT_WRAPPED = {n for n in _lib.FUNCTIONS if n.startswith("mtl_json_")}


def exported_names():
    with open(MAP, encoding="utf-8") as f:
        text = f.read()
    names = []
    for block in re.findall(r"global:(.*?)(?:local:|\})", text, re.S):
        names += re.findall(r"\b(mtl_\w+)\s*;", block)
    return names


class TestDeclarations(unittest.TestCase):

    def test_map_parsed(self):
        names = exported_names()
        self.assertGreater(len(names), 150)
        self.assertIn("mtl_lead_append_columns", names)

    def test_every_export_declared(self):
        for name in exported_names():
            with self.subTest(name=name):
                self.assertIn(name, _lib.FUNCTIONS, "not in mtl._lib.FUNCTIONS")
                fn = getattr(_lib.lib, name)
                restype, argtypes = _lib.FUNCTIONS[name]
                self.assertIsNotNone(fn.argtypes, "argtypes not set")
                self.assertEqual(list(fn.argtypes), list(argtypes))
                self.assertIs(fn.restype, restype)

    def test_no_declaration_outside_map(self):
        self.assertEqual(sorted(set(_lib.FUNCTIONS) - set(exported_names())), [])

    def test_every_export_used_by_the_package(self):
        sources = ""
        for path in glob.glob(os.path.join(support.PACKAGE_ROOT, "mtl", "*.py")):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if os.path.basename(path) == "_lib.py":   # leave the table out
                start = text.index("FUNCTIONS = {")
                text = text[:start] + text[text.index("\n}\n", start):]
            sources += text
        for name in exported_names():
            if name in NOT_WRAPPED:
                continue
            with self.subTest(name=name):
                self.assertTrue(re.search(r"\b%s\b" % name, sources),
                                "%s is exported but never called by the package" % name)

    def test_header_declarations_match(self):
        """The MTL_API names of include/mtl/*.h are the map's names."""
        declared = set()
        for path in glob.glob(os.path.join(support.SOURCE_ROOT, "include", "mtl", "*.h")):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            declared |= set(re.findall(r"MTL_API[^;(]*?\b(mtl_\w+)\s*\(", text, re.S))
        self.assertEqual(sorted(declared), sorted(exported_names()))


class TestVersion(unittest.TestCase):

    def test_version(self):
        self.assertEqual(mtl.library_version_number, _lib.lib.mtl_version_number())
        self.assertEqual(mtl.library_version, _lib.version_text(mtl.library_version_number))
        self.assertEqual(mtl.library_version_number // 10000, _lib.WRITTEN_FOR // 10000)
        self.assertGreaterEqual(mtl.library_version_number, _lib.WRITTEN_FOR)
        self.assertEqual(mtl.__version__, "0.1.0")

    def test_library_path(self):
        self.assertTrue(mtl.library_path)
        if os.environ.get("MTL_LIBRARY"):
            self.assertEqual(mtl.library_path, os.environ["MTL_LIBRARY"])

    def test_missing_library_is_a_clear_import_error(self):
        env = dict(os.environ, MTL_LIBRARY="/nonexistent/libmtl.so.1",
                   PYTHONPATH=support.PACKAGE_ROOT)
        proc = subprocess.run([sys.executable, "-c", "import mtl"], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ImportError", proc.stderr)
        self.assertIn("MTL_LIBRARY=/nonexistent/libmtl.so.1", proc.stderr)

    def test_wrong_major_is_a_clear_import_error(self):
        """A library whose mtl_version_number says 1.0.0 is refused."""
        code = (
            "import ctypes\n"
            "real = ctypes.CDLL\n"
            "class Fake:\n"
            "    def __init__(self, lib): self._lib = lib\n"
            "    def __getattr__(self, name):\n"
            "        if name == 'mtl_version_number':\n"
            "            f = ctypes.CFUNCTYPE(ctypes.c_int32)(lambda: 10000)\n"
            "            return f\n"
            "        return getattr(self._lib, name)\n"
            "ctypes.CDLL = lambda path, *a, **k: Fake(real(path, *a, **k))\n"
            "import mtl\n")
        env = dict(os.environ, PYTHONPATH=support.PACKAGE_ROOT)
        proc = subprocess.run([sys.executable, "-c", code], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ImportError", proc.stderr)
        self.assertIn("version 1.0.0", proc.stderr)

    def test_library_next_to_the_package(self):
        """Without MTL_LIBRARY, a libmtl.so.1 beside the package is found."""
        import shutil
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(support.PACKAGE_ROOT, "mtl"),
                            os.path.join(tmp, "mtl"))
            shutil.copy(mtl.library_path, os.path.join(tmp, "mtl", "libmtl.so.1"))
            env = {k: v for k, v in os.environ.items() if k != "MTL_LIBRARY"}
            env["PYTHONPATH"] = tmp
            proc = subprocess.run(
                [sys.executable, "-c", "import mtl; print(mtl.library_path)"],
                env=env, capture_output=True, text=True, timeout=60, cwd=tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(proc.stdout.strip(), os.path.join(tmp, "mtl", "libmtl.so.1"))


class TestJsonWriter(unittest.TestCase):
    """The JSON writer is declared (not wrapped): drive it through ctypes."""

    def test_document(self):
        L = _lib.lib
        parts = []

        @_lib.WRITE_FN
        def write(data, size, _user):
            parts.append(ctypes.string_at(data, size))
            return 0

        w = ctypes.c_void_p()
        self.assertEqual(L.mtl_json_create(ctypes.byref(w), write, None, 0,
                                           _lib.ALLOC_FN(), None), 0)
        try:
            h = w.value
            self.assertEqual(L.mtl_json_begin_object(h), 0)
            self.assertEqual(L.mtl_json_key(h, b"a"), 0)
            self.assertEqual(L.mtl_json_begin_array(h), 0)
            self.assertEqual(L.mtl_json_int(h, -(1 << 63)), 0)
            self.assertEqual(L.mtl_json_double(h, 0.1), 0)
            self.assertEqual(L.mtl_json_bool(h, 1), 0)
            self.assertEqual(L.mtl_json_null(h), 0)
            self.assertEqual(L.mtl_json_string(h, "é\n".encode()), 0)
            self.assertEqual(L.mtl_json_string_len(h, b"x\0y", 3), 0)
            self.assertEqual(L.mtl_json_end_array(h), 0)
            self.assertEqual(L.mtl_json_key_len(h, b"b\0", 2), 0)
            self.assertEqual(L.mtl_json_null(h), 0)
            self.assertEqual(L.mtl_json_end_array(h), mtl.E_STATE)  # an object is open
            self.assertEqual(L.mtl_json_end_object(h), 0)
            self.assertEqual(L.mtl_json_finish(h), 0)
        finally:
            L.mtl_json_destroy(w.value)
        import json
        doc = json.loads(b"".join(parts).decode("utf-8"))
        self.assertEqual(doc, {"a": [-(1 << 63), 0.1, True, None, "é\n", "x\0y"],
                               "b\0": None})


if __name__ == "__main__":
    unittest.main()
