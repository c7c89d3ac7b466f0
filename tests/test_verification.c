/*
 * test_verification.c: lead verification and classification, the review
 * report (verification.h, SPEC 7, seed 002 管理线索,
 * docs/methods/lead-verification.md).
 *
 *   - the worked example of docs/methods/lead-verification.md, scope
 *     pending and all: the review order (priority, then id), the three
 *     question scores and their terms, the derived criteria (urgent need
 *     from the customer's or the segment's pain index, relationship from the
 *     customer's score, coverage and coach), every verdict (convert,
 *     nurture, close by a hard fail at and below the level), the class,
 *     the priority and its size term, the reasons; numbers from
 *     tests/tools/customers_example.py (computed there independently,
 *     hard-coded here);
 *   - every score's terms sum, left to right, to its value bit for bit;
 *   - answers override derived values; weights, levels and priority
 *     weights as options; amounts all zero;
 *   - every option refused with MTL_E_RANGE naming its field, argument and
 *     version errors, a report that outlives its market, a failing
 *     allocator at every allocation of mtl_verification_compute.
 *
 * Public functions exercised here (verification.h, the report):
 *   [x] mtl_verification_options_init  [x] mtl_verification_compute
 *   [x] mtl_verification_destroy       [x] mtl_verification_count
 *   [x] mtl_verification_at
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
#include "support/test_report.h"

#define CRIT(k) (1u << (k))

TEST_GETTER(row_at, mtl_lead_verdict, (const mtl_verification *v, size_t i),
            mtl_verification_at(v, i, &out))

/* The row of lead id (the test fails when it is not there). */
static mtl_lead_verdict find_row(const mtl_verification *v, const char *id)
{
    size_t i, n = mtl_verification_count(v);
    for (i = 0; i < n; i++) {
        mtl_lead_verdict r = row_at(v, i);
        if (strcmp(r.id, id) == 0)
            return r;
    }
    fail_msg("lead %s not reviewed", id);
    return row_at(v, 0); /* not reached */
}

static void check_all_sums(const mtl_verification *v)
{
    size_t i, n = mtl_verification_count(v);
    for (i = 0; i < n; i++) {
        mtl_lead_verdict r = row_at(v, i);
        /* a question with nothing known is 0 without terms */
        test_check_score_or(&r.questions[0], 0.0, "q1");
        test_check_score_or(&r.questions[1], 0.0, "q2");
        test_check_score_or(&r.questions[2], 0.0, "q3");
        test_check_score_or(&r.priority, 0.0, "priority");
        assert_int_equal(r.priority.term_count, 4);
        assert_int_equal(r.rank, i + 1);
    }
}

/* ---- the worked example (docs/methods/lead-verification.md) ----------- */

static void add_contact(mtl_customer *c, const char *name, int32_t role,
                        int32_t attitude, int32_t coach)
{
    mtl_contact k;
    OK(mtl_contact_init(&k, sizeof k));
    k.name = name;
    k.role = role;
    k.attitude = attitude;
    k.coach = coach;
    OK(mtl_customer_add_contact(c, &k));
}

typedef struct answer_in {
    int32_t criterion;
    double score;
} answer_in;

static mtl_lead *add_lead(mtl_market *m, const char *id, const char *customer,
                          const char *segment, int32_t status, int64_t amount,
                          const answer_in *answers, size_t n)
{
    mtl_lead *l;
    size_t i;
    OK(mtl_lead_add(&l, m, id, customer ? mtl_customer_find(m, customer) : NULL));
    if (!customer && segment)
        OK(mtl_lead_set_segment(l, mtl_segment_find(m, segment)));
    OK(mtl_lead_set_status(l, status));
    OK(mtl_lead_set_amount(l, amount));
    for (i = 0; i < n; i++)
        OK(mtl_lead_set_answer(l, answers[i].criterion, answers[i].score, "evidence"));
    return l;
}

/* The customers C01-C04 of docs/methods/customers.md (the others play no
 * part in the review) and the leads of the example. */
