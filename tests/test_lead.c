/*
 * test_lead.c: leads one at a time: ids, every field, stage/outcome rules,
 * attributes, stage history, removal and slot reuse.
 *
 * Public functions exercised here (lead.h, all but the bulk path):
 *   [x] mtl_lead_add                [x] mtl_lead_find
 *   [x] mtl_lead_find_many
 *   [x] mtl_lead_next               [x] mtl_lead_remove
 *   [x] mtl_lead_market             [x] mtl_lead_id
 *   [x] mtl_lead_customer           [x] mtl_lead_segment
 *   [x] mtl_lead_owner              [x] mtl_lead_region
 *   [x] mtl_lead_source             [x] mtl_lead_status
 *   [x] mtl_lead_stage              [x] mtl_lead_outcome
 *   [x] mtl_lead_amount             [x] mtl_lead_probability
 *   [x] mtl_lead_category           [x] mtl_lead_decision_step
 *   [x] mtl_lead_created            [x] mtl_lead_expected_close
 *   [x] mtl_lead_closed             [x] mtl_lead_set_customer
 *   [x] mtl_lead_set_segment        [x] mtl_lead_set_owner
 *   [x] mtl_lead_set_region         [x] mtl_lead_set_source
 *   [x] mtl_lead_set_status         [x] mtl_lead_set_stage
 *   [x] mtl_lead_set_outcome        [x] mtl_lead_set_stage_outcome
 *   [x] mtl_lead_set_amount         [x] mtl_lead_set_probability
 *   [x] mtl_lead_set_category       [x] mtl_lead_set_decision_step
 *   [x] mtl_lead_set_created        [x] mtl_lead_set_expected_close
 *   [x] mtl_lead_set_closed         [x] mtl_lead_set_attribute
 *   [x] mtl_lead_attribute          [x] mtl_lead_attribute_count
 *   [x] mtl_lead_attribute_at       [x] mtl_lead_add_event
 *   [x] mtl_lead_event_count        [x] mtl_lead_event_at
 *   [x] mtl_lead_clear_events
 * (bulk append: test_lead_bulk.c)
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

typedef struct {
    test_alloc ta;
    mtl_market *m;
} fixture;

#define FIXTURE                                                                 \
    fixture fx_, *f = &fx_;                                                     \
    (void)state;                                                                \
    f->m = test_market_new(&f->ta, 0, NULL)
#define DONE() test_market_free(f->m, &f->ta)

static void check_defaults(const mtl_lead *l)
{
    assert_null(mtl_lead_customer(l));
    assert_null(mtl_lead_segment(l));
    assert_string_equal(mtl_lead_owner(l), "");
    assert_string_equal(mtl_lead_region(l), "");
    assert_string_equal(mtl_lead_source(l), "");
    assert_int_equal(mtl_lead_status(l), MTL_LEAD_STATUS_NEW);
    assert_int_equal(mtl_lead_stage(l), 0);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    assert_int_equal(mtl_lead_amount(l), 0);
    assert_true(mtl_lead_probability(l) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_category(l), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_lead_decision_step(l), MTL_DECISION_NONE);
    assert_int_equal(mtl_lead_created(l), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_expected_close(l), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_closed(l), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_attribute_count(l), 0);
    assert_int_equal(mtl_lead_event_count(l), 0);
    assert_int_equal(mtl_lead_attribute_at(l, 0, NULL, NULL), MTL_E_RANGE);
    assert_int_equal(mtl_lead_event_at(l, 0, NULL, NULL), MTL_E_RANGE);
}

static void test_add_find_defaults(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL, *out;
    char id[16] = "opp-1";
    char *big = malloc(MTL_ID_MAX + 2);
    assert_non_null(big);
    assert_int_equal(mtl_lead_add(&l, f->m, id, NULL), MTL_OK);
    strcpy(id, "opp-2");
    assert_non_null(l);
    assert_ptr_equal(mtl_lead_market(l), f->m);
    assert_string_equal(mtl_lead_id(l), "opp-1");
    assert_ptr_equal(mtl_lead_find(f->m, "opp-1"), l);
    assert_null(mtl_lead_find(f->m, "opp-2"));
    assert_null(mtl_lead_find(f->m, NULL));
    assert_null(mtl_lead_find(NULL, "opp-1"));
    check_defaults(l);
    assert_int_equal(mtl_market_lead_count(f->m), 1);

    out = l;
    assert_int_equal(mtl_lead_add(&out, f->m, "opp-1", NULL), MTL_E_DUPLICATE);
    assert_null(out);
    assert_int_equal(mtl_lead_add(&out, f->m, "", NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_add(&out, f->m, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_add(&out, NULL, "x", NULL), MTL_E_INVALID_ARGUMENT);
    memset(big, 'x', MTL_ID_MAX + 1);
    big[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_lead_add(&out, f->m, big, NULL), MTL_E_LIMIT);
    assert_int_equal(mtl_last_error_status(), MTL_E_LIMIT);
    assert_int_equal(mtl_market_lead_count(f->m), 1);
    big[MTL_ID_MAX] = '\0';
    assert_int_equal(mtl_lead_add(&out, f->m, big, NULL), MTL_OK);
    assert_ptr_equal(mtl_lead_find(f->m, big), out);
    assert_string_equal(mtl_lead_id(out), big);
    assert_int_equal(mtl_lead_add(NULL, f->m, "no-out", NULL), MTL_OK);
    assert_non_null(mtl_lead_find(f->m, "no-out"));
    assert_int_equal(mtl_market_lead_count(f->m), 3);
    /* lead ids are their own id space */
    assert_null(mtl_customer_find(f->m, "opp-1"));
    assert_null(mtl_segment_find(f->m, "opp-1"));
    free(big);
    DONE();
}

