#!/usr/bin/env bash
# tests/run-tests.sh: THE test command of libmtl (README.md, .ci/run).
#
# On a Debian machine it installs what is missing (apt-get, as root), then:
#   1. build/       default options, -Dtests=enabled: every suite (unit, abi, ...)
#   2. build-asan/  -Db_sanitize=address,undefined: the unit suite, any
#                   sanitizer report fatal
#   3. build/       the unit suite again under valgrind (skipped, and counted
#                   as skipped, when valgrind is not installed)
# Every meson test of every run counts once, read from meson's JSON test log.
# The output ends with the line "N passed, N failed"; the exit status is 0
# exactly when nothing failed.  Safe to run again, from any directory.
set -u

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2

log() { printf '\n==== %s\n' "$*"; }

# ---------------------------------------------------------------- install --
# "package[:command]": present when the command is on PATH or dpkg has the
# package installed.  apt-get runs (update first) only when one is missing.

ENSURE_TAG=run-tests
# shellcheck source=ensure-packages.sh
. "$ROOT/tests/ensure-packages.sh"

ensure_packages gcc:gcc g++:g++ libc6-dev binutils:nm clang:clang \
    libclang-rt-14-dev meson:meson ninja-build:ninja pkg-config:pkg-config \
    libcmocka-dev valgrind:valgrind liblua5.4-dev lua5.4:lua5.4 python3-numpy \
    python3:python3

# ------------------------------------------------------------------ count --
PASSED=0 FAILED=0 SKIPPED=0
SUMMARY=()      # one line per run
FAILURES=()     # names of failed tests

# record LABEL JSONLOG MESON_STATUS: add one run's results to the totals.
# OK and EXPECTEDFAIL pass, SKIP is skipped, every other result (FAIL,
# TIMEOUT, UNEXPECTEDPASS, ERROR, ...) fails.
record() {
    local label=$1 json=$2 status=$3 p f s haslog out=()
    mapfile -t out < <(python3 - "$json" <<'PY'
import json, sys
p = f = s = 0
failed = []
try:
    lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
except OSError:
    lines = None
for line in lines or []:
    if not line.strip():
        continue
    t = json.loads(line)
    r = t.get('result')
    if r in ('OK', 'EXPECTEDFAIL'):
        p += 1
    elif r == 'SKIP':
        s += 1
    else:
        f += 1
        failed.append('%s (%s)' % (t.get('name'), r))
print(p, f, s, 'nolog' if lines is None else 'log')
print('\n'.join(failed))
PY
)
    read -r p f s haslog <<<"${out[0]:-0 0 0 nolog}"
    if [ "${#out[@]}" -eq 0 ]; then
        echo "run-tests: could not read $json" >&2
        f=1
        out=("" "unreadable test log")
    fi
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        # meson test itself failed (a build error, no log): one failure.
        f=1
        out=("" "meson test exited $status")
    elif [ "$haslog" = nolog ]; then
        echo "run-tests: no test log $json (no test to run)" >&2
    fi
    PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
    SUMMARY+=("$(printf '%-38s %d passed, %d failed, %d skipped' \
        "$label:" "$p" "$f" "$s")")
    local name
    for name in "${out[@]:1}"; do
        [ -n "$name" ] && FAILURES+=("$label: $name")
    done
}

# fail_step LABEL WHAT: a step that could not run its tests counts as one
# failure.
fail_step() {
    FAILED=$((FAILED + 1))
    SUMMARY+=("$(printf '%-38s %s' "$1:" "FAILED: $2")")
    FAILURES+=("$1: $2")
}

# setup DIR OPTIONS...: configure DIR from scratch.  An existing directory
# is wiped (its options are kept): meson caches its compiler and linker
# checks across --reconfigure, so a check that once failed (a malformed
# lib/libmtl.map makes has_link_argument('--version-script') fail) would
# otherwise stay failed after the fix.  The library is small; a full
# rebuild costs seconds.
setup() {
    local dir=$1
    shift
    if [ -f "$dir/meson-private/coredata.dat" ] &&
       meson setup --wipe "$dir" "$@"; then
        return 0
    fi
    rm -rf "$dir"
    meson setup "$dir" "$@"
}

# run_suite LABEL DIR LOGNAME MESON-TEST-ARGS...: meson test with the log
# in DIR/meson-logs/LOGNAME.json (meson appends "-valgrind" to the log's
# name when the wrapper is valgrind, so LOGNAME says where it will be).
run_suite() {
    local label=$1 dir=$2 json="$2/meson-logs/$3.json" status listed
    shift 3
    rm -f "$json"
    meson test -C "$dir" --print-errorlogs --logbase testlog "$@"
    status=$?
    if [ "$status" -eq 0 ] && [ ! -f "$json" ]; then
        # No log is fine only when there was no test to run.
        listed=$(meson test -C "$dir" --list "$@" 2>/dev/null | grep -c ' / ')
        if [ "${listed:-0}" -gt 0 ]; then
            fail_step "$label" "no test log for $listed tests"
            return
        fi
    fi
    record "$label" "$json" "$status"
}

# -------------------------------------------------------------------- run --
BUILD_OK=0
log "1/3 build/: configure, build, every suite"
if setup build -Dtests=enabled && meson compile -C build; then
    BUILD_OK=1
    run_suite "all suites (build/)" build testlog
else
    fail_step "all suites (build/)" "configure or build failed"
fi

log "2/3 build-asan/: unit suite under ASan+UBSan"
if setup build-asan -Dtests=enabled -Db_sanitize=address,undefined \
        -Db_lundef=false && meson compile -C build-asan; then
    ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
        run_suite "unit suite, ASan+UBSan (build-asan/)" build-asan \
        testlog --suite unit
else
    fail_step "unit suite, ASan+UBSan (build-asan/)" "configure or build failed"
fi

log "3/3 build/: unit suite under valgrind"
VG_LABEL="unit suite, valgrind (build/)"
if ! command -v valgrind >/dev/null 2>&1; then
    # Never a pass: each unit test that would have run counts as skipped.
    n=$(meson test -C build --suite unit --list 2>/dev/null | grep -c ' / ')
    [ "${n:-0}" -gt 0 ] || n=1
    echo "valgrind is not installed: skipped"
    SKIPPED=$((SKIPPED + n))
    SUMMARY+=("$(printf '%-38s skipped (valgrind not installed): %d' \
        "$VG_LABEL:" "$n")")
elif [ "$BUILD_OK" -ne 1 ]; then
    fail_step "$VG_LABEL" "build/ did not build"
else
    run_suite "$VG_LABEL" build testlog-valgrind --suite unit \
        --timeout-multiplier 10 --wrapper \
        'valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q'
fi

# ---------------------------------------------------------------- summary --
log "summary"
printf '%s\n' "${SUMMARY[@]}"
if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "failed:"
    printf '  %s\n' "${FAILURES[@]}"
fi
echo "$SKIPPED skipped"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
