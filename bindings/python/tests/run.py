"""Run one test module for meson: exit 0 passed, 1 failed, 77 all skipped.

    python3 run.py test_market

meson reports exit status 77 as SKIP, so a module whose every test was
skipped (no numpy, no real data) shows as skipped, never as passed.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main(argv):
    if len(argv) != 2:
        print("usage: run.py TEST_MODULE", file=sys.stderr)
        return 2
    suite = unittest.defaultTestLoader.loadTestsFromName(argv[1])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    passed = result.testsRun - len(result.failures) - len(result.errors) \
        - len(result.skipped) - len(result.unexpectedSuccesses)
    print("%d passed, %d failed, %d skipped" % (
        passed, len(result.failures) + len(result.errors)
        + len(result.unexpectedSuccesses), len(result.skipped)))
    if not result.wasSuccessful():
        return 1
    if result.testsRun == 0 or len(result.skipped) == result.testsRun:
        for _, reason in result.skipped[:1]:
            print("SKIP: %s" % reason)
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