static void build_example(mtl_market *m)
{
    const double c01_rel[MTL_REL_COUNT] = { 4, 3, 5, 4, 5, 2 };
    const double c02_rel[MTL_REL_COUNT] = { 5, NAN, 4, NAN, 3, NAN };
    static const answer_in l1[] = {
        {MTL_CRIT_STRATEGIC_FIT, 0.9}, {MTL_CRIT_REAL_NEED, 0.8},
        {MTL_CRIT_ACCEPTABLE_RISK, 0.8}, {MTL_CRIT_PROCUREMENT, 0.6},
        {MTL_CRIT_BUDGET, 0.7}, {MTL_CRIT_TIMELINE, 0.8},
        {MTL_CRIT_VALUE_PROPOSITION, 0.7}, {MTL_CRIT_SOLUTION_MATURITY, 0.8},
        {MTL_CRIT_KEY_TEAM, 0.6}, {MTL_CRIT_COMPETITION, 0.5},
    };
    static const answer_in l2[] = { {MTL_CRIT_STRATEGIC_FIT, 0.5},
                                    {MTL_CRIT_REAL_NEED, 0.1} };
    static const answer_in l3[] = {
        {MTL_CRIT_STRATEGIC_FIT, 0.7}, {MTL_CRIT_REAL_NEED, 0.7},
        {MTL_CRIT_ACCEPTABLE_RISK, 0.6}, {MTL_CRIT_PROCUREMENT, 0.15},
        {MTL_CRIT_BUDGET, 0.3}, {MTL_CRIT_TIMELINE, 0.6},
        {MTL_CRIT_VALUE_PROPOSITION, 0.6}, {MTL_CRIT_COMPETITION, 0.4},
    };
    static const answer_in l4[] = { {MTL_CRIT_STRATEGIC_FIT, 0.6} };
    static const answer_in l5[] = { {MTL_CRIT_STRATEGIC_FIT, 1.0},
                                    {MTL_CRIT_REAL_NEED, 1.0},
                                    {MTL_CRIT_ACCEPTABLE_RISK, 0.2},
                                    {MTL_CRIT_BUDGET, 0.9} };
    static const answer_in l6[] = { {MTL_CRIT_STRATEGIC_FIT, 0.9},
                                    {MTL_CRIT_REAL_NEED, 0.9},
                                    {MTL_CRIT_ACCEPTABLE_RISK, 0.9} };
    static const answer_in l78[] = { {MTL_CRIT_STRATEGIC_FIT, 0.5} };
    mtl_segment *energy, *finance, *retail;
    mtl_customer *c;

    OK(mtl_segment_add(&energy, m, "energy"));
    OK(mtl_segment_add(&finance, m, "finance"));
    OK(mtl_segment_add(&retail, m, "retail"));
    test_add_pain(NULL, energy, NULL, "peak load outages", 5, 4, 0.6, 0.5, 0.9);
    test_add_pain(NULL, energy, NULL, "field crews idle", 3, 3, 0.4, 1.0, 0.5);

    OK(mtl_customer_add(&c, m, "C01", energy));
    OK(mtl_customer_set_relationship(c, c01_rel));
    add_contact(c, "Li Wei", MTL_ROLE_DECIDER, MTL_ATTITUDE_SUPPORTER, 1);
    add_contact(c, "Zhang Min", MTL_ROLE_BUYER, MTL_ATTITUDE_NEUTRAL, 0);
    add_contact(c, "Wang Fang", MTL_ROLE_USER, MTL_ATTITUDE_SUPPORTER, 0);
    add_contact(c, "Chen Jie", MTL_ROLE_APPROVER, MTL_ATTITUDE_OPPONENT, 0);
    add_contact(c, "Zhao Lei", MTL_ROLE_INFLUENCER, MTL_ATTITUDE_SUPPORTER, 0);
    test_add_pain(c, NULL, NULL, "grid outages cost revenue", 4, 5, 0.5, 0.5, 0.8);
    test_add_pain(c, NULL, NULL, "manual meter reading", 3, 2, 1.0, 0.0, 1.0);
    OK(mtl_customer_add(&c, m, "C02", finance));
    OK(mtl_customer_set_relationship(c, c02_rel));
    OK(mtl_customer_add(&c, m, "C03", retail));
    add_contact(c, "Sun Hao", MTL_ROLE_DECIDER, MTL_ATTITUDE_OPPONENT, 0);
    add_contact(c, "Ma Li", MTL_ROLE_GATEKEEPER, MTL_ATTITUDE_NEUTRAL, 1);
    OK(mtl_customer_add(&c, m, "C04", energy));

    add_lead(m, "L1", "C01", NULL, MTL_LEAD_STATUS_NEW, 200000000, l1, COUNT(l1));
    add_lead(m, "L2", "C02", NULL, MTL_LEAD_STATUS_NEW, 50000000, l2, COUNT(l2));
    add_lead(m, "L3", "C04", NULL, MTL_LEAD_STATUS_NEW, 120000000, l3, COUNT(l3));
    add_lead(m, "L4", NULL, "energy", MTL_LEAD_STATUS_NURTURE, 0, l4, COUNT(l4));
    add_lead(m, "L5", "C03", NULL, MTL_LEAD_STATUS_NURTURE, 80000000, l5, COUNT(l5));
    add_lead(m, "L6", "C01", NULL, MTL_LEAD_STATUS_CONVERTED, 300000000, l6, COUNT(l6));
    add_lead(m, "L8", NULL, NULL, MTL_LEAD_STATUS_NEW, 10000000, l78, COUNT(l78));
    add_lead(m, "L7", NULL, NULL, MTL_LEAD_STATUS_NEW, 10000000, l78, COUNT(l78));
}