static void test_scalar_setters(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL, *other = NULL;
    mtl_segment *s = NULL;
    char *big = malloc(MTL_ID_MAX + 2);
    assert_non_null(big);
    memset(big, 'o', MTL_ID_MAX + 1);
    big[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_lead_add(&l, f->m, "l", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&other, f->m, "other", NULL), MTL_OK);
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);

    /* strings: interned, NULL or "" clears, too long refused */
#define STRING_FIELD(set, get)                                                  \
    do {                                                                        \
        assert_int_equal(set(l, "web 网站"), MTL_OK);                           \
        assert_string_equal(get(l), "web 网站");                                \
        assert_int_equal(set(other, "web 网站"), MTL_OK);                       \
        assert_string_equal(get(other), "web 网站");                            \
        assert_int_equal(set(l, big), MTL_E_LIMIT);                             \
        assert_string_equal(get(l), "web 网站");                                \
        assert_int_equal(set(l, "partner"), MTL_OK);                            \
        assert_string_equal(get(l), "partner");                                 \
        assert_string_equal(get(other), "web 网站");                            \
        assert_int_equal(set(l, ""), MTL_OK);                                   \
        assert_string_equal(get(l), "");                                        \
        assert_int_equal(set(l, "x"), MTL_OK);                                  \
        assert_int_equal(set(l, NULL), MTL_OK);                                 \
        assert_string_equal(get(l), "");                                        \
        assert_int_equal(set(other, NULL), MTL_OK);                             \
        assert_int_equal(set(NULL, "x"), MTL_E_INVALID_ARGUMENT);               \
    } while (0)
    STRING_FIELD(mtl_lead_set_owner, mtl_lead_owner);
    STRING_FIELD(mtl_lead_set_region, mtl_lead_region);
    STRING_FIELD(mtl_lead_set_source, mtl_lead_source);
#undef STRING_FIELD
    /* the three fields are independent */
    assert_int_equal(mtl_lead_set_owner(l, "o"), MTL_OK);
    assert_int_equal(mtl_lead_set_region(l, "r"), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, "s"), MTL_OK);
    assert_string_equal(mtl_lead_owner(l), "o");
    assert_string_equal(mtl_lead_region(l), "r");
    assert_string_equal(mtl_lead_source(l), "s");

    /* segment */
    assert_int_equal(mtl_lead_set_segment(l, s), MTL_OK);
    assert_ptr_equal(mtl_lead_segment(l), s);
    assert_int_equal(mtl_lead_set_segment(l, NULL), MTL_OK);
    assert_null(mtl_lead_segment(l));

    /* status 0..3 */
    assert_int_equal(mtl_lead_set_status(l, MTL_LEAD_STATUS_CONVERTED), MTL_OK);
    assert_int_equal(mtl_lead_status(l), 2);
    assert_int_equal(mtl_lead_set_status(l, 4), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_status(l, -1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_status(l), 2);
    assert_int_equal(mtl_lead_set_status(l, MTL_LEAD_STATUS_CLOSED), MTL_OK);
    assert_int_equal(mtl_lead_status(l), 3);

    /* amount >= 0 */
    assert_int_equal(mtl_lead_set_amount(l, 250000), MTL_OK);
    assert_int_equal(mtl_lead_amount(l), 250000);
    assert_int_equal(mtl_lead_set_amount(l, -1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_amount(l, INT64_MIN), MTL_E_RANGE);
    assert_int_equal(mtl_lead_amount(l), 250000);
    assert_int_equal(mtl_lead_set_amount(l, INT64_MAX), MTL_OK);
    assert_true(mtl_lead_amount(l) == INT64_MAX);
    assert_int_equal(mtl_lead_set_amount(l, 0), MTL_OK);
    assert_int_equal(mtl_lead_amount(l), 0);

    /* probability: [0, 1] or NONE */
    assert_int_equal(mtl_lead_set_probability(l, 0.42), MTL_OK);
    assert_true(mtl_lead_probability(l) == 0.42);
    assert_int_equal(mtl_lead_set_probability(l, 1.5), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_probability(l, -0.5), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_probability(l, NAN), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_probability(l, -INFINITY), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_probability(l, -1.0000001), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_probability(l, 1.0000001), MTL_E_RANGE);
    assert_true(mtl_lead_probability(l) == 0.42);
    assert_int_equal(mtl_lead_set_probability(l, 0.0), MTL_OK);
    assert_true(mtl_lead_probability(l) == 0.0);
    assert_int_equal(mtl_lead_set_probability(l, 1.0), MTL_OK);
    assert_true(mtl_lead_probability(l) == 1.0);
    assert_int_equal(mtl_lead_set_probability(l, MTL_PROBABILITY_NONE), MTL_OK);
    assert_true(mtl_lead_probability(l) == MTL_PROBABILITY_NONE);

    /* category -1..4 */
    {
        int32_t cat;
        for (cat = MTL_CATEGORY_NONE; cat <= MTL_CATEGORY_OMITTED; cat++) {
            assert_int_equal(mtl_lead_set_category(l, cat), MTL_OK);
            assert_int_equal(mtl_lead_category(l), cat);
        }
        assert_int_equal(mtl_lead_set_category(l, 5), MTL_E_RANGE);
        assert_int_equal(mtl_lead_set_category(l, -2), MTL_E_RANGE);
        assert_int_equal(mtl_lead_set_category(l, 255), MTL_E_RANGE);
        assert_int_equal(mtl_lead_category(l), MTL_CATEGORY_OMITTED);
        assert_int_equal(mtl_lead_set_category(l, MTL_CATEGORY_NONE), MTL_OK);
        assert_int_equal(mtl_lead_category(l), -1);
    }

    /* decision step 0..7 */
    {
        int32_t step;
        for (step = MTL_DECISION_NONE; step <= MTL_DECISION_REEVALUATION; step++) {
            assert_int_equal(mtl_lead_set_decision_step(l, step), MTL_OK);
            assert_int_equal(mtl_lead_decision_step(l), step);
        }
        assert_int_equal(mtl_lead_set_decision_step(l, 8), MTL_E_RANGE);
        assert_int_equal(mtl_lead_set_decision_step(l, -1), MTL_E_RANGE);
        assert_int_equal(mtl_lead_decision_step(l), 7);
    }

    /* dates: [MTL_DATE_MIN, MTL_DATE_MAX] or MTL_DATE_NONE */
#define DATE_FIELD(set, get)                                                    \
    do {                                                                        \
        assert_int_equal(set(l, 19782), MTL_OK); /* 2024-02-29 */               \
        assert_int_equal(get(l), 19782);                                        \
        assert_int_equal(set(l, MTL_DATE_MAX + 1), MTL_E_RANGE);                \
        assert_int_equal(set(l, MTL_DATE_MIN - 1), MTL_E_RANGE);                \
        assert_int_equal(set(l, INT32_MAX), MTL_E_RANGE);                       \
        assert_int_equal(get(l), 19782);                                        \
        assert_int_equal(set(l, MTL_DATE_MIN), MTL_OK);                         \
        assert_int_equal(get(l), MTL_DATE_MIN);                                 \
        assert_int_equal(set(l, MTL_DATE_MAX), MTL_OK);                         \
        assert_int_equal(get(l), MTL_DATE_MAX);                                 \
        assert_int_equal(set(l, MTL_DATE_NONE), MTL_OK);                        \
        assert_int_equal(get(l), MTL_DATE_NONE);                                \
        assert_int_equal(set(NULL, 0), MTL_E_INVALID_ARGUMENT);                 \
    } while (0)
    DATE_FIELD(mtl_lead_set_created, mtl_lead_created);
    DATE_FIELD(mtl_lead_set_expected_close, mtl_lead_expected_close);
    DATE_FIELD(mtl_lead_set_closed, mtl_lead_closed);
#undef DATE_FIELD
    assert_int_equal(mtl_lead_set_created(l, 100), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l, 200), MTL_OK);
    assert_int_equal(mtl_lead_set_closed(l, 300), MTL_OK);
    assert_int_equal(mtl_lead_created(l), 100);
    assert_int_equal(mtl_lead_expected_close(l), 200);
    assert_int_equal(mtl_lead_closed(l), 300);

    /* none of this touched the other lead */
    {
        mtl_lead *o = other;
        assert_string_equal(mtl_lead_owner(o), "");
        assert_int_equal(mtl_lead_status(o), 0);
        assert_int_equal(mtl_lead_amount(o), 0);
        assert_true(mtl_lead_probability(o) == MTL_PROBABILITY_NONE);
        assert_int_equal(mtl_lead_category(o), MTL_CATEGORY_NONE);
        assert_int_equal(mtl_lead_decision_step(o), 0);
        assert_int_equal(mtl_lead_created(o), MTL_DATE_NONE);
    }
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    free(big);
    DONE();
}

