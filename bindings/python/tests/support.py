"""Shared helpers of the Python binding's tests.

The tests import the package from bindings/python (PYTHONPATH) and the
library from MTL_LIBRARY, both set by bindings/python/meson.build.  They can
also be run by hand:

    MTL_LIBRARY=build/lib/libmtl.so.1 PYTHONPATH=bindings/python \\
        python3 -m unittest discover -s bindings/python/tests -v
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)                       # bindings/python
SOURCE_ROOT = os.path.dirname(os.path.dirname(PACKAGE_ROOT))  # the repository
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

import mtl  # noqa: E402


def shared_data():
    """The shared data directory (MTL_SHARED_DATA, else ../shared/data)."""
    return os.environ.get("MTL_SHARED_DATA") or os.path.join(
        os.path.dirname(SOURCE_ROOT), "shared", "data")


def numpy_or_none():
    """numpy if this interpreter has it, else None."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def forecast_market():
    """The worked example of docs/methods/forecast.md section 8."""
    m = mtl.Market()
    rows = [
        # id, stage, outcome, amount, override, category, expected, closed
        ("D1", "P3", "open", 40000, None, None, "2024-08-20", None),
        ("D2", "P5", "open", 120000, None, None, "2024-09-15", None),
        ("D3", "P2", "open", 65000, 0.35, None, "2024-07-25", None),
        ("D4", "P1", "open", 50000, None, "omitted", "2024-09-01", None),
        ("D5", "P4", "open", 90000, None, "commit", "2024-09-28", None),
        ("D6", "P6", "open", 30000, None, None, "2024-08-05", None),
        ("X1", "P3", "open", 70000, None, None, "2024-10-15", None),
        ("W1", "P7", "won", 80000, None, None, None, "2024-07-15"),
        ("W2", "P7", "won", 25000, None, None, None, "2024-09-05"),
        ("W3", "P7", "won", 55000, None, None, None, "2024-06-20"),
        ("L1", "P2", "lost", 45000, None, None, None, "2024-08-10"),
    ]
    for ident, stage, outcome, amount, p, cat, expected, closed in rows:
        m.add_lead(ident, stage=stage, outcome=outcome, amount=amount, probability=p,
                   category=cat, expected_close=expected, closed=closed)
    return m


FORECAST_OPTIONS = dict(period=("2024-07-01", "2024-10-01"), as_of="2024-08-15",
                        target=260000)


def funnel_market():
    """The worked example of docs/methods/funnel.md section 7."""
    m = mtl.Market()
    m.add_segment("east")
    m.add_segment("west")
    m.add_customer("C1", "east", grade="strategic")
    m.add_customer("C2", "east", grade="partner")
    m.add_customer("C3", "west", grade="commercial")
    rows = [
        # id, customer, stage, outcome, amount, p, status, created, expected, closed, history
        ("E1", "C1", "P7", "won", 120000, None, "converted", "2024-01-10", None, "2024-07-20", []),
        ("E2", "C1", "P7", "won", 80000, None, "converted", "2024-02-01", None, "2024-08-30", []),
        ("E3", "C2", "P2", "lost", 50000, None, "closed", "2024-03-05", None, "2024-05-01", []),
        ("E4", "C2", "P4", "open", 200000, 0.375, "converted", "2024-04-01", "2024-09-10", None, []),
        ("E5", "C1", "P1", "open", 30000, None, "new", "2024-06-15", "2024-12-01", None, []),
        ("E6", "C2", "P5", "open", 150000, None, "converted", "2024-01-20", "2024-08-01", None,
         [("2024-02-01", "P0"), ("2024-03-01", "P2"), ("2024-05-01", "P5")]),
        ("E7", "C1", "P6", "won", 60000, None, "converted", "2024-03-01", None, "2024-06-10", []),
        ("W1", "C3", "P7", "won", 90000, None, "converted", "2024-02-10", None, "2024-07-05",
         [("2024-02-10", "P1"), ("2024-03-20", "P3"), ("2024-05-05", "P6")]),
        ("W2", "C3", "P3", "lost", 40000, None, "closed", "2024-01-15", None, "2024-04-20", []),
        ("W3", "C3", "P0", "open", 10000, None, "new", "2024-07-02", "2024-09-30", None, []),
        ("W4", "C3", "P6", "open", 70000, 0.625, "converted", "2024-05-10", "2024-09-20", None, []),
        ("W5", "C3", "P5", "lost", 110000, None, "converted", "2024-02-20", None, "2024-06-01",
         [("2024-03-01", "P2"), ("2024-04-15", "P5")]),
        ("N1", None, "P3", "open", 25000, None, "nurture", "2024-05-05", "2024-07-31", None, []),
    ]
    for (ident, cust, stage, outcome, amount, p, status, created, expected, closed,
         history) in rows:
        lead = m.add_lead(ident, cust, stage=stage, outcome=outcome, amount=amount,
                          probability=p, status=status, created=created,
                          expected_close=expected, closed=closed)
        for day, st in history:
            lead.add_event(day, st)
    return m


FUNNEL_OPTIONS = dict(period=("2024-07-01", "2024-10-01"), as_of="2024-08-15",
                      target=500000)