typedef struct expect_row {
    const char *id;
    int32_t verdict, lead_class;
    double q[3], priority, size;
    uint32_t derived;
    const char *reasons;
} expect_row;

#define BOTH (MTL_DERIVED_URGENT_NEED | MTL_DERIVED_RELATIONSHIP)

static const expect_row pending[] = {
    {"L1", MTL_VERDICT_CONVERT, MTL_LEAD_CLASS_MATURE,
     {0.8333333333333333, 0.5700000000000001, 0.6619642857142857}, 73.62559523809523, 1.0,
     BOTH, "q1 0.83 >= 0.60; q2 0.57 >= 0.50; q3 0.66 >= 0.50"},
    {"L5", MTL_VERDICT_CLOSE, MTL_LEAD_CLASS_MATURE,
     {0.7333333333333333, 0.9, 0.4}, 61.666666666666664, 0.4, MTL_DERIVED_RELATIONSHIP,
     "acceptable_risk 0.20 <= 0.20 (hard fail); q1 0.73 >= 0.60; q2 0.90 >= 0.50; "
     "q3 0.40 < 0.50 (lowest: relationship 0.40)"},
    {"L3", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY,
     {0.6666666666666666, 0.31199999999999994, 0.5}, 49.69333333333333, 0.6,
     MTL_DERIVED_URGENT_NEED,
     "q1 0.67 >= 0.60; q2 0.31 < 0.50 (lowest: procurement 0.15); q3 0.50 >= 0.50"},
    {"L2", MTL_VERDICT_CLOSE, MTL_LEAD_CLASS_EARLY, {0.3, 0.0, 0.6875}, 31.625, 0.25,
     MTL_DERIVED_RELATIONSHIP,
     "real_need 0.10 <= 0.20 (hard fail); q1 0.30 < 0.60 (lowest: real_need 0.10); "
     "q2 0.00 < 0.50 (nothing known); q3 0.69 >= 0.50"},
    {"L4", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.6, 0.198, 0.0}, 17.94, 0.0,
     MTL_DERIVED_URGENT_NEED,
     "q1 0.60 >= 0.60; q2 0.20 < 0.50 (lowest: urgent_need 0.20); q3 0.00 < 0.50 "
     "(nothing known)"},
    {"L7", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.5, 0.0, 0.0}, 11.0, 0.05, 0,
     "q1 0.50 < 0.60 (lowest: strategic_fit 0.50); q2 0.00 < 0.50 (nothing known); "
     "q3 0.00 < 0.50 (nothing known)"},
    {"L8", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.5, 0.0, 0.0}, 11.0, 0.05, 0,
     "q1 0.50 < 0.60 (lowest: strategic_fit 0.50); q2 0.00 < 0.50 (nothing known); "
     "q3 0.00 < 0.50 (nothing known)"},
};

static const expect_row all[] = {
    {"L1", MTL_VERDICT_CONVERT, MTL_LEAD_CLASS_MATURE,
     {0.8333333333333333, 0.5700000000000001, 0.6619642857142857}, 66.95892857142857,
     0.6666666666666666, BOTH, "q1 0.83 >= 0.60; q2 0.57 >= 0.50; q3 0.66 >= 0.50"},
    {"L6", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY,
     {0.8999999999999999, 0.18, 0.7098214285714286}, 64.69464285714285, 1.0, BOTH,
     "q1 0.90 >= 0.60; q2 0.18 < 0.50 (lowest: urgent_need 0.18); q3 0.71 >= 0.50"},
    {"L5", MTL_VERDICT_CLOSE, MTL_LEAD_CLASS_MATURE, {0.7333333333333333, 0.9, 0.4}, 59.0,
     0.26666666666666666, MTL_DERIVED_RELATIONSHIP,
     "acceptable_risk 0.20 <= 0.20 (hard fail); q1 0.73 >= 0.60; q2 0.90 >= 0.50; "
     "q3 0.40 < 0.50 (lowest: relationship 0.40)"},
    {"L3", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY,
     {0.6666666666666666, 0.31199999999999994, 0.5}, 45.69333333333333, 0.4,
     MTL_DERIVED_URGENT_NEED,
     "q1 0.67 >= 0.60; q2 0.31 < 0.50 (lowest: procurement 0.15); q3 0.50 >= 0.50"},
    {"L2", MTL_VERDICT_CLOSE, MTL_LEAD_CLASS_EARLY, {0.3, 0.0, 0.6875},
     29.958333333333332, 0.16666666666666666, MTL_DERIVED_RELATIONSHIP,
     "real_need 0.10 <= 0.20 (hard fail); q1 0.30 < 0.60 (lowest: real_need 0.10); "
     "q2 0.00 < 0.50 (nothing known); q3 0.69 >= 0.50"},
    {"L4", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.6, 0.198, 0.0}, 17.94, 0.0,
     MTL_DERIVED_URGENT_NEED,
     "q1 0.60 >= 0.60; q2 0.20 < 0.50 (lowest: urgent_need 0.20); q3 0.00 < 0.50 "
     "(nothing known)"},
    {"L7", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.5, 0.0, 0.0}, 10.666666666666666,
     0.03333333333333333, 0,
     "q1 0.50 < 0.60 (lowest: strategic_fit 0.50); q2 0.00 < 0.50 (nothing known); "
     "q3 0.00 < 0.50 (nothing known)"},
    {"L8", MTL_VERDICT_NURTURE, MTL_LEAD_CLASS_EARLY, {0.5, 0.0, 0.0}, 10.666666666666666,
     0.03333333333333333, 0,
     "q1 0.50 < 0.60 (lowest: strategic_fit 0.50); q2 0.00 < 0.50 (nothing known); "
     "q3 0.00 < 0.50 (nothing known)"},
};