static void test_stage_outcome_rules(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL;
    assert_int_equal(mtl_lead_add(&l, f->m, "l", NULL), MTL_OK);
    /* ordinary stages with outcome open */
    assert_int_equal(mtl_lead_set_stage(l, 3), MTL_OK);
    assert_int_equal(mtl_lead_stage(l), 3);
    assert_int_equal(mtl_lead_set_stage(l, 6), MTL_OK);
    /* P7 is won-flagged: open is a contradiction */
    assert_int_equal(mtl_lead_set_stage(l, 7), MTL_E_STATE);
    assert_int_equal(mtl_last_error_status(), MTL_E_STATE);
    assert_int_equal(mtl_lead_stage(l), 6);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_OPEN), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_LOST), MTL_E_STATE);
    assert_int_equal(mtl_lead_stage(l), 6);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON), MTL_OK);
    assert_int_equal(mtl_lead_stage(l), 7);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    /* at P7 the outcome cannot change alone */
    assert_int_equal(mtl_lead_set_outcome(l, MTL_OUTCOME_OPEN), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_outcome(l, MTL_OUTCOME_LOST), MTL_E_STATE);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    /* won at an ordinary stage is allowed (the last stage reached) */
    assert_int_equal(mtl_lead_set_stage(l, 5), MTL_OK);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_WON);
    /* lost at stage 3 */
    assert_int_equal(mtl_lead_set_stage_outcome(l, 3, MTL_OUTCOME_LOST), MTL_OK);
    assert_int_equal(mtl_lead_stage(l), 3);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    assert_int_equal(mtl_lead_set_stage(l, 7), MTL_E_STATE); /* lost at won stage */
    assert_int_equal(mtl_lead_set_outcome(l, MTL_OUTCOME_OPEN), MTL_OK);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    /* ranges */
    assert_int_equal(mtl_lead_set_stage(l, 8), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_stage(l, -1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_stage(l, 256), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_outcome(l, 3), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_outcome(l, -1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 2, 7), MTL_E_RANGE);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 99, MTL_OUTCOME_OPEN), MTL_E_RANGE);
    assert_int_equal(mtl_lead_stage(l), 3);
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_OPEN);
    assert_int_equal(mtl_lead_set_stage(NULL, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_outcome(NULL, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_stage_outcome(NULL, 1, 0), MTL_E_INVALID_ARGUMENT);
    DONE();
}

/* A custom model with a LOST-flagged terminal stage. */
static void test_stage_outcome_custom_model(void **state)
{
    test_alloc ta, tm;
    mtl_stage_model *model = NULL;
    mtl_market *m;
    mtl_lead *l = NULL;
    (void)state;
    test_alloc_init(&tm);
    assert_int_equal(mtl_stage_model_create(&model, test_alloc_fn, &tm), MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "Open", NULL, 0.2, 0, 0), MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "Won", NULL, 1.0, 3,
                                         MTL_STAGE_FLAG_WON),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "Lost", NULL, 0.0, 4,
                                         MTL_STAGE_FLAG_LOST),
                     MTL_OK);
    m = test_market_new(&ta, 0, model);
    mtl_stage_model_destroy(model);
    test_alloc_assert_clean(&tm);
    assert_int_equal(mtl_lead_add(&l, m, "l", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_stage(l, 2), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 2, MTL_OUTCOME_WON), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 2, MTL_OUTCOME_LOST), MTL_OK);
    assert_int_equal(mtl_lead_set_outcome(l, MTL_OUTCOME_OPEN), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_outcome(l, MTL_OUTCOME_WON), MTL_E_STATE);
    assert_int_equal(mtl_lead_set_stage(l, 1), MTL_E_STATE); /* lost at won */
    assert_int_equal(mtl_lead_set_stage(l, 0), MTL_OK);       /* lost at open */
    assert_int_equal(mtl_lead_outcome(l), MTL_OUTCOME_LOST);
    assert_int_equal(mtl_lead_set_stage(l, 3), MTL_E_RANGE);
    assert_int_equal(mtl_lead_stage(l), 0);
    test_market_free(m, &ta);
}

