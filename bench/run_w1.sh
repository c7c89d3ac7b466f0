#!/usr/bin/env bash
# W1 (CSV ingest) side by side: libmtl's mtl_csv_import_file and pandas
# (category dtypes), on the peer benchmark's file, in one run.
#   ninja -C build bench/mtl-bench && bench/run_w1.sh [CSV]
# The CSV defaults to /tmp/bench/data/leads_1e7.csv
# (../shared/bench/gen_leads.py --rows 10000000 --seed 42).
set -eu
# the core libmtl and the one-core peers run on (BENCH_CPU, default 1): on
# a shared VM one core can be much slower than the other for minutes
cpu=${BENCH_CPU:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
csv=${1:-/tmp/bench/data/leads_1e7.csv}
peers=$root/../shared/bench/peers
bin=${MTL_BENCH:-$root/build/bench/mtl-bench}
[ -x "$bin" ] || { echo "build it first: ninja -C build bench/mtl-bench" >&2; exit 2; }
cat "$csv" > /dev/null   # page cache, as the peers' runner does
echo "== libmtl (one core)"
taskset -c "$cpu" "$bin" import "$csv" 3   # cold, then three warm runs and their least
if [ -f "$peers/pandas_peer.py" ] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  echo "== pandas, category dtypes (W1 only)"
  BENCH_OUT=${TMPDIR:-/tmp} taskset -c "$cpu" /usr/bin/python3 -c '
import sys, time
sys.path.insert(0, sys.argv[1])
import pandas_peer
t = time.perf_counter(); df = pandas_peer.w1(sys.argv[2], "category")
print("pandas read_csv (category)  %.3f s  (%d rows)" % (time.perf_counter() - t, len(df)))
' "$peers" "$csv"
else
  echo "pandas: skipped (python3-pandas or the peers are missing)"
fi
node_path=${NODE_PATH:-${BENCH_WORK:-/tmp/bench}/node/node_modules}
if command -v node >/dev/null && NODE_PATH=$node_path node -e "require('@duckdb/node-api')" 2>/dev/null; then
  echo "== DuckDB W1 (2 threads, its default; npm @duckdb/node-api)"
  BENCH_OUT=${TMPDIR:-/tmp} NODE_PATH=$node_path node "$peers/duckdb_peer.js" "$csv" 1e7 1 |
    /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["workload"].startswith("W1"):
        print("%-12s %-24s %8.3f s" % (r["tool"], r["workload"], r["seconds"]))
'
else
  echo "DuckDB: skipped (cd /tmp/bench/node && npm install @duckdb/node-api@1.5.6-r.1)"
fi