static void check_rows(const mtl_verification *v, const expect_row *want, size_t n)
{
    size_t i;
    int q;
    assert_int_equal(mtl_verification_count(v), n);
    for (i = 0; i < n; i++) {
        mtl_lead_verdict r = row_at(v, i);
        assert_string_equal(r.id, want[i].id);
        assert_int_equal(r.rank, i + 1);
        assert_int_equal(r.verdict, want[i].verdict);
        assert_int_equal(r.lead_class, want[i].lead_class);
        for (q = 0; q < 3; q++)
            NEAR(r.questions[q].value, want[i].q[q]);
        NEAR(r.priority.value, want[i].priority);
        assert_string_equal(r.priority.terms[3].factor, "size");
        NEAR(r.priority.terms[3].value, want[i].size);
        assert_int_equal(r.derived, want[i].derived);
        assert_string_equal(r.reasons, want[i].reasons);
    }
    check_all_sums(v);
}

/* The details of L1 and a few others (scope pending). */
static void check_details(const mtl_verification *v)
{
    static const char *const q2[] = { "urgent_need (pain index)", "procurement", "budget",
                                      "timeline" };
    static const char *const q3[] = { "relationship (derived)", "value_proposition",
                                      "solution_maturity", "key_team", "competition" };
    static const char *const prio[] = { "q1", "q2", "q3", "size" };
    static const double prio_w[] = { 20, 30, 30, 20 };
    mtl_lead_verdict r = row_at(v, 0);
    size_t i;
    assert_string_equal(r.id, "L1");
    assert_string_equal(r.customer_id, "C01");
    assert_string_equal(r.segment_id, "energy");
    assert_true(r.amount == 200000000);
    assert_int_equal(r.answered, 0xfffu & ~(CRIT(MTL_CRIT_URGENT_NEED) |
                                           CRIT(MTL_CRIT_RELATIONSHIP)));
    assert_int_equal(r.questions[0].term_count, 3);
    assert_string_equal(r.questions[0].terms[0].factor, "strategic_fit");
    assert_string_equal(r.questions[0].terms[1].factor, "real_need");
    assert_string_equal(r.questions[0].terms[2].factor, "acceptable_risk");
    NEAR(r.questions[0].terms[0].weight, 1.0 / 3.0);
    assert_int_equal(r.questions[1].term_count, 4);
    for (i = 0; i < 4; i++) {
        assert_string_equal(r.questions[1].terms[i].factor, q2[i]);
        NEAR(r.questions[1].terms[i].weight, 0.25);
    }
    NEAR(r.questions[1].terms[0].value, 0.18); /* C01's own pain index 18 */
    assert_int_equal(r.questions[2].term_count, 5);
    for (i = 0; i < 5; i++) {
        assert_string_equal(r.questions[2].terms[i].factor, q3[i]);
        NEAR(r.questions[2].terms[i].weight, 0.2);
    }
    NEAR(r.questions[2].terms[0].value, 0.7098214285714286);
    for (i = 0; i < 4; i++) {
        assert_string_equal(r.priority.terms[i].factor, prio[i]);
        NEAR(r.priority.terms[i].weight, prio_w[i]);
    }
    NEAR(r.priority.terms[1].value, 0.5700000000000001);

    r = row_at(v, 3); /* L2: question 2 knows nothing: 0 without terms */
    assert_string_equal(r.id, "L2");
    assert_string_equal(r.customer_id, "C02");
    assert_string_equal(r.segment_id, "finance");
    assert_int_equal(r.questions[1].term_count, 0);
    assert_null(r.questions[1].terms);
    assert_true(r.questions[1].value == 0.0);
    assert_int_equal(r.answered, CRIT(MTL_CRIT_STRATEGIC_FIT) | CRIT(MTL_CRIT_REAL_NEED));
    NEAR(r.questions[2].terms[0].value, 0.6875); /* relationship score only */

    r = row_at(v, 2); /* L3: the segment's pain index 19.8 */
    assert_string_equal(r.id, "L3");
    assert_string_equal(r.questions[1].terms[0].factor, "urgent_need (pain index)");
    NEAR(r.questions[1].terms[0].value, 0.198);

    r = row_at(v, 4); /* L4: no customer, the lead's own segment */
    assert_string_equal(r.id, "L4");
    assert_string_equal(r.customer_id, "");
    assert_string_equal(r.segment_id, "energy");
    assert_true(r.amount == 0);
    assert_int_equal(r.questions[2].term_count, 0);

    r = row_at(v, 1); /* L5: coverage 0 and a coach, no assessment */
    assert_string_equal(r.id, "L5");
    assert_string_equal(r.segment_id, "retail");
    NEAR(r.questions[2].terms[0].value, 0.4);
    assert_string_equal(r.questions[2].terms[0].factor, "relationship (derived)");

    r = row_at(v, 5);
    assert_string_equal(r.customer_id, "");
    assert_string_equal(r.segment_id, "");
}

