/*
 * test_stage.c: the stage model (default P0-P7 funnel and custom models)
 * and how a market reports it.
 *
 * Public functions exercised here (stage.h, market.h stage queries):
 *   [x] mtl_stage_model_create          [x] mtl_stage_model_create_default
 *   [x] mtl_stage_model_destroy         [x] mtl_stage_model_add
 *   [x] mtl_stage_model_count           [x] mtl_market_stage_count
 *   [x] mtl_market_stage_name           [x] mtl_market_stage_phase
 *   [x] mtl_market_stage_probability    [x] mtl_market_stage_category
 *   [x] mtl_market_stage_flags          [x] mtl_market_stage_find
 * Expected default values: include/mtl/stage.h and SPEC §2 (seed 001).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

static mtl_market *market_with(test_alloc *ta, const mtl_stage_model *model)
{
    mtl_market_options o;
    mtl_market *m = NULL;
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = ta;
    o.stage_model = model;
    assert_int_equal(mtl_market_create(&m, &o), MTL_OK);
    assert_non_null(m);
    return m;
}

static const struct {
    const char *name, *zh, *en;
    double p;
    int32_t category, flags;
} default_model[8] = {
    {"P0", "研究", "research", 0.10, MTL_CATEGORY_PIPELINE, 0},
    {"P1", "分析", "analysis", 0.20, MTL_CATEGORY_PIPELINE, 0},
    {"P2", "确认", "confirmation", 0.25, MTL_CATEGORY_PIPELINE, 0},
    {"P3", "寻求", "seeking", 0.30, MTL_CATEGORY_PIPELINE, 0},
    {"P4", "细化", "refinement", 0.50, MTL_CATEGORY_BEST_CASE, 0},
    {"P5", "解决", "resolution", 0.75, MTL_CATEGORY_BEST_CASE, 0},
    {"P6", "收场", "closing", 0.90, MTL_CATEGORY_COMMIT, 0},
    {"P7", "维护", "maintenance", 1.00, MTL_CATEGORY_CLOSED, MTL_STAGE_FLAG_WON},
};

static void check_default_model(const mtl_market *m)
{
    int32_t s, idx;
    assert_int_equal(mtl_market_stage_count(m), 8);
    for (s = 0; s < 8; s++) {
        assert_string_equal(mtl_market_stage_name(m, s), default_model[s].name);
        assert_non_null(strstr(mtl_market_stage_phase(m, s), default_model[s].zh));
        assert_non_null(strstr(mtl_market_stage_phase(m, s), default_model[s].en));
        /* exact: the values are the literals of the seed */
        assert_true(mtl_market_stage_probability(m, s) == default_model[s].p);
        assert_int_equal(mtl_market_stage_category(m, s), default_model[s].category);
        assert_int_equal(mtl_market_stage_flags(m, s), default_model[s].flags);
        idx = -5;
        assert_int_equal(mtl_market_stage_find(&idx, m, default_model[s].name), MTL_OK);
        assert_int_equal(idx, s);
    }
    /* out of range */
    assert_null(mtl_market_stage_name(m, 8));
    assert_null(mtl_market_stage_name(m, -1));
    assert_null(mtl_market_stage_phase(m, 8));
    assert_null(mtl_market_stage_phase(m, -1));
    assert_true(mtl_market_stage_probability(m, 8) == -1.0);
    assert_true(mtl_market_stage_probability(m, -1) == -1.0);
    assert_int_equal(mtl_market_stage_category(m, 8), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_market_stage_category(m, INT32_MIN), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_market_stage_flags(m, 8), 0);
    assert_int_equal(mtl_market_stage_flags(m, -1), 0);
}

