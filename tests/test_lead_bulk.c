/*
 * test_lead_bulk.c: the column-wise bulk append of leads.
 *
 * Public functions exercised here (lead.h, bulk part):
 *   [x] mtl_lead_columns_init   [x] mtl_lead_append_columns
 * plus every lead getter, through the expected-value checks and the market
 * fingerprint (tests/support/test_alloc.c).
 *
 * The reference for "what a row must become" is the one-at-a-time API:
 * a market built with mtl_lead_add + setters from the same rows must be
 * identical (same fingerprint) to the bulk-built one, whether the string
 * columns are given as values or dictionary-encoded.
 */
#include <math.h>
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

/* ---- dictionaries ---------------------------------------------------- */

#define NSEG 5
#define NCUST 20
static const char *const seg_dict[NSEG] = {"s0", "s1", "s2", "s3", "s4"};
static const char *const cust_dict[NCUST] = {
    "c0",  "c1",  "c2",  "c3",  "c4",  "c5",  "c6",  "c7",  "c8",  "c9",
    "c10", "c11", "c12", "c13", "c14", "c15", "c16", "c17", "c18", "c19"};
static const char *const owner_dict[5] = {"alice", "bob", "carol", "dave", "eve"};
static const char *const region_dict[4] = {"north", "south", "east", "west"};
static const char *const source_dict[3] = {"web", "event", "partner"};
#define NATTR 3
static const char *const attr_keys[NATTR] = {"industry", "size", "channel"};
static const char *const industry_dict[5] = {"retail", "energy", "bank", "gov", "edu"};
static const char *const size_dict[3] = {"S", "M", "L"};
static const char *const channel_dict[1] = {"direct"};
static const char *const *const attr_dicts[NATTR] = {industry_dict, size_dict,
                                                     channel_dict};
static const size_t attr_dict_counts[NATTR] = {5, 3, 1};

/* ---- the rows -------------------------------------------------------- */

/* Code of row r in each string column (MTL_CODE_NONE = absent). */
static uint32_t row_customer(size_t r) { return r % 9 == 0 ? MTL_CODE_NONE : (uint32_t)(r * 7 % NCUST); }
static uint32_t row_segment(size_t r) { return (uint32_t)(r % NSEG); }
static uint32_t row_owner(size_t r) { return r % 6 == 0 ? MTL_CODE_NONE : (uint32_t)(r % 5); }
static uint32_t row_region(size_t r) { return (uint32_t)(r % 4); }
static uint32_t row_source(size_t r) { return r % 4 == 1 ? MTL_CODE_NONE : (uint32_t)(r % 3); }
static uint32_t row_attr(size_t a, size_t r)
{
    switch (a) {
    case 0: return r % 4 == 0 ? MTL_CODE_NONE : (uint32_t)(r % 5);
    case 1: return (uint32_t)(r % 3);
    default: return r % 2 ? 0 : MTL_CODE_NONE;
    }
}
static int32_t row_stage(size_t r) { return r % 11 == 0 ? 7 : (int32_t)(r % 7); }
static int32_t row_outcome(size_t r)
{
    if (r % 11 == 0)
        return MTL_OUTCOME_WON;
    if (r % 13 == 0)
        return MTL_OUTCOME_LOST;
    return r % 17 == 0 ? MTL_OUTCOME_WON : MTL_OUTCOME_OPEN;
}
static int32_t row_status(size_t r) { return (int32_t)(r % 4); }
static int64_t row_amount(size_t r) { return (int64_t)r * 1000 + 7; }
static double row_probability(size_t r)
{
    return r % 3 == 0 ? MTL_PROBABILITY_NONE : (double)(r % 10) / 10.0;
}
static int32_t row_category(size_t r) { return (int32_t)(r % 6) - 1; }
static int32_t row_created(size_t r) { return 18000 + (int32_t)(r % 1000); }
static int32_t row_expected(size_t r)
{
    return r % 5 == 0 ? MTL_DATE_NONE : row_created(r) + 45;
}
static int32_t row_closed(size_t r)
{
    return row_outcome(r) != MTL_OUTCOME_OPEN ? 18100 + (int32_t)(r % 500)
                                              : MTL_DATE_NONE;
}

static const char *dict_at(const char *const *dict, uint32_t code)
{
    return code == MTL_CODE_NONE ? NULL : dict[code];
}

/* A batch of rows in both encodings, owning its arrays. */
typedef struct {
    size_t n;
    char *id_text;  /* n ids of ID_W bytes each */
    const char **ids;
    const char **v_cust, **v_seg, **v_owner, **v_region, **v_source;
    uint32_t *k_cust, *k_seg, *k_owner, *k_region, *k_source;
    const char **v_attr[NATTR];
    uint32_t *k_attr[NATTR];
    mtl_string_column attr_cols[NATTR];
    int32_t *stages, *outcomes, *statuses, *categories, *created, *expected, *closed;
    int64_t *amounts;
    double *probabilities;
} batch;

#define ID_W 24

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}

static void batch_make(batch *b, const char *prefix, size_t n)
{
    size_t r, a;
    memset(b, 0, sizeof *b);
    b->n = n;
    b->id_text = xcalloc(n, ID_W);
    b->ids = xcalloc(n, sizeof *b->ids);
#define ALLOC(f) b->f = xcalloc(n, sizeof *b->f)
    ALLOC(v_cust); ALLOC(v_seg); ALLOC(v_owner); ALLOC(v_region); ALLOC(v_source);
    ALLOC(k_cust); ALLOC(k_seg); ALLOC(k_owner); ALLOC(k_region); ALLOC(k_source);
    ALLOC(stages); ALLOC(outcomes); ALLOC(statuses); ALLOC(categories);
    ALLOC(created); ALLOC(expected); ALLOC(closed); ALLOC(amounts);
    ALLOC(probabilities);
    for (a = 0; a < NATTR; a++) {
        ALLOC(v_attr[a]);
        ALLOC(k_attr[a]);
    }
#undef ALLOC
    for (r = 0; r < n; r++) {
        char *id = b->id_text + r * ID_W;
        snprintf(id, ID_W, "%s%07zu", prefix, r);
        b->ids[r] = id;
        b->k_cust[r] = row_customer(r);
        b->k_seg[r] = row_segment(r);
        b->k_owner[r] = row_owner(r);
        b->k_region[r] = row_region(r);
        b->k_source[r] = row_source(r);
        b->v_cust[r] = dict_at(cust_dict, b->k_cust[r]);
        b->v_seg[r] = dict_at(seg_dict, b->k_seg[r]);
        b->v_owner[r] = dict_at(owner_dict, b->k_owner[r]);
        b->v_region[r] = dict_at(region_dict, b->k_region[r]);
        b->v_source[r] = dict_at(source_dict, b->k_source[r]);
        for (a = 0; a < NATTR; a++) {
            b->k_attr[a][r] = row_attr(a, r);
            b->v_attr[a][r] = dict_at(attr_dicts[a], b->k_attr[a][r]);
        }
        b->stages[r] = row_stage(r);
        b->outcomes[r] = row_outcome(r);
        b->statuses[r] = row_status(r);
        b->categories[r] = row_category(r);
        b->created[r] = row_created(r);
        b->expected[r] = row_expected(r);
        b->closed[r] = row_closed(r);
        b->amounts[r] = row_amount(r);
        b->probabilities[r] = row_probability(r);
    }
}

static void batch_free(batch *b)
{
    size_t a;
    free(b->id_text); free(b->ids);
    free(b->v_cust); free(b->v_seg); free(b->v_owner); free(b->v_region);
    free(b->v_source); free(b->k_cust); free(b->k_seg); free(b->k_owner);
    free(b->k_region); free(b->k_source); free(b->stages); free(b->outcomes);
    free(b->statuses); free(b->categories); free(b->created); free(b->expected);
    free(b->closed); free(b->amounts); free(b->probabilities);
    for (a = 0; a < NATTR; a++) {
        free(b->v_attr[a]);
        free(b->k_attr[a]);
    }
}

