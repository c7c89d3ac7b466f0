#!/usr/bin/env python3
"""Benchmark of the Python binding against the C library (run on demand).

    python3 ../shared/bench/gen_leads.py --rows 1000000 --seed 42 \\
        --out /tmp/bench/data/leads_1e6.csv
    ninja -C build bench/mtl-bench            # optional: the pure C import
    MTL_LIBRARY=build/lib/libmtl.so.1 PYTHONPATH=bindings/python \\
        taskset -c 1 python3 bench/bench_python.py /tmp/bench/data/leads_1e6.csv \\
        --mtl-bench build/bench/mtl-bench

Measures, each repeated (--repeat) and reported as min / median:

1. import: ``mtl.Market.from_csv`` on the file against the C import of the
   same file, both ``mtl_csv_import_file`` through ctypes with no binding
   code around it and, with --mtl-bench, the C program ``mtl-bench import``
   (its own cold and warm runs).  Target: from_csv within 1.2x the C time.
2. bulk add: ``Market.add_leads`` of every row from columns prepared
   beforehand (not timed): integer ids, customers, segments, regions and
   owners dictionary-encoded, stages, outcomes, amounts, created and closed
   dates, and the four attribute columns dictionary-encoded; once from
   numpy arrays (when numpy is installed) and once from array.array.  The
   customers exist before (added by a customers CSV import, not timed).
   Target: at most 0.5 s for 1,000,000 leads.
3. funnel: segment x stage as a list of dicts from the live counters
   (``Market.funnel_by_segment``, mtl_funnel_stages per segment).  Target:
   at most 10 ms over 1,000,000 leads.  For comparison, the full scan
   ``Market.funnel(group_by="segment")`` (mtl_funnel_compute).

"cold" is the first run of a process (the heap's pages are touched for the
first time, which costs much on a virtual machine; docs/performance.md),
"warm" the later ones.
"""

import argparse
import array
import csv
import ctypes
import datetime
import gc
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

import mtl  # noqa: E402
from mtl import _lib  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None

EPOCH = datetime.date(1970, 1, 1).toordinal()


