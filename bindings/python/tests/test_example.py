"""examples/crm_sqlite.py runs and prints what it promises."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

import support

EXAMPLE = os.path.join(support.PACKAGE_ROOT, "examples", "crm_sqlite.py")


class TestCrmSqliteExample(unittest.TestCase):

    def run_example(self, *args):
        env = dict(os.environ, PYTHONPATH=support.PACKAGE_ROOT)
        proc = subprocess.run([sys.executable, EXAMPLE] + list(args), env=env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def test_output(self):
        out = self.run_example()
        self.assertIn("CRM: 40 accounts, 400 opportunities", out)
        self.assertIn("Funnel by segment", out)
        self.assertIn("(total)", out)
        self.assertIn("Forecast 2024-07-01 .. 2024-10-01", out)
        self.assertIn("P(hit target)", out)
        self.assertIn("SPAN table", out)          # the note about the missing API
        self.assertIn("Segment table", out)
        for industry in ("energy", "finance", "health", "logistics", "public"):
            self.assertIn(industry, out)
        self.assertEqual(out, self.run_example())  # deterministic

    def test_database_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "crm.sqlite")
            self.run_example("--db", path, "--seed", "3")
            db = sqlite3.connect(path)
            try:
                (n,), = db.execute("SELECT count(*) FROM opportunities")
                (h,), = db.execute("SELECT count(*) FROM stage_history")
            finally:
                db.close()
            self.assertEqual(n, 400)
            self.assertGreaterEqual(h, n)


if __name__ == "__main__":
    unittest.main()
