/*
 * test_csv.c: CSV import and export (io.h; docs/formats.md, "CSV import"
 * and "CSV export").  The malformed-input corpus has its own program
 * (test_csv_corpus.c); the fuzz harness is tests/fuzz/fuzz_csv.c.
 *
 * Public functions exercised here (io.h, CSV part):
 *   [x] mtl_csv_options_init  [x] mtl_csv_result_init  [x] mtl_csv_import
 *   [x] mtl_csv_import_file   [x] mtl_csv_export       [x] mtl_csv_export_file
 *
 * Groups:
 *   1. arguments and versions
 *   2. real data from ../shared/data (skipped when absent)
 *   3. skip-bad-rows mode
 *   4. the text format: aliases, vocabularies, numbers, dates, quoting,
 *      separators, BOM, CRLF, Chinese headers
 *   5. export: exact output, random round trips, files
 *   6. stop mode: records created for the import are dropped on failure
 *   7. failing-allocator sweeps
 * Tests named ..._bug pin a library bug (the comment says what the
 * right behaviour is); they fail until the library is fixed.  Tests whose
 * comment says "was a bug" pinned one that has been fixed since.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

/* ---- helpers ----------------------------------------------------------- */

/* An export sink (tests/support: test_sink). */
typedef test_sink sink;
#define sink_write test_sink_write

/* Export one kind; returns a malloc'd NUL-terminated text. */
static char *export_text(const mtl_market *m, int32_t kind, int32_t sep, size_t *len)
{
    sink s = {NULL, 0, 0, -1, 0};
    mtl_status st = mtl_csv_export(m, kind, sep, sink_write, &s);
    if (st != MTL_OK)
        fail_msg("export kind %d: %s %s", (int)kind, mtl_status_string(st),
                 mtl_last_error_message());
    if (!s.p) {
        s.p = malloc(1);
        assert_non_null(s.p);
        s.p[0] = '\0';
    }
    if (len)
        *len = s.n;
    return s.p;
}

typedef struct {
    int32_t kind;
    int32_t separator;
    const char *field_map;
    const char *stage_map;
    int32_t skip;
    int32_t strict;
} imp_opts;

static mtl_status import_with(mtl_market *m, const char *text, size_t len,
                              const imp_opts *io, mtl_csv_result *r)
{
    mtl_csv_options o;
    assert_int_equal(mtl_csv_options_init(&o, sizeof o), MTL_OK);
    if (r)
        assert_int_equal(mtl_csv_result_init(r, sizeof *r), MTL_OK);
    if (io) {
        o.kind = io->kind;
        o.separator = io->separator;
        o.field_map = io->field_map;
        o.stage_map = io->stage_map;
        o.skip_bad_rows = io->skip;
        o.strict = io->strict;
    }
    return mtl_csv_import(m, text, len, &o, r);
}

static mtl_status import_kind(mtl_market *m, const char *text, int32_t kind,
                              mtl_csv_result *r)
{
    imp_opts io = {kind, 0, NULL, NULL, 0, 0};
    return import_with(m, text, strlen(text), &io, r);
}

static mtl_status import_leads(mtl_market *m, const char *text, mtl_csv_result *r)
{
    return import_kind(m, text, MTL_KIND_LEADS, r);
}

static mtl_status import_skip(mtl_market *m, const char *text, int32_t kind,
                              mtl_csv_result *r)
{
    imp_opts io = {kind, 0, NULL, NULL, 1, 0};
    return import_with(m, text, strlen(text), &io, r);
}

/* Import that must succeed. */
#define IMPORT_OK(m, text)                                                     \
    do {                                                                       \
        mtl_status st_ = import_leads((m), (text), NULL);                      \
        if (st_ != MTL_OK)                                                     \
            fail_msg("import: %s %s", mtl_status_string(st_),                  \
                     mtl_last_error_message());                                \
    } while (0)

static int32_t day(const char *ymd)
{
    int32_t d = 0;
    assert_int_equal(mtl_date_parse(&d, ymd, strlen(ymd)), MTL_OK);
    return d;
}

static mtl_lead *lead(const mtl_market *m, const char *id)
{
    mtl_lead *l = mtl_lead_find(m, id);
    if (!l)
        fail_msg("no lead '%s'", id);
    return l;
}

static const char *cust_id(const mtl_lead *l)
{
    const mtl_customer *c = mtl_lead_customer(l);
    return c ? mtl_customer_id(c) : NULL;
}

static const char *seg_id(const mtl_lead *l)
{
    const mtl_segment *s = mtl_lead_segment(l);
    return s ? mtl_segment_id(s) : NULL;
}

static void expect_error(const mtl_csv_result *r, int k, mtl_status st, int64_t line,
                         int64_t column)
{
    if (k >= r->error_count)
        fail_msg("error %d of %d kept", k, r->error_count);
    if (r->errors[k].status != st || r->errors[k].line != line ||
        r->errors[k].column != column)
        fail_msg("errors[%d] = %s %lld:%lld (%s), expected %s %lld:%lld", k,
                 mtl_status_string(r->errors[k].status), (long long)r->errors[k].line,
                 (long long)r->errors[k].column, r->errors[k].message,
                 mtl_status_string(st), (long long)line, (long long)column);
}

static void expect_last_error(mtl_status got, mtl_status st, int64_t line, int64_t column)
{
    if (got != st || mtl_last_error_status() != st || mtl_last_error_line() != line ||
        mtl_last_error_column() != column)
        fail_msg("got %s at %lld:%lld (%s), expected %s at %lld:%lld",
                 mtl_status_string(got), (long long)mtl_last_error_line(),
                 (long long)mtl_last_error_column(), mtl_last_error_message(),
                 mtl_status_string(st), (long long)line, (long long)column);
}

/* ---- 1. arguments and versions ------------------------------------------ */

static void test_options_and_result_init(void **state)
{
    mtl_csv_options o;
    mtl_csv_result r;
    (void)state;
    memset(&o, 0xAB, sizeof o);
    assert_int_equal(mtl_csv_options_init(&o, sizeof o), MTL_OK);
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.kind, MTL_KIND_LEADS);
    assert_int_equal(o.separator, 0);
    assert_null(o.field_map);
    assert_null(o.stage_map);
    assert_int_equal(o.skip_bad_rows, 0);
    assert_int_equal(o.strict, 0);
    assert_null(o.progress);
    assert_int_equal(mtl_csv_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    memset(&r, 0xAB, sizeof r);
    assert_int_equal(mtl_csv_result_init(&r, sizeof r), MTL_OK);
    assert_int_equal(r.struct_size, sizeof r);
    assert_int_equal(r.rows, 0);
    assert_int_equal(r.error_count, 0);
    assert_int_equal(mtl_csv_result_init(NULL, sizeof r), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_result_init(&r, 8), MTL_E_VERSION);
}

static void test_import_arguments(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_options o;
    mtl_csv_result r;
    uint64_t fp = test_market_fingerprint(m);
    (void)state;
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(&r, sizeof r);
    assert_int_equal(mtl_csv_import(NULL, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_import(m, NULL, 5, &o, &r), MTL_E_INVALID_ARGUMENT);
    /* NULL data of length 0 is the empty input */
    expect_last_error(mtl_csv_import(m, NULL, 0, &o, &r), MTL_E_PARSE, 1, 1);
    /* versions */
    r.struct_size = 0;
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_VERSION);
    mtl_csv_result_init(&r, sizeof r);
    o.struct_size = sizeof o - 1;
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_VERSION);
    mtl_csv_options_init(&o, sizeof o);
    /* kind and separator */
    o.kind = MTL_KIND_ANSWERS + 1;
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_RANGE);
    o.kind = -1;
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_RANGE);
    o.kind = MTL_KIND_LEADS;
    o.separator = '|';
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_RANGE);
    o.separator = 0;
    /* malformed maps: argument errors without a position */
    o.field_map = "opportunity_id";
    expect_last_error(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT, 0, 0);
    o.field_map = "=id";
    expect_last_error(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT, 0, 0);
    o.field_map = "x=";
    expect_last_error(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT, 0, 0);
    o.field_map = NULL;
    o.stage_map = "Won=P9";
    expect_last_error(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT, 0, 0);
    o.stage_map = "Won";
    expect_last_error(mtl_csv_import(m, "id\na\n", 5, &o, &r), MTL_E_INVALID_ARGUMENT, 0, 0);
    o.stage_map = NULL;
    /* result NULL and options NULL are fine */
    assert_int_equal(mtl_csv_import(m, "id\na\n", 5, NULL, NULL), MTL_OK);
    assert_non_null(mtl_lead_find(m, "a"));
    assert_true(test_market_fingerprint(m) != fp);
    /* files */
    assert_int_equal(mtl_csv_import_file(NULL, "x", NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_import_file(m, NULL, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_import_file(m, "/nonexistent/dir/leads.csv", NULL, NULL),
                     MTL_E_IO);
    test_market_free(m, &ta);
}

/* The field map naming a field that does not exist (or one of another
 * kind) must be MTL_E_INVALID_ARGUMENT.  Run in a child process: the
 * library used to crash here (read_header() freed the parsed field map and
 * then read fmap.e[k].to for the message, a NULL dereference; fixed in
 * 61a50e6), and a crash must stay one failed test. */
static int child_import_status(const char *data, const char *field_map, int32_t kind)
{
    pid_t pid;
    int wst = 0;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        mtl_market *m = NULL;
        mtl_csv_options o;
        mtl_status st;
        /* die of the signal: cmocka's handlers would resume its runner here */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
        alarm(0);
        if (mtl_market_create(&m, NULL) != MTL_OK)
            _exit(100);
        mtl_csv_options_init(&o, sizeof o);
        o.kind = kind;
        o.field_map = field_map;
        st = mtl_csv_import(m, data, strlen(data), &o, NULL);
        mtl_market_unref(m);
        _exit((int)st);
    }
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    if (WIFSIGNALED(wst))
        return -WTERMSIG(wst);
    if (WIFEXITED(wst))
        return WEXITSTATUS(wst);
    return -1000;
}

/* A map name or value longer than the map keeps is MTL_E_LIMIT naming
 * which side, not "not NAME=VALUE". */
static void test_map_name_too_long(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    imp_opts io;
    char map[400], stages[200];
    (void)state;
    memset(&io, 0, sizeof io);
    memset(map, 'x', 200);
    strcpy(map + 200, "=id");
    io.field_map = map;
    assert_int_equal(import_with(m, "id\na\n", 5, &io, NULL), MTL_E_LIMIT);
    assert_non_null(strstr(mtl_last_error_message(), "the name of"));
    assert_non_null(strstr(mtl_last_error_message(), "127 bytes"));
    io.field_map = NULL;
    strcpy(stages, "Won=");
    memset(stages + 4, 'y', 100);
    stages[104] = '\0';
    io.stage_map = stages;
    assert_int_equal(import_with(m, "id\na\n", 5, &io, NULL), MTL_E_LIMIT);
    assert_non_null(strstr(mtl_last_error_message(), "the value of"));
    assert_int_equal(mtl_market_lead_count(m), 0);
    test_market_free(m, &ta);
}

static void test_field_map_unknown_field(void **state)
{
    int got1, got2, got3;
    (void)state;
    got1 = child_import_status("id,x\na,1\n", "x=nosuch", MTL_KIND_LEADS);
    got2 = child_import_status("id,turnover\na,1\n", "turnover=revenue", MTL_KIND_LEADS);
    got3 = child_import_status("id,p\na,b\n", "p=parent", MTL_KIND_CUSTOMERS);
    if (got1 != MTL_E_INVALID_ARGUMENT || got2 != MTL_E_INVALID_ARGUMENT ||
        got3 != MTL_E_INVALID_ARGUMENT)
        fail_msg("field map to an unknown / other-kind field: child results %d, %d, %d "
                 "(negative = killed by that signal); expected %d "
                 "(MTL_E_INVALID_ARGUMENT) each",
                 got1, got2, got3, MTL_E_INVALID_ARGUMENT);
}

/* ---- 2. real data ------------------------------------------------------- */

static const char *data_path(const char *rel, char *buf, size_t cap)
{
    const char *root = getenv("MTL_SHARED_DATA");
    if (!root || !*root)
        return NULL;
    snprintf(buf, cap, "%s/%s", root, rel);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

#define NEED_DATA(rel, buf)                                                    \
    do {                                                                       \
        if (!data_path(rel, buf, sizeof buf)) {                                \
            print_message("skipped: %s not found (MTL_SHARED_DATA=%s)\n", rel, \
                          getenv("MTL_SHARED_DATA") ? getenv("MTL_SHARED_DATA") \
                                                    : "(unset)");              \
            skip();                                                            \
        }                                                                      \
    } while (0)

static const char *const pipeline_map =
    "opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,"
    "engage_date=created,close_date=closed,close_value=amount";
static const char *const pipeline_stages = "Prospecting=P1,Engaging=P3,Won=won,Lost=lost";

typedef struct {
    int calls;
    uint64_t last_done, total;
    int monotone;
} progress_log;

static void on_progress(uint64_t done, uint64_t total, void *user_data)
{
    progress_log *p = user_data;
    if (p->calls && done < p->last_done)
        p->monotone = 0;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

static mtl_status import_pipeline(mtl_market *m, const char *path, mtl_csv_result *r,
                                  progress_log *pl)
{
    mtl_csv_options o;
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(r, sizeof *r);
    o.field_map = pipeline_map;
    o.stage_map = pipeline_stages;
    if (pl) {
        o.progress = on_progress;
        o.progress_user_data = pl;
    }
    return mtl_csv_import_file(m, path, &o, r);
}

static void test_real_sales_pipeline(void **state)
{
    char path[4096];
    test_alloc ta;
    mtl_market *m;
    mtl_csv_result r;
    progress_log pl = {0, 0, 0, 1};
    mtl_lead *l;
    size_t won = 0, lost = 0, open = 0, no_customer = 0, with_product = 0;
    size_t at_stage[8] = {0};
    int64_t won_amount = 0;
    const char *owners[64];
    size_t nowners = 0, k;
    mtl_status st;
    (void)state;
    NEED_DATA("crm-sales-opportunities/sales_pipeline.csv", path);
    m = test_market_new(&ta, 0, NULL);
    st = import_pipeline(m, path, &r, &pl);
    if (st != MTL_OK)
        fail_msg("%s", mtl_last_error_message());
    assert_int_equal(r.rows, 8800);
    assert_int_equal(r.imported, 8800);
    assert_int_equal(r.skipped, 0);
    assert_int_equal(r.error_count, 0);
    assert_int_equal(r.customers_created, 85);
    assert_int_equal(r.segments_created, 0);
    assert_int_equal(r.separator, ',');
    assert_int_equal(mtl_market_lead_count(m), 8800);
    assert_int_equal(mtl_market_customer_count(m), 85);
    assert_int_equal(mtl_market_segment_count(m), 0);
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l)) {
        int32_t o = mtl_lead_outcome(l);
        const char *owner = mtl_lead_owner(l);
        won += o == MTL_OUTCOME_WON;
        lost += o == MTL_OUTCOME_LOST;
        open += o == MTL_OUTCOME_OPEN;
        if (o == MTL_OUTCOME_WON)
            won_amount += mtl_lead_amount(l);
        at_stage[mtl_lead_stage(l)]++;
        no_customer += mtl_lead_customer(l) == NULL;
        with_product += mtl_lead_attribute(l, "product") != NULL;
        assert_int_equal(mtl_lead_attribute_count(l), 1);
        for (k = 0; k < nowners && strcmp(owners[k], owner) != 0; k++)
            ;
        if (k == nowners && nowners < 64)
            owners[nowners++] = owner;
    }
    assert_int_equal(won, 4238);
    assert_int_equal(lost, 2473);
    assert_int_equal(open, 2089);
    assert_int_equal(won_amount, 1000553400); /* 10,005,534 major units */
    /* Won -> the won-flagged P7; Lost -> stage 0 (no lost-flagged stage) */
    assert_int_equal(at_stage[7], 4238);
    assert_int_equal(at_stage[0], 2473);
    assert_int_equal(at_stage[1], 500);  /* Prospecting */
    assert_int_equal(at_stage[3], 1589); /* Engaging */
    assert_int_equal(no_customer, 1425);
    assert_int_equal(with_product, 8800);
    assert_int_equal(nowners, 30);
    /* the first row, in file (= iteration) order */
    l = mtl_lead_next(m, NULL);
    assert_string_equal(mtl_lead_id(l), "1C1I7A6R");
    assert_string_equal(cust_id(l), "Cancity");
    assert_string_equal(mtl_lead_owner(l), "Moses Frase");
    assert_int_equal(mtl_lead_stage(l), 7);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    assert_int_equal(mtl_lead_amount(l), 105400);
    assert_int_equal(mtl_lead_created(l), day("2016-10-20"));
    assert_int_equal(mtl_lead_closed(l), day("2017-03-01"));
    assert_int_equal(mtl_lead_expected_close(l), MTL_DATE_NONE);
    assert_true(mtl_lead_probability(l) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_category(l), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_lead_status(l), MTL_LEAD_STATUS_NEW);
    assert_string_equal(mtl_lead_attribute(l, "product"), "GTX Plus Basic");
    /* the last row: Prospecting, no account, no dates, no value */
    l = lead(m, "8I5ONXJX");
    assert_null(mtl_lead_customer(l));
    assert_string_equal(mtl_lead_owner(l), "Versie Hillebrand");
    assert_int_equal(mtl_lead_stage(l), 1);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    assert_int_equal(mtl_lead_amount(l), 0);
    assert_int_equal(mtl_lead_created(l), MTL_DATE_NONE);
    assert_string_equal(mtl_lead_attribute(l, "product"), "MG Advanced");
    l = lead(m, "Z063OYW0");
    assert_int_equal(mtl_lead_amount(l), 451400);
    assert_string_equal(cust_id(l), "Isdom");
    /* progress: about a hundred calls, in order, on the file's length */
    assert_true(pl.calls >= 50 && pl.calls <= 101);
    assert_true(pl.monotone);
    assert_int_equal(pl.total, 637773);
    assert_true(pl.last_done <= pl.total);
    test_market_free(m, &ta);
}

static mtl_status import_accounts(mtl_market *m, const char *path, mtl_csv_result *r)
{
    mtl_csv_options o;
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(r, sizeof *r);
    o.kind = MTL_KIND_CUSTOMERS;
    o.field_map = "account=id,sector=segment";
    return mtl_csv_import_file(m, path, &o, r);
}

static void test_real_accounts(void **state)
{
    char path[4096];
    test_alloc ta;
    mtl_market *m;
    mtl_csv_result r;
    mtl_customer *c;
    int64_t revenue = 0;
    size_t retail = 0;
    (void)state;
    NEED_DATA("crm-sales-opportunities/accounts.csv", path);
    m = test_market_new(&ta, 0, NULL);
    if (import_accounts(m, path, &r) != MTL_OK)
        fail_msg("%s", mtl_last_error_message());
    assert_int_equal(r.rows, 85);
    assert_int_equal(r.imported, 85);
    assert_int_equal(r.segments_created, 10);
    assert_int_equal(r.customers_created, 0);
    assert_int_equal(mtl_market_customer_count(m), 85);
    assert_int_equal(mtl_market_segment_count(m), 10);
    c = mtl_customer_find(m, "Acme Corporation");
    assert_non_null(c);
    assert_int_equal(mtl_customer_revenue(c), 110004); /* 1100.04 */
    assert_string_equal(mtl_segment_id(mtl_customer_segment(c)), "technolgy");
    assert_string_equal(mtl_customer_name(c), "");
    assert_string_equal(mtl_customer_region(c), ""); /* office_location is no alias */
    assert_int_equal(mtl_customer_investment(c), 0);
    assert_int_equal(mtl_customer_grade(c), MTL_GRADE_NONE);
    c = mtl_customer_find(m, "Kan-code");
    assert_non_null(c);
    assert_int_equal(mtl_customer_revenue(c), 1169803); /* 11698.03 */
    assert_string_equal(mtl_segment_id(mtl_customer_segment(c)), "software");
    for (c = mtl_customer_next(m, NULL); c; c = mtl_customer_next(m, c)) {
        revenue += mtl_customer_revenue(c);
        retail += strcmp(mtl_segment_id(mtl_customer_segment(c)), "retail") == 0;
    }
    assert_int_equal(revenue, 16954380); /* 169,543.80 */
    assert_int_equal(retail, 17);
    test_market_free(m, &ta);
}

