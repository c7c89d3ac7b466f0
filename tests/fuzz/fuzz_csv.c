/*
 * fuzz_csv.c: libFuzzer harness for the CSV importer (and, through the
 * round-trip oracle, the exporter).
 *
 * Every input is imported as leads, as customers and as segments, each
 * into a fresh market, once stopping at the first error and once skipping
 * bad rows.  Besides "no crash, no leak, no undefined behaviour" (the
 * sanitizers), the harness checks what the API promises:
 *   - the status is one the library knows, and the result counts add up
 *     (imported + skipped <= rows, error_count <= MTL_CSV_ERRORS_MAX; after
 *     a successful import imported + skipped == rows, and the market holds
 *     exactly the records imported and created);
 *   - a failed import (either mode) leaves the fresh market empty: stop
 *     mode drops everything, and skip mode fails only as a whole;
 *   - a successful import survives export and re-import: exporting the
 *     market (segments, customers, leads), importing that text into an
 *     empty market in that order succeeds, and exporting the new market
 *     gives the same bytes (io.h: "importing the output into an empty
 *     market ... reproduces the records").
 * Every input is also imported as each of the eight strategy input kinds
 * (looks ... answers) into a market holding segments s1 and s2, customers
 * c1 and c2 and leads L1 and L2: a failed import leaves the inputs exactly
 * as they were (their export is unchanged), and a successful one survives
 * export and re-import into a second such market byte for byte.
 * Every lead, customer and segment import is also done from a file read
 * through tiny windows (4, 5, 7 and 64 bytes; mtl_csv_import_file reads
 * through a 1 MiB one), which must give the same status, result, errors
 * (positions and messages) and market, byte for byte of its export, as
 * the import from memory.  Leads are imported in batches (65,536 rows);
 * the windowed imports also use batches of 1, 2 and 3 rows, which must
 * give the same result and market, except that a failing import in
 * stop-at-first-error mode may stop at another of the input's errors
 * (one in an earlier batch): it must still fail and leave nothing.
 * A broken promise aborts, so libFuzzer records the input as a crash.
 *
 * Build and run (docs/testing.md):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Ilib \
 *     -DMTL_BUILDING -D_POSIX_C_SOURCE=200809L tests/fuzz/fuzz_csv.c \
 *     $(find lib -name '*.c') -lm -o /tmp/fuzz_csv
 *   cp -r tests/fuzz/corpus/csv /tmp/csv-corpus
 *   /tmp/fuzz_csv -max_total_time=60 /tmp/csv-corpus
 * Without libFuzzer, tests/fuzz/replay.c feeds every file of a directory to
 * LLVMFuzzerTestOneInput (the meson test fuzz-replay-csv).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtl.h"
#include "io/csv.h" /* mtl__csv_import_input: file input with a given window */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    char *p;
    size_t n, cap;
} sink;

static int32_t sink_write(const void *d, size_t n, void *user_data)
{
    sink *s = user_data;
    if (s->n + n > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        char *p;
        while (cap < s->n + n)
            cap *= 2;
        p = realloc(s->p, cap);
        if (!p)
            return 1;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->n, d, n);
    s->n += n;
    return 0;
}

/* What is being checked, for the message. */
static int32_t cur_kind = -1, cur_skip = -1;
static mtl_status cur_status = MTL_OK;

static void die(const char *what, const mtl_market *m)
{
    fprintf(stderr,
            "fuzz_csv: %s (import as kind %d, skip_bad_rows %d: %s; market holds "
            "%zu segments, %zu customers, %zu leads; last error: %s %s)\n",
            what, (int)cur_kind, (int)cur_skip, mtl_status_string(cur_status),
            mtl_market_segment_count(m), mtl_market_customer_count(m),
            mtl_market_lead_count(m), mtl_status_string(mtl_last_error_status()),
            mtl_last_error_message());
    abort();
}

static mtl_market *fresh(void)
{
    mtl_market *m = NULL;
    if (mtl_market_create(&m, NULL) != MTL_OK)
        die("mtl_market_create failed", NULL);
    return m;
}

/* Export the three kinds of m; segments, customers, leads. */
static void export_all(const mtl_market *m, sink out[3])
{
    static const int32_t kinds[3] = {MTL_KIND_SEGMENTS, MTL_KIND_CUSTOMERS,
                                     MTL_KIND_LEADS};
    int k;
    for (k = 0; k < 3; k++) {
        memset(&out[k], 0, sizeof out[k]);
        if (mtl_csv_export(m, kinds[k], 0, sink_write, &out[k]) != MTL_OK)
            die("export failed", m);
    }
}

static void free_all(sink out[3])
{
    int k;
    for (k = 0; k < 3; k++)
        free(out[k].p);
}

