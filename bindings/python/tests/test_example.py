"""examples/crm_sqlite.py and the example of docs/bindings.md run and print
what they promise."""

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
        self.assertIn("Segment table", out)
        span = out[out.index("SPAN table"):].splitlines()[3:]
        self.assertEqual([int(line.split()[0]) for line in span], [1, 2, 3, 4, 5])
        quadrants = {line.split()[6] for line in span}
        self.assertLessEqual(quadrants, {"grow", "acquire_skills", "harvest", "avoid",
                                         "unrated"})
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


class TestDocsExample(unittest.TestCase):
    """The Python example of docs/bindings.md, "Strategy and qualification",
    prints what the page says it prints."""

    def test_strategy_example(self):
        import re
        with open(os.path.join(support.SOURCE_ROOT, "docs", "bindings.md"),
                  encoding="utf-8") as f:
            text = f.read()
        section = text[text.index("## Strategy and qualification"):]
        code, printed = re.search(r"```python\n(.*?)```\s*prints\s*```\n(.*?)```", section,
                                  re.S).groups()
        env = dict(os.environ, PYTHONPATH=support.PACKAGE_ROOT)
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, printed)


if __name__ == "__main__":
    unittest.main()
