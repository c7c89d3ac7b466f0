#!/usr/bin/env bash
# W2 (funnel by segment x stage) and W4 (revenue distribution of 100,000
# open deals) side by side: libmtl (mtl-bench funnel / forecast), pandas
# (category dtypes) and DuckDB (when its npm package is installed) for W2,
# numpy for W4, in one run; libmtl, pandas and numpy on one core.
#   ninja -C build bench/mtl-bench && bench/run_w2w4.sh [CSV_1E7 [CSV_1E6]]
# Data: ../shared/bench/gen_leads.py --rows 10000000 (and 1000000) --seed 42,
# by default /tmp/bench/data/leads_1e7.csv and leads_1e6.csv.
set -eu
# the core libmtl and the one-core peers run on (BENCH_CPU, default 1): on
# a shared VM one core can be much slower than the other for minutes
cpu=${BENCH_CPU:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
csv7=${1:-/tmp/bench/data/leads_1e7.csv}
csv6=${2:-/tmp/bench/data/leads_1e6.csv}
peers=$root/../shared/bench/peers
bin=${MTL_BENCH:-$root/build/bench/mtl-bench}
[ -x "$bin" ] || { echo "build it first: ninja -C build bench/mtl-bench" >&2; exit 2; }
cat "$csv7" "$csv6" > /dev/null   # page cache, as the peers' runner does
echo "== libmtl W2 (10,000,000 leads, one core)"
taskset -c "$cpu" "$bin" funnel "$csv7"
if [ -f "$peers/pandas_peer.py" ] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  echo "== pandas W2, category dtypes (loading not timed)"
  BENCH_OUT=${TMPDIR:-/tmp} taskset -c "$cpu" /usr/bin/python3 -c '
import sys, time
sys.path.insert(0, sys.argv[1])
import pandas_peer
df = pandas_peer.w1(sys.argv[2], "category")
best = 1e9
for rep in range(3):
    t = time.perf_counter(); g = pandas_peer.w2(df); best = min(best, time.perf_counter() - t)
print("pandas W2 groupby  %.3f s (best of 3), %d groups, weighted open pipeline %.2f"
      % (best, len(g), g["weighted"].sum()))
' "$peers" "$csv7"
else
  echo "pandas: skipped (python3-pandas or the peers are missing)"
fi
node_path=${NODE_PATH:-${BENCH_WORK:-/tmp/bench}/node/node_modules}
if command -v node >/dev/null && NODE_PATH=$node_path node -e "require('@duckdb/node-api')" 2>/dev/null; then
  echo "== DuckDB W2 (2 threads, its default; loading not timed; npm @duckdb/node-api)"
  BENCH_OUT=${TMPDIR:-/tmp} NODE_PATH=$node_path node "$peers/duckdb_peer.js" "$csv7" 1e7 1 |
    /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["workload"].startswith("W2"):
        print("%-12s %-24s %8.3f s" % (r["tool"], r["workload"], r["seconds"]))
'
else
  echo "DuckDB: skipped (cd /tmp/bench/node && npm install @duckdb/node-api@1.5.6-r.1)"
fi
echo "== libmtl W4 (first 100,000 open deals of the 1e6 file, one core)"
taskset -c "$cpu" "$bin" forecast "$csv6"
if [ -f "$peers/w4_numpy.py" ] && /usr/bin/python3 -c 'import numpy, pandas' 2>/dev/null; then
  echo "== numpy W4 (Monte Carlo 10,000 draws, exact on 1,000 and 100 grids)"
  BENCH_OUT=${TMPDIR:-/tmp} taskset -c "$cpu" /usr/bin/python3 "$peers/w4_numpy.py" "$csv6" 100000 1 \
    --delta 1000,100 | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("%-45s %8.3f s  P10 %.0f P50 %.0f P90 %.0f" % (r["tool"], r["seconds"], r["p10"], r["p50"], r["p90"]))
'
else
  echo "numpy: skipped"
fi