/* Do the n exports a and b hold the same bytes? */
static int same_exports(const sink *a, const sink *b, int n)
{
    int k;
    for (k = 0; k < n; k++)
        if (a[k].n != b[k].n || (a[k].n && memcmp(a[k].p, b[k].p, a[k].n) != 0))
            return 0;
    return 1;
}

/* import(export(m)) must succeed and export to the same bytes. */
static void round_trip(const mtl_market *m)
{
    static const int32_t kinds[3] = {MTL_KIND_SEGMENTS, MTL_KIND_CUSTOMERS,
                                     MTL_KIND_LEADS};
    sink first[3], second[3];
    mtl_market *n = fresh();
    int k;
    export_all(m, first);
    for (k = 0; k < 3; k++) {
        mtl_csv_options o;
        mtl_csv_options_init(&o, sizeof o);
        o.kind = kinds[k];
        if (mtl_csv_import(n, first[k].p ? first[k].p : "", first[k].n, &o, NULL) !=
            MTL_OK)
            die("re-import of the export failed", n);
    }
    if (mtl_market_segment_count(n) != mtl_market_segment_count(m) ||
        mtl_market_customer_count(n) != mtl_market_customer_count(m) ||
        mtl_market_lead_count(n) != mtl_market_lead_count(m))
        die("re-import changed the record counts", n);
    export_all(n, second);
    if (!same_exports(first, second, 3))
        die("export(import(export(x))) differs from export(x)", n);
    free_all(first);
    free_all(second);
    mtl_market_unref(n);
}

/* The same import from a file through small windows: same status, result
 * and market as the import from memory (m, r, st). */
static void same_streamed(const uint8_t *data, size_t size, const mtl_csv_options *o,
                          const mtl_market *m, const mtl_csv_result *r, mtl_status st)
{
    static const size_t windows[] = {4, 5, 7, 64};
    static const size_t batches[] = {0, 1, 2, 3};
    FILE *f = tmpfile();
    sink want[3];
    size_t w;
    int k;
    if (!f)
        return; /* no temporary file here: nothing to compare */
    if ((size && fwrite(data, 1, size, f) != size) || fflush(f) != 0) {
        fclose(f);
        return;
    }
    export_all(m, want);
    for (w = 0; w < sizeof windows / sizeof windows[0]; w++) {
        mtl__csv_input in;
        mtl_csv_result r2;
        mtl_market *n = fresh();
        sink got[3];
        mtl_status st2;
        rewind(f);
        memset(&in, 0, sizeof in);
        in.file = f;
        in.size = size;
        in.window = windows[w];
        in.batch = batches[w];
        mtl_csv_result_init(&r2, sizeof r2);
        st2 = mtl__csv_import_input(n, &in, o, &r2);
        if (st != MTL_OK && st2 != MTL_OK && in.batch && !o->skip_bad_rows) {
            /* stopped, perhaps at another error: nothing may be left */
            if (mtl_market_lead_count(n) || mtl_market_customer_count(n) ||
                mtl_market_segment_count(n) || r2.imported || r2.customers_created ||
                r2.segments_created)
                die("a failed import in batches left records behind", n);
            mtl_market_unref(n);
            continue;
        }
        if (st2 != st || r2.rows != r->rows || r2.imported != r->imported ||
            r2.skipped != r->skipped || r2.error_count != r->error_count ||
            r2.customers_created != r->customers_created ||
            r2.segments_created != r->segments_created || r2.separator != r->separator)
            die("a file read through a small window imports differently", n);
        for (k = 0; k < r->error_count; k++)
            if (r2.errors[k].status != r->errors[k].status ||
                r2.errors[k].line != r->errors[k].line ||
                r2.errors[k].column != r->errors[k].column ||
                strcmp(r2.errors[k].message, r->errors[k].message) != 0)
                die("a file read through a small window reports errors differently", n);
        export_all(n, got);
        if (!same_exports(got, want, 3))
            die("a file read through a small window gives another market", n);
        free_all(got);
        mtl_market_unref(n);
    }
    free_all(want);
    fclose(f);
}

/* ---- the strategy input kinds ----------------------------------------- */

#define NINPUT 8
static const int32_t input_kinds[NINPUT] = {
    MTL_KIND_LOOKS, MTL_KIND_FACTORS, MTL_KIND_APPEALS, MTL_KIND_CONTROL_POINTS,
    MTL_KIND_PAINS, MTL_KIND_CONTACTS, MTL_KIND_RELATIONSHIPS, MTL_KIND_ANSWERS};

/* The records the input rows may name. */
static mtl_market *host(void)
{
    mtl_market *m = fresh();
    mtl_segment *s1 = NULL, *s2 = NULL;
    mtl_customer *c1 = NULL, *c2 = NULL;
    if (mtl_segment_add(&s1, m, "s1") || mtl_segment_add(&s2, m, "s2") ||
        mtl_customer_add(&c1, m, "c1", s1) || mtl_customer_add(&c2, m, "c2", NULL) ||
        mtl_lead_add(NULL, m, "L1", c1) || mtl_lead_add(NULL, m, "L2", NULL))
        die("building the host market failed", m);
    return m;
}