enum { WITH_SEGMENTS = 1, WITH_REGIONS = 2, DICT = 4, NO_ATTRS = 8 };

static mtl_string_column values_col(const char **v)
{
    mtl_string_column c;
    memset(&c, 0, sizeof c);
    c.values = v;
    return c;
}

static mtl_string_column codes_col(const uint32_t *k, const char *const *dict,
                                   size_t count)
{
    mtl_string_column c;
    memset(&c, 0, sizeof c);
    c.codes = k;
    c.dict = dict;
    c.dict_count = count;
    return c;
}

/* Describe the batch (ids always as values: they are unique per row). */
static void batch_columns(batch *b, mtl_lead_columns *c, int flags)
{
    size_t a;
    int dict = flags & DICT;
    assert_int_equal(mtl_lead_columns_init(c, sizeof *c), MTL_OK);
    c->count = b->n;
    c->ids = values_col(b->ids);
    c->customers = dict ? codes_col(b->k_cust, cust_dict, NCUST) : values_col(b->v_cust);
    if (flags & WITH_SEGMENTS)
        c->segments = dict ? codes_col(b->k_seg, seg_dict, NSEG) : values_col(b->v_seg);
    c->owners = dict ? codes_col(b->k_owner, owner_dict, 5) : values_col(b->v_owner);
    if (flags & WITH_REGIONS)
        c->regions = dict ? codes_col(b->k_region, region_dict, 4)
                          : values_col(b->v_region);
    c->sources = dict ? codes_col(b->k_source, source_dict, 3) : values_col(b->v_source);
    c->stages = b->stages;
    c->outcomes = b->outcomes;
    c->statuses = b->statuses;
    c->amounts = b->amounts;
    c->probabilities = b->probabilities;
    c->categories = b->categories;
    c->created = b->created;
    c->expected_close = b->expected;
    c->closed = b->closed;
    if (!(flags & NO_ATTRS)) {
        for (a = 0; a < NATTR; a++)
            b->attr_cols[a] = dict ? codes_col(b->k_attr[a], attr_dicts[a],
                                               attr_dict_counts[a])
                                   : values_col(b->v_attr[a]);
        c->attribute_count = NATTR;
        c->attribute_keys = attr_keys;
        c->attributes = b->attr_cols;
    }
}

/* ---- the base market ------------------------------------------------- */

#define BASE_LEADS 300

/* Segments s0..s4; customers c0..c19 (segment s[i%5] but none for c3,
 * region r[i%4] but none for c5); 300 leads with attributes and events. */
static mtl_market *base_market(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 0, NULL);
    size_t i;
    char id[32];
    for (i = 0; i < NSEG; i++)
        assert_int_equal(mtl_segment_add(NULL, m, seg_dict[i]), MTL_OK);
    for (i = 0; i < NCUST; i++) {
        mtl_customer *c = NULL;
        assert_int_equal(mtl_customer_add(&c, m, cust_dict[i],
                                          i == 3 ? NULL
                                                 : mtl_segment_find(m, seg_dict[i % NSEG])),
                         MTL_OK);
        if (i != 5)
            assert_int_equal(mtl_customer_set_region(c, region_dict[(i + 1) % 4]),
                             MTL_OK);
    }
    for (i = 0; i < BASE_LEADS; i++) {
        mtl_lead *l = NULL;
        snprintf(id, sizeof id, "base%04zu", i);
        assert_int_equal(mtl_lead_add(&l, m, id, mtl_customer_find(m, cust_dict[i % NCUST])),
                         MTL_OK);
        /* lead 0 fixes the market's key order: industry, size, channel */
        if (i % 2 == 0)
            assert_int_equal(mtl_lead_set_attribute(l, "industry", industry_dict[i % 5]),
                             MTL_OK);
        assert_int_equal(mtl_lead_set_attribute(l, "size", size_dict[i % 3]), MTL_OK);
        if (i == 0 || i % 7 == 3)
            assert_int_equal(mtl_lead_set_attribute(l, "channel", "direct"), MTL_OK);
        assert_int_equal(mtl_lead_set_attribute(l, "base-only", "yes"), MTL_OK);
        assert_int_equal(mtl_lead_set_amount(l, (int64_t)i), MTL_OK);
        assert_int_equal(mtl_lead_set_stage(l, (int32_t)(i % 7)), MTL_OK);
        assert_int_equal(mtl_lead_add_event(l, (int32_t)(17000 + i), (int32_t)(i % 7)),
                         MTL_OK);
        assert_int_equal(mtl_lead_set_decision_step(l, (int32_t)(i % 8)), MTL_OK);
    }
    return m;
}

/* What mtl_lead_append_columns must do with one row, done with the
 * one-at-a-time API (lead.h: add inherits from the customer; the columns
 * then override). */