static void test_real_accounts_then_pipeline(void **state)
{
    char acc[4096], pip[4096];
    test_alloc ta;
    mtl_market *m;
    mtl_csv_result r;
    mtl_lead *l;
    size_t retail = 0, no_segment = 0;
    int64_t retail_won = 0;
    (void)state;
    NEED_DATA("crm-sales-opportunities/accounts.csv", acc);
    NEED_DATA("crm-sales-opportunities/sales_pipeline.csv", pip);
    m = test_market_new(&ta, 0, NULL);
    assert_int_equal(import_accounts(m, acc, &r), MTL_OK);
    if (import_pipeline(m, pip, &r, NULL) != MTL_OK)
        fail_msg("%s", mtl_last_error_message());
    /* every pipeline account is in accounts.csv: none created */
    assert_int_equal(r.customers_created, 0);
    assert_int_equal(r.segments_created, 0);
    assert_int_equal(r.imported, 8800);
    assert_int_equal(mtl_market_customer_count(m), 85);
    assert_int_equal(mtl_market_segment_count(m), 10);
    l = lead(m, "1C1I7A6R");
    assert_ptr_equal(mtl_lead_customer(l), mtl_customer_find(m, "Cancity"));
    assert_string_equal(seg_id(l), "retail"); /* the customer's segment */
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l)) {
        const char *s = seg_id(l);
        if (!s)
            no_segment++;
        else if (strcmp(s, "retail") == 0) {
            retail++;
            if (mtl_lead_outcome(l) == MTL_OUTCOME_WON)
                retail_won += mtl_lead_amount(l);
        }
    }
    assert_int_equal(no_segment, 1425);
    assert_int_equal(retail, 1397);
    assert_int_equal(retail_won, 186752800);
    test_market_free(m, &ta);
}

static void test_real_bank_marketing(void **state)
{
    static const char *const keys[16] = {
        "age", "job", "marital", "education", "default", "balance", "housing", "loan",
        "contact", "day", "month", "duration", "campaign", "pdays", "previous",
        "poutcome"};
    static const char *const first[16] = {
        "58", "management", "married", "tertiary", "no", "2143", "yes", "no",
        "unknown", "5", "may", "261", "1", "-1", "0", "unknown"};
    static const char *const last[16] = {
        "37", "entrepreneur", "married", "secondary", "no", "2971", "no", "no",
        "cellular", "17", "nov", "361", "2", "188", "11", "other"};
    char path[4096], id[32];
    test_alloc ta;
    mtl_market *m;
    mtl_csv_options o;
    mtl_csv_result r;
    mtl_lead *l;
    size_t won = 0, lost = 0, n = 0, k;
    int bad_ids = 0, bad_attrs = 0;
    (void)state;
    NEED_DATA("bank-marketing/bank-full.csv", path);
    m = test_market_new(&ta, 0, NULL);
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(&r, sizeof r);
    o.field_map = "y=outcome";
    if (mtl_csv_import_file(m, path, &o, &r) != MTL_OK)
        fail_msg("%s", mtl_last_error_message());
    assert_int_equal(r.separator, ';');
    assert_int_equal(r.rows, 45211);
    assert_int_equal(r.imported, 45211);
    assert_int_equal(mtl_market_lead_count(m), 45211);
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l)) {
        n++;
        snprintf(id, sizeof id, "%zu", n);
        bad_ids += strcmp(mtl_lead_id(l), id) != 0; /* generated: the data row number */
        bad_attrs += mtl_lead_attribute_count(l) != 16;
        won += mtl_lead_outcome(l) == MTL_OUTCOME_WON;
        lost += mtl_lead_outcome(l) == MTL_OUTCOME_LOST;
    }
    assert_int_equal(bad_ids, 0);
    assert_int_equal(bad_attrs, 0);
    assert_int_equal(won, 5289);
    assert_int_equal(lost, 39922);
    assert_null(mtl_lead_find(m, "0"));
    assert_null(mtl_lead_find(m, "45212"));
    l = lead(m, "1");
    for (k = 0; k < 16; k++)
        assert_string_equal(mtl_lead_attribute(l, keys[k]), first[k]);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    assert_int_equal(mtl_lead_stage(l), 0);
    l = lead(m, "45211");
    for (k = 0; k < 16; k++)
        assert_string_equal(mtl_lead_attribute(l, keys[k]), last[k]);
    test_market_free(m, &ta);
}

/* ---- 3. skip-bad-rows ------------------------------------------------------ */

static void test_skip_three_bad_of_ten(void **state)
{
    /* lines: 1 header; data rows on lines 2-11 */
    static const char text[] = "id,amount,created\n"
                               "r1,1,2023-01-01\n" /* 2 */
                               "r2,x,\n"           /* 3: amount at byte 4 */
                               "r3,3,\n"
                               "r4,4,2023-02-30\n" /* 5: date at byte 6 */
                               "r5,5,\n"
                               "r6,6,\n"
                               "r7,7,\n"
                               "r8,-8,\n" /* 9: amount at byte 4 */
                               "r9,9,\n"
                               "r10,10,2024-02-29\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(import_skip(m, text, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.rows, 10);
    assert_int_equal(r.imported, 7);
    assert_int_equal(r.skipped, 3);
    assert_int_equal(r.error_count, 3);
    expect_error(&r, 0, MTL_E_PARSE, 3, 4);
    expect_error(&r, 1, MTL_E_RANGE, 5, 6);
    expect_error(&r, 2, MTL_E_RANGE, 9, 4);
    assert_non_null(strstr(r.errors[0].message, "'x'"));
    assert_non_null(strstr(r.errors[1].message, "'2023-02-30'"));
    assert_int_equal(mtl_market_lead_count(m), 7);
    assert_null(mtl_lead_find(m, "r2"));
    assert_null(mtl_lead_find(m, "r4"));
    assert_null(mtl_lead_find(m, "r8"));
    assert_int_equal(mtl_lead_amount(lead(m, "r10")), 1000);
    assert_int_equal(mtl_lead_created(lead(m, "r10")), day("2024-02-29"));
    assert_int_equal(mtl_lead_created(lead(m, "r1")), day("2023-01-01"));
    /* the same file in stop mode: the first bad row, nothing added */
    {
        test_alloc tb;
        mtl_market *n = test_market_new(&tb, 0, NULL);
        uint64_t fp = test_market_fingerprint(n);
        expect_last_error(import_leads(n, text, &r), MTL_E_PARSE, 3, 4);
        assert_int_equal(r.error_count, 1);
        assert_int_equal(r.imported, 0);
        assert_int_equal(test_market_fingerprint(n), fp);
        test_market_free(n, &tb);
    }
    test_market_free(m, &ta);
}