static void test_customer_and_segment_links(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", s), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, "APAC"), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, f->m, "l", c), MTL_OK);
    assert_ptr_equal(mtl_lead_customer(l), c);
    assert_ptr_equal(mtl_lead_segment(l), s);
    assert_string_equal(mtl_lead_region(l), "APAC");
    assert_int_equal(mtl_lead_set_customer(l, NULL), MTL_OK);
    assert_null(mtl_lead_customer(l));
    assert_int_equal(mtl_customer_remove(c), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_segment(NULL, NULL), MTL_E_INVALID_ARGUMENT);
    DONE();
}

static void test_attributes(void **state)
{
    FIXTURE;
    mtl_lead *a = NULL, *b = NULL;
    const char *key = NULL, *value = NULL;
    char *big = malloc(MTL_ID_MAX + 2);
    assert_non_null(big);
    memset(big, 'k', MTL_ID_MAX + 1);
    big[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_lead_add(&a, f->m, "a", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&b, f->m, "b", NULL), MTL_OK);

    assert_null(mtl_lead_attribute(a, "industry"));
    assert_int_equal(mtl_lead_set_attribute(a, "industry", "retail"), MTL_OK);
    assert_string_equal(mtl_lead_attribute(a, "industry"), "retail");
    assert_null(mtl_lead_attribute(b, "industry")); /* key known, b has none */
    assert_int_equal(mtl_lead_attribute_count(a), 1);
    assert_int_equal(mtl_lead_attribute_count(b), 0);
    /* overwrite */
    assert_int_equal(mtl_lead_set_attribute(a, "industry", "energy"), MTL_OK);
    assert_string_equal(mtl_lead_attribute(a, "industry"), "energy");
    assert_int_equal(mtl_lead_attribute_count(a), 1);
    /* the market's key order: industry, size, 来源 */
    assert_int_equal(mtl_lead_set_attribute(b, "size", "large"), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(a, "来源", "展会"), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(a, "size", "small"), MTL_OK);
    assert_int_equal(mtl_lead_attribute_count(a), 3);
    assert_int_equal(mtl_lead_attribute_at(a, 0, &key, &value), MTL_OK);
    assert_string_equal(key, "industry");
    assert_string_equal(value, "energy");
    assert_int_equal(mtl_lead_attribute_at(a, 1, &key, &value), MTL_OK);
    assert_string_equal(key, "size");
    assert_string_equal(value, "small");
    assert_int_equal(mtl_lead_attribute_at(a, 2, &key, &value), MTL_OK);
    assert_string_equal(key, "来源");
    assert_string_equal(value, "展会");
    key = value = "untouched";
    assert_int_equal(mtl_lead_attribute_at(a, 3, &key, &value), MTL_E_RANGE);
    assert_int_equal(mtl_lead_attribute_at(a, SIZE_MAX, &key, &value), MTL_E_RANGE);
    assert_string_equal(key, "untouched");
    assert_int_equal(mtl_lead_attribute_at(a, 1, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_lead_attribute_at(b, 0, &key, &value), MTL_OK);
    assert_string_equal(key, "size");
    assert_string_equal(value, "large");
    assert_int_equal(mtl_lead_attribute_at(b, 1, &key, &value), MTL_E_RANGE);
    /* remove with NULL: the rest keeps its order */
    assert_int_equal(mtl_lead_set_attribute(a, "size", NULL), MTL_OK);
    assert_null(mtl_lead_attribute(a, "size"));
    assert_int_equal(mtl_lead_attribute_count(a), 2);
    assert_int_equal(mtl_lead_attribute_at(a, 1, &key, &value), MTL_OK);
    assert_string_equal(key, "来源");
    assert_string_equal(mtl_lead_attribute(b, "size"), "large");
    /* removing what is not there is fine */
    assert_int_equal(mtl_lead_set_attribute(a, "size", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(a, "never-seen", NULL), MTL_OK);
    assert_int_equal(mtl_lead_attribute_count(a), 2);
    /* errors */
    assert_int_equal(mtl_lead_set_attribute(a, NULL, "v"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_attribute(a, "", "v"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_attribute(NULL, "k", "v"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_set_attribute(a, big, "v"), MTL_E_LIMIT);
    assert_int_equal(mtl_lead_set_attribute(a, "industry", big), MTL_E_LIMIT);
    assert_string_equal(mtl_lead_attribute(a, "industry"), "energy");
    assert_int_equal(mtl_lead_attribute_count(a), 2);
    assert_null(mtl_lead_attribute(a, NULL));
    assert_null(mtl_lead_attribute(a, ""));
    assert_null(mtl_lead_attribute(NULL, "industry"));
    /* values and keys are copied */
    {
        char k[8] = "color", v[8] = "red";
        assert_int_equal(mtl_lead_set_attribute(b, k, v), MTL_OK);
        strcpy(k, "xxxxx");
        strcpy(v, "yyy");
        assert_string_equal(mtl_lead_attribute(b, "color"), "red");
    }
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    free(big);
    DONE();
}

/* MTL_ATTRIBUTE_KEYS_MAX keys per market; the next one is MTL_E_LIMIT. */
static void test_attribute_key_limit(void **state)
{
    FIXTURE;
    mtl_lead *a = NULL, *b = NULL;
    char key[32], value[32];
    size_t k;
    const char *got_key, *got_value;
    assert_int_equal(mtl_lead_add(&a, f->m, "a", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&b, f->m, "b", NULL), MTL_OK);
    for (k = 0; k < MTL_ATTRIBUTE_KEYS_MAX; k++) {
        snprintf(key, sizeof key, "key%04zu", k);
        snprintf(value, sizeof value, "v%zu", k % 7);
        assert_int_equal(mtl_lead_set_attribute(k % 2 ? a : b, key, value), MTL_OK);
    }
    assert_int_equal(mtl_lead_attribute_count(a), MTL_ATTRIBUTE_KEYS_MAX / 2);
    assert_int_equal(mtl_lead_attribute_count(b), MTL_ATTRIBUTE_KEYS_MAX / 2);
    assert_int_equal(mtl_lead_set_attribute(a, "one-too-many", "x"), MTL_E_LIMIT);
    assert_int_equal(mtl_last_error_status(), MTL_E_LIMIT);
    assert_null(mtl_lead_attribute(a, "one-too-many"));
    assert_int_equal(mtl_lead_attribute_count(a), MTL_ATTRIBUTE_KEYS_MAX / 2);
    /* existing keys still work on any lead */
    assert_int_equal(mtl_lead_set_attribute(a, "key0000", "on-a"), MTL_OK);
    assert_int_equal(mtl_lead_attribute_count(a), MTL_ATTRIBUTE_KEYS_MAX / 2 + 1);
    /* order is the market's key order */
    for (k = 0; k < mtl_lead_attribute_count(a); k++) {
        assert_int_equal(mtl_lead_attribute_at(a, k, &got_key, &got_value), MTL_OK);
        if (k == 0) {
            assert_string_equal(got_key, "key0000");
            assert_string_equal(got_value, "on-a");
        } else {
            snprintf(key, sizeof key, "key%04zu", 2 * k - 1);
            snprintf(value, sizeof value, "v%zu", (2 * k - 1) % 7);
            assert_string_equal(got_key, key);
            assert_string_equal(got_value, value);
        }
    }
    /* removing values does not free a key slot: the limit is per market */
    assert_int_equal(mtl_lead_set_attribute(b, "key0000", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(b, "another-new", "x"), MTL_E_LIMIT);
    DONE();
}

static void test_history(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL, *o = NULL;
    int32_t day = 0, stage = 0;
    static const int32_t add[][2] = {
        {500, 2}, {100, 0}, {300, 1}, {300, 5}, {100, 3}, {900, 7}, {300, 4},
    };
    /* sorted by day, ties in call order */
    static const int32_t expect[][2] = {
        {100, 0}, {100, 3}, {300, 1}, {300, 5}, {300, 4}, {500, 2}, {900, 7},
    };
    size_t k;
    assert_int_equal(mtl_lead_add(&l, f->m, "l", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&o, f->m, "o", NULL), MTL_OK);
    for (k = 0; k < 7; k++)
        assert_int_equal(mtl_lead_add_event(l, add[k][0], add[k][1]), MTL_OK);
    assert_int_equal(mtl_lead_add_event(o, 50, 6), MTL_OK);
    assert_int_equal(mtl_lead_event_count(l), 7);
    for (k = 0; k < 7; k++) {
        assert_int_equal(mtl_lead_event_at(l, k, &day, &stage), MTL_OK);
        assert_int_equal(day, expect[k][0]);
        assert_int_equal(stage, expect[k][1]);
    }
    day = stage = -9;
    assert_int_equal(mtl_lead_event_at(l, 7, &day, &stage), MTL_E_RANGE);
    assert_int_equal(mtl_lead_event_at(l, SIZE_MAX, &day, &stage), MTL_E_RANGE);
    assert_int_equal(day, -9);
    assert_int_equal(mtl_lead_event_at(l, 2, NULL, &stage), MTL_OK);
    assert_int_equal(stage, 1);
    assert_int_equal(mtl_lead_event_at(l, 2, &day, NULL), MTL_OK);
    assert_int_equal(day, 300);
    /* refused events */
    assert_int_equal(mtl_lead_add_event(l, 10, 8), MTL_E_RANGE);
    assert_int_equal(mtl_lead_add_event(l, 10, -1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_add_event(l, MTL_DATE_NONE, 1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_add_event(l, MTL_DATE_MAX + 1, 1), MTL_E_RANGE);
    assert_int_equal(mtl_lead_add_event(NULL, 10, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_event_count(l), 7);
    /* limits of the date range are fine */
    assert_int_equal(mtl_lead_add_event(l, MTL_DATE_MIN, 0), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, MTL_DATE_MAX, 0), MTL_OK);
    assert_int_equal(mtl_lead_event_at(l, 0, &day, NULL), MTL_OK);
    assert_int_equal(day, MTL_DATE_MIN);
    assert_int_equal(mtl_lead_event_at(l, 8, &day, NULL), MTL_OK);
    assert_int_equal(day, MTL_DATE_MAX);
    /* the other lead's history is its own */
    assert_int_equal(mtl_lead_event_count(o), 1);
    assert_int_equal(mtl_lead_event_at(o, 0, &day, &stage), MTL_OK);
    assert_int_equal(day, 50);
    assert_int_equal(stage, 6);
    /* clear */
    assert_int_equal(mtl_lead_clear_events(l), MTL_OK);
    assert_int_equal(mtl_lead_event_count(l), 0);
    assert_int_equal(mtl_lead_event_at(l, 0, &day, &stage), MTL_E_RANGE);
    assert_int_equal(mtl_lead_event_count(o), 1);
    assert_int_equal(mtl_lead_clear_events(NULL), MTL_E_INVALID_ARGUMENT);
    /* events after a clear reuse the space and still sort */
    for (k = 0; k < 7; k++)
        assert_int_equal(mtl_lead_add_event(l, add[6 - k][0], add[6 - k][1]), MTL_OK);
    assert_int_equal(mtl_lead_event_count(l), 7);
    assert_int_equal(mtl_lead_event_at(l, 0, &day, &stage), MTL_OK);
    assert_int_equal(day, 100);
    assert_int_equal(stage, 3); /* reverse call order: {100,3} came first */
    assert_int_equal(mtl_lead_event_at(l, 6, &day, &stage), MTL_OK);
    assert_int_equal(day, 900);
    assert_int_equal(mtl_lead_event_count(o), 1);
    DONE();
}

/* Many events on many leads, interleaved: each lead's list stays sorted
 * and complete (the events of all leads share one pool). */
static void test_history_interleaved(void **state)
{
    FIXTURE;
    enum { LEADS = 50, EVENTS = 40 };
    mtl_lead *l[LEADS];
    char id[16];
    size_t i, e;
    uint32_t x = 12345;
    for (i = 0; i < LEADS; i++) {
        snprintf(id, sizeof id, "h%zu", i);
        assert_int_equal(mtl_lead_add(&l[i], f->m, id, NULL), MTL_OK);
    }
    for (e = 0; e < EVENTS; e++)
        for (i = 0; i < LEADS; i++) {
            x = x * 1103515245u + 12345u;
            assert_int_equal(mtl_lead_add_event(l[i], (int32_t)(x >> 20) % 50,
                                                (int32_t)(i % 8)),
                             MTL_OK);
        }
    /* clear every third, then check */
    for (i = 0; i < LEADS; i += 3)
        assert_int_equal(mtl_lead_clear_events(l[i]), MTL_OK);
    for (i = 0; i < LEADS; i++) {
        int32_t prev = INT32_MIN, day, stage;
        size_t n = mtl_lead_event_count(l[i]);
        assert_int_equal(n, i % 3 == 0 ? 0 : EVENTS);
        for (e = 0; e < n; e++) {
            assert_int_equal(mtl_lead_event_at(l[i], e, &day, &stage), MTL_OK);
            assert_true(day >= prev);
            assert_int_equal(stage, (int32_t)(i % 8));
            prev = day;
        }
    }
    DONE();
}

/* A removed lead's slot, reused by a new lead, starts blank. */
static void test_remove_and_reuse(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL, *keep = NULL, *n = NULL;
    mtl_customer *c = NULL;
    mtl_segment *s = NULL;
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", s), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, f->m, "old", c), MTL_OK);
    assert_int_equal(mtl_lead_add(&keep, f->m, "keep", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(keep, "k", "keep"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(keep, 1, 1), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "k", "v"), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "k2", "v2"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, 10, 2), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, 20, 3), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l, 99), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l, "own"), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l, 0.9), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l, 2), MTL_OK);
    assert_int_equal(mtl_lead_set_decision_step(l, 4), MTL_OK);
    assert_int_equal(mtl_lead_set_status(l, 2), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l, 5), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l, 6), MTL_OK);
    assert_int_equal(mtl_lead_set_closed(l, 7), MTL_OK);

    assert_int_equal(mtl_lead_remove(l), MTL_OK);
    assert_null(mtl_lead_find(f->m, "old"));
    assert_int_equal(mtl_market_lead_count(f->m), 1);
    assert_int_equal(mtl_lead_remove(NULL), MTL_E_INVALID_ARGUMENT);
    /* the customer and segment are free again */
    assert_int_equal(mtl_customer_remove(c), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_OK);

    assert_int_equal(mtl_lead_add(&n, f->m, "new", NULL), MTL_OK);
    assert_string_equal(mtl_lead_id(n), "new");
    /* "freed places are reused": the new lead took old's place, before keep */
    assert_ptr_equal(mtl_lead_next(f->m, NULL), n);
    assert_ptr_equal(mtl_lead_next(f->m, n), keep);
    assert_null(mtl_lead_next(f->m, keep));
    check_defaults(n);
    assert_null(mtl_lead_attribute(n, "k"));
    assert_null(mtl_lead_attribute(n, "k2"));
    /* the old id can come back, blank too */
    assert_int_equal(mtl_lead_add(&l, f->m, "old", NULL), MTL_OK);
    check_defaults(l);
    /* the survivor kept everything */
    assert_string_equal(mtl_lead_attribute(keep, "k"), "keep");
    assert_int_equal(mtl_lead_event_count(keep), 1);
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    DONE();
}

/* mtl_lead_find_many agrees with mtl_lead_find for every id: present,
 * removed, unknown, NULL and "", repeated, at every batch length around
 * its pipeline depth and internal block size. */
static void test_find_many(void **state)
{
    FIXTURE;
    enum { LEADS = 3000, IDS = 2600 };
    static const size_t lengths[] = {0, 1, 2, 15, 16, 17, 31, 33, 1023, 1024, 1025,
                                     2049, IDS};
    char (*text)[24] = calloc(IDS, sizeof *text);
    const char **ids = calloc(IDS, sizeof *ids);
    mtl_lead **out = calloc(IDS, sizeof *out);
    size_t k, j, li;
    assert_true(text && ids && out);
    /* on an empty market everything is NULL */
    ids[0] = "L1";
    out[0] = (mtl_lead *)ids;
    assert_int_equal(mtl_lead_find_many(out, f->m, ids, 1), MTL_OK);
    assert_null(out[0]);
    for (k = 0; k < LEADS; k++) {
        char id[24];
        snprintf(id, sizeof id, "L%zu", k);
        assert_int_equal(mtl_lead_add(NULL, f->m, id, NULL), MTL_OK);
    }
    for (k = 0; k < LEADS; k += 5) {
        char id[24];
        snprintf(id, sizeof id, "L%zu", k);
        assert_int_equal(mtl_lead_remove(mtl_lead_find(f->m, id)), MTL_OK);
    }
    for (k = 0; k < IDS; k++) {
        switch (k % 11) {
        case 3: ids[k] = NULL; continue;
        case 7: ids[k] = ""; continue;
        case 9: snprintf(text[k], sizeof text[k], "nope%zu", k); break;
        default: snprintf(text[k], sizeof text[k], "L%zu", (k * 7919) % (LEADS + 50));
        }
        ids[k] = text[k];
    }
    for (li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        size_t n = lengths[li];
        for (j = 0; j < IDS; j++)
            out[j] = (mtl_lead *)text; /* garbage that must be overwritten */
        assert_int_equal(mtl_lead_find_many(out, f->m, ids, n), MTL_OK);
        for (j = 0; j < n; j++) {
            const mtl_lead *want = ids[j] ? mtl_lead_find(f->m, ids[j]) : NULL;
            if (out[j] != want)
                fail_msg("find_many(n=%zu)[%zu] (%s) differs from find", n, j,
                         ids[j] ? ids[j] : "NULL");
        }
        for (j = n; j < IDS; j++)
            assert_ptr_equal(out[j], (mtl_lead *)text); /* nothing past count */
    }
    /* present ids really were found (the comparison is not all NULLs) */
    assert_int_equal(mtl_lead_find_many(out, f->m, ids, 3), MTL_OK);
    assert_non_null(out[1]);
    assert_string_equal(mtl_lead_id(out[1]), ids[1]);
    /* arguments */
    assert_int_equal(mtl_lead_find_many(NULL, f->m, ids, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_find_many(out, NULL, ids, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_find_many(out, f->m, NULL, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_lead_find_many(NULL, NULL, NULL, 0), MTL_OK);
    free(text);
    free(ids);
    free(out);
    DONE();
}

/* The first strings a market interns are the longest allowed (regression
 * test for the string pool's arena: its first block must hold MTL_ID_MAX
 * bytes plus its bookkeeping).  The test allocator's canary catches a write
 * past a block at unref. */
static void test_longest_strings_first(void **state)
{
    static const int which[] = {0, 1, 2};
    size_t w;
    (void)state;
    for (w = 0; w < sizeof which / sizeof which[0]; w++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_lead *l = NULL;
        char *big = malloc(MTL_ID_MAX + 1);
        assert_non_null(big);
        memset(big, 'a' + (int)w, MTL_ID_MAX);
        big[MTL_ID_MAX] = '\0';
        assert_int_equal(mtl_lead_add(&l, m, "l", NULL), MTL_OK);
        switch (which[w]) {
        case 0:
            assert_int_equal(mtl_lead_set_owner(l, big), MTL_OK);
            assert_string_equal(mtl_lead_owner(l), big);
            break;
        case 1:
            assert_int_equal(mtl_lead_set_attribute(l, big, "v"), MTL_OK);
            assert_string_equal(mtl_lead_attribute(l, big), "v");
            break;
        default:
            assert_int_equal(mtl_lead_set_attribute(l, "k", big), MTL_OK);
            assert_string_equal(mtl_lead_attribute(l, "k"), big);
            break;
        }
        assert_int_equal(mtl_lead_set_source(l, "web"), MTL_OK);
        assert_string_equal(mtl_lead_source(l), "web");
        free(big);
        test_market_free(m, &ta);
    }
}

/* 100,000 leads: find by id, iteration, removal of every third, reuse. */
static void test_many(void **state)
{
    FIXTURE;
    enum { N = 100000, NEW = 20000 };
    char id[32];
    char *seen = calloc(N + NEW, 1);
    const mtl_lead *l;
    mtl_lead *added;
    size_t k, visits = 0;
    assert_non_null(seen);
    assert_null(mtl_lead_next(f->m, NULL));
    assert_null(mtl_lead_next(NULL, NULL));
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "L%zu", k);
        assert_int_equal(mtl_lead_add(&added, f->m, id, NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_amount(added, (int64_t)k), MTL_OK);
    }
    assert_int_equal(mtl_market_lead_count(f->m), N);
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "L%zu", k);
        l = mtl_lead_find(f->m, id);
        if (!l || strcmp(mtl_lead_id(l), id) != 0 || mtl_lead_amount(l) != (int64_t)k)
            fail_msg("find(%s) wrong", id);
    }
    /* iteration in insertion order */
    k = 0;
    for (l = mtl_lead_next(f->m, NULL); l; l = mtl_lead_next(f->m, l), k++)
        if (mtl_lead_amount(l) != (int64_t)k)
            fail_msg("iteration step %zu: lead %s", k, mtl_lead_id(l));
    assert_int_equal(k, N);
    for (k = 0; k < N; k += 3) {
        snprintf(id, sizeof id, "L%zu", k);
        assert_int_equal(mtl_lead_remove(mtl_lead_find(f->m, id)), MTL_OK);
    }
    assert_int_equal(mtl_market_lead_count(f->m), N - (N + 2) / 3);
    for (k = N; k < N + NEW; k++) {
        snprintf(id, sizeof id, "L%zu", k);
        assert_int_equal(mtl_lead_add(&added, f->m, id, NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_amount(added, (int64_t)k), MTL_OK);
    }
    {
        /* freed places are reused: some new lead comes before an old one */
        int new_before_old = 0, seen_new = 0;
        for (l = mtl_lead_next(f->m, NULL); l; l = mtl_lead_next(f->m, l)) {
            if (mtl_lead_amount(l) >= N)
                seen_new = 1;
            else if (seen_new)
                new_before_old = 1;
        }
        assert_true(new_before_old);
    }
    for (l = mtl_lead_next(f->m, NULL); l; l = mtl_lead_next(f->m, l)) {
        int64_t v = mtl_lead_amount(l);
        snprintf(id, sizeof id, "L%lld", (long long)v);
        if (v < 0 || v >= N + NEW || (v < N && v % 3 == 0) || seen[v] ||
            strcmp(id, mtl_lead_id(l)) != 0)
            fail_msg("lead %s visited wrongly", mtl_lead_id(l));
        seen[v] = 1;
        visits++;
    }
    assert_int_equal(visits, N - (N + 2) / 3 + NEW);
    assert_int_equal(visits, mtl_market_lead_count(f->m));
    for (k = 0; k < N + NEW; k++) {
        snprintf(id, sizeof id, "L%zu", k);
        l = mtl_lead_find(f->m, id);
        if (k < N && k % 3 == 0 ? l != NULL
                                : (!l || mtl_lead_amount(l) != (int64_t)k))
            fail_msg("find(%s) after removals wrong", id);
    }
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    free(seen);
    DONE();
}

/* A market kept in sync with a database sees records come and go: removed
 * ids are reused by later adds of the same length, so the id arena (and
 * mtl_market_memory_used) stays flat under churn instead of growing by
 * every id ever added.  The funnel counters and lookups stay right. */
static void test_id_churn_is_bounded(void **state)
{
    FIXTURE;
    mtl_lead *l = NULL;
    mtl_segment *s = NULL;
    char id[32];
    size_t k, before;
    uint32_t next = 0, oldest = 0;
    for (k = 0; k < 1000; k++) {
        snprintf(id, sizeof id, "L%07u", (unsigned)next++);
        assert_int_equal(mtl_lead_add(&l, f->m, id, NULL), MTL_OK);
    }
    for (k = 0; k < 50; k++) {
        snprintf(id, sizeof id, "S%05u", (unsigned)k);
        assert_int_equal(mtl_segment_add(NULL, f->m, id), MTL_OK);
    }
    before = mtl_market_memory_used(f->m);
    for (k = 0; k < 20000; k++) {
        /* the oldest lead and one segment leave, new ones arrive */
        snprintf(id, sizeof id, "L%07u", (unsigned)oldest++);
        assert_int_equal(mtl_lead_remove(mtl_lead_find(f->m, id)), MTL_OK);
        snprintf(id, sizeof id, "L%07u", (unsigned)next++);
        assert_int_equal(mtl_lead_add(&l, f->m, id, NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_amount(l, 100), MTL_OK);
        snprintf(id, sizeof id, "S%05u", (unsigned)(k % 50));
        assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, id)), MTL_OK);
        assert_int_equal(mtl_segment_add(&s, f->m, id), MTL_OK);
    }
    /* 20,000 leads and segments added: without reuse the arena would have
     * grown by 20,000 x 2 x 13 bytes */
    assert_true(mtl_market_memory_used(f->m) <= before + 4096);
    assert_int_equal(mtl_market_lead_count(f->m), 1000);
    for (k = oldest; k < next; k += 97) {
        snprintf(id, sizeof id, "L%07u", (unsigned)k);
        l = mtl_lead_find(f->m, id);
        assert_non_null(l);
        assert_string_equal(mtl_lead_id(l), id);
    }
    snprintf(id, sizeof id, "L%07u", (unsigned)(oldest - 1));
    assert_null(mtl_lead_find(f->m, id)); /* a removed id stays gone */
    assert_non_null(mtl_segment_find(f->m, "S00049"));
    assert_string_equal(mtl_segment_id(mtl_segment_find(f->m, "S00007")), "S00007");
    DONE();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_id_churn_is_bounded),
        test_case(test_add_find_defaults),
        test_case(test_scalar_setters),
        test_case(test_stage_outcome_rules),
        test_case(test_stage_outcome_custom_model),
        test_case(test_customer_and_segment_links),
        test_case(test_attributes),
        test_case(test_attribute_key_limit),
        test_case(test_history),
        test_case(test_history_interleaved),
        test_case(test_remove_and_reuse),
        test_case(test_find_many),
        test_case(test_longest_strings_first),
        test_case(test_many),
    };
    return cmocka_run_group_tests_name("lead", tests, NULL, NULL);
}