static void test_worked_example(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification_options o;
    mtl_verification *v;
    int k;
    (void)state;
    build_example(m);

    /* the questions the review groups the criteria into */
    for (k = 0; k < MTL_CRIT_COUNT; k++)
        assert_int_equal(mtl_criterion_question(k), k < 3 ? 1 : k < 7 ? 2 : 3);
    assert_int_equal(mtl_criterion_question(MTL_CRIT_COUNT), 0);

    OK(mtl_verification_options_init(&o, sizeof o));
    assert_int_equal(o.struct_size, sizeof o);
    for (k = 0; k < MTL_CRIT_COUNT; k++)
        assert_true(o.weights[k] == 1.0);
    NEAR(o.pass[0], 0.6);
    NEAR(o.pass[1], 0.5);
    NEAR(o.pass[2], 0.5);
    NEAR(o.hard_fail, 0.2);
    NEAR(o.budget_mature, 0.5);
    NEAR(o.priority_weights[0], 0.2);
    NEAR(o.priority_weights[3], 0.2);
    assert_int_equal(o.scope, MTL_REVIEW_PENDING);

    OK(mtl_verification_compute(&v, m, &o));
    check_rows(v, pending, COUNT(pending));
    check_details(v);
    mtl_verification_destroy(v);
    OK(mtl_verification_compute(&v, m, NULL)); /* NULL: the defaults */
    check_rows(v, pending, COUNT(pending));
    mtl_verification_destroy(v);

    o.scope = MTL_REVIEW_ALL;
    OK(mtl_verification_compute(&v, m, &o));
    check_rows(v, all, COUNT(all));
    mtl_verification_destroy(v);

    /* closed and converted leads leave the pending review */
    OK(mtl_lead_set_status(mtl_lead_find(m, "L2"), MTL_LEAD_STATUS_CLOSED));
    OK(mtl_lead_set_status(mtl_lead_find(m, "L1"), MTL_LEAD_STATUS_CONVERTED));
    OK(mtl_verification_compute(&v, m, NULL));
    assert_int_equal(mtl_verification_count(v), 5);
    assert_string_equal(row_at(v, 0).id, "L5");
    NEAR(row_at(v, 0).priority.terms[3].value, 80.0 / 120.0);
    assert_string_equal(row_at(v, 1).id, "L3"); /* now the largest */
    NEAR(row_at(v, 1).priority.terms[3].value, 1.0);
    mtl_verification_destroy(v);
    test_market_free(m, &ta);
}

/* An answer wins over the derived value; removing it brings the derived
 * value back. */