def keep_heap_warm():
    """Do what mtl-bench does (bench/mtl_bench.c, "Cold and warm"): serve
    blocks below 1 GiB from the heap and keep freed memory in the process,
    so that warm runs measure the library, not first-touch page faults."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 1 << 30)   # M_MMAP_THRESHOLD
        libc.mallopt(-1, -1)        # M_TRIM_THRESHOLD
        libc.mallopt(-2, 64 << 20)  # M_TOP_PAD
        return True
    except (OSError, AttributeError):
        return False


class CallTimer:
    """Times the C append inside Market.add_leads (bench only: wraps the
    function the binding calls)."""

    def __init__(self):
        import mtl._bulk as bulk
        self.bulk = bulk
        self.real = bulk.L
        self.last = 0.0
        timer = self

        class Proxy:
            def __getattr__(self, name):
                return getattr(timer.real, name)

            def mtl_lead_append_columns(self, *args):
                t = time.perf_counter()
                st = timer.real.mtl_lead_append_columns(*args)
                timer.last = time.perf_counter() - t
                return st

        bulk.L = Proxy()

    def close(self):
        self.bulk.L = self.real


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def fmt(times):
    if not times:
        return "-"
    return "min %.3f s, median %.3f s (n=%d)" % (min(times), statistics.median(times), len(times))


# ------------------------------------------------------------------ import --

def c_import_ctypes(path):
    """mtl_csv_import_file through bare ctypes: the C import, no binding code."""
    L = _lib.lib
    m = ctypes.c_void_p()
    assert L.mtl_market_create(ctypes.byref(m), None) == 0
    res = _lib.CsvResult()
    L.mtl_csv_result_init(ctypes.byref(res), ctypes.sizeof(res))
    t = time.perf_counter()
    st = L.mtl_csv_import_file(m.value, os.fsencode(path), None, ctypes.byref(res))
    dt = time.perf_counter() - t
    assert st == 0, st
    rows = res.imported
    L.mtl_market_unref(m.value)
    return dt, rows


def py_import(path):
    t = time.perf_counter()
    m = mtl.Market.from_csv(path)
    dt = time.perf_counter() - t
    n = len(m)
    m.close()
    return dt, n


def bench_import(path, repeat, mtl_bench):
    print("== import of %s" % path)
    if mtl_bench:
        out = subprocess.run([mtl_bench, "import", path], capture_output=True, text=True,
                             check=True).stdout
        print("  mtl-bench (C program):")
        for line in out.strip().splitlines():
            print("    " + line)
    cold_c, _ = c_import_ctypes(path)
    c_times, py_times = [], []
    for i in range(repeat):
        # alternate the order so that neither side always runs first
        order = (c_import_ctypes, py_import) if i % 2 == 0 else (py_import, c_import_ctypes)
        for fn in order:
            dt, n = fn(path)
            (c_times if fn is c_import_ctypes else py_times).append(dt)
            gc.collect()
    print("  C through ctypes, cold (first of the process): %.3f s" % cold_c)
    print("  C through ctypes, warm:    %s" % fmt(c_times))
    print("  Market.from_csv, warm:     %s" % fmt(py_times))
    print("  ratio from_csv / C through ctypes (medians): %.3f, (mins): %.3f  [target <= 1.2]" % (
        statistics.median(py_times) / statistics.median(c_times), min(py_times) / min(c_times)))
    if mtl_bench:
        warm_c = [float(x) for x in re.findall(r"csv import warm\s+([0-9.]+) s", out)]
        if warm_c:
            print("  ratio from_csv / mtl-bench warm (median / its one warm run): %.3f" % (
                statistics.median(py_times) / warm_c[0]))
    return n


# --------------------------------------------------------------- bulk add --

class Columns:
    """The generator's CSV as columns (array.array), read once, not timed."""

    def __init__(self, path):
        t = time.perf_counter()
        self.dicts = {}
        codes = {}

        def encoder(name):
            index = {}
            self.dicts[name] = index
            codes[name] = array.array("I")
            return index, codes[name]

        seg_i, seg_c = encoder("segments")
        reg_i, reg_c = encoder("regions")
        own_i, own_c = encoder("owners")
        cus_i, cus_c = encoder("customers")
        attr = {k: encoder(k) for k in ("industry", "source", "size_band", "has_budget")}
        ids = array.array("q")
        stages = array.array("i")
        outcomes = array.array("i")
        amounts = array.array("q")
        created = array.array("i")
        closed = array.array("i")
        days = {"": _lib.DATE_NONE}
        self.customer_segment = {}

        def day(text):
            d = days.get(text)
            if d is None:
                d = days[text] = datetime.date.fromisoformat(text).toordinal() - EPOCH
            return d

        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            col = {name: i for i, name in enumerate(header)}
            ci, ki, si, ri, oi = (col[k] for k in ("id", "customer_id", "segment", "region",
                                                   "owner"))
            sti, li, ai, cri, cli = (col[k] for k in ("stage", "lost", "amount", "created",
                                                      "closed"))
            attr_cols = [(col[k],) + attr[k] for k in attr]
            for row in reader:
                ids.append(int(row[ci]))
                seg = row[si]
                cus_c.append(cus_i.setdefault(row[ki], len(cus_i)))
                self.customer_segment.setdefault(row[ki], seg)
                seg_c.append(seg_i.setdefault(seg, len(seg_i)))
                reg_c.append(reg_i.setdefault(row[ri], len(reg_i)))
                own_c.append(own_i.setdefault(row[oi], len(own_i)))
                st = int(row[sti][1:])
                stages.append(st)
                outcomes.append(1 if st == 7 else 2 if row[li] == "1" else 0)
                whole, _, frac = row[ai].partition(".")
                amounts.append(int(whole) * 100 + int((frac + "00")[:2]))
                created.append(day(row[cri]))
                closed.append(day(row[cli]))
                for i, index, out in attr_cols:
                    out.append(index.setdefault(row[i], len(index)))
        self.n = len(ids)
        self.arrays = dict(ids=ids, stages=stages, outcomes=outcomes, amounts=amounts,
                           created=created, closed=closed)
        self.codes = codes
        print("  (columns read from the CSV in %.1f s, not timed: %d rows, %d customers, "
              "%d segments)" % (time.perf_counter() - t, self.n, len(cus_i), len(seg_i)))

    def kwargs(self, as_numpy):
        conv = (lambda a: np.frombuffer(a, dtype=a.typecode)) if as_numpy else (lambda a: a)
        # numpy dtype names of the array typecodes used above
        if as_numpy:
            conv = lambda a: np.frombuffer(a, dtype={"q": np.int64, "i": np.int32,  # noqa: E731
                                                     "I": np.uint32}[a.typecode])
        kw = {k: conv(v) for k, v in self.arrays.items()}
        for name in ("customers", "segments", "regions", "owners"):
            kw[name] = (conv(self.codes[name]), list(self.dicts[name]))
        kw["attributes"] = {k: (conv(self.codes[k]), list(self.dicts[k]))
                            for k in ("industry", "source", "size_band", "has_budget")}
        ids = kw.pop("ids")
        return ids, kw

    def market(self):
        """A market with the segments and customers (CSV import, not timed)."""
        m = mtl.Market()
        for s in self.dicts["segments"]:
            m.add_segment(s)
        text = "id,segment\n" + "".join("%s,%s\n" % kv for kv in self.customer_segment.items())
        m.import_csv(text.encode(), kind="customers", strict=True)
        return m