static void test_default_model_in_default_market(void **state)
{
    test_alloc ta;
    mtl_market *m;
    int32_t idx = 99;
    (void)state;
    test_alloc_init(&ta);
    m = market_with(&ta, NULL);
    check_default_model(m);
    assert_int_equal(mtl_market_stage_find(&idx, m, "P8"), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_market_stage_find(&idx, m, "p0"), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_market_stage_find(&idx, m, ""), MTL_E_NOT_FOUND);
    assert_int_equal(idx, 99);
    assert_int_equal(mtl_market_stage_find(NULL, m, "P0"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_stage_find(&idx, m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_stage_find(&idx, NULL, "P0"), MTL_E_INVALID_ARGUMENT);
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
}

static void test_default_model_object(void **state)
{
    test_alloc ta, tm;
    mtl_stage_model *model = NULL;
    mtl_market *m;
    (void)state;
    test_alloc_init(&ta);
    test_alloc_init(&tm);
    assert_int_equal(mtl_stage_model_create_default(&model, test_alloc_fn, &ta),
                     MTL_OK);
    assert_non_null(model);
    assert_int_equal(mtl_stage_model_count(model), 8);
    assert_true(ta.live_blocks > 0); /* the model came from our allocator */
    m = market_with(&tm, model);
    mtl_stage_model_destroy(model); /* the market holds a copy */
    test_alloc_assert_clean(&ta);
    check_default_model(m);
    mtl_market_unref(m);
    test_alloc_assert_clean(&tm);
    /* libc allocator */
    assert_int_equal(mtl_stage_model_create_default(&model, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_stage_model_count(model), 8);
    mtl_stage_model_destroy(model);
    assert_int_equal(mtl_stage_model_create_default(NULL, NULL, NULL),
                     MTL_E_INVALID_ARGUMENT);
}

static void test_model_create_no_memory(void **state)
{
    test_alloc ta;
    mtl_stage_model *model = (mtl_stage_model *)&ta; /* must become NULL */
    (void)state;
    test_alloc_init(&ta);
    test_alloc_fail_nth(&ta, 1, 0);
    assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, &ta),
                     MTL_E_NO_MEMORY);
    assert_null(model);
    model = (mtl_stage_model *)&ta;
    test_alloc_fail_nth(&ta, 1, 0);
    assert_int_equal(mtl_stage_model_create_default(&model, test_alloc_fn, &ta),
                     MTL_E_NO_MEMORY);
    assert_null(model);
    assert_int_equal(mtl_last_error_status(), MTL_E_NO_MEMORY);
    test_alloc_assert_clean(&ta);
}

/* Fingerprint of a model through a market made from it. */
static uint64_t model_digest(const mtl_stage_model *model)
{
    test_alloc ta;
    mtl_market *m;
    uint64_t h;
    test_alloc_init(&ta);
    m = market_with(&ta, model);
    h = test_market_fingerprint(m);
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
    return h;
}

static void test_custom_model_add_errors(void **state)
{
    test_alloc ta;
    mtl_stage_model *model = NULL;
    char name[80];
    uint64_t before;
    int32_t i;
    (void)state;
    test_alloc_init(&ta);
    assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, &ta), MTL_OK);
    assert_int_equal(mtl_stage_model_count(model), 0);
    assert_int_equal(mtl_stage_model_add(model, "Lead", "intake", 0.05,
                                         MTL_CATEGORY_PIPELINE, 0),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "Won", NULL, 1.0,
                                         MTL_CATEGORY_CLOSED, MTL_STAGE_FLAG_WON),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_count(model), 2);
    before = model_digest(model);

#define REFUSED(expr, status)                                                   \
    do {                                                                        \
        assert_int_equal((expr), (status));                                     \
        assert_int_equal(mtl_last_error_status(), (status));                    \
        assert_int_equal(mtl_stage_model_count(model), 2);                      \
    } while (0)

    REFUSED(mtl_stage_model_add(model, "Lead", NULL, 0.5, 0, 0), MTL_E_DUPLICATE);
    REFUSED(mtl_stage_model_add(model, "Won", NULL, 1.0, 3, MTL_STAGE_FLAG_WON),
            MTL_E_DUPLICATE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 1.5, 0, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, -0.01, 0, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, NAN, 0, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, INFINITY, 0, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, 7, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, 5, 0), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, MTL_CATEGORY_NONE, 0),
            MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, 0, 3), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, 0, 4), MTL_E_RANGE);
    REFUSED(mtl_stage_model_add(model, "X", NULL, 0.5, 0, -1), MTL_E_RANGE);
    memset(name, 'n', 64);
    name[64] = '\0'; /* 64 bytes: one too many */
    REFUSED(mtl_stage_model_add(model, name, NULL, 0.5, 0, 0), MTL_E_LIMIT);
    REFUSED(mtl_stage_model_add(model, "X", name, 0.5, 0, 0), MTL_E_LIMIT);
    REFUSED(mtl_stage_model_add(model, "", NULL, 0.5, 0, 0), MTL_E_INVALID_ARGUMENT);
    REFUSED(mtl_stage_model_add(model, NULL, NULL, 0.5, 0, 0),
            MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_stage_model_add(NULL, "X", NULL, 0.5, 0, 0),
                     MTL_E_INVALID_ARGUMENT);
    /* nothing of the refused stages leaked into the model */
    assert_true(model_digest(model) == before);

    /* limits that are allowed: 63-byte name and phase, probability 0 and 1 */
    name[63] = '\0';
    assert_int_equal(mtl_stage_model_add(model, name, name, 0.0,
                                         MTL_CATEGORY_OMITTED, MTL_STAGE_FLAG_LOST),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_count(model), 3);
    /* fill up to MTL_STAGE_MAX, then the 65th is MTL_E_LIMIT */
    for (i = 3; i < MTL_STAGE_MAX; i++) {
        snprintf(name, sizeof name, "S%d", (int)i);
        assert_int_equal(mtl_stage_model_add(model, name, NULL, 0.5, 1, 0), MTL_OK);
    }
    assert_int_equal(mtl_stage_model_count(model), 64);
    before = model_digest(model);
    assert_int_equal(mtl_stage_model_add(model, "S64", NULL, 0.5, 1, 0), MTL_E_LIMIT);
    assert_int_equal(mtl_stage_model_count(model), 64);
    assert_true(model_digest(model) == before);
    {
        test_alloc tm;
        mtl_market *m;
        int32_t idx = -1;
        test_alloc_init(&tm);
        m = market_with(&tm, model);
        assert_int_equal(mtl_market_stage_count(m), 64);
        assert_string_equal(mtl_market_stage_name(m, 63), "S63");
        assert_int_equal(mtl_market_stage_find(&idx, m, "S63"), MTL_OK);
        assert_int_equal(idx, 63);
        assert_int_equal(mtl_market_stage_flags(m, 2), MTL_STAGE_FLAG_LOST);
        assert_int_equal(strlen(mtl_market_stage_name(m, 2)), 63);
        assert_int_equal(strlen(mtl_market_stage_phase(m, 2)), 63);
        /* NULL phase reads as "" */
        assert_string_equal(mtl_market_stage_phase(m, 1), "");
        assert_string_equal(mtl_market_stage_phase(m, 0), "intake");
        mtl_market_unref(m);
        test_alloc_assert_clean(&tm);
    }