static void export_inputs(const mtl_market *m, sink out[NINPUT])
{
    int k;
    for (k = 0; k < NINPUT; k++) {
        memset(&out[k], 0, sizeof out[k]);
        if (mtl_csv_export(m, input_kinds[k], 0, sink_write, &out[k]) != MTL_OK)
            die("export of an input kind failed", m);
    }
}

static void free_inputs(sink out[NINPUT])
{
    int k;
    for (k = 0; k < NINPUT; k++)
        free(out[k].p);
}

static void fuzz_inputs(const uint8_t *data, size_t size)
{
    int k, skip;
    for (k = 0; k < NINPUT; k++)
        for (skip = 0; skip <= 1; skip++) {
            mtl_market *m = host();
            sink before[NINPUT], after[NINPUT];
            mtl_csv_options o;
            mtl_csv_result r;
            mtl_status st;
            export_inputs(m, before);
            mtl_csv_options_init(&o, sizeof o);
            mtl_csv_result_init(&r, sizeof r);
            o.kind = input_kinds[k];
            o.skip_bad_rows = skip;
            st = mtl_csv_import(m, (const char *)data, size, &o, &r);
            cur_kind = o.kind;
            cur_skip = skip;
            cur_status = st;
            if (st < 0 || st >= MTL_STATUS_COUNT)
                die("unknown status", m);
            if (r.error_count < 0 || r.error_count > MTL_CSV_ERRORS_MAX ||
                r.imported + r.skipped > r.rows)
                die("inconsistent result counts", m);
            export_inputs(m, after);
            if (st != MTL_OK) {
                if (!same_exports(before, after, NINPUT))
                    die("a failed input import changed the inputs", m);
            } else {
                mtl_market *n = host();
                sink again[NINPUT];
                int j;
                if (!skip && r.skipped)
                    die("rows skipped in stop mode", m);
                if (r.imported + r.skipped != r.rows)
                    die("imported + skipped != rows", m);
                for (j = 0; j < NINPUT; j++) {
                    mtl_csv_options_init(&o, sizeof o);
                    o.kind = input_kinds[j];
                    if (mtl_csv_import(n, after[j].p ? after[j].p : "", after[j].n, &o,
                                       NULL) != MTL_OK)
                        die("re-import of an input export failed", n);
                }
                export_inputs(n, again);
                if (!same_exports(after, again, NINPUT))
                    die("export(import(export(x))) differs for an input kind", n);
                free_inputs(again);
                mtl_market_unref(n);
            }
            free_inputs(before);
            free_inputs(after);
            mtl_market_unref(m);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t kind, skip;
    for (kind = MTL_KIND_LEADS; kind <= MTL_KIND_SEGMENTS; kind++)
        for (skip = 0; skip <= 1; skip++) {
            mtl_market *m = fresh();
            mtl_csv_options o;
            mtl_csv_result r;
            mtl_status st;
            mtl_csv_options_init(&o, sizeof o);
            mtl_csv_result_init(&r, sizeof r);
            o.kind = kind;
            o.skip_bad_rows = skip;
            st = mtl_csv_import(m, (const char *)data, size, &o, &r);
            cur_kind = kind;
            cur_skip = skip;
            cur_status = st;
            if (st < 0 || st >= MTL_STATUS_COUNT)
                die("unknown status", m);
            if (r.error_count < 0 || r.error_count > MTL_CSV_ERRORS_MAX ||
                r.imported + r.skipped > r.rows)
                die("inconsistent result counts", m);
            if (st != MTL_OK) {
                if (mtl_market_lead_count(m) || mtl_market_customer_count(m) ||
                    mtl_market_segment_count(m))
                    die("a failed import left records behind", m);
            } else {
                size_t own = kind == MTL_KIND_LEADS       ? mtl_market_lead_count(m)
                             : kind == MTL_KIND_CUSTOMERS ? mtl_market_customer_count(m)
                                                          : mtl_market_segment_count(m);
                if (!skip && r.skipped)
                    die("rows skipped in stop mode", m);
                if (r.imported + r.skipped != r.rows)
                    die("imported + skipped != rows", m);
                if (own != r.imported ||
                    (kind == MTL_KIND_LEADS &&
                     mtl_market_customer_count(m) != r.customers_created) ||
                    (kind != MTL_KIND_SEGMENTS &&
                     mtl_market_segment_count(m) != r.segments_created))
                    die("the result's counts do not match the market", m);
                round_trip(m);
            }
            same_streamed(data, size, &o, m, &r, st);
            mtl_market_unref(m);
        }
    fuzz_inputs(data, size);
    return 0;
}