static void test_skip_duplicate_ids(void **state)
{
    static const char text[] = "id,owner\n"
                               "a,first\n"  /* 2 */
                               "b,x\n"      /* 3 */
                               "a,second\n" /* 4: id given twice */
                               "old,y\n"    /* 5: in the market already */
                               "c,z\n";     /* 6 */
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(mtl_lead_add(NULL, m, "old", NULL), MTL_OK);
    assert_int_equal(import_skip(m, text, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.rows, 5);
    assert_int_equal(r.imported, 3);
    assert_int_equal(r.skipped, 2);
    assert_int_equal(r.error_count, 2);
    expect_error(&r, 0, MTL_E_DUPLICATE, 4, 1);
    expect_error(&r, 1, MTL_E_DUPLICATE, 5, 1);
    assert_string_equal(mtl_lead_owner(lead(m, "a")), "first");
    assert_string_equal(mtl_lead_owner(lead(m, "old")), ""); /* untouched */
    assert_int_equal(mtl_market_lead_count(m), 4);
    test_market_free(m, &ta);
}

static void test_skip_more_than_16_errors(void **state)
{
    /* 25 rows on lines 2-26; row i is good when i % 5 == 0, else its
     * amount is bad: 20 bad rows, 5 good */
    char text[4096];
    size_t off = 0;
    int i;
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    off += (size_t)snprintf(text + off, sizeof text - off, "id,amount\n");
    for (i = 0; i < 25; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "row%02d,%s\n", i,
                                i % 5 == 0 ? "1.5" : "bad");
    assert_int_equal(import_skip(m, text, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.rows, 25);
    assert_int_equal(r.imported, 5);
    assert_int_equal(r.skipped, 20);
    assert_int_equal(r.error_count, MTL_CSV_ERRORS_MAX);
    assert_int_equal(MTL_CSV_ERRORS_MAX, 16);
    expect_error(&r, 0, MTL_E_PARSE, 3, 7);   /* row 1 */
    expect_error(&r, 4, MTL_E_PARSE, 8, 7);   /* row 6 */
    expect_error(&r, 15, MTL_E_PARSE, 21, 7); /* row 19, the 16th bad one */
    assert_int_equal(mtl_market_lead_count(m), 5);
    assert_int_equal(mtl_lead_amount(lead(m, "row20")), 150);
    test_market_free(m, &ta);
}

static void test_skip_generated_ids_count_bad_rows(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    /* no id column: the id is the data row number, bad rows included */
    assert_int_equal(import_skip(m, "owner,amount\na,1\nb,x\n\nc,3\n", MTL_KIND_LEADS, &r),
                     MTL_OK);
    assert_int_equal(r.imported, 2);
    expect_error(&r, 0, MTL_E_PARSE, 3, 3);
    assert_string_equal(mtl_lead_owner(lead(m, "1")), "a");
    assert_null(mtl_lead_find(m, "2"));
    assert_string_equal(mtl_lead_owner(lead(m, "3")), "c"); /* the empty line is no row */
    test_market_free(m, &ta);
}

static void test_skip_creates_records_of_kept_rows_only(void **state)
{
    static const char text[] = "id,customer,segment,amount\n"
                               "l1,c1,s1,1\n"
                               "l2,c2,s2,bad\n" /* refused: c2 and s2 are not made */
                               "l3,c3,s1,3\n"
                               "l4,c1,,4\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(import_skip(m, text, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.imported, 3);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.customers_created, 2);
    assert_int_equal(r.segments_created, 1);
    assert_non_null(mtl_customer_find(m, "c1"));
    assert_null(mtl_customer_find(m, "c2"));
    assert_non_null(mtl_customer_find(m, "c3"));
    assert_null(mtl_segment_find(m, "s2"));
    assert_string_equal(seg_id(lead(m, "l3")), "s1");
    assert_null(seg_id(lead(m, "l4"))); /* c1 made without a segment */
    test_market_free(m, &ta);
}

static void test_skip_customers(void **state)
{
    static const char text[] = "id,revenue,grade\n"
                               "c1,10,strategic\n"
                               "c2,x,\n"     /* 3: revenue at byte 4 */
                               "c1,3,\n"     /* 4: c1 again */
                               "c3,1.5,gold\n" /* 5: grade at byte 8 */
                               "c4,2,一般\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(import_skip(m, text, MTL_KIND_CUSTOMERS, &r), MTL_OK);
    assert_int_equal(r.rows, 5);
    assert_int_equal(r.imported, 2);
    assert_int_equal(r.skipped, 3);
    expect_error(&r, 0, MTL_E_PARSE, 3, 4);
    expect_error(&r, 1, MTL_E_DUPLICATE, 4, 1);
    expect_error(&r, 2, MTL_E_PARSE, 5, 8);
    assert_int_equal(mtl_customer_revenue(mtl_customer_find(m, "c1")), 1000);
    assert_int_equal(mtl_customer_grade(mtl_customer_find(m, "c4")), MTL_GRADE_GENERAL);
    assert_int_equal(mtl_market_customer_count(m), 2);
    test_market_free(m, &ta);
}

/* After an error inside a quoted field that spans lines, skip mode must
 * resume with physical line numbers: the first file below has 4 lines and
 * its last bad row is line 4.  (The library used to resume after the
 * opening quote's line having counted the lines the quoted field scanned,
 * reporting lines 5 and beyond; fixed in 61a50e6.) */
static void test_skip_line_numbers_after_quoted_error(void **state)
{
    static const char text1[] = "id,owner,amount\n" /* 1 */
                                "a,\"x\n"            /* 2 */
                                "y\0\",1\n"          /* 3: NUL at byte 2 */
                                "b,c,zz\n";          /* 4: amount at byte 5 */
    static const char text2[] = "id,amount\n" /* 1 */
                                "a,\"x\n"      /* 2: never closed (byte 3) */
                                "b,zz\n";      /* 3 */
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    imp_opts io = {MTL_KIND_LEADS, 0, NULL, NULL, 1, 0};
    mtl_csv_result r;
    int k;
    (void)state;
    assert_int_equal(import_with(m, text1, sizeof text1 - 1, &io, &r), MTL_OK);
    expect_error(&r, 0, MTL_E_PARSE, 3, 2);
    for (k = 0; k < r.error_count; k++)
        if (r.errors[k].line > 4)
            test_note("file 1: errors[%d] is on line %lld of a 4-line file (%s)", k,
                      (long long)r.errors[k].line, r.errors[k].message);
    if (r.error_count != 2 || r.errors[r.error_count - 1].line != 4 ||
        r.errors[r.error_count - 1].column != 5)
        test_note("file 1: %d errors, the last at %lld:%lld; expected 2, the last at 4:5",
                  r.error_count, (long long)r.errors[r.error_count - 1].line,
                  (long long)r.errors[r.error_count - 1].column);
    assert_int_equal(import_with(m, text2, sizeof text2 - 1, &io, &r), MTL_OK);
    expect_error(&r, 0, MTL_E_PARSE, 2, 3);
    for (k = 0; k < r.error_count; k++)
        if (r.errors[k].line > 3)
            test_note("file 2: errors[%d] is on line %lld of a 3-line file (%s)", k,
                      (long long)r.errors[k].line, r.errors[k].message);
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Skip mode, a malformed-CSV error on the last line: the row is skipped and
 * the import succeeds.  (Was a bug found by the fuzz harness's oracle on
 * the seed corpus, fixed in 12e7b33: the error status was left set when
 * the reader reached the end, so a customers import returned MTL_E_PARSE,
 * reported imported 0, and kept the rows it had added.) */
static void test_skip_reader_error_on_last_line(void **state)
{
    static const char text[] = "id,owner\na,b\nc,d\"\n"; /* line 3: quote at byte 4 */
    int32_t kind;
    (void)state;
    for (kind = MTL_KIND_LEADS; kind <= MTL_KIND_SEGMENTS; kind++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_csv_result r;
        mtl_status st = import_skip(m, text, kind, &r);
        size_t added = kind == MTL_KIND_LEADS       ? mtl_market_lead_count(m)
                       : kind == MTL_KIND_CUSTOMERS ? mtl_market_customer_count(m)
                                                    : mtl_market_segment_count(m);
        if (st != MTL_OK || r.imported != 1 || r.skipped != 1 || added != 1)
            test_note("kind %d: %s, imported %llu, skipped %llu, %zu records in the "
                      "market; expected MTL_OK, 1, 1, 1",
                      (int)kind, mtl_status_string(st), (unsigned long long)r.imported,
                      (unsigned long long)r.skipped, added);
        if (r.error_count >= 1)
            expect_error(&r, 0, MTL_E_PARSE, 3, 4);
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* Skip mode: a row refused for its id (given twice, or already in the
 * market) leaves nothing behind, in particular not its customer.  (Was a
 * bug of 1f55b8a, fixed in 12e7b33: the refused row had already queued its
 * customer value for the row index it would have had; the next kept row
 * reused that index and, when its own customer cell was empty, got the
 * refused row's customer, which was created for it.) */
static void test_skip_refused_row_customer(void **state)
{
    static const char dup_in_file[] = "id,customer\n"
                                      "a,c1\n"
                                      "a,c2\n" /* refused: a twice */
                                      "b,\n";  /* no customer */
    static const char in_market[] = "id,customer\n"
                                    "old,c9\n" /* refused: old exists */
                                    "b,\n"
                                    "c,c3\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(mtl_lead_add(NULL, m, "old", NULL), MTL_OK);
    assert_int_equal(import_skip(m, dup_in_file, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.imported, 2);
    expect_error(&r, 0, MTL_E_DUPLICATE, 3, 1);
    if (cust_id(lead(m, "b")))
        test_note("file 1: lead b (empty customer cell) got customer '%s'",
                  cust_id(lead(m, "b")));
    if (mtl_customer_find(m, "c2") || r.customers_created != 1)
        test_note("file 1: the refused row's customer c2 was created (%llu created)",
                  (unsigned long long)r.customers_created);
    assert_int_equal(mtl_lead_remove(lead(m, "a")), MTL_OK);
    assert_int_equal(mtl_lead_remove(lead(m, "b")), MTL_OK);
    assert_int_equal(import_skip(m, in_market, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.imported, 2);
    expect_error(&r, 0, MTL_E_DUPLICATE, 2, 1);
    if (cust_id(lead(m, "b")))
        test_note("file 2: lead b (empty customer cell) got customer '%s'",
                  cust_id(lead(m, "b")));
    if (mtl_customer_find(m, "c9"))
        test_note("file 2: the refused row's customer c9 was created");
    assert_string_equal(cust_id(lead(m, "c")), "c3");
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Skip mode: a segment row whose parent is unknown is skipped like any
 * other bad row.  (Was a bug, fixed in 12e7b33: it failed the whole
 * import.) */
static void test_skip_segments_bad_parent(void **state)
{
    static const char text[] = "id,parent\n"
                               "a,\n"
                               "b,zz\n" /* 3: unknown parent at byte 3 */
                               "c,a\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    mtl_status st;
    (void)state;
    st = import_skip(m, text, MTL_KIND_SEGMENTS, &r);
    if (st != MTL_OK) {
        test_note("skip mode: %s (%s); expected MTL_OK with line 3 skipped",
                  mtl_status_string(st), mtl_last_error_message());
    } else {
        assert_int_equal(r.imported, 2);
        assert_int_equal(r.skipped, 1);
        expect_error(&r, 0, MTL_E_NOT_FOUND, 3, 3);
        assert_null(mtl_segment_find(m, "b"));
        assert_ptr_equal(mtl_segment_parent(mtl_segment_find(m, "c")),
                         mtl_segment_find(m, "a"));
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Skip mode, segments whose parent is unknown, refused or in a cycle: the
 * result must describe the market -- segments added == imported, imported
 * + skipped == rows, one error per skipped row.  (Was a bug of 12e7b33,
 * fixed in 8977c77: such a segment stayed in the market, without a parent,
 * when another one already hung under it, yet counted as skipped; the fuzz
 * harness's count check found it on the seed bad_segments_parent_cycle.csv.) */
static void test_skip_segments_bad_parent_counts(void **state)
{
    test_alloc ta;
    mtl_market *m;
    mtl_csv_result r;
    mtl_status st;
    (void)state;
    {
        static const char *const files[] = {
            "id,parent\nc,b\nb,zz\n",      /* the bad row has a child above it */
            "id,parent\nb,zz\nc,b\n",      /* ... below it */
            "id,parent\na,c\nb,a\nc,b\n", /* a cycle */
        };
        size_t k;
        for (k = 0; k < 3; k++) {
            m = test_market_new(&ta, 0, NULL);
            st = import_skip(m, files[k], MTL_KIND_SEGMENTS, &r);
            if (st == MTL_OK &&
                (mtl_market_segment_count(m) != r.imported ||
                 r.imported + r.skipped != r.rows || (uint64_t)r.error_count != r.skipped))
                test_note("file %zu: %zu segments in the market, result: rows %llu, "
                          "imported %llu, skipped %llu, %d errors",
                          k + 1, mtl_market_segment_count(m), (unsigned long long)r.rows,
                          (unsigned long long)r.imported, (unsigned long long)r.skipped,
                          r.error_count);
            else if (st != MTL_OK)
                test_note("file %zu: %s", k + 1, mtl_status_string(st));
            test_market_free(m, &ta);
        }
    }
    test_notes_assert_none();
}

/* io.h: a stop-mode error is also in result->errors[0] -- header errors
 * (duplicate or empty column names, no header line) too.  (Was a bug,
 * fixed in 12e7b33: error_count stayed 0 for them.) */
static void test_header_error_in_result(void **state)
{
    static const struct {
        const char *text;
        mtl_status st;
        int64_t line, column;
    } cases[] = {
        {"id,owner,id\na,b,c\n", MTL_E_DUPLICATE, 1, 10},
        {"id,,owner\n", MTL_E_PARSE, 1, 4},
        {"", MTL_E_PARSE, 1, 1},
        {"id,ow\"ner\n", MTL_E_PARSE, 1, 6},
    };
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    size_t k;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        expect_last_error(import_leads(m, cases[k].text, &r), cases[k].st, cases[k].line,
                          cases[k].column);
        if (r.error_count != 1 || r.errors[0].status != cases[k].st ||
            r.errors[0].line != cases[k].line || r.errors[0].column != cases[k].column)
            test_note("'%s': error_count %d; expected errors[0] = %s %lld:%lld",
                      cases[k].text, r.error_count, mtl_status_string(cases[k].st),
                      (long long)cases[k].line, (long long)cases[k].column);
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* ---- 4. the text format ---------------------------------------------------- */

static void test_chinese_header_semicolon_bom_crlf(void **state)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "编号;客户;阶段;金额;创建日期\r\n"
                               "A1;甲公司;P2;1234.5;2023-01-02\r\n"
                               "A2;乙公司;P7;0.07;\r\n"
                               "A3;甲公司;p3;12;2024-02-29\r\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    mtl_lead *l;
    (void)state;
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_int_equal(r.separator, ';');
    assert_int_equal(r.rows, 3);
    assert_int_equal(r.customers_created, 2);
    l = lead(m, "A1");
    assert_string_equal(cust_id(l), "甲公司");
    assert_int_equal(mtl_lead_stage(l), 2);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    assert_int_equal(mtl_lead_amount(l), 123450);
    assert_int_equal(mtl_lead_created(l), day("2023-01-02"));
    assert_int_equal(mtl_lead_attribute_count(l), 0);
    l = lead(m, "A2");
    assert_int_equal(mtl_lead_stage(l), 7);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON); /* P7 is flagged won */
    assert_int_equal(mtl_lead_amount(l), 7);
    assert_int_equal(mtl_lead_created(l), MTL_DATE_NONE);
    l = lead(m, "A3");
    assert_int_equal(mtl_lead_stage(l), 3); /* stage names ignore ASCII case */
    assert_int_equal(mtl_lead_amount(l), 1200);
    assert_int_equal(mtl_lead_created(l), day("2024-02-29"));
    assert_ptr_equal(mtl_lead_customer(l), mtl_lead_customer(lead(m, "A1")));
    test_market_free(m, &ta);
}

static void test_tab_separated(void **state)
{
    static const char text[] = "id\towner\tamount\tnote\n"
                               "t1\tAnn Lee\t5\ta,b;c\n"
                               "t2\t\t\t\"tab\there\"\n";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_int_equal(r.separator, '\t');
    assert_string_equal(mtl_lead_owner(lead(m, "t1")), "Ann Lee");
    assert_int_equal(mtl_lead_amount(lead(m, "t1")), 500);
    assert_string_equal(mtl_lead_attribute(lead(m, "t1"), "note"), "a,b;c");
    assert_string_equal(mtl_lead_owner(lead(m, "t2")), "");
    assert_int_equal(mtl_lead_amount(lead(m, "t2")), 0);
    assert_string_equal(mtl_lead_attribute(lead(m, "t2"), "note"), "tab\there");
    test_market_free(m, &ta);
}

static void test_quoted_fields_exact(void **state)
{
    static const char text[] = "id,owner,note\r\n"
                               "q1,\"Smith, John\",\"He said \"\"hi\"\"\nand left\"\r\n"
                               "q2,\"\",\"a\r\nb\"\r\n"
                               "\"q3\",plain,\"\"\"\"\r\n"
                               "q4,\"x;y\tz\",\"中文,\"\"引号\"\"\"";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_int_equal(r.rows, 4);
    assert_string_equal(mtl_lead_owner(lead(m, "q1")), "Smith, John");
    assert_string_equal(mtl_lead_attribute(lead(m, "q1"), "note"),
                        "He said \"hi\"\nand left");
    assert_string_equal(mtl_lead_owner(lead(m, "q2")), "");
    assert_string_equal(mtl_lead_attribute(lead(m, "q2"), "note"), "a\r\nb");
    assert_string_equal(mtl_lead_owner(lead(m, "q3")), "plain");
    assert_string_equal(mtl_lead_attribute(lead(m, "q3"), "note"), "\"");
    assert_string_equal(mtl_lead_owner(lead(m, "q4")), "x;y\tz");
    assert_string_equal(mtl_lead_attribute(lead(m, "q4"), "note"), "中文,\"引号\"");
    test_market_free(m, &ta);
}

/* Unquoted fields lose surrounding spaces and tabs; header names too. */
static void test_trimming_unquoted(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    (void)state;
    IMPORT_OK(m, " Lead ID ,\tOwner\t, Amount , Stage ,created\n"
                 "  a1 , Ann Lee ,\t5\t, P2 , 2023-01-02 \n");
    assert_string_equal(mtl_lead_owner(lead(m, "a1")), "Ann Lee");
    assert_int_equal(mtl_lead_amount(lead(m, "a1")), 500);
    assert_int_equal(mtl_lead_stage(lead(m, "a1")), 2);
    assert_int_equal(mtl_lead_created(lead(m, "a1")), day("2023-01-02"));
    test_market_free(m, &ta);
}

/* Quoted fields keep their surrounding spaces and tabs (RFC 4180; the
 * exporter quotes such values so that they survive).  (Was a bug, fixed in
 * 12e7b33: quoted fields were trimmed too.) */
static void test_quoted_spaces_kept(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_status st;
    (void)state;
    st = import_leads(m, "id,owner,note\n\" a \",\" Ann \",\"\tx\t\"\n", NULL);
    assert_int_equal(st, MTL_OK);
    if (!mtl_lead_find(m, " a "))
        test_note("quoted id \" a \" became '%s'", mtl_lead_id(mtl_lead_next(m, NULL)));
    else {
        if (strcmp(mtl_lead_owner(lead(m, " a ")), " Ann ") != 0)
            test_note("quoted owner \" Ann \" became '%s'", mtl_lead_owner(lead(m, " a ")));
        if (strcmp(mtl_lead_attribute(lead(m, " a "), "note"), "\tx\t") != 0)
            test_note("quoted attribute \"\\tx\\t\" became '%s'",
                      mtl_lead_attribute(lead(m, " a "), "note"));
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

static void test_amounts_exact(void **state)
{
    static const struct {
        int64_t minor;
        const char *text;
        mtl_status st;
        int64_t value;
    } cases[] = {
        {100, "1234.5", MTL_OK, 123450},
        {100, "0.07", MTL_OK, 7},
        {100, "12", MTL_OK, 1200},
        {100, ".5", MTL_OK, 50},
        {100, "5.", MTL_OK, 500},
        {100, "+3", MTL_OK, 300},
        {100, "0", MTL_OK, 0},
        {100, "007.10", MTL_OK, 710},
        {100, "12.3400", MTL_OK, 1234}, /* zeros past the minor unit are fine */
        {100, "92233720368547758.07", MTL_OK, INT64_MAX},
        {100, "92233720368547758.08", MTL_E_RANGE, 0},
        {100, "12.345", MTL_E_RANGE, 0},
        {100, "-1", MTL_E_RANGE, 0},
        {100, "1e3", MTL_E_PARSE, 0},
        {100, ".", MTL_E_PARSE, 0},
        {100, "1.2.3", MTL_E_PARSE, 0},
        {100, "\"1,5\"", MTL_E_PARSE, 0},
        {100, "¥5", MTL_E_PARSE, 0},
        {1, "12", MTL_OK, 12},
        {1, "12.0", MTL_OK, 12},
        {1, "12.5", MTL_E_RANGE, 0},
        {1, "9223372036854775807", MTL_OK, INT64_MAX},
        {1, "9223372036854775808", MTL_E_RANGE, 0},
        {1000, "12", MTL_OK, 12000},
        {1000, "1.234", MTL_OK, 1234},
        {1000, "0.001", MTL_OK, 1},
        {1000, "1.2345", MTL_E_RANGE, 0},
        {1000000, "1.000001", MTL_OK, 1000001},
        {1000000, "9223372036854.775807", MTL_OK, INT64_MAX},
        {1000000, "9223372036854.775808", MTL_E_RANGE, 0},
        /* long and short digit runs, 16 bytes and points in odd places */
        {100, "999999999999999", MTL_OK, 99999999999999900},
        {1000, "99999999999.999", MTL_OK, 99999999999999},
        {100, "1234567890123.45", MTL_OK, 123456789012345}, /* 16 bytes */
        {100, "12.3a", MTL_E_PARSE, 0},
        {100, "1.5.", MTL_E_PARSE, 0},
        {1, "7", MTL_OK, 7},
        {1, "7.", MTL_OK, 7},
        {1, "7.0", MTL_OK, 7},
        /* the one-word form (8 bytes at most, read with a word load when
         * the record has 16 bytes of data after it) */
        {100, "23438.98", MTL_OK, 2343898},
        {100, "12345678", MTL_OK, 1234567800},
        {100, "1234567.", MTL_OK, 123456700},
        {100, "1234567.8", MTL_OK, 123456780},
        {100, "9.9", MTL_OK, 990},
        {100, "0.5", MTL_OK, 50},
        {100, "1.2.", MTL_E_PARSE, 0},
        {100, "12.3x", MTL_E_PARSE, 0},
        {100, "12:4", MTL_E_PARSE, 0},
        {100, "1/2", MTL_E_PARSE, 0},
        {100, "1.005", MTL_E_RANGE, 0},
        {1000, "98765.43", MTL_OK, 98765430},
        {1000, "9876.543", MTL_OK, 9876543},
    };
    size_t k, tail;
    char text[128];
    (void)state;
    /* each value in the last record of the data, then in a record with a
     * longer one after it */
    for (k = 0; k < 2 * (sizeof cases / sizeof cases[0]); k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, cases[k / 2].minor, NULL);
        mtl_status st;
        tail = k % 2;
        snprintf(text, sizeof text, "id,amount\na,%s\n%s", cases[k / 2].text,
                 tail ? "the-next-record-is-long,1\n" : "");
        st = import_leads(m, text, NULL);
        if (st != cases[k / 2].st)
            test_note("minor %lld, '%s': %s, expected %s", (long long)cases[k / 2].minor,
                      cases[k / 2].text, mtl_status_string(st), mtl_status_string(cases[k / 2].st));
        else if (st == MTL_OK && mtl_lead_amount(lead(m, "a")) != cases[k / 2].value)
            test_note("minor %lld, '%s': %lld, expected %lld", (long long)cases[k / 2].minor,
                      cases[k / 2].text, (long long)mtl_lead_amount(lead(m, "a")),
                      (long long)cases[k / 2].value);
        else if (st != MTL_OK && (mtl_last_error_line() != 2 || mtl_last_error_column() != 3))
            test_note("'%s': error at %lld:%lld, expected 2:3", cases[k / 2].text,
                      (long long)mtl_last_error_line(), (long long)mtl_last_error_column());
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* The one-word amount reader against the checked loop: 3,000 random
 * values of 1 to 8 bytes from digits, points and a few other bytes, each
 * in the data's last record (the loop reads it) and with a long record
 * after it (the word): the same status and value, for minor units of 1,
 * 100 and 1,000. */
static void test_amount_paths_agree(void **state)
{
    static const char alphabet[] = "0123456789012345678901234567.9.+-x";
    static const int64_t minors[] = {1, 100, 1000};
    uint32_t seed = 2024;
    int t;
    (void)state;
    for (t = 0; t < 3000; t++) {
        char value[9], text[128];
        size_t n, i;
        mtl_status st[2];
        int64_t got[2] = {-1, -1};
        int v;
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 16) % 8;
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            value[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        value[n] = '\0';
        for (v = 0; v < 2; v++) {
            test_alloc ta;
            mtl_market *m = test_market_new(&ta, minors[t % 3], NULL);
            snprintf(text, sizeof text, "id,amount\na,%s\n%s", value,
                     v ? "the-next-record-is-long,1\n" : "");
            st[v] = import_leads(m, text, NULL);
            if (st[v] == MTL_OK)
                got[v] = mtl_lead_amount(lead(m, "a"));
            test_market_free(m, &ta);
        }
        if (st[0] != st[1] || got[0] != got[1])
            fail_msg("'%s' (minor %lld): %s %lld alone, %s %lld with a record after",
                     value, (long long)minors[t % 3], mtl_status_string(st[0]),
                     (long long)got[0], mtl_status_string(st[1]), (long long)got[1]);
    }
}

static void test_probabilities(void **state)
{
    static const struct {
        const char *text;
        mtl_status st;
        double value;
    } cases[] = {
        {"35%", MTL_OK, 0.35},     {"0.35", MTL_OK, 0.35},  {"1", MTL_OK, 1.0},
        {"0", MTL_OK, 0.0},        {"100%", MTL_OK, 1.0},   {"0%", MTL_OK, 0.0},
        {".5", MTL_OK, 0.5},       {"12.5%", MTL_OK, 0.125}, {"", MTL_OK, MTL_PROBABILITY_NONE},
        {"1.0000001", MTL_E_RANGE, 0}, {"101%", MTL_E_RANGE, 0}, {"abc", MTL_E_PARSE, 0},
        {"%", MTL_E_PARSE, 0},     {"-0.1", MTL_E_PARSE, 0}, {"nan", MTL_E_PARSE, 0},
        {"0.5x", MTL_E_PARSE, 0},  {"1e999", MTL_E_PARSE, 0},
        /* plain decimals only, read the same in every locale (number.c):
         * exponents are fine (an export may write them), hex is not */
        {"1e-1", MTL_OK, 0.1},     {"2.5E-1", MTL_OK, 0.25}, {"0.0025", MTL_OK, 0.0025},
        {"0.1234567890123456789012", MTL_OK, 0.1234567890123456789012},
        {"33.333333333333333333%", MTL_OK, 33.333333333333333333 / 100.0},
        {"0x1p-2", MTL_E_PARSE, 0}, {"inf", MTL_E_PARSE, 0}, {"1e", MTL_E_PARSE, 0},
        {"1.2.3", MTL_E_PARSE, 0}, {"1e+", MTL_E_PARSE, 0}, {".", MTL_E_PARSE, 0},
    };
    size_t k;
    char text[128];
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_status st;
        snprintf(text, sizeof text, "id,probability\na,%s\n", cases[k].text);
        st = import_leads(m, text, NULL);
        if (st != cases[k].st)
            test_note("'%s': %s, expected %s", cases[k].text, mtl_status_string(st),
                      mtl_status_string(cases[k].st));
        else if (st == MTL_OK && mtl_lead_probability(lead(m, "a")) != cases[k].value)
            test_note("'%s': %.17g, expected %.17g", cases[k].text,
                      mtl_lead_probability(lead(m, "a")), cases[k].value);
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

static void test_dates(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead *l;
    (void)state;
    IMPORT_OK(m, "id,created,expected_close,closed\n"
                 "a,0001-01-01,9999-12-31,2024-02-29\n"
                 "b,,,\n"
                 "c,1970-01-01,2000-02-29,1969-12-31\n");
    l = lead(m, "a");
    assert_int_equal(mtl_lead_created(l), MTL_DATE_MIN);
    assert_int_equal(mtl_lead_expected_close(l), MTL_DATE_MAX);
    assert_int_equal(mtl_lead_closed(l), day("2024-02-29"));
    l = lead(m, "b");
    assert_int_equal(mtl_lead_created(l), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_expected_close(l), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_closed(l), MTL_DATE_NONE);
    l = lead(m, "c");
    assert_int_equal(mtl_lead_created(l), 0);
    assert_int_equal(mtl_lead_expected_close(l), 11016);
    assert_int_equal(mtl_lead_closed(l), -1);
    expect_last_error(import_leads(m, "id,created\nd,2023-02-29\n", NULL), MTL_E_RANGE, 2, 3);
    expect_last_error(import_leads(m, "id,created\nd,0000-12-31\n", NULL), MTL_E_RANGE, 2, 3);
    expect_last_error(import_leads(m, "id,created\nd,2023/01/02\n", NULL), MTL_E_PARSE, 2, 3);
    expect_last_error(import_leads(m, "id,created\nd,2023-01-02T10:00\n", NULL), MTL_E_PARSE,
                      2, 3);
    expect_last_error(import_leads(m, "id,created\nd,20230102\n", NULL), MTL_E_PARSE, 2, 3);
    test_market_free(m, &ta);
}

/* The alias table of csv_import.c (docs/formats.md), one value each. */
enum { K_ID, K_CUSTOMER, K_SEGMENT, K_OWNER, K_REGION, K_SOURCE, K_STAGE, K_OUTCOME,
       K_AMOUNT, K_PROBABILITY, K_CATEGORY, K_CREATED, K_EXPECTED, K_CLOSED, K_STATUS,
       K_NAME, K_PARENT, K_REVENUE, K_INVESTMENT, K_PARTICIPATION, K_GRADE, K_LOST,
       K_SEGMENT_NAME,  /* the name in a segments file */
       K_CUSTOMER_NAME  /* the name in a customers file */ };

static const struct {
    const char *alias;
    int field;
} alias_table[] = {
    /* canonical names */
    {"id", K_ID}, {"customer", K_CUSTOMER}, {"segment", K_SEGMENT}, {"owner", K_OWNER},
    {"region", K_REGION}, {"source", K_SOURCE}, {"stage", K_STAGE}, {"outcome", K_OUTCOME},
    {"amount", K_AMOUNT}, {"probability", K_PROBABILITY}, {"category", K_CATEGORY},
    {"created", K_CREATED}, {"expected_close", K_EXPECTED}, {"closed", K_CLOSED},
    {"status", K_STATUS}, {"lost", K_LOST}, {"name", K_NAME}, {"parent", K_PARENT},
    {"revenue", K_REVENUE}, {"investment", K_INVESTMENT},
    {"participation", K_PARTICIPATION}, {"grade", K_GRADE},
    /* aliases */
    {"lead_id", K_ID}, {"opportunity_id", K_ID}, {"opportunity", K_ID}, {"deal_id", K_ID},
    {"编号", K_ID}, {"线索编号", K_ID}, {"机会编号", K_ID}, {"商机编号", K_ID},
    {"customer_id", K_CUSTOMER}, {"account", K_CUSTOMER}, {"account_id", K_CUSTOMER},
    {"account_name", K_CUSTOMER}, {"客户", K_CUSTOMER}, {"客户名称", K_CUSTOMER},
    {"客户编号", K_CUSTOMER}, {"客户id", K_CUSTOMER}, {"客户ID", K_CUSTOMER},
    {"segment_id", K_SEGMENT}, {"market_segment", K_SEGMENT}, {"细分市场", K_SEGMENT},
    {"市场", K_SEGMENT},
    {"owner_id", K_OWNER}, {"sales_agent", K_OWNER}, {"sales_rep", K_OWNER},
    {"salesperson", K_OWNER}, {"负责人", K_OWNER}, {"销售", K_OWNER}, {"客户经理", K_OWNER},
    {"销售代表", K_OWNER},
    {"区域", K_REGION}, {"大区", K_REGION}, {"地区", K_REGION},
    {"lead_source", K_SOURCE}, {"来源", K_SOURCE}, {"线索来源", K_SOURCE},
    {"deal_stage", K_STAGE}, {"sales_stage", K_STAGE}, {"阶段", K_STAGE},
    {"销售阶段", K_STAGE},
    {"result", K_OUTCOME}, {"结果", K_OUTCOME}, {"赢丢", K_OUTCOME},
    {"value", K_AMOUNT}, {"deal_value", K_AMOUNT}, {"金额", K_AMOUNT}, {"预计金额", K_AMOUNT},
    {"合同金额", K_AMOUNT},
    {"win_probability", K_PROBABILITY}, {"概率", K_PROBABILITY}, {"赢率", K_PROBABILITY},
    {"成交概率", K_PROBABILITY},
    {"forecast_category", K_CATEGORY}, {"预测类别", K_CATEGORY},
    {"created_date", K_CREATED}, {"create_date", K_CREATED}, {"created_at", K_CREATED},
    {"创建日期", K_CREATED}, {"创建时间", K_CREATED},
    {"expected_close_date", K_EXPECTED}, {"预计成交日期", K_EXPECTED},
    {"预计签约日期", K_EXPECTED},
    {"closed_date", K_CLOSED}, {"close_date_actual", K_CLOSED}, {"成交日期", K_CLOSED},
    {"关闭日期", K_CLOSED},
    {"lead_status", K_STATUS}, {"状态", K_STATUS}, {"线索状态", K_STATUS},
    {"名称", K_NAME}, {"segment_name", K_SEGMENT_NAME}, {"customer_name", K_CUSTOMER_NAME},
    {"parent_id", K_PARENT}, {"上级", K_PARENT}, {"上级市场", K_PARENT},
    {"收入", K_REVENUE}, {"年收入", K_REVENUE}, {"投资", K_INVESTMENT},
    {"预计投资", K_INVESTMENT}, {"参与概率", K_PARTICIPATION},
    {"等级", K_GRADE}, {"客户等级", K_GRADE},
};

/* Import one value under header `alias` (ASCII ones also in "Title Case With
 * Spaces" / hyphen spelling) and check that it landed in its field. */
static void check_alias(const char *alias, int field, int variant)
{
    char header[128], text[512];
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_status st;
    size_t i, n = strlen(alias);
    int ascii = 1;
    for (i = 0; i < n; i++)
        ascii &= (unsigned char)alias[i] < 0x80;
    snprintf(header, sizeof header, "%s", alias);
    if (variant && ascii) /* "deal_stage" -> "Deal Stage" or "DEAL-STAGE" */
        for (i = 0; i < n; i++) {
            if (header[i] == '_')
                header[i] = variant == 1 ? ' ' : '-';
            else if (variant == 2 || i == 0 || header[i - 1] == ' ')
                header[i] = (char)(header[i] - 'a' + 'A');
        }
    if (field == K_SEGMENT_NAME || field == K_CUSTOMER_NAME) {
        int32_t kind = field == K_SEGMENT_NAME ? MTL_KIND_SEGMENTS : MTL_KIND_CUSTOMERS;
        const char *name;
        snprintf(text, sizeof text, "id,%s\nx,Nm\n", header);
        st = import_kind(m, text, kind, NULL);
        name = kind == MTL_KIND_SEGMENTS
                   ? (mtl_segment_find(m, "x") ? mtl_segment_name(mtl_segment_find(m, "x"))
                                               : NULL)
                   : (mtl_customer_find(m, "x") ? mtl_customer_name(mtl_customer_find(m, "x"))
                                                : NULL);
        if (st != MTL_OK || !name || strcmp(name, "Nm") != 0)
            test_note("'%s' is not the name in a %s file", header,
                      kind == MTL_KIND_SEGMENTS ? "segments" : "customers");
        test_market_free(m, &ta);
        return;
    }
    switch (field) {
    case K_ID:
        snprintf(text, sizeof text, "%s,owner\nX1,o\n", header);
        if ((st = import_leads(m, text, NULL)) != MTL_OK || !mtl_lead_find(m, "X1"))
            test_note("'%s' as id: %s", header, mtl_status_string(st));
        break;
    case K_NAME:
    case K_PARENT:
    case K_REVENUE:
    case K_INVESTMENT:
    case K_PARTICIPATION:
    case K_GRADE: {
        int32_t kind = field == K_NAME || field == K_PARENT ? MTL_KIND_SEGMENTS
                                                            : MTL_KIND_CUSTOMERS;
        const char *value = field == K_NAME         ? "Nm"
                            : field == K_PARENT     ? "p"
                            : field == K_GRADE      ? "partner"
                            : field == K_PARTICIPATION ? "40%"
                                                    : "2.5";
        if (field == K_NAME && !(variant & 1))
            kind = MTL_KIND_CUSTOMERS; /* name is a field of both */
        if (field == K_PARENT)
            snprintf(text, sizeof text, "id,%s\np,\nx,%s\n", header, value);
        else
            snprintf(text, sizeof text, "id,%s\nx,%s\n", header, value);
        st = import_kind(m, text, kind, NULL);
        if (st != MTL_OK) {
            test_note("'%s': %s %s", header, mtl_status_string(st), mtl_last_error_message());
            break;
        }
        if (kind == MTL_KIND_SEGMENTS) {
            mtl_segment *s = mtl_segment_find(m, "x");
            if (!s || (field == K_NAME && strcmp(mtl_segment_name(s), "Nm") != 0) ||
                (field == K_PARENT && mtl_segment_parent(s) != mtl_segment_find(m, "p")))
                test_note("'%s' did not land in the segment's field", header);
        } else {
            mtl_customer *c = mtl_customer_find(m, "x");
            int ok = c != NULL;
            if (ok && field == K_NAME)
                ok = strcmp(mtl_customer_name(c), "Nm") == 0;
            if (ok && field == K_REVENUE)
                ok = mtl_customer_revenue(c) == 250;
            if (ok && field == K_INVESTMENT)
                ok = mtl_customer_investment(c) == 250;
            if (ok && field == K_PARTICIPATION)
                ok = mtl_customer_participation(c) == 0.4;
            if (ok && field == K_GRADE)
                ok = mtl_customer_grade(c) == MTL_GRADE_PARTNER;
            if (!ok)
                test_note("'%s' did not land in the customer's field", header);
        }
        break;
    }
    default: {
        static const char *const values[] = {
            [K_CUSTOMER] = "C9", [K_SEGMENT] = "S9", [K_OWNER] = "Ann",
            [K_REGION] = "North", [K_SOURCE] = "web", [K_STAGE] = "P4",
            [K_OUTCOME] = "lost", [K_AMOUNT] = "3.25", [K_PROBABILITY] = "0.75",
            [K_CATEGORY] = "commit", [K_CREATED] = "2020-05-06",
            [K_EXPECTED] = "2020-05-06", [K_CLOSED] = "2020-05-06", [K_STATUS] = "nurture",
            [K_LOST] = "1"};
        mtl_lead *l;
        int ok;
        snprintf(text, sizeof text, "id,%s\nX1,%s\n", header, values[field]);
        st = import_leads(m, text, NULL);
        if (st != MTL_OK || !(l = mtl_lead_find(m, "X1"))) {
            test_note("'%s': %s %s", header, mtl_status_string(st), mtl_last_error_message());
            break;
        }
        switch (field) {
        case K_CUSTOMER: ok = cust_id(l) && strcmp(cust_id(l), "C9") == 0; break;
        case K_SEGMENT: ok = seg_id(l) && strcmp(seg_id(l), "S9") == 0; break;
        case K_OWNER: ok = strcmp(mtl_lead_owner(l), "Ann") == 0; break;
        case K_REGION: ok = strcmp(mtl_lead_region(l), "North") == 0; break;
        case K_SOURCE: ok = strcmp(mtl_lead_source(l), "web") == 0; break;
        case K_STAGE: ok = mtl_lead_stage(l) == 4; break;
        case K_OUTCOME:
        case K_LOST: ok = mtl_lead_outcome(l) == MTL_OUTCOME_LOST; break;
        case K_AMOUNT: ok = mtl_lead_amount(l) == 325; break;
        case K_PROBABILITY: ok = mtl_lead_probability(l) == 0.75; break;
        case K_CATEGORY: ok = mtl_lead_category(l) == MTL_CATEGORY_COMMIT; break;
        case K_CREATED: ok = mtl_lead_created(l) == day("2020-05-06"); break;
        case K_EXPECTED: ok = mtl_lead_expected_close(l) == day("2020-05-06"); break;
        case K_CLOSED: ok = mtl_lead_closed(l) == day("2020-05-06"); break;
        case K_STATUS: ok = mtl_lead_status(l) == MTL_LEAD_STATUS_NURTURE; break;
        default: ok = 0;
        }
        if (!ok || mtl_lead_attribute_count(l) != 0)
            test_note("'%s' did not land in its lead field", header);
    }
    }
    test_market_free(m, &ta);
}

/* Lead dates are read through a cache of months (csv_import.c, lead_day):
 * every day of 2023 and 2024, in a scrambled order, must be its own day
 * number (2023-01-01 is day 19,358: Python's date arithmetic), and a day
 * that does not exist in a month already met must still be refused at its
 * line and column. */
static void test_dates_of_cached_months(void **state)
{
    static const char *const bad[] = {"2023-02-29", "2024-02-30", "2023-04-31",
                                      "2023-01-00", "2023-01-3x", "2023-12-32"};
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    char *text = malloc(731 * 40 + 64), buf[128];
    size_t off, k;
    int i;
    (void)state;
    assert_non_null(text);
    off = (size_t)sprintf(text, "id,created,closed\n");
    for (i = 0; i < 731; i++) {
        int d = (i * 379) % 731, y, mo, dd;
        /* the civil date of 2023-01-01 + d, counted by hand */
        static const int dim[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                       {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
        int left = d;
        for (y = 2023, mo = 0; left >= dim[y == 2024][mo];) {
            left -= dim[y == 2024][mo];
            if (++mo == 12)
                mo = 0, y++;
        }
        dd = left + 1;
        off += (size_t)sprintf(text + off, "d%d,%04d-%02d-%02d,%04d-%02d-%02d\n", d, y,
                               mo + 1, dd, y, mo + 1, dd);
    }
    IMPORT_OK(m, text);
    for (i = 0; i < 731; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        assert_int_equal(mtl_lead_created(lead(m, id)), 19358 + i);
        assert_int_equal(mtl_lead_closed(lead(m, id)), 19358 + i);
    }
    for (k = 0; k < sizeof bad / sizeof *bad; k++) {
        /* the month met first on line 2, the bad day on line 3 */
        snprintf(buf, sizeof buf, "id,created\nx1,%.8s01\nx2,%s\n", bad[k], bad[k]);
        expect_last_error(import_leads(m, buf, NULL),
                          bad[k][9] == 'x' ? MTL_E_PARSE : MTL_E_RANGE, 3, 4);
    }
    test_market_free(m, &ta);
    free(text);
}

static void test_alias_table(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < sizeof alias_table / sizeof alias_table[0]; k++) {
        check_alias(alias_table[k].alias, alias_table[k].field, 0);
        check_alias(alias_table[k].alias, alias_table[k].field, 1);
        check_alias(alias_table[k].alias, alias_table[k].field, 2);
    }
    test_notes_assert_none();
}

/* A typical Chinese lead file has 线索编号 (lead number) and 客户编号
 * (customer number); a customers file 客户编号 and 客户名称 (customer
 * name).  (Was a bug, fixed in 12e7b33: 客户编号 was an id alias, so the
 * lead file was refused with a second id column, and 客户名称 a customer
 * alias, so customer names were dropped.) */
static void test_alias_chinese_customer_columns(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_status st;
    mtl_customer *c;
    (void)state;
    st = import_leads(m, "线索编号,客户编号,金额\nL1,C1,5\n", NULL);
    if (st != MTL_OK)
        test_note("leads 线索编号,客户编号: %s (%s); expected lead L1 of customer C1",
                  mtl_status_string(st), mtl_last_error_message());
    else if (!mtl_lead_find(m, "L1") || !cust_id(lead(m, "L1")) ||
             strcmp(cust_id(lead(m, "L1")), "C1") != 0)
        test_note("leads 线索编号,客户编号: no lead L1 of customer C1");
    st = import_kind(m, "客户编号,客户名称\nC2,甲公司\n", MTL_KIND_CUSTOMERS, NULL);
    c = mtl_customer_find(m, "C2");
    if (st != MTL_OK || !c)
        test_note("customers 客户编号,客户名称: %s", mtl_status_string(st));
    else if (strcmp(mtl_customer_name(c), "甲公司") != 0)
        test_note("customers 客户编号,客户名称: name '%s', expected 甲公司",
                  mtl_customer_name(c));
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Aliases that depend on the kind: in a customers file a column naming
 * the customer (customer, account, 客户编号, ...) is the record's own id and
 * 客户名称 / customer_name / account_name its name; in a segments file a
 * column naming the segment is the id. */
static void test_alias_kind_aware(void **state)
{
    static const char *const customer_ids[] = {
        "customer", "customer_id", "Account", "account_id", "客户", "客户编号", "客户ID"};
    static const char *const customer_names[] = {"客户名称", "customer_name",
                                                 "Account Name"};
    static const char *const segment_ids[] = {"segment", "segment_id", "Market Segment",
                                              "细分市场", "市场"};
    static const char *const segment_names[] = {"segment_name", "细分市场名称", "名称"};
    size_t k;
    char text[256];
    (void)state;
    for (k = 0; k < sizeof customer_ids / sizeof customer_ids[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_customer *c;
        snprintf(text, sizeof text, "%s,客户名称,revenue\nK1,甲公司,2\n", customer_ids[k]);
        if (import_kind(m, text, MTL_KIND_CUSTOMERS, NULL) != MTL_OK ||
            !(c = mtl_customer_find(m, "K1")) || strcmp(mtl_customer_name(c), "甲公司") != 0 ||
            mtl_customer_revenue(c) != 200)
            test_note("customers file, '%s' as the id: %s", customer_ids[k],
                      mtl_last_error_message());
        test_market_free(m, &ta);
    }
    for (k = 0; k < sizeof customer_names / sizeof customer_names[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_customer *c;
        snprintf(text, sizeof text, "id,%s\nK1,Acme\n", customer_names[k]);
        if (import_kind(m, text, MTL_KIND_CUSTOMERS, NULL) != MTL_OK ||
            !(c = mtl_customer_find(m, "K1")) || strcmp(mtl_customer_name(c), "Acme") != 0)
            test_note("customers file, '%s' as the name", customer_names[k]);
        /* in a lead file the same header names the lead's customer */
        snprintf(text, sizeof text, "id,%s\nL1,Acme\n", customer_names[k]);
        if (import_leads(m, text, NULL) != MTL_OK || !cust_id(lead(m, "L1")) ||
            strcmp(cust_id(lead(m, "L1")), "Acme") != 0)
            test_note("lead file, '%s' as the customer", customer_names[k]);
        test_market_free(m, &ta);
    }
    for (k = 0; k < sizeof segment_ids / sizeof segment_ids[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_segment *sg;
        snprintf(text, sizeof text, "%s,%s,parent\nP,,\nS1,Retail,P\n", segment_ids[k],
                 segment_names[k % 3]);
        if (import_kind(m, text, MTL_KIND_SEGMENTS, NULL) != MTL_OK ||
            !(sg = mtl_segment_find(m, "S1")) || strcmp(mtl_segment_name(sg), "Retail") != 0 ||
            mtl_segment_parent(sg) != mtl_segment_find(m, "P"))
            test_note("segments file, '%s' as the id: %s", segment_ids[k],
                      mtl_last_error_message());
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* In a lead file customer_name names the lead's customer, as 客户名称 and
 * account_name do, and segment_name / 细分市场名称 its segment.  (Was a
 * minor alias-table bug, fixed in 8977c77: customer_name was an alias of
 * the name field only, so in a lead file it became an attribute.) */
static void test_alias_customer_name_in_lead_file(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead *l;
    (void)state;
    IMPORT_OK(m, "id,customer_name\nL1,Acme\n");
    l = lead(m, "L1");
    if (!cust_id(l) || strcmp(cust_id(l), "Acme") != 0)
        test_note("customer_name in a lead file: customer %s, attribute customer_name "
                  "'%s'; expected customer Acme (as with 客户名称 and account_name)",
                  cust_id(l) ? cust_id(l) : "(none)",
                  mtl_lead_attribute(l, "customer_name") ? mtl_lead_attribute(l, "customer_name")
                                                         : "(none)");
    IMPORT_OK(m, "id,Segment Name\nL2,Retail\n");
    IMPORT_OK(m, "id,细分市场名称\nL3,零售\n");
    if (!seg_id(lead(m, "L2")) || strcmp(seg_id(lead(m, "L2")), "Retail") != 0)
        test_note("segment_name in a lead file does not name the lead's segment");
    if (!seg_id(lead(m, "L3")) || strcmp(seg_id(lead(m, "L3")), "零售") != 0)
        test_note("细分市场名称 in a lead file does not name the lead's segment");
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Bug (alias table): a lead file that carries both the customer's id and
 * its name -- account_id + account_name as Salesforce exports them,
 * customer_id + customer_name, 客户编号 + 客户名称 -- is refused with
 * MTL_E_DUPLICATE ("a second column for the same field"), because both
 * headers are aliases of the lead's customer (segment_id + segment_name
 * likewise, since 8977c77).  The id column should name the customer; the
 * name column must not make the file fail (an attribute, or the
 * customer's name). */
static void test_alias_customer_id_and_name_columns_bug(void **state)
{
    static const char *const files[] = {
        "id,account_id,account_name\nL1,C1,Acme\n",
        "id,customer_id,customer_name\nL1,C1,Acme\n",
        "线索编号,客户编号,客户名称\nL1,C1,甲公司\n",
        "id,segment_id,segment_name\nL1,S1,Retail\n", /* the same for segments */
    };
    size_t k;
    (void)state;
    for (k = 0; k < 4; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_status st = import_leads(m, files[k], NULL);
        if (st != MTL_OK)
            test_note("'%.40s': %s (%s)", files[k], mtl_status_string(st),
                      mtl_last_error_message());
        else if (k < 3 && (!cust_id(lead(m, "L1")) || strcmp(cust_id(lead(m, "L1")), "C1") != 0))
            test_note("'%.40s': the lead's customer is %s, expected C1", files[k],
                      cust_id(lead(m, "L1")) ? cust_id(lead(m, "L1")) : "(none)");
        else if (k == 3 && (!seg_id(lead(m, "L1")) || strcmp(seg_id(lead(m, "L1")), "S1") != 0))
            test_note("'%.40s': the lead's segment is %s, expected S1", files[k],
                      seg_id(lead(m, "L1")) ? seg_id(lead(m, "L1")) : "(none)");
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* A lead's segment and region: the cell when the column is there (an
 * empty cell = none), the customer's when the file has no such column. */
static void test_segment_region_defaults(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s0;
    mtl_customer *c0;
    (void)state;
    assert_int_equal(mtl_segment_add(&s0, m, "s0"), MTL_OK);
    assert_int_equal(mtl_segment_add(NULL, m, "s1"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c0, m, "c0", s0), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c0, "north"), MTL_OK);
    IMPORT_OK(m, "id,customer\na,c0\n");
    assert_string_equal(seg_id(lead(m, "a")), "s0");
    assert_string_equal(mtl_lead_region(lead(m, "a")), "north");
    IMPORT_OK(m, "id,customer,segment,region\nb,c0,,\nc,c0,s1,south\n");
    assert_null(seg_id(lead(m, "b")));
    assert_string_equal(mtl_lead_region(lead(m, "b")), "");
    assert_string_equal(seg_id(lead(m, "c")), "s1");
    assert_string_equal(mtl_lead_region(lead(m, "c")), "south");
    IMPORT_OK(m, "id,customer,segment\nd,c0,\n"); /* no region column */
    assert_null(seg_id(lead(m, "d")));
    assert_string_equal(mtl_lead_region(lead(m, "d")), "north");
    test_market_free(m, &ta);
}

static void test_unknown_columns(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead *l;
    (void)state;
    /* leads: every other column is an attribute, named as in the header */
    IMPORT_OK(m, "id,Industry,\"Company Size\",revenue,name\na,Retail,\"50-100\",12,Acme\n"
                 "b,,,,\n");
    l = lead(m, "a");
    assert_int_equal(mtl_lead_attribute_count(l), 4);
    assert_string_equal(mtl_lead_attribute(l, "Industry"), "Retail");
    assert_string_equal(mtl_lead_attribute(l, "Company Size"), "50-100");
    assert_string_equal(mtl_lead_attribute(l, "revenue"), "12"); /* a customer field */
    assert_string_equal(mtl_lead_attribute(l, "name"), "Acme");
    assert_int_equal(mtl_lead_attribute_count(lead(m, "b")), 0); /* empty = absent */
    /* customers and segments: ignored */
    assert_int_equal(import_kind(m, "id,employees,stage\nc,12,P9\n", MTL_KIND_CUSTOMERS, NULL),
                     MTL_OK);
    assert_non_null(mtl_customer_find(m, "c"));
    assert_int_equal(import_kind(m, "id,owner\ns,x\n", MTL_KIND_SEGMENTS, NULL), MTL_OK);
    assert_non_null(mtl_segment_find(m, "s"));
    test_market_free(m, &ta);
}

static void test_outcome_vocabulary(void **state)
{
    static const char *const won[] = {"won", "win", "closed won", "closed_won", "yes", "y",
                                      "true", "赢单", "成交", "WON", "Closed Won", "Y"};
    static const char *const lost[] = {"lost", "lose", "closed lost", "closed_lost", "no",
                                       "n", "false", "丢单", "输单", "Lost", "NO"};
    static const char *const open[] = {"open", "进行中", "跟进中", "OPEN", ""};
    static const char *const bad[] = {"closed-won", "maybe", "1", "0", "pending"};
    size_t k;
    char text[128];
    (void)state;
#define CHECK_WORDS(list, outcome)                                              \
    for (k = 0; k < sizeof list / sizeof list[0]; k++) {                        \
        test_alloc ta;                                                          \
        mtl_market *m = test_market_new(&ta, 0, NULL);                          \
        snprintf(text, sizeof text, "id,stage,outcome\na,P3,%s\n", list[k]);    \
        if (import_leads(m, text, NULL) != MTL_OK ||                            \
            mtl_lead_outcome(lead(m, "a")) != (outcome))                        \
            test_note("outcome '%s'", list[k]);                                 \
        test_market_free(m, &ta);                                               \
    }
    CHECK_WORDS(won, MTL_OUTCOME_WON)
    CHECK_WORDS(lost, MTL_OUTCOME_LOST)
    CHECK_WORDS(open, MTL_OUTCOME_OPEN)
#undef CHECK_WORDS
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        snprintf(text, sizeof text, "id,stage,outcome\na,P3,%s\n", bad[k]);
        if (import_leads(m, text, NULL) != MTL_E_PARSE || mtl_last_error_column() != 6)
            test_note("outcome '%s' should be refused at 2:6", bad[k]);
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

static void test_flag_and_enum_vocabularies(void **state)
{
    static const struct {
        const char *header, *value;
        int32_t kind;
        int32_t expect; /* outcome, category, status or grade; -9 = refused */
    } cases[] = {
        {"lost", "1", 0, MTL_OUTCOME_LOST},     {"lost", "true", 0, MTL_OUTCOME_LOST},
        {"lost", "YES", 0, MTL_OUTCOME_LOST},   {"lost", "y", 0, MTL_OUTCOME_LOST},
        {"lost", "是", 0, MTL_OUTCOME_LOST},    {"lost", "0", 0, MTL_OUTCOME_OPEN},
        {"lost", "false", 0, MTL_OUTCOME_OPEN}, {"lost", "No", 0, MTL_OUTCOME_OPEN},
        {"lost", "n", 0, MTL_OUTCOME_OPEN},     {"lost", "否", 0, MTL_OUTCOME_OPEN},
        {"lost", "", 0, MTL_OUTCOME_OPEN},      {"lost", "2", 0, -9},
        {"lost", "lost", 0, -9},
        {"category", "pipeline", 0, MTL_CATEGORY_PIPELINE},
        {"category", "best case", 0, MTL_CATEGORY_BEST_CASE},
        {"category", "Best_Case", 0, MTL_CATEGORY_BEST_CASE},
        {"category", "commit", 0, MTL_CATEGORY_COMMIT},
        {"category", "CLOSED", 0, MTL_CATEGORY_CLOSED},
        {"category", "omitted", 0, MTL_CATEGORY_OMITTED},
        {"category", "0", 0, MTL_CATEGORY_PIPELINE},
        {"category", "4", 0, MTL_CATEGORY_OMITTED},
        {"category", "", 0, MTL_CATEGORY_NONE},
        {"category", "5", 0, -9},               {"category", "best-case", 0, -9},
        {"status", "new", 0, MTL_LEAD_STATUS_NEW},
        {"status", "Nurture", 0, MTL_LEAD_STATUS_NURTURE},
        {"status", "converted", 0, MTL_LEAD_STATUS_CONVERTED},
        {"status", "closed", 0, MTL_LEAD_STATUS_CLOSED},
        {"status", "3", 0, MTL_LEAD_STATUS_CLOSED},
        {"status", "", 0, MTL_LEAD_STATUS_NEW}, {"status", "4", 0, -9},
        {"status", "open", 0, -9},
        {"grade", "none", 1, MTL_GRADE_NONE},   {"grade", "Strategic", 1, MTL_GRADE_STRATEGIC},
        {"grade", "partner", 1, MTL_GRADE_PARTNER},
        {"grade", "commercial", 1, MTL_GRADE_COMMERCIAL},
        {"grade", "general", 1, MTL_GRADE_GENERAL},
        {"grade", "无", 1, MTL_GRADE_NONE},     {"grade", "战略", 1, MTL_GRADE_STRATEGIC},
        {"grade", "伙伴", 1, MTL_GRADE_PARTNER}, {"grade", "商业", 1, MTL_GRADE_COMMERCIAL},
        {"grade", "一般", 1, MTL_GRADE_GENERAL}, {"grade", "2", 1, MTL_GRADE_PARTNER},
        {"grade", "", 1, MTL_GRADE_NONE},       {"grade", "5", 1, -9},
        {"grade", "A", 1, -9},
    };
    size_t k;
    char text[128];
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_status st;
        int32_t got = -100;
        snprintf(text, sizeof text, "id,%s\na,%s\n", cases[k].header, cases[k].value);
        st = import_kind(m, text, cases[k].kind, NULL);
        if (st == MTL_OK) {
            if (cases[k].kind == MTL_KIND_CUSTOMERS)
                got = mtl_customer_grade(mtl_customer_find(m, "a"));
            else if (strcmp(cases[k].header, "lost") == 0)
                got = mtl_lead_outcome(lead(m, "a"));
            else if (strcmp(cases[k].header, "category") == 0)
                got = mtl_lead_category(lead(m, "a"));
            else
                got = mtl_lead_status(lead(m, "a"));
        }
        if (cases[k].expect == -9) {
            if (st != MTL_E_PARSE || mtl_last_error_line() != 2 || mtl_last_error_column() != 3)
                test_note("%s '%s': %s at %lld:%lld, expected MTL_E_PARSE at 2:3",
                          cases[k].header, cases[k].value, mtl_status_string(st),
                          (long long)mtl_last_error_line(), (long long)mtl_last_error_column());
        } else if (st != MTL_OK || got != cases[k].expect)
            test_note("%s '%s': %s, value %d, expected %d", cases[k].header, cases[k].value,
                      mtl_status_string(st), (int)got, (int)cases[k].expect);
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* The outcome: the outcome column, else a won/lost stage value, else the
 * lost 0/1 column, else a won- or lost-flagged stage, else open. */
static void test_outcome_precedence(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead *l;
    (void)state;
    IMPORT_OK(m, "id,stage,outcome,lost\n"
                 "a,P3,won,1\n"  /* the outcome column beats the lost flag */
                 "b,won,,1\n"    /* a won stage value beats the lost flag */
                 "c,P3,,1\n"     /* the lost flag */
                 "d,P7,,0\n"     /* a won-flagged stage */
                 "e,P2,,0\n"     /* open */
                 "f,lost,,\n"    /* lost: the first lost-flagged stage, else stage 0 */
                 "g,P5,lost,\n"  /* lost at an ordinary stage: the stage reached */
                 "h,,,\n");      /* no stage: stage 0, open */
    l = lead(m, "a");
    assert_int_equal(mtl_lead_stage(l), 3);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    l = lead(m, "b");
    assert_int_equal(mtl_lead_stage(l), 7);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    l = lead(m, "c");
    assert_int_equal(mtl_lead_stage(l), 3);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    l = lead(m, "d");
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    l = lead(m, "e");
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    l = lead(m, "f");
    assert_int_equal(mtl_lead_stage(l), 0);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    l = lead(m, "g");
    assert_int_equal(mtl_lead_stage(l), 5);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    l = lead(m, "h");
    assert_int_equal(mtl_lead_stage(l), 0);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    /* contradictions: MTL_E_STATE at the stage field (or the id without one) */
    expect_last_error(import_leads(m, "id,stage,outcome\nx,won,open\n", NULL), MTL_E_STATE, 2,
                      3);
    expect_last_error(import_leads(m, "id,stage,lost\nx,P7,yes\n", NULL), MTL_E_STATE, 2, 3);
    test_market_free(m, &ta);
}

static mtl_market *custom_model_market(test_alloc *ta)
{
    mtl_stage_model *sm = NULL;
    mtl_market *m;
    assert_int_equal(mtl_stage_model_create(&sm, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_stage_model_add(sm, "Prospecting", NULL, 0.1, 0, 0), MTL_OK);
    assert_int_equal(mtl_stage_model_add(sm, "Needs Analysis", NULL, 0.2, 0, 0), MTL_OK);
    assert_int_equal(mtl_stage_model_add(sm, "Closed Won", NULL, 1.0, 3, MTL_STAGE_FLAG_WON),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_add(sm, "Closed Lost", NULL, 0.0, 4, MTL_STAGE_FLAG_LOST),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_add(sm, "Negotiation", NULL, 0.8, 2, 0), MTL_OK);
    m = test_market_new(ta, 0, sm);
    mtl_stage_model_destroy(sm);
    return m;
}

static void test_stage_map_and_custom_model(void **state)
{
    test_alloc ta;
    mtl_market *m = custom_model_market(&ta);
    imp_opts io = {MTL_KIND_LEADS, 0, NULL, "Prospect=Prospecting,W=won,L=lost,neg=NEGOTIATION",
                   0, 0};
    static const char text[] = "id,stage\n"
                               "a,Prospect\n"      /* mapped */
                               "b,W\n"             /* won -> the first won-flagged stage */
                               "c,L\n"             /* lost -> the first lost-flagged stage */
                               "d,Closed Lost\n"   /* a stage name: flagged lost */
                               "e,needs analysis\n" /* a stage name, any ASCII case */
                               "f,Neg\n"           /* map keys ignore case */
                               "g,Negotiation\n";
    mtl_status st;
    (void)state;
    st = import_with(m, text, sizeof text - 1, &io, NULL);
    if (st != MTL_OK)
        fail_msg("%s", mtl_last_error_message());
    assert_int_equal(mtl_lead_stage(lead(m, "a")), 0);
    assert_int_equal(mtl_lead_stage(lead(m, "b")), 2);
    assert_int_equal(mtl_lead_outcome(lead(m, "b")), MTL_OUTCOME_WON);
    assert_int_equal(mtl_lead_stage(lead(m, "c")), 3);
    assert_int_equal(mtl_lead_outcome(lead(m, "c")), MTL_OUTCOME_LOST);
    assert_int_equal(mtl_lead_stage(lead(m, "d")), 3);
    assert_int_equal(mtl_lead_outcome(lead(m, "d")), MTL_OUTCOME_LOST);
    assert_int_equal(mtl_lead_stage(lead(m, "e")), 1);
    assert_int_equal(mtl_lead_stage(lead(m, "f")), 4);
    assert_int_equal(mtl_lead_stage(lead(m, "g")), 4);
    assert_int_equal(mtl_lead_outcome(lead(m, "g")), MTL_OUTCOME_OPEN);
    /* a won stage value in the default model: the won-flagged P7 */
    test_market_free(m, &ta);
}

/* The stage map can name stages with spaces or hyphens, such as
 * Salesforce's "Needs Analysis" or "Closed Won".  (Was a bug, fixed in
 * 12e7b33: the right side was normalised like a header name, to
 * 'needs_analysis', and refused with MTL_E_INVALID_ARGUMENT.) */
static void test_stage_map_to_spaced_stage_name(void **state)
{
    test_alloc ta;
    mtl_market *m = custom_model_market(&ta);
    imp_opts io = {MTL_KIND_LEADS, 0, NULL, "NA=Needs Analysis,CW=Closed Won", 0, 0};
    static const char text[] = "id,stage\na,NA\nb,CW\n";
    mtl_status st;
    (void)state;
    st = import_with(m, text, sizeof text - 1, &io, NULL);
    if (st != MTL_OK)
        test_note("stage map NA=Needs Analysis: %s (%s)", mtl_status_string(st),
                  mtl_last_error_message());
    else {
        assert_int_equal(mtl_lead_stage(lead(m, "a")), 1);
        assert_int_equal(mtl_lead_stage(lead(m, "b")), 2);
        assert_int_equal(mtl_lead_outcome(lead(m, "b")), MTL_OUTCOME_WON);
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* decision_step (aliases decision, 决策阶段): 0-7 or the step's English or
 * Chinese name; anything else is refused at the cell.  (Was a bug, fixed
 * in 12e7b33: the column was ignored, the step lost.) */
static void test_decision_step_imported(void **state)
{
    static const char *const headers[] = {"decision_step", "decision", "决策阶段"};
    size_t k;
    char text[128];
    (void)state;
    for (k = 0; k < 3; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        snprintf(text, sizeof text, "id,%s\na,3\nb,0\n", headers[k]);
        IMPORT_OK(m, text);
        if (mtl_lead_decision_step(lead(m, "a")) != MTL_DECISION_DECISION)
            test_note("'%s' 3: decision step %d", headers[k],
                      (int)mtl_lead_decision_step(lead(m, "a")));
        snprintf(text, sizeof text, "id,%s\nc,9\n", headers[k]);
        if (import_leads(m, text, NULL) == MTL_OK)
            test_note("'%s' 9 (no such step) was accepted", headers[k]);
        else if (mtl_last_error_status() != MTL_E_PARSE || mtl_last_error_line() != 2 ||
                 mtl_last_error_column() != 3)
            test_note("'%s' 9: %s at %lld:%lld, expected MTL_E_PARSE at 2:3", headers[k],
                      mtl_status_string(mtl_last_error_status()),
                      (long long)mtl_last_error_line(), (long long)mtl_last_error_column());
        test_market_free(m, &ta);
    }
    /* the steps by name */
    {
        static const char *const en[] = {"none", "satisfied", "recognition", "decision",
                                          "criteria", "evaluation", "selection",
                                          "reevaluation"};
        static const char *const zh[] = {"无", "满意", "认识", "决定", "制定标准",
                                          "评价", "选择", "再评价"};
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        char text2[1024];
        size_t off = 0;
        int32_t i;
        off += (size_t)snprintf(text2 + off, sizeof text2 - off, "id,decision_step\n");
        for (i = 0; i < 8; i++)
            off += (size_t)snprintf(text2 + off, sizeof text2 - off, "e%d,%s\nz%d,%s\n",
                                    (int)i, i == 3 ? "Decision" : en[i], (int)i, zh[i]);
        IMPORT_OK(m, text2);
        for (i = 0; i < 8; i++) {
            char id[8];
            snprintf(id, sizeof id, "e%d", (int)i);
            if (mtl_lead_decision_step(lead(m, id)) != i)
                test_note("'%s': step %d", en[i], (int)mtl_lead_decision_step(lead(m, id)));
            snprintf(id, sizeof id, "z%d", (int)i);
            if (mtl_lead_decision_step(lead(m, id)) != i)
                test_note("'%s': step %d", zh[i], (int)mtl_lead_decision_step(lead(m, id)));
        }
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

static void test_generated_ids(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    (void)state;
    /* the data row number: not the line (a quoted field spans two lines,
     * empty lines are no rows) */
    assert_int_equal(import_leads(m, "owner,note\na,\"x\ny\"\n\nb,z\n\r\nc,\n", &r), MTL_OK);
    assert_int_equal(r.rows, 3);
    assert_string_equal(mtl_lead_owner(lead(m, "1")), "a");
    assert_string_equal(mtl_lead_owner(lead(m, "2")), "b");
    assert_string_equal(mtl_lead_owner(lead(m, "3")), "c");
    /* a second file numbers from 1 again: "1" exists -> refused at 2:1 */
    expect_last_error(import_leads(m, "owner\nd\n", &r), MTL_E_DUPLICATE, 2, 1);
    test_market_free(m, &ta);
}

static void test_separator_detection(void **state)
{
    static const struct {
        const char *text;
        int32_t forced;
        int32_t expect;
    } cases[] = {
        {"id,owner\na,b\n", 0, ','},
        {"id;owner\na;b\n", 0, ';'},
        {"id\towner\na\tb\n", 0, '\t'},
        {"id;owner,x;y\na;b,c;d\n", 0, ';'},      /* 3 ';' against 1 ',' */
        {"id,owner;x\na,b;c\n", 0, ','},          /* a tie: ',' */
        {"\"a,b,c\";id;owner\nx;y;z\n", 0, ';'},  /* quoted separators do not count */
        {"id\towner\tx,y,z\na\tb\tc\n", 0, ','},  /* 2 tabs, 2 commas: ',' */
        {"id\n\"a\"\n", 0, ','},                  /* none at all: ',' */
        {"id;owner\na;b\n", ',', ','},            /* forced */
    };
    size_t k;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_csv_result r;
        imp_opts io = {MTL_KIND_LEADS, cases[k].forced, NULL, NULL, 1, 0};
        import_with(m, cases[k].text, strlen(cases[k].text), &io, &r);
        if (r.separator != cases[k].expect)
            test_note("case %zu: separator %d, expected %d", k, (int)r.separator,
                      (int)cases[k].expect);
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

static void test_error_message_quotes_64_bytes(void **state)
{
    char *text;
    size_t n = 6000, k;
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    const char *msg, *q;
    char expect[80];
    (void)state;
    text = malloc(n + 64);
    assert_non_null(text);
    memcpy(text, "id\n", 3);
    for (k = 0; k < 5000; k++)
        text[3 + k] = 'x';
    memcpy(text + 5003, "\n", 2);
    expect_last_error(import_leads(m, text, NULL), MTL_E_LIMIT, 2, 1);
    msg = mtl_last_error_message();
    memset(expect, 'x', 64);
    memcpy(expect + 64, "'...", 5);
    q = strchr(msg, '\'');
    assert_non_null(q);
    assert_string_equal(q + 1, expect);
    /* a UTF-8 character is not cut: 25 three-byte characters = 75 bytes,
     * the quote stops after 21 of them (63 bytes) */
    strcpy(text, "id,amount\na,");
    for (k = 0; k < 25; k++)
        strcat(text, "中");
    strcat(text, "\n");
    expect_last_error(import_leads(m, text, NULL), MTL_E_PARSE, 2, 3);
    msg = mtl_last_error_message();
    q = strchr(msg, '\'');
    assert_non_null(q);
    assert_int_equal(strlen(q + 1), 63 + 4);
    assert_string_equal(q + 1 + 63, "'...");
    free(text);
    test_market_free(m, &ta);
}

static void test_id_limits(void **state)
{
    static char text[3 + 4096 + 2];
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    (void)state;
    memcpy(text, "id\n", 3);
    memset(text + 3, 'k', 4096);
    memcpy(text + 3 + 4096, "\n", 2);
    IMPORT_OK(m, text); /* exactly 4096 bytes is fine */
    assert_int_equal(strlen(mtl_lead_id(mtl_lead_next(m, NULL))), 4096);
    test_market_free(m, &ta);
}

/* Values of text columns are at most 4096 bytes, and of two errors in a
 * row the first column's is reported: the row parser looks at the scalar
 * columns alone only in a record too short for any value to be too long
 * (and without blanks). */
static void test_text_value_limits(void **state)
{
    static char text[64 + 2 * 4097];
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    size_t off;
    (void)state;
    /* an owner of exactly 4096 bytes is fine, 4097 is not */
    off = (size_t)sprintf(text, "id,owner,amount\na,");
    memset(text + off, 'o', 4096);
    strcpy(text + off + 4096, ",5\n");
    IMPORT_OK(m, text);
    assert_int_equal(strlen(mtl_lead_owner(lead(m, "a"))), 4096);
    off = (size_t)sprintf(text, "id,owner,amount\nb,");
    memset(text + off, 'o', 4097);
    strcpy(text + off + 4097, ",5\n");
    expect_last_error(import_leads(m, text, NULL), MTL_E_LIMIT, 2, 3);
    /* with a bad amount after it: still the owner, the first column */
    strcpy(text + off + 4097, ",-5\n");
    expect_last_error(import_leads(m, text, NULL), MTL_E_LIMIT, 2, 3);
    /* an attribute column */
    off = (size_t)sprintf(text, "id,industry,amount\nc,");
    memset(text + off, 'i', 4097);
    strcpy(text + off + 4097, ",5\n");
    expect_last_error(import_leads(m, text, NULL), MTL_E_LIMIT, 2, 3);
    /* a short record: the bad amount */
    expect_last_error(import_leads(m, "id,owner,amount\nd,x,-5\n", NULL), MTL_E_RANGE, 2, 5);
    assert_int_equal(mtl_market_lead_count(m), 1);
    test_market_free(m, &ta);
}

static void test_strict_mode(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    imp_opts io = {MTL_KIND_LEADS, 0, NULL, NULL, 0, 1};
    static const char ok[] = "id,customer,segment\na,c0,s0\nb,,\n";
    mtl_csv_result r;
    (void)state;
    assert_int_equal(mtl_segment_add(NULL, m, "s0"), MTL_OK);
    assert_int_equal(mtl_customer_add(NULL, m, "c0", NULL), MTL_OK);
    assert_int_equal(import_with(m, ok, sizeof ok - 1, &io, &r), MTL_OK);
    assert_int_equal(r.customers_created, 0);
    assert_string_equal(cust_id(lead(m, "a")), "c0");
    assert_string_equal(seg_id(lead(m, "a")), "s0");
    /* the same names unknown: refused in strict mode, made otherwise */
    {
        static const char text[] = "id,customer,segment\nx,c1,s1\n";
        expect_last_error(import_with(m, text, sizeof text - 1, &io, &r), MTL_E_NOT_FOUND, 2,
                          3);
        io.strict = 0;
        assert_int_equal(import_with(m, text, sizeof text - 1, &io, &r), MTL_OK);
        assert_int_equal(r.customers_created, 1);
        assert_int_equal(r.segments_created, 1);
        /* a made customer has no segment: the lead's segment is the column's */
        assert_null(mtl_customer_segment(mtl_customer_find(m, "c1")));
        assert_string_equal(seg_id(lead(m, "x")), "s1");
    }
    test_market_free(m, &ta);
}

/* ---- 5. export ---------------------------------------------------------------- */

static mtl_market *small_market(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 0, NULL);
    mtl_segment *s1, *s2;
    mtl_customer *c1;
    mtl_lead *l;
    assert_int_equal(mtl_segment_add(&s1, m, "s1"), MTL_OK);
    assert_int_equal(mtl_segment_set_name(s1, "Retail, EU"), MTL_OK);
    assert_int_equal(mtl_segment_add(&s2, m, "s2"), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(s2, s1), MTL_OK);
    assert_int_equal(mtl_customer_add(&c1, m, "c1", s1), MTL_OK);
    assert_int_equal(mtl_customer_set_name(c1, "Acme"), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c1, "north"), MTL_OK);
    assert_int_equal(mtl_customer_set_owner(c1, "ann"), MTL_OK);
    assert_int_equal(mtl_customer_set_revenue(c1, 123456), MTL_OK);
    assert_int_equal(mtl_customer_set_investment(c1, 5), MTL_OK);
    assert_int_equal(mtl_customer_set_participation(c1, 0.25), MTL_OK);
    assert_int_equal(mtl_customer_set_grade(c1, MTL_GRADE_STRATEGIC), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, m, "L1", c1), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, "web"), MTL_OK);
    assert_int_equal(mtl_lead_set_stage(l, 3), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l, 1050), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l, 0.1), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l, MTL_CATEGORY_BEST_CASE), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l, day("2023-01-02")), MTL_OK);
    assert_int_equal(mtl_lead_set_status(l, MTL_LEAD_STATUS_NURTURE), MTL_OK);
    assert_int_equal(mtl_lead_set_decision_step(l, MTL_DECISION_RECOGNITION), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "industry", "retail"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, day("2023-01-05"), 2), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, m, "L2", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON), MTL_OK);
    return m;
}

static void test_export_exact(void **state)
{
    test_alloc ta;
    mtl_market *m = small_market(&ta);
    char *t;
    (void)state;
    t = export_text(m, MTL_KIND_LEADS, 0, NULL);
    assert_string_equal(t, "id,customer,segment,owner,region,source,stage,outcome,amount,"
                           "probability,category,created,expected_close,closed,status,"
                           "decision_step,industry\n"
                           "L1,c1,s1,,north,web,P3,open,10.50,0.1,best_case,2023-01-02,,,"
                           "nurture,2,retail\n"
                           "L2,,,,,,P7,won,0.00,,,,,,new,0,\n");
    free(t);
    t = export_text(m, MTL_KIND_CUSTOMERS, 0, NULL);
    assert_string_equal(t, "id,name,segment,region,owner,revenue,investment,participation,"
                           "grade\n"
                           "c1,Acme,s1,north,ann,1234.56,0.05,0.25,strategic\n");
    free(t);
    t = export_text(m, MTL_KIND_SEGMENTS, 0, NULL);
    assert_string_equal(t, "id,name,parent\ns1,\"Retail, EU\",\ns2,,s1\n");
    free(t);
    t = export_text(m, MTL_KIND_SEGMENTS, ';', NULL);
    assert_string_equal(t, "id;name;parent\ns1;Retail, EU;\ns2;;s1\n");
    free(t);
    t = export_text(m, MTL_KIND_SEGMENTS, '\t', NULL);
    assert_string_equal(t, "id\tname\tparent\ns1\tRetail, EU\t\ns2\t\ts1\n");
    free(t);
    test_market_free(m, &ta);
}

static void test_export_quoting_and_numbers(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 1000, NULL);
    mtl_lead *l;
    char *t;
    (void)state;
    assert_int_equal(mtl_lead_add(&l, m, "q,1", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l, "say \"hi\""), MTL_OK);
    assert_int_equal(mtl_lead_set_region(l, "a\nb"), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, " lead"), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l, 7), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l, 1.0 / 3.0), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l, MTL_DATE_MIN), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l, MTL_DATE_MAX), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l, MTL_CATEGORY_OMITTED), MTL_OK);
    assert_int_equal(mtl_lead_set_status(l, MTL_LEAD_STATUS_CLOSED), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 2, MTL_OUTCOME_LOST), MTL_OK);
    t = export_text(m, MTL_KIND_LEADS, 0, NULL);
    assert_string_equal(strchr(t, '\n') + 1,
                        "\"q,1\",,,\"say \"\"hi\"\"\",\"a\nb\",\" lead\",P2,lost,0.007,"
                        "0.3333333333333333,omitted,0001-01-01,9999-12-31,,closed,0\n");
    free(t);
    t = export_text(m, MTL_KIND_LEADS, ';', NULL);
    assert_non_null(strstr(t, "\nq,1;;;\"say \"\"hi\"\"\";\"a\nb\";\" lead\";P2;lost;0.007;"));
    free(t);
    test_market_free(m, &ta);
    /* minor units */
    {
        static const struct {
            int64_t minor, amount;
            const char *text;
        } cases[] = {{1, 12, "12"},
                     {1, INT64_MAX, "9223372036854775807"},
                     {100, 0, "0.00"},
                     {100, 5, "0.05"},
                     {100, INT64_MAX, "92233720368547758.07"},
                     {1000, 1234567, "1234.567"},
                     {1000000, 1000001, "1.000001"},
                     {1000000, 999999, "0.999999"}};
        size_t k;
        for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            char want[64];
            m = test_market_new(&ta, cases[k].minor, NULL);
            assert_int_equal(mtl_lead_add(&l, m, "a", NULL), MTL_OK);
            assert_int_equal(mtl_lead_set_amount(l, cases[k].amount), MTL_OK);
            t = export_text(m, MTL_KIND_LEADS, 0, NULL);
            snprintf(want, sizeof want, "\na,,,,,,P0,open,%s,,", cases[k].text);
            if (!strstr(t, want))
                test_note("minor %lld amount %lld: %s", (long long)cases[k].minor,
                          (long long)cases[k].amount, strchr(t, '\n') + 1);
            free(t);
            test_market_free(m, &ta);
        }
    }
    test_notes_assert_none();
}

static void test_export_empty_market(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_market *n = test_market_new(&tb, 0, NULL);
    mtl_csv_result r;
    char *t;
    int32_t kind;
    (void)state;
    for (kind = 0; kind < 3; kind++) {
        t = export_text(m, kind, 0, NULL);
        assert_non_null(strchr(t, '\n'));
        assert_int_equal(strchr(t, '\n')[1], '\0'); /* the header alone */
        assert_int_equal(import_kind(n, t, kind, &r), MTL_OK);
        assert_int_equal(r.rows, 0);
        free(t);
    }
    assert_int_equal(test_market_fingerprint(n), test_market_fingerprint(m));
    test_market_free(n, &tb);
    test_market_free(m, &ta);
}

static void test_export_arguments_and_io(void **state)
{
    test_alloc ta;
    mtl_market *m = small_market(&ta);
    sink s = {NULL, 0, 0, 0, 0};
    (void)state;
    assert_int_equal(mtl_csv_export(NULL, 0, 0, sink_write, &s), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_export(m, 0, 0, NULL, &s), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_export(m, MTL_KIND_ANSWERS + 1, 0, sink_write, &s),
                     MTL_E_RANGE);
    assert_int_equal(mtl_csv_export(m, -1, 0, sink_write, &s), MTL_E_RANGE);
    assert_int_equal(mtl_csv_export(m, 0, '|', sink_write, &s), MTL_E_RANGE);
    assert_int_equal(s.calls, 0);
    /* a callback that refuses: MTL_E_IO */
    s.refuse_after = 0;
    assert_int_equal(mtl_csv_export(m, MTL_KIND_LEADS, 0, sink_write, &s), MTL_E_IO);
    free(s.p);
    test_market_free(m, &ta);
    /* refusing after the first buffer of a bigger output */
    {
        mtl_lead *l;
        char id[32];
        int i;
        sink s2 = {NULL, 0, 0, 9000, 0};
        m = test_market_new(&ta, 0, NULL);
        for (i = 0; i < 2000; i++) {
            snprintf(id, sizeof id, "lead-%05d", i);
            assert_int_equal(mtl_lead_add(&l, m, id, NULL), MTL_OK);
        }
        assert_int_equal(mtl_csv_export(m, MTL_KIND_LEADS, 0, sink_write, &s2), MTL_E_IO);
        assert_true(s2.n > 0 && s2.n <= 9000);
        free(s2.p);
        test_market_free(m, &ta);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_export_file(void **state)
{
    char dir[] = "/tmp/mtl-csv-XXXXXX", path[256], tmp[256], sub[256];
    test_alloc ta, tb;
    mtl_market *m = small_market(&ta), *n;
    char *want, *got;
    size_t wlen, glen;
    struct stat stbuf;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/leads.csv", dir);
    snprintf(tmp, sizeof tmp, "%s/leads.csv.tmp", dir);
    /* an old file is replaced */
    {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs("old content", f);
        fclose(f);
    }
    assert_int_equal(mtl_csv_export_file(m, MTL_KIND_LEADS, 0, path), MTL_OK);
    want = export_text(m, MTL_KIND_LEADS, 0, &wlen);
    got = slurp(path, &glen);
    assert_non_null(got);
    assert_int_equal(glen, wlen);
    assert_memory_equal(got, want, wlen);
    assert_int_equal(stat(tmp, &stbuf), -1); /* no temporary left */
    /* and it reads back */
    n = test_market_new(&tb, 0, NULL);
    assert_int_equal(mtl_csv_import_file(n, path, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_market_lead_count(n), 2);
    test_market_free(n, &tb);
    free(got);
    free(want);
    /* no such directory: MTL_E_IO, nothing written */
    assert_int_equal(mtl_csv_export_file(m, MTL_KIND_LEADS, 0, "/nonexistent-mtl-dir/x.csv"),
                     MTL_E_IO);
    assert_int_equal(stat("/nonexistent-mtl-dir/x.csv.tmp", &stbuf), -1);
    /* the target is a directory: the rename fails, the temporary goes */
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mtl_csv_export_file(m, MTL_KIND_SEGMENTS, 0, sub), MTL_E_IO);
    snprintf(tmp, sizeof tmp, "%s/sub.tmp", dir);
    assert_int_equal(stat(tmp, &stbuf), -1);
    assert_int_equal(stat(sub, &stbuf), 0);
    assert_true(S_ISDIR(stbuf.st_mode));
    /* arguments */
    assert_int_equal(mtl_csv_export_file(NULL, 0, 0, path), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_export_file(m, 0, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_csv_export_file(m, MTL_KIND_ANSWERS + 1, 0, path), MTL_E_RANGE);
    remove(path);
    rmdir(sub);
    rmdir(dir);
    test_market_free(m, &ta);
}

/* ---- random round trips ---- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnd(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static uint32_t below(rng *r, uint32_t n) { return (uint32_t)(rnd(r) % n); }

static const char *const tricky[] = {
    "plain", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "中文", "semi;colon",
    "tab\tinside", "'q'", "#h", "=1+2", "\"", ",", "Äö", "x y", "lone\rcr", "NULL", "-"};
/* values the importer would trim if they were not quoted */
static const char *const spaced[] = {" lead", "trail ", "\tt", " both ", "  "};

typedef struct {
    int spaces;   /* values with surrounding spaces (quoted-trim bug) */
    int decision; /* decision steps (decision_step not imported: bug) */
    int cleared;  /* a lead's segment/region cleared while its customer has one (bug) */
} rt_features;

static void gen_text(rng *r, const rt_features *f, char *buf, size_t cap, int allow_empty)
{
    uint32_t k = below(r, 10);
    if (allow_empty && k < 3) {
        buf[0] = '\0';
        return;
    }
    if (f->spaces && k == 3)
        snprintf(buf, cap, "%s", spaced[below(r, sizeof spaced / sizeof spaced[0])]);
    else
        snprintf(buf, cap, "%s", tricky[below(r, sizeof tricky / sizeof tricky[0])]);
}

/* A unique id: a tricky text with the index, sometimes with spaces. */
static void gen_id(rng *r, const rt_features *f, char *buf, size_t cap, unsigned i)
{
    const char *t = tricky[below(r, sizeof tricky / sizeof tricky[0])];
    if (f->spaces && below(r, 5) == 0)
        snprintf(buf, cap, " %s#%u ", t, i);
    else
        snprintf(buf, cap, "%s#%u", t, i);
}

static int64_t gen_money(rng *r)
{
    switch (below(r, 6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return INT64_MAX;
    case 3: return (int64_t)below(r, 100000);
    default: return (int64_t)(rnd(r) >> (1 + below(r, 60)));
    }
}

static double gen_probability(rng *r, int none)
{
    switch (below(r, 7)) {
    case 0: return none ? MTL_PROBABILITY_NONE : 0.5;
    case 1: return 0.0;
    case 2: return 1.0;
    case 3: return 0.1;
    case 4: return 0.35;
    case 5: return 1.0 / 3.0;
    default: return (double)(rnd(r) >> 11) / 9007199254740992.0;
    }
}

static int32_t gen_day(rng *r)
{
    switch (below(r, 5)) {
    case 0: return MTL_DATE_NONE;
    case 1: return MTL_DATE_MIN;
    case 2: return MTL_DATE_MAX;
    default: return MTL_DATE_MIN + (int32_t)below(r, (uint32_t)(MTL_DATE_MAX - MTL_DATE_MIN + 1));
    }
}

static const char *const attr_keys[] = {"industry", "size", "key,comma", "key \"q\"", "键",
                                        " spaced key", "multi\nline", "Attr-X"};

static mtl_market *gen_market(rng *r, const rt_features *f, test_alloc *ta, int64_t minor,
                              int custom)
{
    mtl_market *m;
    mtl_segment *segs[12];
    mtl_customer *custs[16];
    unsigned nseg = below(r, 12), ncust = below(r, 16), nlead = below(r, 70), i, j;
    unsigned rank[12];
    char buf[128], buf2[128];
    int32_t nstages;
    if (custom) {
        mtl_stage_model *sm = NULL;
        assert_int_equal(mtl_stage_model_create(&sm, NULL, NULL), MTL_OK);
        assert_int_equal(mtl_stage_model_add(sm, "New", NULL, 0.1, 0, 0), MTL_OK);
        assert_int_equal(mtl_stage_model_add(sm, "Needs Analysis", NULL, 0.3, 1, 0), MTL_OK);
        assert_int_equal(mtl_stage_model_add(sm, "Closed Won", NULL, 1, 3, MTL_STAGE_FLAG_WON),
                         MTL_OK);
        assert_int_equal(mtl_stage_model_add(sm, "Closed Lost", NULL, 0, 4,
                                             MTL_STAGE_FLAG_LOST),
                         MTL_OK);
        assert_int_equal(mtl_stage_model_add(sm, "阶段五", NULL, 0.8, 2, 0), MTL_OK);
        m = test_market_new(ta, minor, sm);
        mtl_stage_model_destroy(sm);
    } else
        m = test_market_new(ta, minor, NULL);
    nstages = mtl_market_stage_count(m);
    for (i = 0; i < nseg; i++) {
        gen_id(r, f, buf, sizeof buf, i);
        assert_int_equal(mtl_segment_add(&segs[i], m, buf), MTL_OK);
        gen_text(r, f, buf, sizeof buf, 1);
        assert_int_equal(mtl_segment_set_name(segs[i], buf), MTL_OK);
        rank[i] = i;
    }
    for (i = nseg; i > 1; i--) { /* a random hierarchy order */
        unsigned k = below(r, i), t = rank[i - 1];
        rank[i - 1] = rank[k];
        rank[k] = t;
    }
    for (i = 0; i < nseg; i++) /* parent: any segment of a lower rank */
        if (below(r, 3))
            for (j = 0; j < nseg; j++)
                if (rank[j] < rank[i] && below(r, 2)) {
                    assert_int_equal(mtl_segment_set_parent(segs[i], segs[j]), MTL_OK);
                    break;
                }
    for (i = 0; i < ncust; i++) {
        gen_id(r, f, buf, sizeof buf, i);
        assert_int_equal(mtl_customer_add(&custs[i], m, buf,
                                          nseg && below(r, 3) ? segs[below(r, nseg)] : NULL),
                         MTL_OK);
        gen_text(r, f, buf, sizeof buf, 1);
        assert_int_equal(mtl_customer_set_name(custs[i], buf), MTL_OK);
        gen_text(r, f, buf, sizeof buf, 1);
        assert_int_equal(mtl_customer_set_region(custs[i], buf), MTL_OK);
        gen_text(r, f, buf, sizeof buf, 1);
        assert_int_equal(mtl_customer_set_owner(custs[i], buf), MTL_OK);
        assert_int_equal(mtl_customer_set_revenue(custs[i], gen_money(r)), MTL_OK);
        assert_int_equal(mtl_customer_set_investment(custs[i], gen_money(r)), MTL_OK);
        assert_int_equal(mtl_customer_set_participation(custs[i], gen_probability(r, 0)),
                         MTL_OK);
        assert_int_equal(mtl_customer_set_grade(custs[i], (int32_t)below(r, 5)), MTL_OK);
    }
    for (i = 0; i < nlead; i++) {
        mtl_lead *l;
        mtl_customer *c = ncust && below(r, 4) ? custs[below(r, ncust)] : NULL;
        int32_t stage = (int32_t)below(r, (uint32_t)nstages), outcome, flags;
        unsigned a;
        gen_id(r, f, buf, sizeof buf, i);
        assert_int_equal(mtl_lead_add(&l, m, buf, c), MTL_OK);
        /* segment and region: the customer's, another, or (cleared) none */
        switch (below(r, 4)) {
        case 0:
            if (nseg)
                assert_int_equal(mtl_lead_set_segment(l, segs[below(r, nseg)]), MTL_OK);
            break;
        case 1:
            if (f->cleared || !c || !mtl_customer_segment(c))
                assert_int_equal(mtl_lead_set_segment(l, NULL), MTL_OK);
            break;
        default:
            break;
        }
        switch (below(r, 4)) {
        case 0:
            gen_text(r, f, buf2, sizeof buf2, 0);
            assert_int_equal(mtl_lead_set_region(l, buf2), MTL_OK);
            break;
        case 1:
            if (f->cleared || !c || !*mtl_customer_region(c))
                assert_int_equal(mtl_lead_set_region(l, NULL), MTL_OK);
            break;
        default:
            break;
        }
        gen_text(r, f, buf2, sizeof buf2, 1);
        assert_int_equal(mtl_lead_set_owner(l, buf2), MTL_OK);
        gen_text(r, f, buf2, sizeof buf2, 1);
        assert_int_equal(mtl_lead_set_source(l, buf2), MTL_OK);
        flags = mtl_market_stage_flags(m, stage);
        outcome = flags & MTL_STAGE_FLAG_WON    ? MTL_OUTCOME_WON
                  : flags & MTL_STAGE_FLAG_LOST ? MTL_OUTCOME_LOST
                                                : (int32_t)below(r, 3);
        assert_int_equal(mtl_lead_set_stage_outcome(l, stage, outcome), MTL_OK);
        assert_int_equal(mtl_lead_set_status(l, (int32_t)below(r, 4)), MTL_OK);
        assert_int_equal(mtl_lead_set_amount(l, gen_money(r)), MTL_OK);
        assert_int_equal(mtl_lead_set_probability(l, gen_probability(r, 1)), MTL_OK);
        assert_int_equal(mtl_lead_set_category(l, (int32_t)below(r, 6) - 1), MTL_OK);
        if (f->decision)
            assert_int_equal(mtl_lead_set_decision_step(l, (int32_t)below(r, 8)), MTL_OK);
        assert_int_equal(mtl_lead_set_created(l, gen_day(r)), MTL_OK);
        assert_int_equal(mtl_lead_set_expected_close(l, gen_day(r)), MTL_OK);
        assert_int_equal(mtl_lead_set_closed(l, gen_day(r)), MTL_OK);
        for (a = 0; a < sizeof attr_keys / sizeof attr_keys[0]; a++)
            if (below(r, 3) == 0) {
                gen_text(r, f, buf2, sizeof buf2, 0);
                assert_int_equal(mtl_lead_set_attribute(l, attr_keys[a], buf2), MTL_OK);
            }
        for (a = below(r, 3); a > 0; a--) /* history: not in CSV */
            assert_int_equal(mtl_lead_add_event(l, gen_day(r) == MTL_DATE_NONE
                                                       ? 0
                                                       : MTL_DATE_MIN + 1000,
                                                (int32_t)below(r, (uint32_t)nstages)),
                             MTL_OK);
    }
    return m;
}

static void describe_lead(const mtl_lead *l, char *buf, size_t cap)
{
    size_t off, k;
    off = (size_t)snprintf(buf, cap,
                           "[%s] cust=%s seg=%s owner=[%s] region=[%s] source=[%s] stage=%d "
                           "outcome=%d amount=%lld prob=%.17g cat=%d dec=%d status=%d "
                           "dates=%d/%d/%d attrs:",
                           mtl_lead_id(l), cust_id(l) ? cust_id(l) : "-",
                           seg_id(l) ? seg_id(l) : "-", mtl_lead_owner(l), mtl_lead_region(l),
                           mtl_lead_source(l), (int)mtl_lead_stage(l), (int)mtl_lead_outcome(l),
                           (long long)mtl_lead_amount(l), mtl_lead_probability(l),
                           (int)mtl_lead_category(l), (int)mtl_lead_decision_step(l),
                           (int)mtl_lead_status(l), (int)mtl_lead_created(l),
                           (int)mtl_lead_expected_close(l), (int)mtl_lead_closed(l));
    for (k = 0; k < mtl_lead_attribute_count(l) && off < cap; k++) {
        const char *key, *value;
        mtl_lead_attribute_at(l, k, &key, &value);
        off += (size_t)snprintf(buf + off, cap - off, " {%s=%s}", key, value);
    }
}

/* First difference between two markets, for the failure message. */
static void first_difference(const mtl_market *a, const mtl_market *b, char *out, size_t cap)
{
    const mtl_segment *sa, *sb;
    const mtl_customer *ca, *cb;
    const mtl_lead *la, *lb;
    char d1[1024], d2[1024];
    snprintf(out, cap, "(no difference found by record)");
    for (sa = mtl_segment_next(a, NULL), sb = mtl_segment_next(b, NULL); sa && sb;
         sa = mtl_segment_next(a, sa), sb = mtl_segment_next(b, sb))
        if (strcmp(mtl_segment_id(sa), mtl_segment_id(sb)) != 0 ||
            strcmp(mtl_segment_name(sa), mtl_segment_name(sb)) != 0 ||
            (mtl_segment_parent(sa) == NULL) != (mtl_segment_parent(sb) == NULL)) {
            snprintf(out, cap, "segment [%s] name [%s] vs [%s] name [%s]", mtl_segment_id(sa),
                     mtl_segment_name(sa), mtl_segment_id(sb), mtl_segment_name(sb));
            return;
        }
    for (ca = mtl_customer_next(a, NULL), cb = mtl_customer_next(b, NULL); ca && cb;
         ca = mtl_customer_next(a, ca), cb = mtl_customer_next(b, cb))
        if (strcmp(mtl_customer_id(ca), mtl_customer_id(cb)) != 0 ||
            strcmp(mtl_customer_name(ca), mtl_customer_name(cb)) != 0 ||
            strcmp(mtl_customer_region(ca), mtl_customer_region(cb)) != 0 ||
            strcmp(mtl_customer_owner(ca), mtl_customer_owner(cb)) != 0 ||
            mtl_customer_revenue(ca) != mtl_customer_revenue(cb) ||
            mtl_customer_participation(ca) != mtl_customer_participation(cb)) {
            snprintf(out, cap, "customer [%s] name [%s] region [%s] vs [%s] [%s] [%s]",
                     mtl_customer_id(ca), mtl_customer_name(ca), mtl_customer_region(ca),
                     mtl_customer_id(cb), mtl_customer_name(cb), mtl_customer_region(cb));
            return;
        }
    for (la = mtl_lead_next(a, NULL), lb = mtl_lead_next(b, NULL); la && lb;
         la = mtl_lead_next(a, la), lb = mtl_lead_next(b, lb))
        if (test_lead_fingerprint(la) != test_lead_fingerprint(lb)) {
            describe_lead(la, d1, sizeof d1);
            describe_lead(lb, d2, sizeof d2);
            snprintf(out, cap, "lead\n      was %s\n      now %s", d1, d2);
            return;
        }
}

/* What the random markets held, all seeds together. */
static size_t rt_leads, rt_customers, rt_segments, rt_attributes;

/* One random market through export and import; 1 when all is well. */
static int round_trip_one(uint64_t seed, const rt_features *f, int verbose)
{
    static const int64_t minors[4] = {100, 1, 1000, 1000000};
    static const int32_t seps[4] = {0, 0, ';', '\t'};
    static const int32_t kinds[3] = {MTL_KIND_SEGMENTS, MTL_KIND_CUSTOMERS, MTL_KIND_LEADS};
    rng r = {seed * 0x9E3779B97F4A7C15ull + 1};
    test_alloc ta, tb;
    int64_t minor = minors[seed % 4];
    int custom = seed % 3 == 0;
    int32_t sep = seps[(seed / 4) % 4];
    mtl_market *m, *n;
    char *first[3], *second[3];
    size_t len1[3], len2[3];
    mtl_lead *l;
    int k, ok = 1;
    rnd(&r);
    m = gen_market(&r, f, &ta, minor, custom);
    rt_leads += mtl_market_lead_count(m);
    rt_customers += mtl_market_customer_count(m);
    rt_segments += mtl_market_segment_count(m);
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l))
        rt_attributes += mtl_lead_attribute_count(l);
    if (custom) {
        mtl_stage_model *sm = NULL;
        /* the same model for the new market */
        assert_int_equal(mtl_stage_model_create(&sm, NULL, NULL), MTL_OK);
        for (k = 0; k < mtl_market_stage_count(m); k++)
            assert_int_equal(mtl_stage_model_add(sm, mtl_market_stage_name(m, k),
                                                 mtl_market_stage_phase(m, k),
                                                 mtl_market_stage_probability(m, k),
                                                 mtl_market_stage_category(m, k),
                                                 mtl_market_stage_flags(m, k)),
                             MTL_OK);
        n = test_market_new(&tb, minor, sm);
        mtl_stage_model_destroy(sm);
    } else
        n = test_market_new(&tb, minor, NULL);
    for (k = 0; k < 3; k++)
        first[k] = export_text(m, kinds[k], sep, &len1[k]);
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l))
        assert_int_equal(mtl_lead_clear_events(l), MTL_OK);
    for (k = 0; k < 3; k++) {
        mtl_csv_result res;
        mtl_status st = import_with(n, first[k], len1[k],
                                    &(imp_opts){kinds[k], 0, NULL, NULL, 0, 0}, &res);
        if (st != MTL_OK) {
            if (verbose)
                test_note("seed %llu: import of the kind %d export: %s %s",
                          (unsigned long long)seed, kinds[k], mtl_status_string(st),
                          mtl_last_error_message());
            ok = 0;
            break;
        }
        if (res.separator != (sep ? sep : ',')) {
            if (verbose)
                test_note("seed %llu kind %d: separator %d detected, exported with %d",
                          (unsigned long long)seed, kinds[k], (int)res.separator, (int)sep);
            ok = 0;
        }
    }
    if (ok && test_market_fingerprint(n) != test_market_fingerprint(m)) {
        char diff[2400];
        first_difference(m, n, diff, sizeof diff);
        if (verbose)
            test_note("seed %llu: import(export(x)) differs from x: %s",
                      (unsigned long long)seed, diff);
        ok = 0;
    }
    if (ok) {
        for (k = 0; k < 3; k++) {
            second[k] = export_text(n, kinds[k], sep, &len2[k]);
            if (len2[k] != len1[k] || memcmp(first[k], second[k], len1[k]) != 0) {
                if (verbose)
                    test_note("seed %llu: export(import(export(x))) differs from export(x) "
                              "(kind %d)",
                              (unsigned long long)seed, kinds[k]);
                ok = 0;
            }
            free(second[k]);
        }
    }
    for (k = 0; k < 3; k++)
        free(first[k]);
    test_market_free(n, &tb);
    test_market_free(m, &ta);
    return ok;
}

#define ROUND_TRIPS 300

/* Every field, values with surrounding spaces, decision steps, segments and
 * regions cleared while the customer has one.  (Values with spaces,
 * decision steps and cleared segments or regions did not survive before
 * 12e7b33.) */
static void test_round_trip_random(void **state)
{
    rt_features f = {1, 1, 1};
    uint64_t seed;
    (void)state;
    rt_leads = rt_customers = rt_segments = rt_attributes = 0;
    for (seed = 1; seed <= ROUND_TRIPS; seed++)
        if (!round_trip_one(seed, &f, 1))
            break;
    test_notes_assert_none();
    /* the markets were not trivially small */
    print_message("round trips: %zu leads, %zu attribute values, %zu customers, "
                  "%zu segments\n",
                  rt_leads, rt_attributes, rt_customers, rt_segments);
    assert_true(rt_leads > 8000);
    assert_true(rt_attributes > 15000);
    assert_true(rt_customers > 1500);
    assert_true(rt_segments > 1200);
}

/* A lead whose segment or region was cleared while its customer has one
 * comes back without them: a segment (region) column that is present is
 * taken as it is.  (Was a bug, fixed in 12e7b33 with keep_absent: the
 * import gave such a lead its customer's segment and region again.) */
static void test_round_trip_cleared_segment_region(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = small_market(&ta), *n = test_market_new(&tb, 0, NULL);
    mtl_lead *l = lead(m, "L1");
    char *t[3];
    int k;
    (void)state;
    assert_int_equal(mtl_lead_set_segment(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_region(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_decision_step(l, 0), MTL_OK);
    assert_int_equal(mtl_lead_clear_events(l), MTL_OK);
    t[0] = export_text(m, MTL_KIND_SEGMENTS, 0, NULL);
    t[1] = export_text(m, MTL_KIND_CUSTOMERS, 0, NULL);
    t[2] = export_text(m, MTL_KIND_LEADS, 0, NULL);
    assert_int_equal(import_kind(n, t[0], MTL_KIND_SEGMENTS, NULL), MTL_OK);
    assert_int_equal(import_kind(n, t[1], MTL_KIND_CUSTOMERS, NULL), MTL_OK);
    assert_int_equal(import_kind(n, t[2], MTL_KIND_LEADS, NULL), MTL_OK);
    l = lead(n, "L1");
    if (seg_id(l))
        test_note("cleared segment came back as '%s'", seg_id(l));
    if (*mtl_lead_region(l))
        test_note("cleared region came back as '%s'", mtl_lead_region(l));
    for (k = 0; k < 3; k++)
        free(t[k]);
    test_market_free(n, &tb);
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Documented limit: an attribute key equal to a canonical field name or
 * an alias (after normalisation) cannot be told apart on import: the
 * export reads back as a second column for that field. */
static void test_attribute_key_named_like_a_field(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = test_market_new(&ta, 0, NULL), *n = test_market_new(&tb, 0, NULL);
    mtl_lead *l;
    char *t;
    (void)state;
    assert_int_equal(mtl_lead_add(&l, m, "a", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "Owner", "x"), MTL_OK);
    t = export_text(m, MTL_KIND_LEADS, 0, NULL);
    expect_last_error(import_leads(n, t, NULL), MTL_E_DUPLICATE, 1, 134);
    free(t);
    test_market_free(n, &tb);
    test_market_free(m, &ta);
}

/* ---- 6. stop mode: created records are dropped -------------------------------- */

static mtl_market *populated(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 0, NULL);
    mtl_segment *s0;
    mtl_customer *c0;
    mtl_lead *l0;
    assert_int_equal(mtl_segment_add(&s0, m, "s0"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c0, m, "c0", s0), MTL_OK);
    assert_int_equal(mtl_lead_add(&l0, m, "L0", c0), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l0, "industry", "x"), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l0, 99), MTL_OK);
    return m;
}

static void check_unchanged(const mtl_market *m, uint64_t fp, const mtl_csv_result *r)
{
    assert_int_equal(test_market_fingerprint(m), fp);
    assert_int_equal(mtl_market_segment_count(m), 1);
    assert_int_equal(mtl_market_customer_count(m), 1);
    assert_int_equal(mtl_market_lead_count(m), 1);
    assert_null(mtl_customer_find(m, "newc1"));
    assert_null(mtl_segment_find(m, "news1"));
    if (r) {
        assert_int_equal(r->imported, 0);
        assert_int_equal(r->customers_created, 0);
        assert_int_equal(r->segments_created, 0);
    }
}

static void test_stop_mode_drops_created_records(void **state)
{
    /* three new customers (two with new segments), the last row bad */
    static const char bad_value[] = "id,customer,segment,amount\n"
                                    "n1,newc1,news1,1\n"
                                    "n2,newc2,s0,2\n"
                                    "n3,newc3,news2,3\n"
                                    "n4,c0,,x\n"; /* line 5: amount at byte 8 */
    /* the same names; the last row's id is in the market: refused by the
     * bulk append, after the customers and segments were made */
    static const char bad_id[] = "id,customer,segment,amount\n"
                                 "n1,newc1,news1,1\n"
                                 "n2,newc2,s0,2\n"
                                 "n3,newc3,news2,3\n"
                                 "L0,c0,,4\n"; /* line 5, id at byte 1 */
    static const char bad_customers[] = "id,segment,revenue\n"
                                        "k1,news1,1\n"
                                        "k2,news2,2\n"
                                        "k3,s0,-3\n"; /* line 4: revenue at byte 7 */
    test_alloc ta;
    mtl_market *m = populated(&ta);
    uint64_t fp = test_market_fingerprint(m);
    mtl_csv_result r;
    (void)state;
    expect_last_error(import_leads(m, bad_value, &r), MTL_E_PARSE, 5, 8);
    check_unchanged(m, fp, &r);
    expect_last_error(import_leads(m, bad_id, &r), MTL_E_DUPLICATE, 5, 1);
    check_unchanged(m, fp, &r);
    expect_error(&r, 0, MTL_E_DUPLICATE, 5, 1);
    expect_last_error(import_kind(m, bad_customers, MTL_KIND_CUSTOMERS, &r), MTL_E_RANGE, 4, 7);
    check_unchanged(m, fp, &r);
    assert_null(mtl_customer_find(m, "k1"));
    /* and the good part alone goes in */
    assert_int_equal(import_leads(m, "id,customer,segment\nn1,newc1,news1\n", &r), MTL_OK);
    assert_int_equal(r.customers_created, 1);
    assert_int_equal(r.segments_created, 1);
    test_market_free(m, &ta);
}

/* Leads are imported in batches of 65,536 rows (csv_import.c): 70,000 rows
 * are two batches, and customers created by the first are named again in
 * the second.  A failure in the second batch undoes the first, which was
 * already appended: counters, id index and created records included. */
#define BIG_ROWS 70000
#define BIG_CUSTOMERS 30000

static char *big_leads(int bad_row, const char *bad_amount, int dup_row)
{
    char *text = malloc((size_t)BIG_ROWS * 40 + 64);
    size_t off = 0;
    int i;
    assert_non_null(text);
    off += (size_t)sprintf(text, "id,customer,stage,amount\n");
    for (i = 0; i < BIG_ROWS; i++) {
        int id = i == dup_row ? 5 : i;
        if (i == bad_row)
            off += (size_t)sprintf(text + off, "b%d,bc%d,P2,%s\n", id, i % BIG_CUSTOMERS,
                                   bad_amount);
        else
            off += (size_t)sprintf(text + off, "b%d,bc%d,P%d,%d.5\n", id,
                                   i % BIG_CUSTOMERS, i % 7, i);
    }
    return text;
}

static int64_t open_total(const mtl_market *m)
{
    mtl_funnel_stage rows[16];
    int32_t k, n = mtl_market_stage_count(m);
    int64_t total = 0;
    for (k = 0; k < n; k++)
        rows[k].struct_size = sizeof rows[k];
    assert_int_equal(mtl_funnel_stages(m, NULL, rows, n), MTL_OK);
    for (k = 0; k < n; k++)
        total += rows[k].open_count * 1000003 + rows[k].open_amount;
    return total;
}

/* The lead ids go into the index once every row is in; an id given twice
 * is still reported at the row that repeats it, wherever the rows were:
 * after a blank line and a quoted line end (the batch's rows are not one
 * line each), with the id in a column whose place moves from row to row,
 * and for an id the market has already.  The market is left as it was. */
static void test_repeated_id_positions(void **state)
{
    static const char moved[] = "owner,id,amount\n" /* 1 */
                                "x,a,1\n"            /* 2 */
                                "\n"                 /* 3 */
                                "\"two\nlines\",b,2\n" /* 4-5: id at 5:8 */
                                "yy,c,3\n"           /* 6 */
                                "zzz,a,4\n";         /* 7: 'a' again, column 5 */
    test_alloc ta;
    mtl_market *m = populated(&ta);
    uint64_t fp = test_market_fingerprint(m);
    mtl_csv_result r;
    (void)state;
    expect_last_error(import_leads(m, moved, &r), MTL_E_DUPLICATE, 7, 5);
    assert_non_null(strstr(mtl_last_error_message(), "'a'"));
    check_unchanged(m, fp, &r);
    /* the market's own lead (populated() adds "L0") named on line 4 */
    expect_last_error(import_leads(m, "amount,id\n1,n1\n2,n2\n33,L0\n", &r),
                      MTL_E_DUPLICATE, 4, 4);
    check_unchanged(m, fp, &r);
    assert_null(mtl_lead_find(m, "n1"));
    assert_non_null(mtl_lead_find(m, "L0"));
    /* with the repeat gone, every id is found */
    assert_int_equal(import_leads(m, "owner,id\nx,a\n\n\"q\nq\",b\nyy,c\n", &r), MTL_OK);
    assert_non_null(mtl_lead_find(m, "a"));
    assert_non_null(mtl_lead_find(m, "b"));
    assert_non_null(mtl_lead_find(m, "c"));
    test_market_free(m, &ta);
}

/* Blanks around unquoted values are trimmed, in a record of plain bytes
 * (the reader's fast path, which says whether a record has any blank)
 * as in one the field-by-field reader reads (a quote in it); a record
 * without blanks is read as it is. */
static void test_blanks_trimmed_in_plain_records(void **state)
{
    static const char text[] = "id,owner,amount,created\n"
                               " a ,\tbob , 12.5,2024-03-01 \n"     /* plain */
                               "b,\"x\", 7 ,2024-03-02\n"          /* quoted */
                               "c,carol,3,2024-03-03\n";            /* no blank */
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_csv_result r;
    int32_t day;
    (void)state;
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_string_equal(mtl_lead_owner(lead(m, "a")), "bob");
    assert_int_equal(mtl_lead_amount(lead(m, "a")), 1250);
    assert_int_equal(mtl_date_from_ymd(&day, 2024, 3, 1), MTL_OK);
    assert_int_equal(mtl_lead_created(lead(m, "a")), day);
    assert_int_equal(mtl_lead_amount(lead(m, "b")), 700);
    assert_string_equal(mtl_lead_owner(lead(m, "c")), "carol");
    test_market_free(m, &ta);
}

/* Customers that lead rows create are dropped on failure by their slots
 * (those above the market's before the import) and, for one that took the
 * slot of a customer removed before, from the list of records made: both
 * kinds go, and the next import creates them again. */
static void test_created_customers_dropped_by_slot(void **state)
{
    /* the repeated id is found once every row is in, after the customers
     * were created (n1 in the free slot, n2 and n3 above) */
    static const char bad[] = "id,customer,amount\n"
                              "x1,n1,1\n"
                              "x2,n2,2\n"
                              "x3,n1,3\n"
                              "x1,n3,4\n"; /* line 5: x1 again */
    test_alloc ta;
    mtl_market *m = populated(&ta);
    mtl_customer *gone;
    mtl_csv_result r;
    uint64_t fp;
    (void)state;
    assert_int_equal(mtl_customer_add(&gone, m, "gone", NULL), MTL_OK);
    assert_int_equal(mtl_customer_remove(gone), MTL_OK); /* its slot is free */
    fp = test_market_fingerprint(m);
    expect_last_error(import_leads(m, bad, &r), MTL_E_DUPLICATE, 5, 1);
    assert_int_equal(test_market_fingerprint(m), fp);
    assert_int_equal(mtl_market_customer_count(m), 1);
    assert_null(mtl_customer_find(m, "n1"));
    assert_null(mtl_customer_find(m, "n2"));
    assert_null(mtl_customer_find(m, "n3"));
    assert_int_equal(r.customers_created, 0);
    /* without the bad row: the three customers, each once */
    assert_int_equal(import_leads(m, "id,customer\nx1,n1\nx2,n2\nx3,n1\nx4,n3\n", &r),
                     MTL_OK);
    assert_int_equal(r.customers_created, 3);
    assert_int_equal(mtl_market_customer_count(m), 4);
    assert_ptr_equal(mtl_lead_customer(lead(m, "x3")), mtl_customer_find(m, "n1"));
    assert_non_null(mtl_customer_find(m, "n3"));
    test_market_free(m, &ta);
}

/* Customer ids that are numbers: those the market has are found by
 * number (the import learns them first), a number it lacks is a new
 * customer, and a value with a leading zero or more than 9 digits is no
 * number and is looked up by its text. */
static void test_numbered_customers_of_the_market(void **state)
{
    static const char text[] = "id,customer\n"
                               "a,17\n"          /* the market's */
                               "b,99\n"          /* new */
                               "c,017\n"         /* text: new */
                               "d,42\n"          /* the market's */
                               "e,99\n"          /* made by row b */
                               "f,1234567890\n"  /* 10 digits: the market's */
                               "g,0\n";          /* new */
    test_alloc ta;
    mtl_market *m = populated(&ta);
    mtl_customer *c17, *c42, *cbig;
    mtl_csv_result r;
    (void)state;
    assert_int_equal(mtl_customer_add(&c17, m, "17", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&c42, m, "42", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&cbig, m, "1234567890", NULL), MTL_OK);
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_int_equal(r.customers_created, 3); /* 99, 017, 0 */
    assert_int_equal(mtl_market_customer_count(m), 4 + 3);
    assert_ptr_equal(mtl_lead_customer(lead(m, "a")), c17);
    assert_ptr_equal(mtl_lead_customer(lead(m, "d")), c42);
    assert_ptr_equal(mtl_lead_customer(lead(m, "f")), cbig);
    assert_ptr_equal(mtl_lead_customer(lead(m, "e")), mtl_lead_customer(lead(m, "b")));
    assert_string_equal(mtl_customer_id(mtl_lead_customer(lead(m, "c"))), "017");
    assert_string_equal(mtl_customer_id(mtl_lead_customer(lead(m, "g"))), "0");
    test_market_free(m, &ta);
}

static void test_batches_undo_and_join(void **state)
{
    test_alloc ta;
    mtl_market *m = populated(&ta);
    uint64_t fp = test_market_fingerprint(m);
    int64_t funnel = open_total(m);
    mtl_csv_result r;
    mtl_lead *l;
    char *bad = big_leads(BIG_ROWS - 1, "x", -1), *dup = big_leads(-1, NULL, 69000);
    char *good = big_leads(-1, NULL, -1);
    (void)state;
    /* the last row's amount (line 70001, column 1 + len("b69999,bc9999,P2,")) */
    expect_last_error(import_leads(m, bad, &r), MTL_E_PARSE, BIG_ROWS + 1, 18);
    check_unchanged(m, fp, &r);
    assert_int_equal(open_total(m), funnel);
    assert_null(mtl_lead_find(m, "b1"));
    assert_null(mtl_customer_find(m, "bc1"));
    /* row 69000 (line 69002) repeats the id of row 5, appended with the first
     * batch */
    expect_last_error(import_leads(m, dup, &r), MTL_E_DUPLICATE, 69002, 1);
    check_unchanged(m, fp, &r);
    assert_int_equal(open_total(m), funnel);
    /* skipping bad rows, it is the one id given twice */
    assert_int_equal(import_skip(m, dup, MTL_KIND_LEADS, &r), MTL_OK);
    assert_int_equal(r.imported, BIG_ROWS - 1);
    assert_int_equal(r.skipped, 1);
    expect_error(&r, 0, MTL_E_DUPLICATE, 69002, 1);
    assert_non_null(strstr(r.errors[0].message, "given twice in the input"));
    assert_int_equal(r.customers_created, BIG_CUSTOMERS);
    test_market_free(m, &ta);
    /* the whole file: one lead per row, each customer once */
    m = populated(&ta);
    assert_int_equal(import_leads(m, good, &r), MTL_OK);
    assert_int_equal(r.imported, BIG_ROWS);
    assert_int_equal(r.customers_created, BIG_CUSTOMERS);
    assert_int_equal(mtl_market_lead_count(m), BIG_ROWS + 1);
    assert_int_equal(mtl_market_customer_count(m), BIG_CUSTOMERS + 1);
    l = mtl_lead_find(m, "b69999"); /* second batch, customer of the first */
    assert_non_null(l);
    assert_string_equal(mtl_customer_id(mtl_lead_customer(l)), "bc9999");
    assert_int_equal(mtl_lead_amount(l), 6999950);
    assert_int_equal(mtl_lead_stage(l), 69999 % 7);
    l = mtl_lead_find(m, "b65536"); /* the first row of the second batch */
    assert_non_null(l);
    assert_string_equal(mtl_customer_id(mtl_lead_customer(l)), "bc5536");
    test_market_free(m, &ta);
    free(bad);
    free(dup);
    free(good);
}

/* Customer ids that are decimal numbers are looked up by their number
 * (csv_import.c, NUMBER_PER_ROW): a value that only reads as a number
 * ("007", "0042", "+5", "1e3") or is too long or too large for the array
 * must still be its own customer, and one created by an earlier row (or
 * present before the import) must be found again.  The expectation is
 * computed here from the values themselves. */
static const char *const numbered[] = {
    "1", "2", "42", "0042", "007", "7", "0", "00", "5000", "9999", "10098",
    "50000", "999999999", "1234567890", "12a", "-5", "+5", "1e3", "3000", "4096",
    "4095", "8192", "acct-9"};
#define NUMBERED ((int)(sizeof numbered / sizeof *numbered))
#define NUMBERED_ROWS 3000

static void test_numbered_customers(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_customer *pre42, *pre007, *c;
    mtl_csv_result r;
    char *text = malloc((size_t)NUMBERED_ROWS * 48 + 64), *bad;
    int first_row[NUMBERED], created = 0, i, k;
    size_t off = 0;
    (void)state;
    assert_non_null(text);
    assert_int_equal(mtl_customer_add(&pre42, m, "42", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&pre007, m, "007", NULL), MTL_OK);
    for (k = 0; k < NUMBERED; k++)
        first_row[k] = -1;
    off += (size_t)sprintf(text, "id,customer,amount\n");
    for (i = 0; i < NUMBERED_ROWS; i++) {
        k = (int)((((unsigned)i * 2654435761u) >> 16) % NUMBERED);
        if (first_row[k] < 0)
            first_row[k] = i;
        off += (size_t)sprintf(text + off, "n%d,%s,%d\n", i, numbered[k], i);
    }
    for (k = 0; k < NUMBERED; k++)
        if (first_row[k] >= 0 && strcmp(numbered[k], "42") && strcmp(numbered[k], "007"))
            created++;
    assert_int_equal(created, NUMBERED - 2); /* the pattern names them all */
    /* a bad last row: nothing stays, the customers present before stay */
    bad = malloc(off + 32);
    assert_non_null(bad);
    memcpy(bad, text, off);
    sprintf(bad + off, "nbad,5000,x\n");
    assert_int_equal(import_leads(m, bad, &r), MTL_E_PARSE);
    assert_int_equal(mtl_market_customer_count(m), 2);
    assert_null(mtl_customer_find(m, "5000"));
    assert_ptr_equal(mtl_customer_find(m, "42"), pre42);
    /* the file: each lead names its value exactly */
    assert_int_equal(import_leads(m, text, &r), MTL_OK);
    assert_int_equal(r.imported, NUMBERED_ROWS);
    assert_int_equal(r.customers_created, created);
    assert_int_equal(mtl_market_customer_count(m), created + 2);
    for (i = 0; i < NUMBERED_ROWS; i++) {
        char id[16];
        k = (int)((((unsigned)i * 2654435761u) >> 16) % NUMBERED);
        snprintf(id, sizeof id, "n%d", i);
        assert_string_equal(cust_id(lead(m, id)), numbered[k]);
        assert_ptr_equal(mtl_lead_customer(lead(m, id)), mtl_customer_find(m, numbered[k]));
    }
    assert_ptr_equal(mtl_customer_find(m, "42"), pre42);
    assert_ptr_equal(mtl_customer_find(m, "007"), pre007);
    /* created in the order the rows first name them, after the two */
    c = mtl_customer_next(m, NULL);
    assert_ptr_equal(c, pre42);
    c = mtl_customer_next(m, c);
    assert_ptr_equal(c, pre007);
    for (i = 0; i < NUMBERED_ROWS; i++)
        for (k = 0; k < NUMBERED; k++)
            if (first_row[k] == i && strcmp(numbered[k], "42") &&
                strcmp(numbered[k], "007")) {
                c = mtl_customer_next(m, c);
                assert_non_null(c);
                assert_string_equal(mtl_customer_id(c), numbered[k]);
            }
    assert_null(mtl_customer_next(m, c));
    /* a second file names them again: found, not created */
    {
        char *again = malloc((size_t)NUMBERED_ROWS * 48 + 64);
        assert_non_null(again);
        off = (size_t)sprintf(again, "id,customer\n");
        for (i = 0; i < NUMBERED_ROWS; i++)
            off += (size_t)sprintf(again + off, "m%d,%s\n", i,
                                   numbered[(i * 31) % NUMBERED]);
        assert_int_equal(import_leads(m, again, &r), MTL_OK);
        assert_int_equal(r.customers_created, 0);
        for (i = 0; i < NUMBERED_ROWS; i += 97) {
            char id[16];
            snprintf(id, sizeof id, "m%d", i);
            assert_ptr_equal(mtl_lead_customer(lead(m, id)),
                             mtl_customer_find(m, numbered[(i * 31) % NUMBERED]));
        }
        free(again);
    }
    test_market_free(m, &ta);
    free(text);
    free(bad);
}

/* ---- 7. failing-allocator sweeps ------------------------------------------------ */

static const char sweep_leads[] =
    "id,customer,segment,owner,stage,amount,probability,created,industry,size\n"
    "L1,c0,s0,ann,P3,10.5,35%,2023-01-02,retail,S\n"
    "L2,cnew1,snew1,bob,won,1,,,energy,\n"
    "L3,cnew2,,ann,P1,,0.2,,retail,L\n"
    "L4,,snew2,,lost,,,2023-03-04,,M\n"
    "L5,c0,,\"multi\nline\",P2,3,,,\"q\"\"uote\",XL\n";
static const char sweep_customers[] = "id,name,segment,region,owner,revenue,grade\n"
                                      "k1,Name,s0,north,ann,1.5,partner\n"
                                      "k2,,snew,south,,2,\n"
                                      "k3,\"N,3\",snew,,bob,,一般\n";
static const char sweep_segments[] = "id,name,parent\n"
                                     "z2,,z1\n"
                                     "z1,Z,\n"
                                     "z3,Three,s0\n";

/* Running under valgrind?  (As the watchdog of test_alloc.c tells.) */
static int under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload") != NULL;
}

/* Does the import with the n-th allocation failing crash?  Tried in a
 * child process first, so that a library crash is one noted failure, not
 * the end of the test program (under ASan a SEGV is fatal).  Not under
 * valgrind, where every child would pay valgrind's start and leak check
 * (a crash there still fails the program, with valgrind's report). */
static int crashes_at(const char *text, int32_t kind, int skip, int sticky, uint64_t n)
{
    pid_t pid;
    int wst = 0;
    if (under_valgrind())
        return 0;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        imp_opts io = {kind, 0, NULL, NULL, skip, 0};
        test_alloc ta;
        mtl_market *m;
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
        alarm(0);
        m = populated(&ta);
        test_alloc_fail_nth(&ta, n, sticky);
        import_with(m, text, strlen(text), &io, NULL);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    /* a signal, or a sanitizer that stopped the child with an exit status */
    if (WIFSIGNALED(wst))
        return WTERMSIG(wst);
    return WIFEXITED(wst) && WEXITSTATUS(wst) == 0 ? 0 : 1000 + WEXITSTATUS(wst);
}

/* The message of a plain out-of-memory failure (set by sweep). */
static char oom_message[MTL_CSV_MESSAGE_MAX];

static void sweep(const char *text, int32_t kind, int skip, int sticky)
{
    imp_opts io = {kind, 0, NULL, NULL, skip, 0};
    size_t len = strlen(text);
    test_alloc ta;
    mtl_market *m = populated(&ta);
    uint64_t fp_ok, n;
    mtl_csv_result r;
    int done = 0;
    assert_int_equal(import_with(m, text, len, &io, &r), MTL_OK);
    fp_ok = test_market_fingerprint(m);
    /* the first allocation of an import (its header) failing: no position */
    test_alloc_fail_nth(&ta, 1, 0);
    assert_int_equal(import_with(m, text, len, &io, &r), MTL_E_NO_MEMORY);
    test_alloc_disarm(&ta);
    assert_int_equal(mtl_last_error_line(), 0);
    snprintf(oom_message, sizeof oom_message, "%s", mtl_last_error_message());
    test_market_free(m, &ta);
    for (n = 1; !done; n++) {
        uint64_t fp0, failures;
        mtl_status st;
        int sig;
        if (n > 20000)
            fail_msg("the sweep does not end");
        if ((sig = crashes_at(text, kind, skip, sticky, n)) != 0) {
            test_note("kind %d skip %d sticky %d: allocation %llu of the import fails: "
                      "the library crashes (%d: a signal, or 1000 + a sanitizer's exit status)",
                      kind, skip, sticky, (unsigned long long)n, sig);
            continue;
        }
        m = populated(&ta);
        fp0 = test_market_fingerprint(m);
        test_alloc_fail_nth(&ta, n, sticky);
        st = import_with(m, text, len, &io, &r);
        failures = ta.failures;
        test_alloc_disarm(&ta);
        if (st == MTL_OK) {
            if (test_market_fingerprint(m) != fp_ok)
                test_note("kind %d skip %d sticky %d, failure at %llu: MTL_OK but a "
                          "different market",
                          kind, skip, sticky, (unsigned long long)n);
            done = failures == 0;
        } else {
            if (st != MTL_E_NO_MEMORY)
                test_note("kind %d skip %d sticky %d, failure at %llu: %s (%s)", kind, skip,
                          sticky, (unsigned long long)n, mtl_status_string(st),
                          mtl_last_error_message());
            else if (mtl_last_error_line() > 0) {
                /* a positioned out-of-memory message: "line L, column C: " and
                 * the plain message, not a garbled copy of itself */
                char want[MTL_CSV_MESSAGE_MAX + 64];
                snprintf(want, sizeof want, "line %lld, column %lld: %s",
                         (long long)mtl_last_error_line(), (long long)mtl_last_error_column(),
                         oom_message);
                if (strcmp(mtl_last_error_message(), want) != 0)
                    test_note("kind %d skip %d sticky %d, failure at %llu: message '%s', "
                              "expected '%s'",
                              kind, skip, sticky, (unsigned long long)n,
                              mtl_last_error_message(), want);
            }
            if (test_market_fingerprint(m) != fp0 || mtl_market_lead_count(m) != 1 ||
                mtl_market_customer_count(m) != 1 || mtl_market_segment_count(m) != 1)
                test_note("kind %d skip %d sticky %d, failure at %llu: the market changed",
                          kind, skip, sticky, (unsigned long long)n);
            if (r.imported || r.customers_created || r.segments_created)
                test_note("kind %d, failure at %llu: the result reports records",
                          kind, (unsigned long long)n);
        }
        test_market_free(m, &ta); /* every block back: no leak */
        if (test_notes_count() > 5)
            break;
    }
}

static void test_alloc_sweep_leads(void **state)
{
    (void)state;
    sweep(sweep_leads, MTL_KIND_LEADS, 0, 0);
    sweep(sweep_leads, MTL_KIND_LEADS, 0, 1);
    sweep(sweep_leads, MTL_KIND_LEADS, 1, 0);
    test_notes_assert_none();
}

/* More than 1,024 customer values: the customer column is looked up in
 * deferred blocks of 1,024 (csv_import.c, DEFER_BLOCK), flushed during the
 * rows and at the end. */
static void test_alloc_sweep_leads_blocks(void **state)
{
    char *text = malloc(32 * 1800);
    size_t off = 0;
    int i;
    (void)state;
    assert_non_null(text);
    off += (size_t)sprintf(text + off, "id,customer,amount\n");
    for (i = 0; i < 1700; i++)
        off += i % 3 ? (size_t)sprintf(text + off, "r%d,cu%d,%d\n", i, i % 50, i)
                     : (size_t)sprintf(text + off, "r%d,,%d\n", i, i);
    sweep(text, MTL_KIND_LEADS, 0, 1);
    sweep(text, MTL_KIND_LEADS, 1, 0);
    free(text);
    test_notes_assert_none();
}

static void test_alloc_sweep_customers_segments(void **state)
{
    (void)state;
    sweep(sweep_customers, MTL_KIND_CUSTOMERS, 0, 0);
    sweep(sweep_customers, MTL_KIND_CUSTOMERS, 1, 1);
    sweep(sweep_segments, MTL_KIND_SEGMENTS, 0, 0);
    sweep(sweep_segments, MTL_KIND_SEGMENTS, 1, 1);
    test_notes_assert_none();
}

static void test_alloc_import_file_buffer(void **state)
{
    char dir[] = "/tmp/mtl-csv-XXXXXX", path[256];
    test_alloc ta;
    mtl_market *m;
    FILE *f;
    uint64_t fp;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/l.csv", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(sweep_leads, f);
    fclose(f);
    m = populated(&ta);
    fp = test_market_fingerprint(m);
    test_alloc_fail_nth(&ta, 1, 0);
    assert_int_equal(mtl_csv_import_file(m, path, NULL, NULL), MTL_E_NO_MEMORY);
    test_alloc_disarm(&ta);
    assert_int_equal(test_market_fingerprint(m), fp);
    assert_int_equal(mtl_csv_import_file(m, path, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_market_lead_count(m), 6);
    test_market_free(m, &ta);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1 */
        test_case(test_options_and_result_init),
        test_case(test_import_arguments),
        test_case(test_field_map_unknown_field),
        test_case(test_map_name_too_long),
        /* 2 */
        test_case(test_real_sales_pipeline),
        test_case(test_real_accounts),
        test_case(test_real_accounts_then_pipeline),
        test_case(test_real_bank_marketing),
        /* 3 */
        test_case(test_repeated_id_positions),
        test_case(test_numbered_customers_of_the_market),
        test_case(test_text_value_limits),
        test_case(test_created_customers_dropped_by_slot),
        test_case(test_blanks_trimmed_in_plain_records),
        test_case(test_batches_undo_and_join),
        test_case(test_numbered_customers),
        test_case(test_skip_three_bad_of_ten),
        test_case(test_skip_duplicate_ids),
        test_case(test_skip_more_than_16_errors),
        test_case(test_skip_generated_ids_count_bad_rows),
        test_case(test_skip_creates_records_of_kept_rows_only),
        test_case(test_skip_customers),
        test_case(test_skip_line_numbers_after_quoted_error),
        test_case(test_skip_reader_error_on_last_line),
        test_case(test_skip_refused_row_customer),
        test_case(test_skip_segments_bad_parent),
        test_case(test_skip_segments_bad_parent_counts),
        test_case(test_header_error_in_result),
        /* 4 */
        test_case(test_chinese_header_semicolon_bom_crlf),
        test_case(test_tab_separated),
        test_case(test_quoted_fields_exact),
        test_case(test_trimming_unquoted),
        test_case(test_quoted_spaces_kept),
        test_case(test_amounts_exact),
        test_case(test_amount_paths_agree),
        test_case(test_probabilities),
        test_case(test_dates),
        test_case(test_dates_of_cached_months),
        test_case(test_alias_table),
        test_case(test_alias_chinese_customer_columns),
        test_case(test_alias_kind_aware),
        test_case(test_alias_customer_name_in_lead_file),
        test_case(test_alias_customer_id_and_name_columns_bug),
        test_case(test_segment_region_defaults),
        test_case(test_unknown_columns),
        test_case(test_outcome_vocabulary),
        test_case(test_flag_and_enum_vocabularies),
        test_case(test_outcome_precedence),
        test_case(test_stage_map_and_custom_model),
        test_case(test_stage_map_to_spaced_stage_name),
        test_case(test_decision_step_imported),
        test_case(test_generated_ids),
        test_case(test_separator_detection),
        test_case(test_error_message_quotes_64_bytes),
        test_case(test_id_limits),
        test_case(test_strict_mode),
        /* 5 */
        test_case(test_export_exact),
        test_case(test_export_quoting_and_numbers),
        test_case(test_export_empty_market),
        test_case(test_export_arguments_and_io),
        test_case(test_export_file),
        test_case(test_round_trip_random),
        test_case(test_round_trip_cleared_segment_region),
        test_case(test_attribute_key_named_like_a_field),
        /* 6 */
        test_case(test_stop_mode_drops_created_records),
        /* 7 */
        test_case(test_alloc_sweep_leads),
        test_case(test_alloc_sweep_leads_blocks),
        test_case(test_alloc_sweep_customers_segments),
        test_case(test_alloc_import_file_buffer),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