#undef REFUSED
    mtl_stage_model_destroy(model);
    test_alloc_assert_clean(&ta);
    assert_int_equal(mtl_stage_model_count(NULL), 0);
    mtl_stage_model_destroy(NULL);
}

/* Salesforce's standard opportunity stages, with a LOST-flagged
 * "Closed Lost" (Salesforce: Closed/Won and Closed/Lost stage types). */
static mtl_stage_model *salesforce_model(test_alloc *ta)
{
    static const struct {
        const char *name;
        double p;
        int32_t category, flags;
    } sf[] = {
        {"Prospecting", 0.10, MTL_CATEGORY_PIPELINE, 0},
        {"Qualification", 0.10, MTL_CATEGORY_PIPELINE, 0},
        {"Needs Analysis", 0.20, MTL_CATEGORY_PIPELINE, 0},
        {"Value Proposition", 0.50, MTL_CATEGORY_PIPELINE, 0},
        {"Id. Decision Makers", 0.60, MTL_CATEGORY_PIPELINE, 0},
        {"Perception Analysis", 0.70, MTL_CATEGORY_BEST_CASE, 0},
        {"Proposal/Price Quote", 0.75, MTL_CATEGORY_BEST_CASE, 0},
        {"Negotiation/Review", 0.90, MTL_CATEGORY_COMMIT, 0},
        {"Closed Won", 1.00, MTL_CATEGORY_CLOSED, MTL_STAGE_FLAG_WON},
        {"Closed Lost", 0.00, MTL_CATEGORY_OMITTED, MTL_STAGE_FLAG_LOST},
    };
    mtl_stage_model *model = NULL;
    size_t k;
    assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, ta), MTL_OK);
    for (k = 0; k < sizeof sf / sizeof sf[0]; k++)
        assert_int_equal(mtl_stage_model_add(model, sf[k].name, "sf", sf[k].p,
                                             sf[k].category, sf[k].flags),
                         MTL_OK);
    return model;
}