def bench_bulk(cols, repeat):
    print("== bulk add of %d leads (Market.add_leads)" % cols.n)
    kinds = (["numpy"] if np is not None else []) + ["array.array"]
    results = {}
    timer = CallTimer()
    for kind in kinds:
        ids, kw = cols.kwargs(kind == "numpy")
        times, c_times = [], []
        for i in range(repeat + 1):
            m = cols.market()
            gc.collect()
            dt, n = timed(m.add_leads, ids, **kw)
            assert n == cols.n == len(m)
            times.append(dt)
            c_times.append(timer.last)
            if i < repeat:
                m.close()
        results[kind] = times
        print("  from %-11s: first %.3f s (C append %.3f s); then %s  [target <= 0.5 s]" % (
            kind, times[0], c_times[0], fmt(times[1:])))
        print("  %-18s of which the C append: %s" % ("", fmt(c_times[1:])))
    timer.close()
    if np is None:
        print("  (numpy is not installed: the numpy run is left out)")
    return m


def bench_funnel(market, repeat):
    print("== funnel by segment x stage over %d leads" % len(market))
    times = []
    for _ in range(max(repeat, 20)):
        dt, rows = timed(market.funnel_by_segment)
        times.append(dt)
    print("  Market.funnel_by_segment (live counters, %d dicts): min %.2f ms, median %.2f ms"
          "  [target <= 10 ms]" % (len(rows), 1000 * min(times), 1000 * statistics.median(times)))
    assert sum(r["open_count"] + r["won_count"] + r["lost_count"] for r in rows) == len(market)
    scan = [timed(market.funnel, group_by="segment")[0] for _ in range(3)]
    print("  Market.funnel(group_by='segment') (full scan, for comparison): %s" % fmt(scan))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="?", default="/tmp/bench/data/leads_1e6.csv")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mtl-bench", help="path of build/bench/mtl-bench (optional)")
    ap.add_argument("--only", choices=["import", "bulk", "funnel"], action="append")
    ap.add_argument("--cold-heap", action="store_true",
                    help="leave malloc's defaults (freed memory goes back to the kernel)")
    args = ap.parse_args(argv)
    only = set(args.only or ["import", "bulk", "funnel"])
    warm = not args.cold_heap and keep_heap_warm()
    print("heap: %s" % ("kept warm (mallopt, as mtl-bench)" if warm else "malloc defaults"))
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    print("libmtl %s at %s; Python %s; numpy %s; CPUs %s; load %s" % (
        mtl.library_version, mtl.library_path, sys.version.split()[0],
        np.__version__ if np is not None else "absent",
        sorted(affinity) if affinity else "?",
        " ".join("%.2f" % x for x in os.getloadavg())))
    if "import" in only:
        bench_import(args.csv, args.repeat, args.mtl_bench)
    if only & {"bulk", "funnel"}:
        cols = Columns(args.csv)
        market = bench_bulk(cols, args.repeat)
        if "funnel" in only:
            bench_funnel(market, args.repeat)
        market.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
