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
    for (k = 0; k < 3; k++)
        if (first[k].n != second[k].n ||
            (first[k].n && memcmp(first[k].p, second[k].p, first[k].n) != 0))
            die("export(import(export(x))) differs from export(x)", n);
    free_all(first);
    free_all(second);
    mtl_market_unref(n);
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
            mtl_market_unref(m);
        }
    return 0;
}