static void add_row_single(mtl_market *m, const batch *b, size_t r, int flags)
{
    mtl_lead *l = NULL;
    size_t a;
    const char *cust = b->v_cust[r];
    assert_int_equal(mtl_lead_add(&l, m, b->ids[r], cust ? mtl_customer_find(m, cust) : NULL),
                     MTL_OK);
    if (flags & WITH_SEGMENTS)
        assert_int_equal(mtl_lead_set_segment(l, mtl_segment_find(m, b->v_seg[r])), MTL_OK);
    if (flags & WITH_REGIONS)
        assert_int_equal(mtl_lead_set_region(l, b->v_region[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l, b->v_owner[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, b->v_source[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l, b->stages[r], b->outcomes[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_status(l, b->statuses[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l, b->amounts[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l, b->probabilities[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l, b->categories[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l, b->created[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l, b->expected[r]), MTL_OK);
    assert_int_equal(mtl_lead_set_closed(l, b->closed[r]), MTL_OK);
    if (!(flags & NO_ATTRS))
        for (a = 0; a < NATTR; a++)
            if (b->v_attr[a][r])
                assert_int_equal(mtl_lead_set_attribute(l, attr_keys[a], b->v_attr[a][r]),
                                 MTL_OK);
}

static const char *str_or_empty(const char *s) { return s ? s : ""; }

/* Check one bulk-added lead field by field against the row. */
static void check_row(const mtl_market *m, const batch *b, size_t r, int flags)
{
    const mtl_lead *l = mtl_lead_find(m, b->ids[r]);
    const mtl_customer *c;
    size_t a, n = 0;
    if (!l)
        fail_msg("lead %s not found", b->ids[r]);
    assert_string_equal(mtl_lead_id(l), b->ids[r]);
    c = mtl_lead_customer(l);
    if (b->v_cust[r]) {
        assert_non_null(c);
        assert_string_equal(mtl_customer_id(c), b->v_cust[r]);
    } else {
        assert_null(c);
    }
    if (flags & WITH_SEGMENTS)
        assert_string_equal(mtl_segment_id(mtl_lead_segment(l)), b->v_seg[r]);
    else
        assert_ptr_equal(mtl_lead_segment(l), c ? mtl_customer_segment(c) : NULL);
    if (flags & WITH_REGIONS)
        assert_string_equal(mtl_lead_region(l), b->v_region[r]);
    else
        assert_string_equal(mtl_lead_region(l), c ? mtl_customer_region(c) : "");
    assert_string_equal(mtl_lead_owner(l), str_or_empty(b->v_owner[r]));
    assert_string_equal(mtl_lead_source(l), str_or_empty(b->v_source[r]));
    assert_int_equal(mtl_lead_stage(l), b->stages[r]);
    assert_int_equal(mtl_lead_outcome(l), b->outcomes[r]);
    assert_int_equal(mtl_lead_status(l), b->statuses[r]);
    assert_int_equal(mtl_lead_amount(l), b->amounts[r]);
    assert_true(mtl_lead_probability(l) == b->probabilities[r]);
    assert_int_equal(mtl_lead_category(l), b->categories[r]);
    assert_int_equal(mtl_lead_decision_step(l), MTL_DECISION_NONE);
    assert_int_equal(mtl_lead_created(l), b->created[r]);
    assert_int_equal(mtl_lead_expected_close(l), b->expected[r]);
    assert_int_equal(mtl_lead_closed(l), b->closed[r]);
    assert_int_equal(mtl_lead_event_count(l), 0);
    for (a = 0; a < NATTR; a++) {
        const char *want = (flags & NO_ATTRS) ? NULL : b->v_attr[a][r];
        const char *got = mtl_lead_attribute(l, attr_keys[a]);
        if (want) {
            n++;
            if (!got || strcmp(got, want) != 0)
                fail_msg("lead %s attribute %s: %s, expected %s", b->ids[r],
                         attr_keys[a], got ? got : "(none)", want);
        } else if (got) {
            fail_msg("lead %s has a stale attribute %s=%s", b->ids[r], attr_keys[a], got);
        }
    }
    assert_null(mtl_lead_attribute(l, "base-only"));
    assert_int_equal(mtl_lead_attribute_count(l), n);
}

static mtl_status append(mtl_market *m, batch *b, int flags)
{
    mtl_lead_columns c;
    batch_columns(b, &c, flags);
    return mtl_lead_append_columns(m, &c);
}

/* ---- tests ----------------------------------------------------------- */

static void test_columns_init(void **state)
{
    union {
        mtl_lead_columns c;
        unsigned char bytes[sizeof(mtl_lead_columns) + 16];
    } u;
    test_alloc ta;
    mtl_market *m;
    const char *ids[1] = {"x"};
    (void)state;
    memset(&u, 0x5a, sizeof u);
    assert_int_equal(mtl_lead_columns_init(&u.c, sizeof u.c), MTL_OK);
    assert_int_equal(u.c.struct_size, sizeof u.c);
    assert_int_equal(u.c.count, 0);
    assert_null(u.c.ids.values);
    assert_null(u.c.ids.codes);
    assert_null(u.c.stages);
    assert_null(u.c.attributes);
    assert_int_equal(u.c.attribute_count, 0);
    assert_int_equal(mtl_lead_columns_init(&u.c, sizeof u.c - 1), MTL_E_VERSION);
    assert_int_equal(mtl_lead_columns_init(&u.c, 0), MTL_E_VERSION);
    assert_int_equal(mtl_lead_columns_init(NULL, sizeof u.c), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_columns_init(&u.c, sizeof u), MTL_OK);

    m = test_market_new(&ta, 0, NULL);
    assert_int_equal(mtl_lead_columns_init(&u.c, sizeof u.c), MTL_OK);
    u.c.count = 1;
    u.c.ids.values = ids;
    u.c.struct_size = sizeof u.c - 8;
    assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_E_VERSION);
    u.c.struct_size = sizeof u.c;
    assert_int_equal(mtl_lead_append_columns(NULL, &u.c), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_append_columns(m, NULL), MTL_E_INVALID_ARGUMENT);
    /* no ids column */
    u.c.ids.values = NULL;
    assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_E_INVALID_ARGUMENT);
    /* attribute columns without keys */
    u.c.ids.values = ids;
    u.c.attribute_count = 1;
    assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_E_INVALID_ARGUMENT);
    {
        const char *keys[1] = {""};
        mtl_string_column col = values_col(ids);
        u.c.attribute_keys = keys;
        u.c.attributes = &col;
        assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_E_INVALID_ARGUMENT);
        keys[0] = NULL;
        assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_E_INVALID_ARGUMENT);
    }
    assert_int_equal(mtl_market_lead_count(m), 0);
    /* zero rows: nothing to do */
    u.c.attribute_count = 0;
    u.c.count = 0;
    assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_OK);
    assert_int_equal(mtl_market_lead_count(m), 0);
    /* only ids: the defaults of mtl_lead_add */
    u.c.count = 1;
    assert_int_equal(mtl_lead_append_columns(m, &u.c), MTL_OK);
    {
        const mtl_lead *l = mtl_lead_find(m, "x");
        assert_non_null(l);
        assert_int_equal(mtl_lead_stage(l), 0);
        assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
        assert_int_equal(mtl_lead_status(l), MTL_LEAD_STATUS_NEW);
        assert_int_equal(mtl_lead_amount(l), 0);
        assert_true(mtl_lead_probability(l) == MTL_PROBABILITY_NONE);
        assert_int_equal(mtl_lead_category(l), MTL_CATEGORY_NONE);
        assert_int_equal(mtl_lead_created(l), MTL_DATE_NONE);
        assert_int_equal(mtl_lead_expected_close(l), MTL_DATE_NONE);
        assert_int_equal(mtl_lead_closed(l), MTL_DATE_NONE);
        assert_null(mtl_lead_customer(l));
        assert_null(mtl_lead_segment(l));
        assert_string_equal(mtl_lead_owner(l), "");
        assert_int_equal(mtl_lead_attribute_count(l), 0);
    }
    test_market_free(m, &ta);
}

/* values == dictionary == one at a time, for each combination of present
 * segment / region columns; every field of every lead checked. */
static void test_values_dict_single_identical(void **state)
{
    static const int variants[] = {0, WITH_SEGMENTS, WITH_REGIONS,
                                   WITH_SEGMENTS | WITH_REGIONS};
    size_t v, r;
    batch b;
    (void)state;
    batch_make(&b, "B", 1500);
    for (v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        int flags = variants[v];
        test_alloc ta, tb, tc;
        mtl_market *mv = base_market(&ta), *md = base_market(&tb),
                   *ms = base_market(&tc);
        uint64_t fv, fd, fs;
        assert_true(test_market_fingerprint(mv) == test_market_fingerprint(ms));
        assert_int_equal(append(mv, &b, flags), MTL_OK);
        assert_int_equal(append(md, &b, flags | DICT), MTL_OK);
        for (r = 0; r < b.n; r++)
            add_row_single(ms, &b, r, flags);
        assert_int_equal(mtl_market_lead_count(mv), BASE_LEADS + b.n);
        assert_int_equal(mtl_market_lead_count(md), BASE_LEADS + b.n);
        for (r = 0; r < b.n; r++) {
            check_row(mv, &b, r, flags);
            check_row(md, &b, r, flags);
        }
        fv = test_market_fingerprint(mv);
        fd = test_market_fingerprint(md);
        fs = test_market_fingerprint(ms);
        if (fv != fd || fv != fs)
            fail_msg("variant %d: values %016llx dict %016llx single %016llx", flags,
                     (unsigned long long)fv, (unsigned long long)fd,
                     (unsigned long long)fs);
        assert_int_equal(mtl_market_memory_used(mv), ta.live_bytes);
        assert_int_equal(mtl_market_memory_used(md), tb.live_bytes);
        test_market_free(mv, &ta);
        test_market_free(md, &tb);
        test_market_free(ms, &tc);
    }
    batch_free(&b);
}

/* mtl_string_column: "NULL = absent" (values) and "MTL_CODE_NONE = absent"
 * (codes); mtl_lead_columns.segments and .regions: "absent = customer's".
 * A row whose segment or region is absent therefore takes the customer's,
 * exactly as mtl_lead_add does, even when other rows have one. */
static void test_absent_row_defaults_to_customer(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    const char *ids[3] = {"r0", "r1", "r2"};
    const char *custs[3] = {"c1", "c2", NULL};
    const char *segs[3] = {"s4", NULL, NULL};
    const char *regions[3] = {NULL, "custom", NULL};
    uint32_t seg_codes[3] = {4, MTL_CODE_NONE, MTL_CODE_NONE};
    uint32_t region_codes[3] = {MTL_CODE_NONE, 0, MTL_CODE_NONE};
    static const char *const region_d[1] = {"custom"};
    const mtl_customer *c1 = mtl_customer_find(m, "c1"), *c2 = mtl_customer_find(m, "c2");
    mtl_lead_columns c;
    int pass;
    (void)state;
    for (pass = 0; pass < 2; pass++) {
        const mtl_lead *l0, *l1, *l2;
        assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
        c.count = 3;
        c.ids = values_col(ids);
        c.customers = values_col(custs);
        if (pass == 0) {
            c.segments = values_col(segs);
            c.regions = values_col(regions);
        } else {
            c.segments = codes_col(seg_codes, seg_dict, NSEG);
            c.regions = codes_col(region_codes, region_d, 1);
            ids[0] = "d0";
            ids[1] = "d1";
            ids[2] = "d2";
        }
        assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
        l0 = mtl_lead_find(m, ids[0]);
        l1 = mtl_lead_find(m, ids[1]);
        l2 = mtl_lead_find(m, ids[2]);
        assert_non_null(l0);
        assert_non_null(l1);
        assert_non_null(l2);
        /* row 0: own segment, customer's region */
        if (strcmp(str_or_empty(mtl_segment_id(mtl_lead_segment(l0))), "s4") != 0)
            test_note("%s row 0: segment %s, expected s4", pass ? "codes" : "values",
                      mtl_segment_id(mtl_lead_segment(l0)));
        if (strcmp(mtl_lead_region(l0), mtl_customer_region(c1)) != 0)
            test_note("%s row 0: region absent in a present column: \"%s\", "
                      "expected the customer's \"%s\"",
                      pass ? "codes" : "values", mtl_lead_region(l0),
                      mtl_customer_region(c1));
        /* row 1: customer's segment, own region */
        if (mtl_lead_segment(l1) != mtl_customer_segment(c2))
            test_note("%s row 1: segment absent in a present column: %s, expected "
                      "the customer's %s",
                      pass ? "codes" : "values",
                      str_or_empty(mtl_segment_id(mtl_lead_segment(l1))),
                      mtl_segment_id(mtl_customer_segment(c2)));
        if (strcmp(mtl_lead_region(l1), "custom") != 0)
            test_note("row 1: region %s, expected custom", mtl_lead_region(l1));
        /* row 2: no customer, nothing */
        if (mtl_lead_segment(l2) != NULL || strcmp(mtl_lead_region(l2), "") != 0)
            test_note("row 2 (no customer) has a segment or region");
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* ---- all or nothing -------------------------------------------------- */

typedef enum {
    BAD_MISSING_ID,
    BAD_EMPTY_ID,
    BAD_LONG_ID,
    BAD_DUP_IN_BATCH,
    BAD_DUP_EXISTING,
    BAD_UNKNOWN_CUSTOMER,
    BAD_UNKNOWN_SEGMENT,
    BAD_STAGE_HIGH,
    BAD_STAGE_NEGATIVE,
    BAD_WON_STAGE_OPEN,
    BAD_OUTCOME,
    BAD_STATUS,
    BAD_AMOUNT,
    BAD_PROBABILITY,
    BAD_PROBABILITY_NAN,
    BAD_CATEGORY,
    BAD_DATE_CREATED,
    BAD_DATE_CLOSED,
    BAD_CODE_CUSTOMER,
    BAD_CODE_ATTRIBUTE,
    BAD_LONG_OWNER,
    BAD_LONG_ATTRIBUTE,
    BAD_KINDS
} bad_kind;

static const struct {
    const char *name;
    mtl_status status;
    int dict;         /* use the dictionary-encoded columns */
    const char *says; /* the detail the message must carry, or NULL */
} bad_info[BAD_KINDS] = {
    {"missing id", MTL_E_INVALID_ARGUMENT, 0, "id"},
    {"empty id", MTL_E_INVALID_ARGUMENT, 1, "id"},
    {"id too long", MTL_E_LIMIT, 0, "id longer than 4096"},
    {"duplicate id in the batch", MTL_E_DUPLICATE, 0, "B0000000"},
    {"id of an existing lead", MTL_E_DUPLICATE, 1, "base0007"},
    {"unknown customer", MTL_E_NOT_FOUND, 0, "nobody"},
    {"unknown segment", MTL_E_NOT_FOUND, 0, "nowhere"},
    {"stage 8", MTL_E_RANGE, 0, "outside the stage model (8 stages)"},
    {"stage -1", MTL_E_RANGE, 1, "outside the stage model (8 stages)"},
    {"won stage, outcome open", MTL_E_STATE, 0, "outcome is open"},
    {"outcome 3", MTL_E_RANGE, 0, "outcome 3"},
    {"status 4", MTL_E_RANGE, 0, "status 4"},
    {"negative amount", MTL_E_RANGE, 1, "-5"},
    {"probability 1.5", MTL_E_RANGE, 0, "1.5"},
    {"probability NaN", MTL_E_RANGE, 0, "probability"},
    {"category 9", MTL_E_RANGE, 0, "category 9"},
    {"created after 9999", MTL_E_RANGE, 0, "date"},
    {"closed before 0001", MTL_E_RANGE, 1, "date"},
    {"customer code outside the dictionary", MTL_E_RANGE, 1, "outside the dictionary"},
    {"attribute code outside the dictionary", MTL_E_RANGE, 1, "outside the dictionary"},
    {"owner too long", MTL_E_LIMIT, 0, "owner longer than 4096"},
    {"attribute value too long", MTL_E_LIMIT, 0, "value longer than 4096"},
};

static char long_text[MTL_ID_MAX + 2];

/* Spoil row k of batch b (both encodings where it matters). */
static void spoil(batch *b, bad_kind kind, size_t k)
{
    switch (kind) {
    case BAD_MISSING_ID: b->ids[k] = NULL; break;
    case BAD_EMPTY_ID: b->ids[k] = ""; break;
    case BAD_LONG_ID: b->ids[k] = long_text; break;
    case BAD_DUP_IN_BATCH: b->ids[k] = b->ids[0]; break;
    case BAD_DUP_EXISTING: b->ids[k] = "base0007"; break;
    case BAD_UNKNOWN_CUSTOMER: b->v_cust[k] = "nobody"; break;
    case BAD_UNKNOWN_SEGMENT: b->v_seg[k] = "nowhere"; break;
    case BAD_STAGE_HIGH: b->stages[k] = 8; break;
    case BAD_STAGE_NEGATIVE: b->stages[k] = -1; break;
    case BAD_WON_STAGE_OPEN:
        b->stages[k] = 7;
        b->outcomes[k] = MTL_OUTCOME_OPEN;
        break;
    case BAD_OUTCOME: b->outcomes[k] = 3; b->stages[k] = 1; break;
    case BAD_STATUS: b->statuses[k] = 4; break;
    case BAD_AMOUNT: b->amounts[k] = -5; break;
    case BAD_PROBABILITY: b->probabilities[k] = 1.5; break;
    case BAD_PROBABILITY_NAN: b->probabilities[k] = NAN; break;
    case BAD_CATEGORY: b->categories[k] = 9; break;
    case BAD_DATE_CREATED: b->created[k] = MTL_DATE_MAX + 1; break;
    case BAD_DATE_CLOSED: b->closed[k] = MTL_DATE_MIN - 1; break;
    case BAD_CODE_CUSTOMER: b->k_cust[k] = NCUST; break;
    case BAD_CODE_ATTRIBUTE: b->k_attr[0][k] = 5; break;
    case BAD_LONG_OWNER: b->v_owner[k] = long_text; break;
    case BAD_LONG_ATTRIBUTE: b->v_attr[1][k] = long_text; break;
    default: fail();
    }
}

/* "row k" followed by a non-digit somewhere in the message. */
static int names_row(const char *msg, size_t k)
{
    char want[32];
    const char *p = msg;
    size_t n = (size_t)snprintf(want, sizeof want, "row %zu", k);
    while ((p = strstr(p, want)) != NULL) {
        if (p[n] < '0' || p[n] > '9')
            return 1;
        p += n;
    }
    return 0;
}

static void test_all_or_nothing(void **state)
{
    static const size_t rows_at[] = {0, 1, 511, 999};
    test_alloc ta;
    mtl_market *m;
    uint64_t before;
    size_t mem_before, kind, p, r;
    batch b;
    (void)state;
    memset(long_text, 'z', MTL_ID_MAX + 1);
    long_text[MTL_ID_MAX + 1] = '\0';
    m = base_market(&ta);
    before = test_market_fingerprint(m);
    mem_before = mtl_market_memory_used(m);
    for (kind = 0; kind < BAD_KINDS; kind++) {
        for (p = 0; p < sizeof rows_at / sizeof rows_at[0]; p++) {
            size_t k = rows_at[p];
            const int flags = WITH_SEGMENTS | (bad_info[kind].dict ? DICT : 0);
            mtl_status st;
            const char *msg;
            if (kind == BAD_DUP_IN_BATCH && k == 0)
                k = 2;
            batch_make(&b, "B", 1000);
            spoil(&b, (bad_kind)kind, k);
            st = append(m, &b, flags);
            msg = mtl_last_error_message();
            if (st != bad_info[kind].status || mtl_last_error_status() != st ||
                mtl_last_error_line() != (int64_t)k + 1 || !names_row(msg, k))
                fail_msg("%s at row %zu: %s line %lld \"%s\"; expected %s, line %zu, "
                         "a message naming row %zu",
                         bad_info[kind].name, k, mtl_status_string(st),
                         (long long)mtl_last_error_line(), msg,
                         mtl_status_string(bad_info[kind].status), k + 1, k);
            /* the market is exactly as before */
            assert_int_equal(mtl_market_lead_count(m), BASE_LEADS);
            if (test_market_fingerprint(m) != before)
                fail_msg("%s at row %zu changed the market", bad_info[kind].name, k);
            for (r = 0; r < b.n; r++)
                if (b.ids[r] && *b.ids[r] && strcmp(b.ids[r], "base0007") != 0 &&
                    mtl_lead_find(m, b.ids[r]) != NULL)
                    fail_msg("%s at row %zu: lead %s of the failed batch is findable",
                             bad_info[kind].name, k, b.ids[r]);
            assert_non_null(mtl_lead_find(m, "base0007"));
            assert_int_equal(mtl_market_memory_used(m), ta.live_bytes);
            batch_free(&b);
        }
    }
    /* memory: what the failures kept is reusable capacity, not a leak that
     * grows with every failure */
    print_message("memory before the failures %zu, after %zu\n", mem_before,
                  mtl_market_memory_used(m));

    /* The last failure above wrote attribute values into free slots before
     * it was refused.  A lead added one at a time and a batch without
     * attribute columns land in those slots: they must have no attributes. */
    {
        mtl_lead *l = NULL;
        assert_int_equal(mtl_lead_add(&l, m, "single-after-failures", NULL), MTL_OK);
        assert_int_equal(mtl_lead_attribute_count(l), 0);
        assert_null(mtl_lead_attribute(l, "industry"));
        assert_int_equal(mtl_lead_remove(l), MTL_OK);
    }
    batch_make(&b, "N", 700);
    assert_int_equal(append(m, &b, WITH_SEGMENTS | NO_ATTRS), MTL_OK);
    for (r = 0; r < b.n; r++)
        check_row(m, &b, r, WITH_SEGMENTS | NO_ATTRS);
    batch_free(&b);
    /* the batch, repaired, goes in */
    batch_make(&b, "B", 1000);
    assert_int_equal(append(m, &b, WITH_SEGMENTS), MTL_OK);
    assert_int_equal(mtl_market_lead_count(m), BASE_LEADS + 700 + 1000);
    for (r = 0; r < b.n; r++)
        check_row(m, &b, r, WITH_SEGMENTS);
    batch_free(&b);
    test_market_free(m, &ta);
}

/* The message of a refused row names the row and keeps the detail of the
 * check that failed, e.g. "row 17: stage 9 outside the stage model (8
 * stages)" (status.h). */
static void test_error_message_detail(void **state)
{
    test_alloc ta;
    mtl_market *m;
    size_t kind;
    batch b;
    (void)state;
    memset(long_text, 'z', MTL_ID_MAX + 1);
    long_text[MTL_ID_MAX + 1] = '\0';
    m = base_market(&ta);
    for (kind = 0; kind < BAD_KINDS; kind++) {
        const size_t k = 17;
        const char *msg;
        batch_make(&b, "B", 40);
        spoil(&b, (bad_kind)kind, k);
        assert_int_equal(append(m, &b, WITH_SEGMENTS | (bad_info[kind].dict ? DICT : 0)),
                         bad_info[kind].status);
        msg = mtl_last_error_message();
        if (!names_row(msg, k) || !strstr(msg, bad_info[kind].says))
            test_note("%s: \"%s\" should name row %zu and say \"%s\"",
                      bad_info[kind].name, msg, k, bad_info[kind].says);
        batch_free(&b);
    }
    test_market_free(m, &ta);
    test_notes_assert_none();
}

/* Failed appends must not leak: twenty failures in a row, each bringing
 * 2,000 strings the market has never seen, leave the memory where the
 * second failure left it (a failure may keep grown capacity, but not the
 * strings, chunks or attribute columns of the refused rows). */
static void test_failures_do_not_accumulate(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    size_t i, r, after_second = 0;
    uint64_t before = test_market_fingerprint(m);
    char (*owners)[48] = calloc(2000, sizeof *owners);
    batch b;
    (void)state;
    assert_non_null(owners);
    for (i = 0; i < 20; i++) {
        batch_make(&b, "F", 2000);
        for (r = 0; r < b.n; r++) {
            snprintf(owners[r], sizeof owners[r], "owner %zu of try %zu", r, i);
            b.v_owner[r] = owners[r];
            b.v_attr[1][r] = owners[r];
        }
        spoil(&b, BAD_DUP_EXISTING, 1999); /* fails in the last phase */
        assert_int_equal(append(m, &b, WITH_SEGMENTS), MTL_E_DUPLICATE);
        batch_free(&b);
        if (i == 1)
            after_second = mtl_market_memory_used(m);
    }
    assert_int_equal(mtl_market_memory_used(m), after_second);
    assert_int_equal(mtl_market_lead_count(m), BASE_LEADS);
    assert_true(test_market_fingerprint(m) == before);
    free(owners);
    test_market_free(m, &ta);
}

/* Bulk and single operations mix: bulk leads can be changed and removed,
 * removed places do not confuse later appends, single adds after bulk. */
static void test_mixed_with_single_ops(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    batch b1, b2;
    size_t r;
    mtl_lead *l;
    (void)state;
    batch_make(&b1, "P", 600);
    assert_int_equal(append(m, &b1, WITH_SEGMENTS), MTL_OK);
    for (r = 0; r < b1.n; r += 2)
        assert_int_equal(mtl_lead_remove(mtl_lead_find(m, b1.ids[r])), MTL_OK);
    for (r = 0; r < BASE_LEADS; r += 3) {
        char id[32];
        snprintf(id, sizeof id, "base%04zu", r);
        assert_int_equal(mtl_lead_remove(mtl_lead_find(m, id)), MTL_OK);
    }
    batch_make(&b2, "Q", 900);
    assert_int_equal(append(m, &b2, WITH_SEGMENTS | WITH_REGIONS | DICT), MTL_OK);
    for (r = 1; r < b1.n; r += 2)
        check_row(m, &b1, r, WITH_SEGMENTS);
    for (r = 0; r < b2.n; r++)
        check_row(m, &b2, r, WITH_SEGMENTS | WITH_REGIONS);
    /* single adds reuse freed places and start blank */
    assert_int_equal(mtl_lead_add(&l, m, "single", NULL), MTL_OK);
    assert_int_equal(mtl_lead_attribute_count(l), 0);
    assert_int_equal(mtl_lead_event_count(l), 0);
    /* a bulk lead takes single updates */
    l = mtl_lead_find(m, b2.ids[5]);
    assert_int_equal(mtl_lead_set_attribute(l, "industry", "changed"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, 5, 2), MTL_OK);
    assert_string_equal(mtl_lead_attribute(l, "industry"), "changed");
    assert_int_equal(mtl_lead_event_count(l), 1);
    assert_int_equal(mtl_market_lead_count(m),
                     BASE_LEADS - (BASE_LEADS + 2) / 3 + b1.n / 2 + b2.n + 1);
    {
        size_t n = 0;
        const mtl_lead *it;
        for (it = mtl_lead_next(m, NULL); it; it = mtl_lead_next(m, it))
            n++;
        assert_int_equal(n, mtl_market_lead_count(m));
    }
    batch_free(&b1);
    batch_free(&b2);
    test_market_free(m, &ta);
}

/* Three appends of 70,000 rows cross chunk boundaries (256, 512, ...
 * 65,536 slots); a few single adds shift the boundaries in between. */
static void test_chunk_boundaries(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    batch b[3];
    static const char *const prefix[3] = {"X", "Y", "Z"};
    size_t i, r, n = 0;
    const mtl_lead *it;
    (void)state;
    for (i = 0; i < 3; i++) {
        char id[32];
        batch_make(&b[i], prefix[i], 70000);
        assert_int_equal(append(m, &b[i], i == 1 ? WITH_SEGMENTS | DICT : WITH_REGIONS),
                         MTL_OK);
        snprintf(id, sizeof id, "between-%zu", i);
        assert_int_equal(mtl_lead_add(NULL, m, id, NULL), MTL_OK);
    }
    assert_int_equal(mtl_market_lead_count(m), BASE_LEADS + 3 * 70000 + 3);
    for (i = 0; i < 3; i++)
        for (r = 0; r < b[i].n; r++)
            check_row(m, &b[i], r, i == 1 ? WITH_SEGMENTS : WITH_REGIONS);
    for (it = mtl_lead_next(m, NULL); it; it = mtl_lead_next(m, it))
        n++;
    assert_int_equal(n, mtl_market_lead_count(m));
    assert_int_equal(mtl_market_memory_used(m), ta.live_bytes);
    for (i = 0; i < 3; i++)
        batch_free(&b[i]);
    test_market_free(m, &ta);
}

/* A failing append that spans several new chunks gives them all back. */
static void test_failure_across_chunks(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    uint64_t before = test_market_fingerprint(m);
    size_t mem = mtl_market_memory_used(m);
    batch b;
    (void)state;
    batch_make(&b, "W", 100000);
    spoil(&b, BAD_UNKNOWN_SEGMENT, 99999);
    assert_int_equal(append(m, &b, WITH_SEGMENTS), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_last_error_line(), 100000);
    assert_true(test_market_fingerprint(m) == before);
    /* the chunks (several MB) went back; only reusable index/pool
     * capacity may stay */
    print_message("memory %zu before, %zu after a failed 100,000-row append\n", mem,
                  mtl_market_memory_used(m));
    assert_true(mtl_market_memory_used(m) < mem + 4 * 1024 * 1024);
    assert_int_equal(mtl_market_memory_used(m), ta.live_bytes);
    batch_free(&b);
    batch_make(&b, "W", 100000);
    assert_int_equal(append(m, &b, WITH_SEGMENTS), MTL_OK);
    check_row(m, &b, 0, WITH_SEGMENTS);
    check_row(m, &b, 65535, WITH_SEGMENTS);
    check_row(m, &b, 99999, WITH_SEGMENTS);
    batch_free(&b);
    test_market_free(m, &ta);
}

/* The same attribute key twice in one append is refused before anything
 * changes: which column would win is not a question to answer silently. */
static void test_attribute_key_twice(void **state)
{
    test_alloc ta;
    mtl_market *m;
    const char *ids[2] = {"K1", "K2"}, *vals[2] = {"a", "b"};
    const char *keys[2] = {"industry", "industry"};
    mtl_string_column attrs[2];
    mtl_lead_columns c;
    (void)state;
    m = base_market(&ta);
    size_t before = mtl_market_lead_count(m);
    memset(attrs, 0, sizeof attrs);
    attrs[0].values = vals;
    attrs[1].values = vals;
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    c.count = 2;
    c.ids.values = ids;
    c.attribute_count = 2;
    c.attribute_keys = keys;
    c.attributes = attrs;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    assert_non_null(strstr(mtl_last_error_message(), "industry"));
    assert_int_equal(mtl_market_lead_count(m), before);
    assert_null(mtl_lead_find(m, "K1"));
    keys[1] = "size_band";
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    assert_string_equal(mtl_lead_attribute(mtl_lead_find(m, "K2"), "size_band"), "b");
    test_market_free(m, &ta);
}

/* Integer ids (id_numbers): each row's id is its number in decimal; the
 * failures are those of string ids, all or nothing. */
/* Ids go into the index by one bulk fill, partition by partition of their
 * home slots (lead_bulk.c, index_ids): of several repeated ids the error
 * must still name the first repeating row, and a failure must leave an
 * index that still finds every lead that was there (and the next append
 * must work).  Sixteen rows repeat earlier rows: reporting whichever
 * repeat the fill meets first would name row 100000 about one time in
 * sixteen.  (The "blocks" below are the 65,536-row blocks of an earlier
 * design; the cases still cover repeats near and far.) */
#define MANY_ROWS 150000
static void test_first_repeat_of_many(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead_columns c;
    int64_t *num = malloc(MANY_ROWS * sizeof *num);
    int64_t before[1] = {-1};
    uint64_t fp;
    size_t k;
    (void)state;
    assert_non_null(num);
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    c.count = 1;
    c.id_numbers = before;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    fp = test_market_fingerprint(m);
    for (k = 0; k < MANY_ROWS; k++)
        num[k] = (int64_t)k;
    for (k = 0; k < 16; k++)
        num[100000 + 1000 * k] = (int64_t)(70000 + 1000 * k); /* same block */
    c.count = MANY_ROWS;
    c.id_numbers = num;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    assert_int_equal(mtl_last_error_line(), 100001);
    assert_non_null(strstr(mtl_last_error_message(), "'70000'"));
    assert_true(test_market_fingerprint(m) == fp);
    /* a repeat in the third block, of a row of the first: the first two
     * blocks were inserted and are taken out again */
    for (k = 0; k < 16; k++)
        num[100000 + 1000 * k] = (int64_t)(100000 + 1000 * k);
    num[140000] = 7;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    assert_int_equal(mtl_last_error_line(), 140001);
    assert_true(test_market_fingerprint(m) == fp);
    assert_int_equal(mtl_market_lead_count(m), 1);
    assert_null(mtl_lead_find(m, "7"));
    assert_non_null(mtl_lead_find(m, "-1"));
    /* and the repeat of a lead already in the market */
    num[140000] = -1;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    assert_int_equal(mtl_last_error_line(), 140001);
    assert_true(test_market_fingerprint(m) == fp);
    /* the index is whole: all of them go in and are found */
    num[140000] = 140000;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    assert_int_equal(mtl_market_lead_count(m), MANY_ROWS + 1);
    for (k = 0; k < MANY_ROWS; k++) {
        char id[24];
        snprintf(id, sizeof id, "%zu", k);
        if (!mtl_lead_find(m, id))
            fail_msg("lead %s not found", id);
    }
    assert_non_null(mtl_lead_find(m, "-1"));
    assert_null(mtl_lead_find(m, "150000"));
    test_market_free(m, &ta);
    free(num);
}

static void test_id_numbers(void **state)
{
    static const int64_t numbers[] = { 42, -7, 0, INT64_MIN, INT64_MAX, 1000000 };
    static const char *const texts[] = { "42", "-7", "0", "-9223372036854775808",
                                         "9223372036854775807", "1000000" };
    static const int32_t stages[] = { 1, 2, 3, 4, 5, 6 };
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead_columns c;
    const char *ids[1] = { "x" };
    int64_t dup[3] = { 5, 6, 5 };
    uint64_t fp;
    size_t k;
    (void)state;
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    c.count = 6;
    c.id_numbers = numbers;
    c.stages = stages;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    for (k = 0; k < 6; k++) {
        mtl_lead *l = mtl_lead_find(m, texts[k]);
        assert_non_null(l);
        assert_string_equal(mtl_lead_id(l), texts[k]);
        assert_int_equal(mtl_lead_stage(l), stages[k]);
    }
    fp = test_market_fingerprint(m);
    /* a number already in the market, a number twice, both id kinds */
    c.count = 1;
    c.id_numbers = numbers; /* 42 again */
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    c.count = 3;
    c.id_numbers = dup;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_DUPLICATE);
    assert_int_equal(mtl_last_error_line(), 3); /* row 2: the second 5 */
    c.count = 1;
    c.ids.values = ids;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_E_INVALID_ARGUMENT);
    assert_true(test_market_fingerprint(m) == fp);
    assert_int_equal(mtl_market_lead_count(m), 6);
    test_market_free(m, &ta);
}

/* ---- probability and expected close: columns on demand ---------------- */

#define SPARSE_N 1000

/* Append SPARSE_N leads p0..p999 (chunks 0, 1 and 2: slots 0-255, 256-767
 * and 768-1791), with the given probability and expected-close columns
 * (NULL: none). */
static void sparse_append(mtl_market *m, const double *prob, const int32_t *close)
{
    static char text[SPARSE_N][8];
    static const char *ids[SPARSE_N];
    mtl_lead_columns c;
    size_t r;
    for (r = 0; r < SPARSE_N; r++) {
        snprintf(text[r], sizeof text[r], "p%zu", r);
        ids[r] = text[r];
    }
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    c.count = SPARSE_N;
    c.ids = values_col(ids);
    c.probabilities = prob;
    c.expected_close = close;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
}

static double open_weighted(const mtl_market *m)
{
    mtl_funnel_stage rows[MTL_STAGE_MAX];
    int32_t s, n = mtl_market_stage_count(m);
    double w = 0;
    for (s = 0; s < n; s++)
        rows[s].struct_size = sizeof rows[s];
    assert_int_equal(mtl_funnel_stages(m, NULL, rows, n), MTL_OK);
    for (s = 0; s < n; s++)
        w += rows[s].weighted_amount;
    return w;
}

/* The snapshot of m read back into a market on ta. */
static mtl_market *sparse_round_trip(const mtl_market *m, test_alloc *ta)
{
    test_sink snap;
    mtl_market_options o;
    mtl_market *r = NULL;
    memset(&snap, 0, sizeof snap);
    snap.refuse_after = -1;
    assert_int_equal(mtl_market_write(m, test_sink_write, &snap), MTL_OK);
    test_alloc_init(ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = ta;
    assert_int_equal(mtl_market_read(&r, snap.p, snap.n, &o), MTL_OK);
    free(snap.p);
    return r;
}

/* A chunk holds a probability column (8 bytes a slot) and an expected-close
 * column (4 bytes) only once one of its leads has such a value
 * (docs/memory.md): not for a bulk append without them or with NONE
 * alone; for the one chunk that a value lands in; never for a NONE set
 * where there is none.  A column that cannot be allocated fails the set
 * with the lead, the funnel and the memory as they were.  Values survive
 * a snapshot round trip, column or not. */
static void test_sparse_columns(void **state)
{
    static double prob[SPARSE_N];
    static int32_t close[SPARSE_N];
    test_alloc ta_a, ta_b, ta_c, ta_r;
    mtl_market *a, *b, *cm, *r;
    mtl_lead *l;
    size_t mem, i;
    double w;
    (void)state;
    for (i = 0; i < SPARSE_N; i++) {
        prob[i] = MTL_PROBABILITY_NONE;
        close[i] = MTL_DATE_NONE;
    }
    /* none given and NONE alone: the same memory */
    a = test_market_new(&ta_a, 0, NULL);
    b = test_market_new(&ta_b, 0, NULL);
    sparse_append(a, NULL, NULL);
    sparse_append(b, prob, close);
    assert_int_equal(mtl_market_memory_used(b), mtl_market_memory_used(a));
    assert_int_equal(mtl_market_memory_used(a), ta_a.live_bytes);

    /* values in chunk 2 (slots 768-1791): that chunk's columns alone */
    cm = test_market_new(&ta_c, 0, NULL);
    prob[900] = 0.25;
    close[901] = 20000;
    sparse_append(cm, prob, close);
    assert_int_equal(mtl_market_memory_used(cm),
                     mtl_market_memory_used(a) + 1024 * sizeof(double) + 1024 * sizeof(int32_t));
    assert_true(mtl_lead_probability(mtl_lead_find(cm, "p900")) == 0.25);
    assert_true(mtl_lead_probability(mtl_lead_find(cm, "p901")) == MTL_PROBABILITY_NONE);
    assert_true(mtl_lead_probability(mtl_lead_find(cm, "p10")) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_expected_close(mtl_lead_find(cm, "p901")), 20000);
    assert_int_equal(mtl_lead_expected_close(mtl_lead_find(cm, "p900")), MTL_DATE_NONE);

    /* single sets on market a: NONE where there is none allocates nothing */
    mem = mtl_market_memory_used(a);
    assert_int_equal(mtl_lead_set_probability(mtl_lead_find(a, "p10"), MTL_PROBABILITY_NONE),
                     MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(mtl_lead_find(a, "p10"), MTL_DATE_NONE),
                     MTL_OK);
    assert_int_equal(mtl_market_memory_used(a), mem);
    /* a value in chunk 1 (slots 256-767): 512 slots of the column */
    assert_int_equal(mtl_lead_set_amount(mtl_lead_find(a, "p300"), 1000), MTL_OK);
    w = open_weighted(a);
    assert_int_equal(mtl_lead_set_probability(mtl_lead_find(a, "p300"), 0.5), MTL_OK);
    assert_int_equal(mtl_market_memory_used(a), mem + 512 * sizeof(double));
    assert_true(open_weighted(a) != w); /* the override counts in the funnel */
    assert_int_equal(mtl_lead_set_probability(mtl_lead_find(a, "p301"), 0.75), MTL_OK);
    assert_int_equal(mtl_market_memory_used(a), mem + 512 * sizeof(double));
    assert_true(mtl_lead_probability(mtl_lead_find(a, "p299")) == MTL_PROBABILITY_NONE);
    assert_true(mtl_lead_probability(mtl_lead_find(a, "p300")) == 0.5);
    assert_true(mtl_lead_probability(mtl_lead_find(a, "p302")) == MTL_PROBABILITY_NONE);
    assert_true(mtl_lead_probability(mtl_lead_find(a, "p768")) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_set_expected_close(mtl_lead_find(a, "p10"), 19000), MTL_OK);
    assert_int_equal(mtl_market_memory_used(a),
                     mem + 512 * sizeof(double) + 256 * sizeof(int32_t));
    assert_int_equal(mtl_lead_expected_close(mtl_lead_find(a, "p10")), 19000);
    assert_int_equal(mtl_lead_expected_close(mtl_lead_find(a, "p11")), MTL_DATE_NONE);

    /* out of memory for the columns of chunk 2: nothing changes */
    l = mtl_lead_find(a, "p800");
    assert_int_equal(mtl_lead_set_amount(l, 500), MTL_OK);
    mem = mtl_market_memory_used(a);
    w = open_weighted(a);
    {
        uint64_t before = test_market_fingerprint(a);
        test_alloc_fail_nth(&ta_a, 1, 1);
        assert_int_equal(mtl_lead_set_probability(l, 0.9), MTL_E_NO_MEMORY);
        assert_int_equal(mtl_lead_set_expected_close(l, 19500), MTL_E_NO_MEMORY);
        test_alloc_disarm(&ta_a);
        assert_int_equal(test_market_fingerprint(a), before);
    }
    assert_true(open_weighted(a) == w);
    assert_int_equal(mtl_market_memory_used(a), mem);
    assert_true(mtl_lead_probability(l) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_set_probability(l, 0.9), MTL_OK);
    assert_true(mtl_lead_probability(l) == 0.9);
    assert_true(open_weighted(a) != w);

    /* snapshots of markets with and without the columns read back the same */
    r = sparse_round_trip(a, &ta_r);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(a));
    assert_true(mtl_lead_probability(mtl_lead_find(r, "p300")) == 0.5);
    assert_true(mtl_lead_probability(mtl_lead_find(r, "p12")) == MTL_PROBABILITY_NONE);
    assert_true(open_weighted(r) == open_weighted(a));
    test_market_free(r, &ta_r);
    /* NONE everywhere: the loaded market has no column either */
    r = sparse_round_trip(b, &ta_r);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(b));
    mem = mtl_market_memory_used(r);
    assert_int_equal(mtl_lead_set_probability(mtl_lead_find(r, "p5"), 0.5), MTL_OK);
    assert_int_equal(mtl_market_memory_used(r), mem + 256 * sizeof(double));
    test_market_free(r, &ta_r);

    test_market_free(a, &ta_a);
    test_market_free(b, &ta_b);
    test_market_free(cm, &ta_c);
}

/* ---- attribute columns: 16 bits while the ids allow -------------------- */

/* Append n leads "<prefix><row>" with nattrs attributes (0 to 2): "size"
 * from a dictionary (dict, ndict; row r takes entry r % ndict), then "tag"
 * with a string of its own per row ("<prefix>t<row>"). */
static void width_append(mtl_market *m, const char *prefix, size_t n,
                         const char *const *dict, size_t ndict, int nattrs)
{
    char (*text)[24] = calloc(n, sizeof *text);
    char (*tag)[24] = calloc(n, sizeof *tag);
    const char **ids = calloc(n, sizeof *ids), **tagv = calloc(n, sizeof *tagv);
    uint32_t *codes = calloc(n, sizeof *codes);
    static const char *const keys[2] = {"size", "tag"};
    mtl_string_column attrs[2];
    mtl_lead_columns c;
    size_t r;
    assert_non_null(text);
    assert_non_null(tag);
    assert_non_null(ids);
    assert_non_null(tagv);
    assert_non_null(codes);
    for (r = 0; r < n; r++) {
        snprintf(text[r], sizeof text[r], "%s%zu", prefix, r);
        snprintf(tag[r], sizeof tag[r], "%st%zu", prefix, r);
        ids[r] = text[r];
        tagv[r] = tag[r];
        codes[r] = (uint32_t)(r % ndict);
    }
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    c.count = n;
    c.ids = values_col(ids);
    attrs[0] = codes_col(codes, dict, ndict);
    attrs[1] = values_col(tagv);
    c.attribute_count = (size_t)nattrs;
    c.attribute_keys = keys;
    c.attributes = attrs;
    assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    free(text);
    free(tag);
    free(ids);
    free(tagv);
    free(codes);
}

static void expect_attr(const mtl_market *m, const char *id, const char *key,
                        const char *want)
{
    const mtl_lead *l = mtl_lead_find(m, id);
    const char *got;
    assert_non_null(l);
    got = mtl_lead_attribute(l, key);
    if (want ? !got || strcmp(got, want) != 0 : got != NULL)
        fail_msg("lead %s, %s: '%s', expected '%s'", id, key, got ? got : "(none)",
                 want ? want : "(none)");
}

/* An attribute column holds 16-bit string-pool ids in a chunk until an id
 * of 65,536 or more lands there, then 32-bit ones (docs/memory.md): memory
 * to the slot's width, values kept through every widening (a bulk append
 * of strings, of a dictionary, a single set, a snapshot round trip), and a
 * widening that cannot allocate leaves the market as it was. */
static void test_attribute_widths(void **state)
{
    static const char *const small[3] = {"S", "M", "L"};
    static const char *const big[2] = {"S", "XL"};
    test_alloc ta_a, ta_b, ta_w, ta_r;
    mtl_market *a, *b, *w, *r;
    size_t i;
    char id[32], want[32];
    (void)state;

    /* 5,000 leads after 1,000 (slots 1,000 to 5,999: chunk 2's column is
     * there, chunks 3 and 4 get one), with a three-valued attribute and
     * without: two bytes a slot of the new columns */
    a = test_market_new(&ta_a, 0, NULL);
    b = test_market_new(&ta_b, 0, NULL);
    width_append(a, "p", 1000, small, 3, 1);
    width_append(b, "p", 1000, small, 3, 1);
    {
        size_t ma = mtl_market_memory_used(a), mb = mtl_market_memory_used(b);
        width_append(a, "q", 5000, small, 3, 0);
        width_append(b, "q", 5000, small, 3, 1);
        assert_int_equal((mtl_market_memory_used(b) - mb) - (mtl_market_memory_used(a) - ma),
                         (2048 + 4096) * 2);
    }
    expect_attr(b, "p4", "size", "M");
    expect_attr(b, "q4", "size", "M");
    expect_attr(a, "q4", "size", NULL);
    test_market_free(a, &ta_a);
    test_market_free(b, &ta_b);

    /* a string of its own per row: ids pass 65,535 in chunk 8 (rows
     * 65,280 on), which widens in the middle of the run; chunks 0-7 stay
     * narrow */
    w = test_market_new(&ta_w, 0, NULL);
    width_append(w, "w", 10, small, 3, 1); /* chunk 0: narrow, partly used */
    width_append(w, "v", 70000, small, 3, 2);
    for (i = 0; i < 70000; i += 997) {
        snprintf(id, sizeof id, "v%zu", i);
        snprintf(want, sizeof want, "vt%zu", i);
        expect_attr(w, id, "tag", want);
        expect_attr(w, id, "size", small[i % 3]);
    }
    expect_attr(w, "v69999", "tag", "vt69999");
    expect_attr(w, "v65269", "tag", "vt65269"); /* the last row of chunk 7 */
    expect_attr(w, "v65270", "tag", "vt65270"); /* the first of chunk 8 */
    expect_attr(w, "w7", "size", "M");
    expect_attr(w, "w7", "tag", NULL);

    /* a dictionary with a new string (an id past 65,535) into chunk 8 and
     * a single set of a new string on a lead of narrow chunk 0 */
    width_append(w, "x", 20, big, 2, 1);
    expect_attr(w, "x1", "size", "XL");
    expect_attr(w, "x0", "size", "S");
    expect_attr(w, "v69990", "size", small[69990 % 3]);
    {
        size_t mem = mtl_market_memory_used(w);
        uint64_t before = test_market_fingerprint(w);
        mtl_lead *l = mtl_lead_find(w, "w3");
        /* out of memory for the wider column: nothing changes */
        test_alloc_fail_nth(&ta_w, 1, 1);
        assert_int_equal(mtl_lead_set_attribute(l, "size", "XXL"), MTL_E_NO_MEMORY);
        test_alloc_disarm(&ta_w);
        assert_int_equal(test_market_fingerprint(w), before);
        assert_int_equal(mtl_market_memory_used(w), mem);
        /* then it widens: chunk 0's 256 slots take 2 bytes more each (the
         * new string's bytes come with it) */
        assert_int_equal(mtl_lead_set_attribute(l, "size", "XXL"), MTL_OK);
        assert_true(mtl_market_memory_used(w) >= mem + 256 * 2);
        expect_attr(w, "w3", "size", "XXL");
        for (i = 0; i < 10; i++) {
            snprintf(id, sizeof id, "w%zu", i);
            expect_attr(w, id, "size", i == 3 ? "XXL" : small[i % 3]);
        }
        expect_attr(w, "v5", "size", small[5 % 3]); /* chunk 0 too */
    }

    /* a snapshot of narrow and wide columns reads back the same */
    r = sparse_round_trip(w, &ta_r);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(w));
    expect_attr(r, "w3", "size", "XXL");
    expect_attr(r, "v69999", "tag", "vt69999");
    test_market_free(r, &ta_r);
    test_market_free(w, &ta_w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_id_numbers),
        test_case(test_first_repeat_of_many),
        test_case(test_attribute_key_twice),
        test_case(test_columns_init),
        test_case(test_values_dict_single_identical),
        test_case(test_absent_row_defaults_to_customer),
        test_case(test_all_or_nothing),
        test_case(test_error_message_detail),
        test_case(test_failures_do_not_accumulate),
        test_case(test_mixed_with_single_ops),
        test_case(test_chunk_boundaries),
        test_case(test_failure_across_chunks),
        test_case(test_sparse_columns),
        test_case(test_attribute_widths),
    };
    return cmocka_run_group_tests_name("lead_bulk", tests, NULL, NULL);
}