static void test_answers_override_derived(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification *v;
    mtl_lead_verdict r;
    mtl_lead *l1;
    (void)state;
    build_example(m);
    l1 = mtl_lead_find(m, "L1");
    OK(mtl_lead_set_answer(l1, MTL_CRIT_URGENT_NEED, 0.9, NULL));
    OK(mtl_lead_set_answer(l1, MTL_CRIT_RELATIONSHIP, 0.1, "the CFO blocks us"));
    OK(mtl_verification_compute(&v, m, NULL));
    r = row_at(v, 0);
    assert_string_equal(r.id, "L1");
    assert_int_equal(r.derived, 0);
    assert_int_equal(r.answered, 0xfffu);
    NEAR(r.questions[1].value, 0.75); /* (0.9 + 0.6 + 0.7 + 0.8) / 4 */
    assert_string_equal(r.questions[1].terms[0].factor, "urgent_need");
    assert_string_equal(r.questions[2].terms[0].factor, "relationship");
    NEAR(r.questions[2].value, (0.1 + 0.7 + 0.8 + 0.6 + 0.5) / 5);
    check_all_sums(v);
    mtl_verification_destroy(v);

    OK(mtl_lead_set_answer(l1, MTL_CRIT_URGENT_NEED, NAN, NULL));
    OK(mtl_lead_set_answer(l1, MTL_CRIT_RELATIONSHIP, NAN, NULL));
    OK(mtl_verification_compute(&v, m, NULL));
    check_rows(v, pending, COUNT(pending));
    mtl_verification_destroy(v);

    /* without its pains C01's lead falls back on the segment's index;
     * without a decision chain and assessment nothing is derived */
    OK(mtl_customer_clear_pains(mtl_customer_find(m, "C01")));
    OK(mtl_customer_clear_contacts(mtl_customer_find(m, "C01")));
    OK(mtl_customer_set_relationship(mtl_customer_find(m, "C01"), NULL));
    OK(mtl_verification_compute(&v, m, NULL));
    r = row_at(v, 0);
    assert_string_equal(r.id, "L1");
    assert_int_equal(r.derived, MTL_DERIVED_URGENT_NEED);
    NEAR(r.questions[1].terms[0].value, 0.198);
    assert_int_equal(r.questions[2].term_count, 4);
    NEAR(r.questions[2].value, (0.7 + 0.8 + 0.6 + 0.5) / 4);
    mtl_verification_destroy(v);

    /* every answer removed: only the derived urgent need is left */
    OK(mtl_lead_clear_answers(l1));
    OK(mtl_verification_compute(&v, m, NULL));
    r = find_row(v, "L1");
    assert_int_equal(r.answered, 0);
    assert_int_equal(r.derived, MTL_DERIVED_URGENT_NEED);
    assert_true(r.questions[0].value == 0.0);
    NEAR(r.questions[1].value, 0.198);
    assert_int_equal(r.verdict, MTL_VERDICT_NURTURE);
    assert_int_equal(r.lead_class, MTL_LEAD_CLASS_EARLY);
    check_all_sums(v);
    mtl_verification_destroy(v);
    test_market_free(m, &ta);
}

/* Verdict and class levels, criterion and priority weights. */
static void test_levels_and_weights(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification_options o;
    mtl_verification *v;
    mtl_lead_verdict r;
    size_t i;
    (void)state;
    build_example(m);

    /* hard fail 0.1: L2 (real need 0.1) still closes, L5 (0.2) does not */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.hard_fail = 0.1;
    OK(mtl_verification_compute(&v, m, &o));
    for (i = 0; i < mtl_verification_count(v); i++) {
        r = row_at(v, i);
        if (strcmp(r.id, "L2") == 0)
            assert_int_equal(r.verdict, MTL_VERDICT_CLOSE);
        if (strcmp(r.id, "L5") == 0) {
            assert_int_equal(r.verdict, MTL_VERDICT_NURTURE);
            assert_string_equal(r.reasons, "q1 0.73 >= 0.60; q2 0.90 >= 0.50; q3 0.40 < "
                                           "0.50 (lowest: relationship 0.40)");
        }
    }
    mtl_verification_destroy(v);

    /* pass levels 0: everything that is not closed converts */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.pass[0] = o.pass[1] = o.pass[2] = 0;
    OK(mtl_verification_compute(&v, m, &o));
    for (i = 0; i < mtl_verification_count(v); i++) {
        r = row_at(v, i);
        assert_int_equal(r.verdict, strcmp(r.id, "L2") == 0 || strcmp(r.id, "L5") == 0
                                        ? MTL_VERDICT_CLOSE
                                        : MTL_VERDICT_CONVERT);
    }
    mtl_verification_destroy(v);

    /* budget level: 0.7 (L1) matures at 0.7, not at 0.71 */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.budget_mature = 0.7;
    OK(mtl_verification_compute(&v, m, &o));
    assert_int_equal(row_at(v, 0).lead_class, MTL_LEAD_CLASS_MATURE);
    mtl_verification_destroy(v);
    o.budget_mature = 0.71;
    OK(mtl_verification_compute(&v, m, &o));
    assert_int_equal(row_at(v, 0).lead_class, MTL_LEAD_CLASS_EARLY);
    mtl_verification_destroy(v);

    /* criterion weights: strategic fit x3 -> L2's q1 = 0.75 x 0.5 + 0.25 x
     * 0.1; a zero weight keeps the term (weight 0) and the hard fail */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.weights[MTL_CRIT_STRATEGIC_FIT] = 3;
    o.weights[MTL_CRIT_REAL_NEED] = 1;
    OK(mtl_verification_compute(&v, m, &o));
    r = find_row(v, "L2");
    NEAR(r.questions[0].value, 0.4);
    NEAR(r.questions[0].terms[0].weight, 0.75);
    check_all_sums(v);
    mtl_verification_destroy(v);
    o.weights[MTL_CRIT_REAL_NEED] = 0;
    OK(mtl_verification_compute(&v, m, &o));
    r = find_row(v, "L2");
    NEAR(r.questions[0].value, 0.5);
    assert_int_equal(r.questions[0].term_count, 2);
    assert_true(r.questions[0].terms[1].weight == 0.0);
    assert_int_equal(r.verdict, MTL_VERDICT_CLOSE);
    check_all_sums(v);
    mtl_verification_destroy(v);
    /* only a zero-weight criterion known: 0 without terms, nothing named */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.weights[MTL_CRIT_STRATEGIC_FIT] = 0;
    OK(mtl_verification_compute(&v, m, &o));
    r = find_row(v, "L7");
    assert_true(r.questions[0].value == 0.0);
    assert_int_equal(r.questions[0].term_count, 0);
    assert_string_equal(r.reasons, "q1 0.00 < 0.60 (nothing known); q2 0.00 < 0.50 "
                                   "(nothing known); q3 0.00 < 0.50 (nothing known)");
    mtl_verification_destroy(v);

    /* priority by size alone: 100 x amount / largest */
    OK(mtl_verification_options_init(&o, sizeof o));
    o.priority_weights[0] = o.priority_weights[1] = o.priority_weights[2] = 0;
    o.priority_weights[3] = 2;
    OK(mtl_verification_compute(&v, m, &o));
    NEAR(row_at(v, 0).priority.value, 100.0);
    assert_string_equal(row_at(v, 1).id, "L3");
    NEAR(row_at(v, 1).priority.value, 60.0);
    assert_string_equal(row_at(v, 6).id, "L4");
    assert_true(row_at(v, 6).priority.value == 0.0);
    check_all_sums(v);
    mtl_verification_destroy(v);
    test_market_free(m, &ta);
}

