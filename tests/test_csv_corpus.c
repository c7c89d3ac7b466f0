/*
 * test_csv_corpus.c: the malformed-CSV corpus (tests/csv_corpus/).
 *
 * Each file of the corpus is one malformed (or borderline) input; the file
 * expected.txt gives, for each, the status mtl_csv_import must return in
 * stop-at-first-error mode and the 1-based physical line and byte column
 * of the error, worked out from the bytes by the rules of docs/formats.md
 * (the comment above each line says how).  Every file is one cmocka test,
 * named after the file, that checks
 *   - the status, line and column, in the thread's error detail;
 *   - the message: "line L, column C: ..." for a positioned error, quoting
 *     at most 64 bytes of the input;
 *   - result->errors[0] and the thread's detail agree when an error was
 *     kept (that it is kept for header errors is test_csv.c's business);
 *   - the market is unchanged: same fingerprint, same counts, and the
 *     result reports nothing imported or created;
 *   - no leak, no allocator misuse (the market runs on the test allocator).
 * A last test checks that expected.txt and the directory list the same
 * files and that there are at least 40 of them.
 *
 * The corpus directory is argv[1] (tests/meson.build passes it), else the
 * environment variable MTL_CSV_CORPUS; without either the tests skip.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

#define MAX_CASES 256
#define MAX_PRE 8

typedef struct corpus_case {
    char file[128];
    mtl_status status;
    int64_t line, column;
    int32_t kind;
    int32_t separator;
    char field_map[256];
    char stage_map[256];
    int has_field_map, has_stage_map;
    int64_t minor;
    int strict;
    int64_t rows; /* -1: not checked */
    char pre_kind[MAX_PRE];   /* 'l', 'c', 's' */
    char pre_id[MAX_PRE][64];
    int npre;
    int lineno; /* in expected.txt */
} corpus_case;

static const char *corpus_dir;
static corpus_case cases[MAX_CASES];
static int ncases;
static char listing_problem[512];

static int status_by_name(const char *name, mtl_status *out)
{
    mtl_status s;
    for (s = 0; s < MTL_STATUS_COUNT; s++)
        if (strcmp(mtl_status_string(s), name) == 0) {
            *out = s;
            return 1;
        }
    return 0;
}

