#!/usr/bin/env python3
"""Check that every public function is called by the unit tests.

Lists the MTL_API functions of include/mtl/*.h and reports those that no
tests/test_*.c file names, and those missing from test_lifecycle.c (which
calls every function with NULL handles).  Exit status 1 when any is missing.
Run from the repository root: python3 tests/tools/api_coverage.py
"""
import glob
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
api = set()
for h in glob.glob(os.path.join(root, "include", "mtl", "*.h")):
    text = open(h, encoding="utf-8").read()
    # declarations may span lines: MTL_API <type> name(
    for m in re.finditer(r"MTL_API[^;(]*?\b(mtl_[a-z0-9_]+)\s*\(", text):
        api.add(m.group(1))

tests = {}
for t in glob.glob(os.path.join(root, "tests", "test_*.c")):
    tests[os.path.basename(t)] = open(t, encoding="utf-8").read()


def called(name, text):
    return re.search(r"\b" + re.escape(name) + r"\s*\(", text) is not None


missing = sorted(n for n in api if not any(called(n, t) for t in tests.values()))
life = tests.get("test_lifecycle.c", "")
not_in_life = sorted(n for n in api if not called(n, life))
print(f"{len(api)} public functions; {len(api) - len(missing)} called by the tests")
for n in missing:
    print("not called by any test:", n)
for n in not_in_life:
    print("not called in test_lifecycle.c:", n)
sys.exit(1 if missing or not_in_life else 0)