/* Without amounts the size term is 0; an empty market reviews nothing. */
static void test_no_amounts(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification *v;
    mtl_lead *l;
    (void)state;
    OK(mtl_verification_compute(&v, m, NULL));
    assert_int_equal(mtl_verification_count(v), 0);
    mtl_verification_destroy(v);
    OK(mtl_lead_add(&l, m, "B", NULL));
    OK(mtl_lead_add(&l, m, "A", NULL));
    OK(mtl_verification_compute(&v, m, NULL));
    assert_int_equal(mtl_verification_count(v), 2);
    assert_string_equal(row_at(v, 0).id, "A");
    assert_true(row_at(v, 0).priority.value == 0.0);
    assert_true(row_at(v, 0).priority.terms[3].value == 0.0);
    assert_int_equal(row_at(v, 0).answered, 0);
    assert_int_equal(row_at(v, 0).lead_class, MTL_LEAD_CLASS_EARLY);
    assert_int_equal(row_at(v, 0).verdict, MTL_VERDICT_NURTURE);
    check_all_sums(v);
    mtl_verification_destroy(v);
    test_market_free(m, &ta);
}

/* Each refused option names its field. */
static void refused(mtl_market *m, const mtl_verification_options *o, const char *field)
{
    mtl_verification *v = (mtl_verification *)o;
    FAILS_NAMING(mtl_verification_compute(&v, m, o), MTL_E_RANGE, field);
    assert_null(v);
}

