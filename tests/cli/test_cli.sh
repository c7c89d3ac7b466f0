#!/usr/bin/env bash
# tests/cli/test_cli.sh: the `mtl` subcommands (import, export, info,
# targets, funnel, forecast, segments, pains, customers, leads, demo), end
# to end (meson test --suite cli).
#
#   test_cli.sh MTL DATA_DIR [SHARED_DATA_DIR]
#
# MTL is the built tool, DATA_DIR tests/cli/data, SHARED_DATA_DIR the
# project's ../shared/data (the real CRM pipeline, checked when present).
# Exit status 0 = every check passed, 1 = a check failed, 77 = skipped
# (the tool or python3 is missing).
set -u

MTL=${1:-}
DATA=${2:-}
SHARED=${3:-}

if [ -z "$MTL" ] || [ ! -x "$MTL" ]; then
    echo "SKIP: the mtl tool is not built ('$MTL')"
    exit 77
fi
if [ -z "$DATA" ] || [ ! -f "$DATA/leads.csv" ]; then
    echo "SKIP: test data not found in '$DATA'"
    exit 77
fi
# absolute paths: the checks run in a scratch directory
case $MTL in /*) ;; *) MTL=$PWD/$MTL ;; esac
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
case $SHARED in /*|'') ;; *) SHARED=$PWD/$SHARED ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is needed to read the JSON output"
    exit 77
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mtl-cli-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/stdout
ERR=$TMP/stderr
FAILS=0
CHECKS=0
RC=0

fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL: $*"
    echo "  --- stdout:"; sed -n '1,20s/^/  | /p' "$OUT"
    echo "  --- stderr:"; sed -n '1,20s/^/  | /p' "$ERR"
}
pass() { CHECKS=$((CHECKS + 1)); }

# run ARGS...: the tool with ARGS; stdout, stderr and status kept.
run() {
    "$MTL" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    LAST="mtl $*"
}
# run_in FILE ARGS...: the same with FILE on standard input.
run_in() {
    local input=$1
    shift
    "$MTL" "$@" <"$input" >"$OUT" 2>"$ERR"
    RC=$?
    LAST="mtl $* < $input"
}

expect_rc() {
    if [ "$RC" -eq "$1" ]; then pass; else fail "$LAST: exit $RC, expected $1"; fi
}
expect_err() {
    if grep -qF -- "$1" "$ERR"; then pass; else fail "$LAST: stderr lacks '$1'"; fi
}
expect_out() {
    if grep -qF -- "$1" "$OUT"; then pass; else fail "$LAST: stdout lacks '$1'"; fi
}
expect_absent() {
    if [ ! -e "$1" ]; then pass; else fail "$2"; fi
}
expect_empty_out() {
    if [ ! -s "$OUT" ]; then pass; else fail "$LAST: stdout not empty"; fi
}

# expect_json "key=value ..." : the last stdout is one JSON value whose
# members have these values (integers or strings, compared as text).
expect_json() {
    local why
    if why=$(python3 - "$OUT" "$1" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding='utf-8') as f:
        doc = json.load(f)
except Exception as e:
    print('not JSON: %s' % e)
    sys.exit(1)
bad = []
for pair in sys.argv[2].split():
    key, want = pair.split('=', 1)
    got = doc.get(key)
    if isinstance(got, bool) or (want.lstrip('-').isdigit() and not isinstance(got, int)):
        bad.append('%s is %r, expected the integer %s' % (key, got, want))
    elif str(got) != want:
        bad.append('%s is %r, expected %s' % (key, got, want))
print('; '.join(bad))
sys.exit(1 if bad else 0)
PY
    ); then
        pass
    else
        fail "$LAST: $why"
    fi
}

# info_json SNAPSHOT|CSV [ARGS...]: `mtl info --format json`, expect exit 0.
info_json() {
    local input=$1
    shift
    run info "$input" --format json "$@"
    expect_rc 0
}

cd "$TMP" || exit 1
cp "$DATA"/*.csv . || exit 1

# ---- help and usage --------------------------------------------------------
run --help
expect_rc 0
for sub in import export info; do
    expect_out "  $sub "
done
for sub in import export info; do
    run "$sub" --help
    expect_rc 0
    expect_out "Usage: mtl $sub"
    expect_out "Exit status"
    run help "$sub"
    expect_rc 0
    expect_out "Usage: mtl $sub"
done

run import;                                          expect_rc 2; expect_err "Try 'mtl import --help'"
run import leads.csv;                                expect_rc 2; expect_err "-o"
run import leads.csv -o;                             expect_rc 2
run import --kind bogus leads.csv -o x.mtl;          expect_rc 2; expect_err "bogus"
run import --sep x leads.csv -o x.mtl;               expect_rc 2; expect_err "--sep"
run import leads.csv -o x.mtl --kind customers;      expect_rc 2; expect_err "--kind"
run import --map nonsense leads.csv -o x.mtl;        expect_rc 2; expect_err "--map"
run import --stages =P1 leads.csv -o x.mtl;          expect_rc 2
run import --no-such-option leads.csv -o x.mtl;      expect_rc 2
run import leads.csv -o -;                           expect_rc 2
run export;                                          expect_rc 2
run export a.mtl b.mtl;                              expect_rc 2
run export a.mtl --kind bogus;                       expect_rc 2
run info;                                            expect_rc 2
run info leads.csv --format xml;                     expect_rc 2; expect_err "xml"
run info a b;                                        expect_rc 2
run no-such-command;                                 expect_rc 2
expect_absent x.mtl "a usage error wrote x.mtl"

# ---- leads with customers -----------------------------------------------------
run import leads.csv -o leads.mtl
expect_rc 0
expect_out "leads.csv: leads: 6 rows, 6 imported, 0 skipped, 4 customers created, 0 segments created"
expect_out "leads.mtl: 0 segments, 4 customers, 6 leads"
if head -c 7 leads.mtl | grep -q '^MTLSNAP'; then pass; else fail "leads.mtl does not start with MTLSNAP"; fi
info_json leads.mtl
expect_json "leads=6 won=2 lost=1 open=3 customers=4 segments=0 minor_per_major=100 source=snapshot"
expect_json "won_amount=750000 open_amount=215050"

# the table names the same numbers
run info leads.mtl
expect_rc 0
expect_out "leads.mtl (snapshot)"
expect_out "customers"
expect_out "P7"

# info reads CSV directly, and standard input
info_json leads.csv
expect_json "leads=6 won=2 lost=1 open=3 customers=4 segments=0 source=csv"
run_in leads.csv info - --format json
expect_rc 0
expect_json "leads=6 won=2 lost=1 open=3 source=csv"
run_in leads.mtl info - --format json
expect_rc 0
expect_json "leads=6 won=2 lost=1 open=3 source=snapshot"

# --quiet: nothing on stdout
run import --quiet leads.csv -o quiet.mtl
expect_rc 0
expect_empty_out

# --strict: every customer must exist; C-004 (line 6) does not
run import --strict leads.csv -o strict.mtl
expect_rc 1
expect_err "leads.csv:2:7: "
expect_absent strict.mtl "a failed import wrote strict.mtl"
run import --kind customers customers.csv -o strict.mtl
expect_rc 0
cp strict.mtl strict.before
run import --strict leads.csv -o strict.mtl
expect_rc 1
expect_err "leads.csv:6:7: "
expect_empty_out
if cmp -s strict.mtl strict.before; then pass; else fail "a failed --strict import changed strict.mtl"; fi
run import --strict --kind customers customers.csv --kind leads leads.csv -o strict2.mtl
expect_rc 1
expect_err "customers.csv:2:17: "
expect_empty_out
expect_absent strict2.mtl "a failed import wrote strict2.mtl"

# ---- several files, --kind per file, merging into an existing snapshot --------
run import --kind customers customers.csv --kind leads leads.csv -o all.mtl
expect_rc 0
expect_out "customers.csv: customers: 3 rows, 3 imported, 0 skipped, 0 customers created, 2 segments created"
expect_out "leads.csv: leads: 6 rows, 6 imported, 0 skipped, 1 customers created, 0 segments created"
info_json all.mtl
expect_json "leads=6 won=2 lost=1 open=3 customers=4 segments=2"
cp "$OUT" all.json

run import --kind customers customers.csv -o merged.mtl
expect_rc 0
run import leads.csv -o merged.mtl
expect_rc 0
info_json merged.mtl
if cmp -s "$OUT" all.json; then pass; else fail "import into an existing snapshot differs from one import"; fi

# a bad file leaves an existing output as it was
cp merged.mtl merged.before
run import bad.csv -o merged.mtl
expect_rc 1
if cmp -s merged.mtl merged.before; then pass; else fail "a failed import changed merged.mtl"; fi

# a snapshot given as an input is refused
run import all.mtl -o from-snapshot.mtl
expect_rc 1
expect_err "not a CSV file"

# an existing file that is not a snapshot is not overwritten
echo "precious" > notes.txt
run import leads.csv -o notes.txt
expect_rc 1
expect_err "not an mtl snapshot"
if [ "$(cat notes.txt)" = precious ]; then pass; else fail "notes.txt was overwritten"; fi

# ---- bad input ------------------------------------------------------------------
run import bad.csv -o bad.mtl
expect_rc 1
expect_err "bad.csv:3:12: "
expect_absent bad.mtl "a failed import wrote bad.mtl"
run info bad.csv
expect_rc 1
expect_err "bad.csv:3:12: "

run import --skip-bad bad.csv -o skipped.mtl
expect_rc 0
expect_err "bad.csv:3:12: "
expect_err "1 bad row skipped"
expect_out "bad.csv: leads: 3 rows, 2 imported, 1 skipped"
info_json skipped.mtl
expect_json "leads=2 open=2"

run import missing.csv -o missing.mtl
expect_rc 1
expect_err "missing.csv"

printf 'id,stage\n"L-1,P1\n' > unterminated.csv
run import unterminated.csv -o u.mtl
expect_rc 1
expect_err "unterminated.csv:"

# ---- Chinese headers, ';', BOM, CRLF, quoted fields ------------------------------
run import zh_leads.csv -o zh.mtl
expect_rc 0
expect_out "zh_leads.csv: leads: 3 rows, 3 imported, 0 skipped, 2 customers created"
info_json zh.mtl
expect_json "leads=3 won=1 lost=1 open=1 customers=2 segments=0"
run import --sep ';' zh_leads.csv -o zh2.mtl
expect_rc 0
run export zh.mtl --kind leads
expect_rc 0
expect_out "华为客户甲"
expect_out "两行"

# ---- export -> import round trip ----------------------------------------------------
run export all.mtl --kind segments -o seg.csv;   expect_rc 0; expect_empty_out
run export all.mtl --kind customers -o cust.csv; expect_rc 0
run export all.mtl --kind leads -o lead.csv;     expect_rc 0
run export all.mtl --kind leads -o -
expect_rc 0
if cmp -s "$OUT" lead.csv; then pass; else fail "export to stdout differs from export to a file"; fi
run export all.mtl
expect_rc 0
if cmp -s "$OUT" lead.csv; then pass; else fail "export defaults to something other than leads"; fi
if head -n 1 lead.csv | grep -q '^id,'; then pass; else fail "lead.csv header: $(head -n 1 lead.csv)"; fi
run export all.mtl --kind leads --sep ';'
expect_rc 0
if head -n 1 "$OUT" | grep -q '^id;'; then pass; else fail "--sep ';' header: $(head -n 1 "$OUT")"; fi

run import --kind segments seg.csv --kind customers cust.csv --kind leads lead.csv -o again.mtl
expect_rc 0
info_json again.mtl
if cmp -s "$OUT" all.json; then pass; else
    fail "info after export and import differs"; diff all.json "$OUT" | head -20
fi
run export again.mtl --kind leads -o lead2.csv
expect_rc 0
if cmp -s lead.csv lead2.csv; then pass; else fail "leads exported twice differ"; diff lead.csv lead2.csv | head -10; fi
run export again.mtl --kind customers -o cust2.csv
if cmp -s cust.csv cust2.csv; then pass; else fail "customers exported twice differ"; fi

# export needs a snapshot
run export leads.csv
expect_rc 1
expect_err "not an mtl snapshot"

# ---- damaged snapshots are refused -----------------------------------------------
head -c 20 all.mtl > truncated.mtl
run info truncated.mtl
expect_rc 1
cp all.mtl flipped.mtl
python3 - flipped.mtl <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x40
open(p, 'wb').write(b)
PY
run info flipped.mtl
expect_rc 1
run export flipped.mtl
expect_rc 1
expect_empty_out

# ---- --map and --stages on a sample of the CRM pipeline shape -------------------
MAP=opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount
STAGES=Prospecting=P1,Engaging=P3,Won=won,Lost=lost
run import pipeline_sample.csv --map "$MAP" --stages "$STAGES" -o sample.mtl
expect_rc 0
info_json sample.mtl
expect_json "leads=5 won=2 lost=1 open=2 customers=3"
info_json pipeline_sample.csv --map "$MAP" --stages "$STAGES"
expect_json "leads=5 won=2 lost=1 open=2 customers=3 source=csv"
# without --stages: Engaging (line 5, column 40) is no stage of P0-P7
run import pipeline_sample.csv -o nomap.mtl
expect_rc 1
expect_err "pipeline_sample.csv:5:40: "

# accounts first with their own --map (--map belongs to the --kind before it)
ACCOUNTS_MAP=account=id,sector=segment
run import --kind customers accounts_sample.csv --map "$ACCOUNTS_MAP" \
    --kind leads pipeline_sample.csv --map "$MAP" --stages "$STAGES" -o crm.mtl
expect_rc 0
expect_out "accounts_sample.csv: customers: 4 rows, 4 imported, 0 skipped, 0 customers created, 4 segments created"
expect_out "pipeline_sample.csv: leads: 5 rows, 5 imported, 0 skipped, 0 customers created, 0 segments created"
info_json crm.mtl
expect_json "leads=5 won=2 lost=1 open=2 customers=4 segments=4"
# without its own --map, a customer file's 'account' column is the customer id
# (the alias table is kind-aware) and 'sector' is no customer field
run import --kind customers accounts_sample.csv --kind leads pipeline_sample.csv \
    --map "$MAP" --stages "$STAGES" -o crm2.mtl
expect_rc 0
expect_out "accounts_sample.csv: customers: 4 rows, 4 imported, 0 skipped, 0 customers created, 0 segments created"
# a map naming a field the kind does not have is bad input, not a crash
run import --kind customers accounts_sample.csv --map account=customer -o crm4.mtl
expect_rc 1
expect_err "accounts_sample.csv"
# a --map for a kind without files, or twice for one kind, is a usage error
run import --map "$MAP" --kind customers accounts_sample.csv -o crm3.mtl
expect_rc 2
expect_err "--map"
run import --kind customers accounts_sample.csv --map a=id --map b=id -o crm3.mtl
expect_rc 2
expect_err "twice"

# ---- mtl targets (docs/methods/targets.md, example 2 in major units) --------------
# targets_json ARGS... PYTHON-EXPR: `mtl targets targets_leads.csv --year 2025
# --growth 5% ARGS --format json`, then PYTHON-EXPR on the document t holds.
targets_json() {
    local expr=$1
    shift
    run targets targets_leads.csv --year 2025 --growth 5% "$@" --format json
    expect_rc 0
    if python3 - "$OUT" "$expr" <<'PY'
import json, sys
t = json.load(open(sys.argv[1], encoding='utf-8'))['tree']
kids = lambda n: {c['name']: c for c in n['children']}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
    then pass; else fail "$LAST: not true: $expr"; fi
}
run targets --help;                                   expect_rc 0; expect_out "Usage: mtl targets"
run targets targets_leads.csv;                        expect_rc 2; expect_err "--year"
run targets targets_leads.csv --year 2025 --split 15,20,30; expect_rc 2; expect_err "--split"
run targets targets_leads.csv --year 2025 --periods weeks;  expect_rc 2
run targets targets_leads.csv --year 2025 --k 1.6;          expect_rc 1; expect_err "k: 1.6"
run targets targets_leads.csv --year 2025 --split 15,20,30,34; expect_rc 1; expect_err "quarter_bp"
run targets targets_leads.csv --year 2025 --growth 5%
expect_rc 0
expect_out "7,988"
expect_out "3,000 x (1 + 50%) x 1.2"
# 7,500 x 1.065; North 6,000 x 1.5; ann 3,000 x 1.5 x 1.2; South 1,500 x 0.75
targets_json "t['target'] == 7987.5 and kids(t)['North']['target'] == 9000 and kids(kids(t)['North'])['ann']['target'] == 5400 and kids(kids(t)['North'])['ann']['derivation']['rank'] == 1.2 and kids(t)['South']['target'] == 1125"
# evaluation: ann won 1,200 in May; dan's open 400 (P4, 50%) in December
targets_json "kids(t)['North']['actual'] == 1200 and kids(t)['South']['expected'] == 200 and kids(kids(t)['South'])['2025-Q4']['p_hit'] == 0.5"
targets_json "round(kids(t)['North']['target'] + kids(t)['South']['target'], 2) == 7987.5" --rescale
printf 'region,growth,resource,potential\nSouth,10%%,2,1.2\n' > regions.csv
targets_json "kids(t)['South']['target'] == 3960 and kids(t)['North']['target'] == 9000" --regions regions.csv
printf 'region,growth\nEast,1%%\n' > regions_bad.csv
run targets targets_leads.csv --year 2025 --regions regions_bad.csv; expect_rc 1; expect_err "East"
run targets targets_leads.csv --year 2025 --growth 5% --format csv --periods months
expect_rc 0
expect_out "index,parent,kind,depth,name"
expect_out ",month,3,2025-12,"
run targets targets_leads.csv --year 2025 --svg tree.svg
expect_rc 0
if head -c 5 tree.svg 2>/dev/null | grep -q '<?xml'; then pass; else fail "mtl targets --svg wrote no SVG"; fi

# ---- the real data ----------------------------------------------------------------
REAL=$SHARED/crm-sales-opportunities/sales_pipeline.csv
if [ -n "$SHARED" ] && [ -f "$REAL" ]; then
    run import "$REAL" --map "$MAP" --stages "$STAGES" -o real.mtl
    expect_rc 0
    info_json real.mtl
    expect_json "leads=8800 won=4238 lost=2473 open=2089"
    info_json "$REAL" --map "$MAP" --stages "$STAGES"
    expect_json "leads=8800 won=4238 lost=2473 open=2089"
    REAL_ACCOUNTS=$SHARED/crm-sales-opportunities/accounts.csv
    if [ -f "$REAL_ACCOUNTS" ]; then
        run import --kind customers "$REAL_ACCOUNTS" --map "$ACCOUNTS_MAP" \
            --kind leads "$REAL" --map "$MAP" --stages "$STAGES" -o real-crm.mtl
        expect_rc 0
        expect_out "sales_pipeline.csv: leads: 8800 rows, 8800 imported, 0 skipped, 0 customers created"
        info_json real-crm.mtl
        expect_json "leads=8800 won=4238 lost=2473 open=2089 customers=85 segments=10"
    fi
else
    echo "note: $REAL is absent; the real-data checks were skipped"
fi

# ---- mtl funnel and mtl forecast (docs/methods/funnel.md, forecast.md) ---------
# forecast_leads.csv: open A (P4, 50%), B (P6, 90%), C (30% override) expected
# inside 2025-Q1, D expected on 2025-04-01 (outside), W won on 2025-02-10,
# X won before the period, L lost.  R = 70 + 100 a + 200 b + 50 c with
# independent a ~ B(.5), b ~ B(.9), c ~ B(.3): enumerated below in Python.
run forecast "$DATA/forecast_leads.csv" --from 2025-01-01 --to 2025-03-31 \
    --target 300 --grid 0.01 --format json
expect_rc 0
if python3 - "$OUT" <<'PY'
import itertools, json, sys
doc = json.load(open(sys.argv[1]))
deals = [(100, .5), (200, .9), (50, .3)]
dist = {}
for bits in itertools.product((0, 1), repeat=3):
    p, v = 1.0, 70
    for b, (a, q) in zip(bits, deals):
        p *= q if b else 1 - q
        v += a if b else 0
    dist[v] = dist.get(v, 0) + p
mean = sum(v * p for v, p in dist.items())
var = sum(v * v * p for v, p in dist.items()) - mean * mean
def quantile(q):  # CDF >= q, ties kept despite rounding (P10 here is a tie: 220)
    c = 0
    for v in sorted(dist):
        c += dist[v]
        if c >= q - 1e-12:
            return v
hit = sum(p for v, p in dist.items() if v >= 300)
short = sum((300 - v) * p for v, p in dist.items() if v < 300)
want = {"expected": mean, "variance": var, "p10": quantile(.1), "p50": quantile(.5),
        "p90": quantile(.9), "p_hit_target": hit, "expected_shortfall": short,
        "closed_won_amount": 70, "deals": 3}
bad = [(k, doc[k], v) for k, v in want.items() if abs(doc[k] - v) > 1e-9 * max(1, abs(v))]
cat = doc["categories"]
# A best case, B commit, C pipeline (P1); closed = W
want_cat = {"pipeline": 50, "best_case": 100, "commit": 200, "closed": 70,
            "commit_forecast": 270, "best_case_forecast": 370, "open_pipeline": 350}
bad += [(k, cat[k], v) for k, v in want_cat.items() if abs(cat[k] - v) > 1e-9]
if bad:
    print(bad)
    sys.exit(1)
PY
then pass; else fail "$LAST: forecast differs from enumeration"; fi

run forecast "$DATA/forecast_leads.csv" --from 2025-01-01 --to 2025-03-31 --target 300 \
    --svg "$TMP/dist.svg"
expect_rc 0
expect_out "P10 / P50 / P90"
if grep -q '<svg' "$TMP/dist.svg" 2>/dev/null; then pass; else fail "$LAST: no SVG"; fi
run forecast "$DATA/forecast_leads.csv" --from 2025-01-01
expect_rc 2
expect_err "--from and --to are required"
run forecast "$DATA/forecast_leads.csv" --from 2025-01-01 --to 2025-03-31 --source magic
expect_rc 2

run funnel "$DATA/forecast_leads.csv" --format json
expect_rc 0
if python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
sys.exit(0 if (t["leads"], t["won"], t["lost"], t["open"], t["won_amount"]) == (7, 2, 1, 4, 1069) else 1)
' "$OUT"; then pass; else fail "$LAST: funnel totals"; fi
run funnel "$DATA/forecast_leads.csv" --by cohort:quarter
expect_rc 0
run funnel "$DATA/forecast_leads.csv" --by colour
expect_rc 2
run funnel "$DATA/forecast_leads.csv" --svg "$TMP/funnel.svg"
expect_rc 0
if grep -q '<svg' "$TMP/funnel.svg" 2>/dev/null; then pass; else fail "$LAST: no SVG"; fi

# the real CRM pipeline: SPEC's script contract
if [ -n "$SHARED" ] && [ -f "$SHARED/crm-sales-opportunities/sales_pipeline.csv" ]; then
    CRM_MAP=opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount
    CRM_STAGES=Prospecting=P1,Engaging=P3,Won=won,Lost=lost
    run funnel "$SHARED/crm-sales-opportunities/sales_pipeline.csv" --map "$CRM_MAP" \
        --stages "$CRM_STAGES" --format json --by owner
    expect_rc 0
    if python3 - "$OUT" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
t = doc["totals"]
ok = (t["leads"], t["won"], t["lost"], t["open"], t["won_amount"]) == (8800, 4238, 2473, 2089, 10005534)
ok = ok and abs(t["win_rate"] - 0.63150) < 5e-6 and round(t["win_rate"], 5) == 0.6315
ok = ok and len(doc["stages"]) == 8 and all(
    k in doc["stages"][0] for k in ("stage", "open_count", "open_amount", "weighted_amount",
                                    "win_rate", "win_rate_low", "win_rate_high"))
# the total is the sum of the groups
for key in ("leads", "won", "lost", "open", "won_amount"):
    ok = ok and abs(sum(g["totals"][key] for g in doc["groups"]) - t[key]) < 1e-6
ok = ok and len(doc["groups"]) == 30
sys.exit(0 if ok else 1)
PY
    then pass; else fail "$LAST: CRM funnel totals"; fi
else
    echo "SKIP: ../shared/data absent: the CRM funnel check"
fi

# ---- mtl demo --write: every command on the written sample files -----------------
run demo --write "$TMP/demo"
expect_rc 0
for f in segments.csv customers.csv leads.csv demo.mtl; do
    if [ -s "$TMP/demo/$f" ]; then pass; else fail "$LAST: $f not written"; fi
done
run funnel "$TMP/demo/demo.mtl" --by segment --format json
expect_rc 0
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
ok = (t["leads"], t["open"], t["won"], t["lost"]) == (5000, 1740, 610, 2650)
ok = ok and len(d["groups"]) == 10
ok = ok and sum(g["totals"]["won"] for g in d["groups"]) == 610
sys.exit(0 if ok else 1)
' "$OUT"; then pass; else fail "$LAST: demo funnel totals"; fi
run forecast "$TMP/demo/demo.mtl" --from 2026-10-01 --to 2026-12-31 --target 53000000
expect_rc 0
expect_out "P10 / P50 / P90"
run targets "$TMP/demo/demo.mtl" --year 2026 --growth 8%
expect_rc 0
# --by: one forecast per group; regions partition the demo's leads, so the
# groups' expected revenues add up to the total's
run forecast "$TMP/demo/demo.mtl" --from 2026-10-01 --to 2026-12-31 --by region --format json
expect_rc 0
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = d["groups"]
ok = len(g) == 6 and abs(sum(x["expected"] for x in g) - d["expected"]) < 1e-6 * d["expected"]
ok = ok and sum(x["deals"] for x in g) == d["deals"]
sys.exit(0 if ok else 1)
' "$OUT"; then pass; else fail "$LAST: groups do not add up"; fi
run forecast "$TMP/demo/demo.mtl" --from 2026-10-01 --to 2026-12-31 --by cohort:quarter
expect_rc 0
expect_out "2026-Q3"
run forecast "$TMP/demo/demo.mtl" --from 2026-10-01 --to 2026-12-31 --by planet
expect_rc 2
# the CSV files import back (segments, then customers, then leads) to the
# same counts
run import --kind segments "$TMP/demo/segments.csv" --kind customers \
    "$TMP/demo/customers.csv" --kind leads "$TMP/demo/leads.csv" -o "$TMP/demo/re.mtl"
expect_rc 0
info_json "$TMP/demo/re.mtl"
expect_json "leads=5000 open=1740 won=610 lost=2650 customers=500 segments=10"

# ---- the strategy commands: segments, pains, customers, leads ----------------------
# on the sample written above: the snapshot, and the CSV files imported
# through --kind, give the same output in every format
D=$TMP/demo
for f in factors looks appeals control_points pains relationships contacts answers; do
    if [ -s "$D/$f.csv" ]; then pass; else fail "mtl demo --write: $f.csv not written"; fi
done
KINDS="--kind segments $D/segments.csv --kind customers $D/customers.csv
       --kind leads $D/leads.csv --kind factors $D/factors.csv --kind looks $D/looks.csv
       --kind appeals $D/appeals.csv --kind control_points $D/control_points.csv
       --kind pains $D/pains.csv --kind relationships $D/relationships.csv
       --kind contacts $D/contacts.csv --kind answers $D/answers.csv"
for sub in segments pains customers leads; do
    run "$sub" --help
    expect_rc 0
    expect_out "Usage: mtl $sub"
    for fmt in table csv json; do
        run "$sub" "$D/demo.mtl" --format "$fmt"
        expect_rc 0
        cp "$OUT" "snap.$sub.$fmt"
        # shellcheck disable=SC2086 # KINDS is a list of words
        run "$sub" $KINDS --format "$fmt"
        expect_rc 0
        if cmp -s "$OUT" "snap.$sub.$fmt"; then pass; else
            fail "$sub --format $fmt: the CSV files give another result than demo.mtl"
            diff "snap.$sub.$fmt" "$OUT" | head -10
        fi
    done
done

# every score's terms add up to its value, left to right (bit for bit; the
# customer value in major units as well: the CLI sums the scaled terms)
check_terms() {
    if python3 - "$1" <<'PY'
import json, sys
def walk(x, out):
    if isinstance(x, dict):
        if set(x) == {"value", "terms"}:
            out.append(x)
        for v in x.values():
            walk(v, out)
    elif isinstance(x, list):
        for v in x:
            walk(v, out)
scores = []
walk(json.load(open(sys.argv[1], encoding='utf-8')), scores)
bad = []
with_terms = 0
for s in scores:
    if s["value"] is None:
        if s["terms"]:
            bad.append("null value with terms")
        continue
    total = 0.0
    for t in s["terms"]:
        total += t["contribution"]
        if t["weight"] * t["value"] != t["contribution"] and \
           abs(t["weight"] * t["value"] - t["contribution"]) > 1e-9 * max(1, abs(t["contribution"])):
            bad.append("term %r: weight x value != contribution" % t["factor"])
    with_terms += bool(s["terms"])
    if s["terms"] and total != s["value"]:
        bad.append("terms sum to %r, value %r" % (total, s["value"]))
if with_terms < 50:
    bad.append("only %d scores with terms" % with_terms)
print("; ".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
    then pass; else fail "$1: score terms do not add up"; fi
}
for sub in segments pains customers leads; do
    check_terms "snap.$sub.json"
done

# segments: the demo's SPAN (docs/cli.md shows it)
if python3 - snap.segments.json <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
s = d["segments"]
by = {x["id"]: x for x in s}
bad = []
if [x["rank"] for x in s] != list(range(1, 11)):
    bad.append("ranks")
p = [x["priority"]["value"] for x in s]
if any(a < b for a, b in zip(p, p[1:])):
    bad.append("priority not descending")
if {x["quadrant"] for x in s} != {"grow", "acquire_skills", "harvest", "avoid", "unrated"}:
    bad.append("quadrants %r" % {x["quadrant"] for x in s})
if (by["SEG08"]["strategy"], by["SEG08"]["gates"]) != ("fix_economics", "margin"):
    bad.append("SEG08 is %s %s" % (by["SEG08"]["strategy"], by["SEG08"]["gates"]))
if by["SEG10"]["position"]["value"] is not None or by["SEG10"]["quadrant"] != "unrated":
    bad.append("SEG10 rated")
if (by["SEG01"]["target"], by["SEG01"]["target_basis"]) != (33600000, "share"):
    bad.append("SEG01 target %r" % by["SEG01"]["target"])
for x in s:
    cut = 5.5
    a, q = x["attractiveness"]["value"], x["position"]["value"]
    if a is not None and q is not None:
        want = {(1, 1): "grow", (1, 0): "acquire_skills", (0, 1): "harvest",
                (0, 0): "avoid"}[(a >= cut, q >= cut)]
        if x["quadrant"] != want:
            bad.append("%s quadrant %s, want %s" % (x["id"], x["quadrant"], want))
    if not 4 <= len(x["looks"]) <= 8 or not 2 <= len(x["control_points"]) <= 4:
        bad.append("%s: %d looks, %d control points" % (x["id"], len(x["looks"]),
                                                       len(x["control_points"])))
    tops = [l for l in x["looks"] if l["top"] == 1]
    if not tops or any(l["impact"] <= 0 for l in tops):
        bad.append("%s top opportunities" % x["id"])
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
then pass; else fail "mtl segments on the demo"; fi
run segments "$D/demo.mtl"
expect_out "fix economics"
expect_out "Not on the SPAN matrix: SEG10 Software (no competitive position"
expect_out "control points: 1. "
run segments "$D/demo.mtl" --format csv
if head -n 1 "$OUT" | grep -q '^rank,id,name,priority,attractiveness,position,'; then pass; else
    fail "$LAST: CSV header"; fi
if [ "$(wc -l < "$OUT")" -eq 11 ]; then pass; else fail "$LAST: not one row per segment"; fi
# a lower cut moves segments up; no margin gate: Telecom invests
run segments "$D/demo.mtl" --min-margin none --format csv
expect_rc 0
expect_out ",SEG08,Telecom,"
if grep -q ',SEG08,Telecom,.*,grow,invest,,' "$OUT"; then pass; else fail "$LAST: SEG08 not invest"; fi
run segments "$D/demo.mtl" --normalise bands --size-band 0,3000000000 --growth-band 0%,20%
expect_rc 0

# pains: the index is 100 x sum of addressable pain / (25 x pains), each pain
# severity x urgency x breadth x (0.5 + 0.5 x budget) x fit (docs/methods/bon.md)
if python3 - snap.pains.json <<'PY'
import json, sys
g = json.load(open(sys.argv[1], encoding='utf-8'))["groups"]
bad = []
segs = [x for x in g if x["owner"] == "segment"]
if len(segs) != 10 or not any(x["owner"] == "customer" for x in g):
    bad.append("groups")
for x in g:
    ps = x["pains"]
    if x["owner"] == "segment" and not 3 <= len(ps) <= 6:
        bad.append("%s has %d pains" % (x["id"], len(ps)))
    total = 0
    for p in ps:
        a = p["severity"] * p["urgency"] * p["breadth"] * (0.5 + 0.5 * p["budget"]) * p["fit"]
        if abs(a - p["addressable"]["value"]) > 1e-9:
            bad.append("%s: addressable %r, want %r" % (x["id"], p["addressable"]["value"], a))
        total += a
    want = 100 * total / (25 * len(ps))
    if abs(want - x["index"]["value"]) > 1e-9:
        bad.append("%s: index %r, want %r" % (x["id"], x["index"]["value"], want))
    r = [p["addressable"]["value"] for p in ps]
    if any(a < b for a, b in zip(r, r[1:])):
        bad.append("%s: pains not ranked" % x["id"])
    if abs(sum(l["index_points"] for l in x["layers"]) - x["index"]["value"]) > 1e-9:
        bad.append("%s: layers do not add up" % x["id"])
if {l["layer"] for x in segs for l in x["layers"]} != {"B", "O", "N"}:
    bad.append("layers")
print("; ".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
then pass; else fail "mtl pains on the demo"; fi

# customers: quantile grades of 500 (5%, 20%, 50% cumulative), thresholds
if python3 - snap.customers.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding='utf-8'))["customers"]
bad = []
count = {}
for x in c:
    count[x["grade"]] = count.get(x["grade"], 0) + 1
if count != {"strategic": 25, "partner": 75, "commercial": 150, "general": 250}:
    bad.append("grades %r" % count)
v = [x["value"]["value"] for x in c]
if any(a < b for a, b in zip(v, v[1:])) or [x["rank"] for x in c] != list(range(1, 501)):
    bad.append("not by value")
if not any(x["contacts"] and x["coaches"] for x in c) or \
   not any(x["relationship"]["value"] is not None for x in c):
    bad.append("no relationships or coaches")
for x in c:
    if x["contacts"] and abs(x["coverage"]["value"] - len(x["supported_roles"]) / 7) > 1e-12:
        bad.append("%s coverage" % x["id"])
print("; ".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
then pass; else fail "mtl customers on the demo"; fi
run customers "$D/demo.mtl" --thresholds 20000000,8000000,3000000 --format json
expect_rc 0
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["customers"]
def grade(v):
    return "strategic" if v >= 2e7 else "partner" if v >= 8e6 else "commercial" if v >= 3e6 else "general"
sys.exit(0 if all(x["grade"] == grade(x["value"]["value"]) for x in c) else 1)
' "$OUT"; then pass; else fail "$LAST: grades do not follow the thresholds"; fi
run customers "$D/demo.mtl" --top 10 --format csv
expect_rc 0
if [ "$(wc -l < "$OUT")" -eq 11 ]; then pass; else fail "$LAST: not 10 rows"; fi
expect_out "rank,id,name,segment,value,grade,recorded_grade,relationship,coverage,"

# leads: verdicts and classes follow the rules of docs/methods/lead-verification.md
check_verdicts() {
    if python3 - "$1" "$2" <<'PY'
import json, sys
l = json.load(open(sys.argv[1], encoding='utf-8'))["leads"]
want_all = sys.argv[2] == "all"
bad = []
p1 = {"strategic_fit", "real_need", "acceptable_risk"}
verdicts, classes = set(), set()
for x in l:
    q = [x[k]["value"] for k in ("q1", "q2", "q3")]
    hard = any(t["value"] <= 0.2 for t in x["q1"]["terms"] if t["factor"] in p1)
    want = "close" if hard else "convert" if q[0] >= 0.6 and q[1] >= 0.5 and q[2] >= 0.5 \
        else "nurture"
    budget = [t["value"] for t in x["q2"]["terms"] if t["factor"] == "budget"]
    cls = "mature" if budget and budget[0] >= 0.5 else "early"
    if (x["verdict"], x["class"]) != (want, cls):
        bad.append("%s: %s %s, want %s %s" % (x["id"], x["verdict"], x["class"], want, cls))
    verdicts.add(x["verdict"])
    classes.add(x["class"])
pr = [x["priority"]["value"] for x in l]
if any(a < b for a, b in zip(pr, pr[1:])):
    bad.append("not by priority")
if verdicts != {"close", "convert", "nurture"} or classes != {"early", "mature"}:
    bad.append("verdicts %r classes %r" % (verdicts, classes))
if (len(l) == 5000) != want_all:
    bad.append("%d leads" % len(l))
print("; ".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
    then pass; else fail "$1: verdicts or classes break the rules"; fi
}
check_verdicts snap.leads.json pending
run leads "$D/demo.mtl" --all --format json
expect_rc 0
cp "$OUT" all-leads.json
check_verdicts all-leads.json all
run leads "$D/demo.mtl" --pass 0,0,0 --format csv
expect_rc 0
if ! cut -d, -f6 "$OUT" | grep -q '^nurture$'; then pass; else fail "$LAST: nurture with pass 0"; fi
run leads "$D/demo.mtl" --top 5
expect_rc 0
expect_out "convert"

# the demo prints the strategy section
run demo
expect_out "Segments by priority (mtl segments)"
expect_out "Lead review (mtl leads --top 5)"

# the strategy inputs through mtl import and mtl export
# shellcheck disable=SC2086
run import $KINDS -o strat.mtl
expect_rc 0
expect_out "looks.csv: looks: "
expect_out "answers.csv: answers: "
run segments strat.mtl --format json
if cmp -s "$OUT" snap.segments.json; then pass; else fail "$LAST: differs from demo.mtl"; fi
for kind in looks factors appeals control_points pains contacts relationships answers; do
    run export "$D/demo.mtl" --kind "$kind"
    expect_rc 0
    if cmp -s "$OUT" "$D/$kind.csv"; then pass; else fail "$LAST: differs from the demo's $kind.csv"; fi
done
run export "$D/demo.mtl" --kind control-points
expect_rc 0

# bad input (1) and usage errors (2)
printf 'segment,look,text,impact,likelihood,window\nSEG01,trend,Fine,4,0.5,near\nSEG01,trend,Too big,7,0.5,near\n' > badlooks.csv
for sub in segments pains customers leads; do
    run "$sub" "$D/demo.mtl" --kind looks badlooks.csv
    expect_rc 1
    expect_err "badlooks.csv:3:"
    expect_err "impact"
    expect_empty_out
done
run import "$D/demo.mtl" -o x.mtl
expect_rc 1
run segments --kind looks badlooks.csv
expect_rc 1
expect_err "SEG01"
run segments "$D/demo.mtl" --kind looks "$D/demo.mtl"
expect_rc 1
expect_err "only the first input may be a snapshot"
run segments missing.mtl
expect_rc 1
run segments;                                              expect_rc 2; expect_err "no input file"
run segments "$D/demo.mtl" --kind bogus x.csv;             expect_rc 2; expect_err "bogus"
run segments "$D/demo.mtl" --kind looks;                   expect_rc 2; expect_err "--kind"
run segments "$D/demo.mtl" --format xml;                   expect_rc 2
run segments "$D/demo.mtl" --cut 11;                       expect_rc 2; expect_err "--cut"
run segments "$D/demo.mtl" --min-margin lots;              expect_rc 2
run segments "$D/demo.mtl" --normalise bands;              expect_rc 2; expect_err "--size-band"
run segments "$D/demo.mtl" --min-revenue 1.234;            expect_rc 2; expect_err "--min-revenue"
run pains "$D/demo.mtl" --no-such-option;                  expect_rc 2
run customers "$D/demo.mtl" --grade-by thresholds;         expect_rc 2; expect_err "--thresholds"
run customers "$D/demo.mtl" --quantiles 0.5,0.2,0.1;       expect_rc 2
run customers "$D/demo.mtl" --thresholds 1,2,3;            expect_rc 2
run leads "$D/demo.mtl" --pass 0.5,0.5;                    expect_rc 2; expect_err "--pass"
run leads "$D/demo.mtl" --top -1;                          expect_rc 2
run leads "$D/demo.mtl" --hard-fail 2;                     expect_rc 2
run export "$D/demo.mtl" --kind bogus;                     expect_rc 2
run info "$D/looks.csv" --kind looks;                      expect_rc 2

# the charts: well-formed SVG with what they should show
run segments "$D/demo.mtl" --svg span.svg
expect_rc 0
run pains "$D/demo.mtl" --svg pains.svg --summary
expect_rc 0
if python3 - span.svg pains.svg <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
bad = []
span = ET.parse(sys.argv[1]).getroot()
texts = ["".join(t.itertext()) for t in span.iter(ns + "text")]
for want in ("grow / invest", "acquire skills", "harvest", "avoid / exit",
             "SEG01 Manufacturing", "SEG08 Telecom", "SEG05 Retail"):
    if want not in texts:
        bad.append("span.svg lacks %r" % want)
if "SEG10 Software" in texts or not any("SEG10 Software" in t for t in texts):
    bad.append("SEG10 drawn, or not in the note")
# one bubble with a centre dot per rated segment
if sum(1 for c in span.iter(ns + "circle") if c.get("r") == "2") != 9:
    bad.append("not 9 bubbles")
pains = ET.parse(sys.argv[2]).getroot()
texts = ["".join(t.itertext()) for t in pains.iter(ns + "text")]
for want in ("SEG01 Manufacturing", "B business", "O operation", "N network", "Customers"):
    if want not in texts:
        bad.append("pains.svg lacks %r" % want)
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
then pass; else fail "the SPAN or pains SVG"; fi

echo "$CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