/* MTL_KIND_* by its name in expected.txt, -1 if none. */
static int32_t kind_by_name(const char *name)
{
    static const char *const names[] = {
        "leads",   "customers", "segments", "looks",         "factors", "appeals",
        "control_points", "pains", "contacts", "relationships", "answers"};
    int32_t k;
    for (k = 0; k < (int32_t)(sizeof names / sizeof names[0]); k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

/* Parse expected.txt; 0 with listing_problem set on a malformed line. */
static int load_expected(void)
{
    char path[4096], buf[2048];
    FILE *f;
    int lineno = 0;
    snprintf(path, sizeof path, "%s/expected.txt", corpus_dir);
    f = fopen(path, "r");
    if (!f) {
        snprintf(listing_problem, sizeof listing_problem, "cannot open %.400s", path);
        return 0;
    }
    while (fgets(buf, sizeof buf, f)) {
        corpus_case *c;
        char *tok, *save = NULL, *nl;
        lineno++;
        if ((nl = strchr(buf, '\n')))
            *nl = '\0';
        if (buf[0] == '#' || buf[0] == '\0')
            continue;
        if (ncases == MAX_CASES) {
            snprintf(listing_problem, sizeof listing_problem, "more than %d cases",
                     MAX_CASES);
            fclose(f);
            return 0;
        }
        c = &cases[ncases];
        memset(c, 0, sizeof *c);
        c->rows = -1;
        c->lineno = lineno;
        tok = strtok_r(buf, " ", &save);
        snprintf(c->file, sizeof c->file, "%s", tok);
        tok = strtok_r(NULL, " ", &save);
        if (!tok || !status_by_name(tok, &c->status))
            goto bad;
        tok = strtok_r(NULL, " ", &save);
        if (!tok)
            goto bad;
        c->line = strtoll(tok, NULL, 10);
        tok = strtok_r(NULL, " ", &save);
        if (!tok)
            goto bad;
        c->column = strtoll(tok, NULL, 10);
        while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
            if (strncmp(tok, "kind=", 5) == 0) {
                if ((c->kind = kind_by_name(tok + 5)) < 0)
                    goto bad;
            } else if (strcmp(tok, "sep=,") == 0)
                c->separator = ',';
            else if (strcmp(tok, "sep=;") == 0)
                c->separator = ';';
            else if (strcmp(tok, "sep=tab") == 0)
                c->separator = '\t';
            else if (strncmp(tok, "map=", 4) == 0) {
                snprintf(c->field_map, sizeof c->field_map, "%s", tok + 4);
                c->has_field_map = 1;
            } else if (strncmp(tok, "stages=", 7) == 0) {
                snprintf(c->stage_map, sizeof c->stage_map, "%s", tok + 7);
                c->has_stage_map = 1;
            } else if (strncmp(tok, "minor=", 6) == 0)
                c->minor = strtoll(tok + 6, NULL, 10);
            else if (strcmp(tok, "strict") == 0)
                c->strict = 1;
            else if (strncmp(tok, "rows=", 5) == 0)
                c->rows = strtoll(tok + 5, NULL, 10);
            else if ((strncmp(tok, "lead=", 5) == 0 || strncmp(tok, "customer=", 9) == 0 ||
                      strncmp(tok, "segment=", 8) == 0) &&
                     c->npre < MAX_PRE) {
                c->pre_kind[c->npre] = tok[0];
                snprintf(c->pre_id[c->npre], sizeof c->pre_id[0], "%s",
                         strchr(tok, '=') + 1);
                c->npre++;
            } else
                goto bad;
        }
        ncases++;
        continue;
    bad:
        snprintf(listing_problem, sizeof listing_problem,
                 "expected.txt line %d is malformed", lineno);
        fclose(f);
        return 0;
    }
    fclose(f);
    return 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        if (buf)
            *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

static void run_case(void **state)
{
    const corpus_case *c = *state;
    char path[4096];
    char *data;
    size_t len = 0, mem_before;
    test_alloc ta;
    mtl_market *m;
    mtl_csv_options o;
    mtl_csv_result r;
    mtl_status st;
    uint64_t fp_before;
    size_t nseg, ncust, nlead;
    int k;

    if (!corpus_dir)
        skip();
    if (snprintf(path, sizeof path, "%s/%s", corpus_dir, c->file) >= (int)sizeof path)
        fail_msg("path too long");
    data = read_file(path, &len);
    if (!data)
        fail_msg("%s: cannot read", path);

    m = test_market_new(&ta, c->minor, NULL);
    for (k = 0; k < c->npre; k++) {
        mtl_status ps = MTL_OK;
        if (c->pre_kind[k] == 'l')
            ps = mtl_lead_add(NULL, m, c->pre_id[k], NULL);
        else if (c->pre_kind[k] == 'c')
            ps = mtl_customer_add(NULL, m, c->pre_id[k], NULL);
        else
            ps = mtl_segment_add(NULL, m, c->pre_id[k]);
        if (ps != MTL_OK)
            test_note("%s: cannot add the pre-existing record %s", c->file, c->pre_id[k]);
    }
    fp_before = test_market_fingerprint(m);
    nseg = mtl_market_segment_count(m);
    ncust = mtl_market_customer_count(m);
    nlead = mtl_market_lead_count(m);
    mem_before = mtl_market_memory_used(m);
    (void)mem_before;

    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(&r, sizeof r);
    o.kind = c->kind;
    o.separator = c->separator;
    o.field_map = c->has_field_map ? c->field_map : NULL;
    o.stage_map = c->has_stage_map ? c->stage_map : NULL;
    o.strict = c->strict;
    st = mtl_csv_import(m, data, len, &o, &r);

    if (st != c->status)
        test_note("%s: status %s, expected %s (%s)", c->file, mtl_status_string(st),
                  mtl_status_string(c->status), mtl_last_error_message());
    if (c->status != MTL_OK) {
        const char *msg = mtl_last_error_message();
        if (mtl_last_error_status() != c->status)
            test_note("%s: mtl_last_error_status %s", c->file,
                      mtl_status_string(mtl_last_error_status()));
        if (mtl_last_error_line() != c->line || mtl_last_error_column() != c->column)
            test_note("%s: error at line %lld, column %lld; expected line %lld, "
                      "column %lld (%s)",
                      c->file, (long long)mtl_last_error_line(),
                      (long long)mtl_last_error_column(), (long long)c->line,
                      (long long)c->column, msg);
        if (c->line > 0) {
            char prefix[64];
            const char *q1, *q2;
            snprintf(prefix, sizeof prefix, "line %lld, column %lld: ", (long long)c->line,
                     (long long)c->column);
            if (strncmp(msg, prefix, strlen(prefix)) != 0)
                test_note("%s: message '%s' does not start with '%s'", c->file, msg, prefix);
            /* a quote of the input is at most 64 bytes */
            q1 = strchr(msg, '\'');
            q2 = q1 ? strrchr(msg, '\'') : NULL;
            if (q1 && q2 > q1 && (size_t)(q2 - q1 - 1) > 64)
                test_note("%s: the message quotes %zu bytes (at most 64)", c->file,
                          (size_t)(q2 - q1 - 1));
        }
        if (r.error_count > 0 &&
            (r.errors[0].status != mtl_last_error_status() ||
             r.errors[0].line != mtl_last_error_line() ||
             r.errors[0].column != mtl_last_error_column() ||
             strcmp(r.errors[0].message, msg) != 0))
            test_note("%s: result->errors[0] (%s %lld:%lld '%s') differs from the "
                      "thread's detail",
                      c->file, mtl_status_string(r.errors[0].status),
                      (long long)r.errors[0].line, (long long)r.errors[0].column,
                      r.errors[0].message);
        /* stop mode: the market is exactly as before */
        if (test_market_fingerprint(m) != fp_before)
            test_note("%s: the market changed", c->file);
        if (mtl_market_segment_count(m) != nseg || mtl_market_customer_count(m) != ncust ||
            mtl_market_lead_count(m) != nlead)
            test_note("%s: counts changed: %zu/%zu/%zu segments/customers/leads, "
                      "were %zu/%zu/%zu",
                      c->file, mtl_market_segment_count(m), mtl_market_customer_count(m),
                      mtl_market_lead_count(m), nseg, ncust, nlead);
        if (r.imported || r.customers_created || r.segments_created || r.skipped)
            test_note("%s: result says imported %llu, created %llu customers, "
                      "%llu segments, skipped %llu",
                      c->file, (unsigned long long)r.imported,
                      (unsigned long long)r.customers_created,
                      (unsigned long long)r.segments_created,
                      (unsigned long long)r.skipped);
    }
    if (c->rows >= 0 && r.rows != (uint64_t)c->rows)
        test_note("%s: rows %llu, expected %lld", c->file, (unsigned long long)r.rows,
                  (long long)c->rows);

    free(data);
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* expected.txt and the directory name the same files; at least 40. */
static void test_listing(void **state)
{
    DIR *d;
    struct dirent *e;
    int i, files = 0;
    (void)state;
    if (!corpus_dir)
        skip();
    if (listing_problem[0])
        fail_msg("%s", listing_problem);
    d = opendir(corpus_dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        int found = 0;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "expected.txt") == 0)
            continue;
        files++;
        for (i = 0; i < ncases; i++)
            if (strcmp(cases[i].file, e->d_name) == 0)
                found = 1;
        if (!found)
            test_note("%s is not listed in expected.txt", e->d_name);
    }
    closedir(d);
    for (i = 0; i < ncases; i++) {
        char path[4096];
        FILE *f;
        int j;
        if (snprintf(path, sizeof path, "%s/%s", corpus_dir, cases[i].file) >=
            (int)sizeof path)
            fail_msg("path too long");
        f = fopen(path, "rb");
        if (!f)
            test_note("expected.txt line %d: no file %s", cases[i].lineno, cases[i].file);
        else
            fclose(f);
        for (j = 0; j < i; j++)
            if (strcmp(cases[i].file, cases[j].file) == 0)
                test_note("%s is listed twice", cases[i].file);
    }
    if (files < 40)
        test_note("only %d corpus files (at least 40)", files);
    test_notes_assert_none();
}

int main(int argc, char **argv)
{
    static struct CMUnitTest tests[MAX_CASES + 1];
    int i, n = 0;
    corpus_dir = argc > 1 ? argv[1] : getenv("MTL_CSV_CORPUS");
    if (corpus_dir && *corpus_dir == '\0')
        corpus_dir = NULL;
    if (corpus_dir)
        load_expected();
    for (i = 0; i < ncases; i++) {
        tests[n].name = cases[i].file;
        tests[n].test_func = run_case;
        tests[n].setup_func = test_watchdog_setup;
        tests[n].teardown_func = test_watchdog_teardown;
        tests[n].initial_state = &cases[i];
        n++;
    }
    tests[n].name = "listing";
    tests[n].test_func = test_listing;
    tests[n].setup_func = test_watchdog_setup;
    tests[n].teardown_func = test_watchdog_teardown;
    tests[n].initial_state = NULL;
    n++;
    return _cmocka_run_group_tests("csv_corpus", tests, (size_t)n, NULL, NULL);
}