static void test_options_refused(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification_options o;
    int k;
    (void)state;
    build_example(m);
#define RESET() OK(mtl_verification_options_init(&o, sizeof o))
    for (k = 0; k < MTL_CRIT_COUNT; k++) {
        RESET();
        o.weights[k] = -1;
        refused(m, &o, mtl_criterion_name(k));
        RESET();
        o.weights[k] = INFINITY;
        refused(m, &o, "weights");
        RESET();
        o.weights[k] = NAN;
        refused(m, &o, "weights");
    }
    RESET();
    o.weights[0] = o.weights[1] = o.weights[2] = 0;
    refused(m, &o, "question 1");
    RESET();
    o.weights[3] = o.weights[4] = o.weights[5] = o.weights[6] = 0;
    refused(m, &o, "question 2");
    RESET();
    for (k = 7; k < 12; k++)
        o.weights[k] = 0;
    refused(m, &o, "question 3");
    for (k = 0; k < 3; k++) {
        RESET();
        o.pass[k] = 1.01;
        refused(m, &o, "pass");
        RESET();
        o.pass[k] = -0.01;
        refused(m, &o, "pass");
        RESET();
        o.pass[k] = NAN;
        refused(m, &o, "pass");
    }
    RESET();
    o.hard_fail = -0.1;
    refused(m, &o, "hard_fail");
    RESET();
    o.hard_fail = NAN;
    refused(m, &o, "hard_fail");
    RESET();
    o.budget_mature = 2;
    refused(m, &o, "budget_mature");
    for (k = 0; k < 4; k++) {
        RESET();
        o.priority_weights[k] = -0.5;
        refused(m, &o, "priority_weights");
        RESET();
        o.priority_weights[k] = INFINITY;
        refused(m, &o, "priority_weights");
    }
    RESET();
    memset(o.priority_weights, 0, sizeof o.priority_weights);
    refused(m, &o, "priority_weights");
    RESET();
    o.scope = 2;
    refused(m, &o, "scope");
    RESET();
    o.scope = -1;
    refused(m, &o, "scope");
    /* the limits are fine */
    RESET();
    o.pass[0] = 1;
    o.hard_fail = 0;
    o.budget_mature = 1;
    {
        mtl_verification *v;
        OK(mtl_verification_compute(&v, m, &o));
        mtl_verification_destroy(v);
    }
#undef RESET
    test_market_free(m, &ta);
}

static void test_arguments(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification_options o;
    mtl_verification *v = (mtl_verification *)&o;
    mtl_lead_verdict r;
    (void)state;
    build_example(m);
    FAILS(mtl_verification_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_verification_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    FAILS(mtl_verification_compute(NULL, m, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_verification_compute(&v, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_null(v);
    OK(mtl_verification_options_init(&o, sizeof o));
    o.struct_size = sizeof o - 1;
    v = (mtl_verification *)&o;
    FAILS(mtl_verification_compute(&v, m, &o), MTL_E_VERSION);
    assert_null(v);

    OK(mtl_verification_compute(&v, m, NULL));
    r.struct_size = sizeof r - 1;
    FAILS(mtl_verification_at(v, 0, &r), MTL_E_VERSION);
    r.struct_size = sizeof r;
    FAILS(mtl_verification_at(NULL, 0, &r), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_verification_at(v, 0, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_verification_at(v, COUNT(pending), &r), MTL_E_RANGE);
    FAILS(mtl_verification_at(v, SIZE_MAX, &r), MTL_E_RANGE);
    OK(mtl_verification_at(v, COUNT(pending) - 1, &r));
    assert_int_equal(r.struct_size, sizeof r);
    assert_int_equal(mtl_verification_count(NULL), 0);
    mtl_verification_destroy(NULL);
    mtl_verification_destroy(v);
    test_market_free(m, &ta);
}

/* A report copies what it shows: readable after the market is gone. */
static void test_outlives_market(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_verification *v;
    (void)state;
    build_example(m);
    OK(mtl_verification_compute(&v, m, NULL));
    mtl_market_unref(m);
    check_rows(v, pending, COUNT(pending));
    check_details(v);
    mtl_verification_destroy(v);
    test_alloc_assert_clean(&ta);
}

/* mtl_verification_compute under test_sweep_allocations. */
typedef struct verification_sweep {
    mtl_market *m;
    mtl_verification_options o;
} verification_sweep;

static mtl_status sweep_compute(void *ctx, void **made)
{
    verification_sweep *sw = ctx;
    mtl_verification *v = *made;
    mtl_status st = mtl_verification_compute(&v, sw->m, &sw->o);
    *made = v;
    return st;
}

static void sweep_done(void *ctx, void *made)
{
    const verification_sweep *sw = ctx;
    if (sw->o.scope == MTL_REVIEW_ALL)
        check_rows(made, all, COUNT(all));
    else
        check_rows(made, pending, COUNT(pending));
    mtl_verification_destroy(made);
}

static void test_alloc_sweep(void **state)
{
    test_alloc ta;
    verification_sweep sw;
    int scope;
    (void)state;
    sw.m = test_market_new(&ta, 0, NULL);
    build_example(sw.m);
    for (scope = 0; scope < 2; scope++) {
        OK(mtl_verification_options_init(&sw.o, sizeof sw.o));
        sw.o.scope = scope;
        test_sweep_allocations(&ta, 1, sweep_compute, sweep_done, &sw);
    }
    test_market_free(sw.m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_answers_override_derived),
        T(test_levels_and_weights),
        T(test_no_amounts),
        T(test_options_refused),
        T(test_arguments),
        T(test_outlives_market),
        T(test_alloc_sweep),
    };
    return cmocka_run_group_tests_name("verification", tests, NULL, NULL);
}