static void test_custom_model_in_market(void **state)
{
    test_alloc ta, tm;
    mtl_stage_model *model;
    mtl_market *m;
    int32_t idx = -1;
    (void)state;
    test_alloc_init(&ta);
    test_alloc_init(&tm);
    model = salesforce_model(&ta);
    assert_int_equal(mtl_stage_model_count(model), 10);
    m = market_with(&tm, model);
    /* the market copied the model: changing it now changes nothing */
    assert_int_equal(mtl_stage_model_add(model, "Extra", NULL, 0.5, 0, 0), MTL_OK);
    mtl_stage_model_destroy(model);
    test_alloc_assert_clean(&ta);

    assert_int_equal(mtl_market_stage_count(m), 10);
    assert_string_equal(mtl_market_stage_name(m, 0), "Prospecting");
    assert_string_equal(mtl_market_stage_name(m, 9), "Closed Lost");
    assert_string_equal(mtl_market_stage_phase(m, 9), "sf");
    assert_true(mtl_market_stage_probability(m, 4) == 0.60);
    assert_true(mtl_market_stage_probability(m, 9) == 0.0);
    assert_int_equal(mtl_market_stage_category(m, 5), MTL_CATEGORY_BEST_CASE);
    assert_int_equal(mtl_market_stage_category(m, 9), MTL_CATEGORY_OMITTED);
    assert_int_equal(mtl_market_stage_flags(m, 8), MTL_STAGE_FLAG_WON);
    assert_int_equal(mtl_market_stage_flags(m, 9), MTL_STAGE_FLAG_LOST);
    assert_int_equal(mtl_market_stage_flags(m, 7), 0);
    assert_int_equal(mtl_market_stage_find(&idx, m, "Closed Lost"), MTL_OK);
    assert_int_equal(idx, 9);
    assert_int_equal(mtl_market_stage_find(&idx, m, "Proposal/Price Quote"), MTL_OK);
    assert_int_equal(idx, 6);
    assert_int_equal(mtl_market_stage_find(&idx, m, "P0"), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_market_stage_find(&idx, m, "Extra"), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_market_stage_find(&idx, m, "Closed"), MTL_E_NOT_FOUND);
    assert_int_equal(idx, 6);
    assert_null(mtl_market_stage_name(m, 10));

    /* the flags drive the stage/outcome rule of the market's leads */
    {
        mtl_lead *l = NULL;
        assert_int_equal(mtl_lead_add(&l, m, "opp", NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_stage(l, 9), MTL_E_STATE);
        assert_int_equal(mtl_lead_set_stage_outcome(l, 9, MTL_OUTCOME_WON),
                         MTL_E_STATE);
        assert_int_equal(mtl_lead_set_stage_outcome(l, 9, MTL_OUTCOME_LOST), MTL_OK);
        assert_int_equal(mtl_lead_set_stage_outcome(l, 8, MTL_OUTCOME_LOST),
                         MTL_E_STATE);
        assert_int_equal(mtl_lead_set_stage_outcome(l, 8, MTL_OUTCOME_WON), MTL_OK);
        assert_int_equal(mtl_lead_set_stage_outcome(l, 10, MTL_OUTCOME_WON),
                         MTL_E_RANGE);
        assert_int_equal(mtl_lead_stage(l), 8);
        assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    }
    mtl_market_unref(m);
    test_alloc_assert_clean(&tm);
}

static void test_empty_model_refused_by_market(void **state)
{
    test_alloc ta, tm;
    mtl_stage_model *model = NULL;
    mtl_market_options o;
    mtl_market *m = (mtl_market *)&o;
    (void)state;
    test_alloc_init(&ta);
    test_alloc_init(&tm);
    assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, &ta), MTL_OK);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &tm;
    o.stage_model = model;
    assert_int_equal(mtl_market_create(&m, &o), MTL_E_RANGE);
    assert_null(m);
    test_alloc_assert_clean(&tm);
    mtl_stage_model_destroy(model);
    test_alloc_assert_clean(&ta);
}

/* New leads start open at stage 0, so a model whose first stage is
 * flagged won or lost cannot make a market (lib/market/market.c). */
static void test_terminal_first_stage_refused(void **state)
{
    int32_t flags;
    (void)state;
    for (flags = MTL_STAGE_FLAG_WON; flags <= MTL_STAGE_FLAG_LOST; flags++) {
        test_alloc ta, tm;
        mtl_stage_model *model = NULL;
        mtl_market_options o;
        mtl_market *m = (mtl_market *)&o;
        test_alloc_init(&ta);
        test_alloc_init(&tm);
        assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, &ta), MTL_OK);
        assert_int_equal(mtl_stage_model_add(model, "Done", NULL, 1.0, 3, flags),
                         MTL_OK);
        assert_int_equal(mtl_stage_model_add(model, "Open", NULL, 0.5, 0, 0), MTL_OK);
        assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
        o.alloc = test_alloc_fn;
        o.alloc_user_data = &tm;
        o.stage_model = model;
        assert_int_equal(mtl_market_create(&m, &o), MTL_E_RANGE);
        assert_null(m);
        test_alloc_assert_clean(&tm);
        mtl_stage_model_destroy(model);
        test_alloc_assert_clean(&ta);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_default_model_in_default_market),
        test_case(test_default_model_object),
        test_case(test_model_create_no_memory),
        test_case(test_custom_model_add_errors),
        test_case(test_custom_model_in_market),
        test_case(test_empty_model_refused_by_market),
        test_case(test_terminal_first_stage_refused),
    };
    return cmocka_run_group_tests_name("stage", tests, NULL, NULL);
}
