/*
 * test_grading.c: customer value, grade, relationship and decision chain
 * (grading.h, SPEC 6, docs/methods/customers.md).
 *
 *   - the worked example of docs/methods/customers.md: ten customers'
 *     values, ranks, grades by quantiles (ties at both cuts) and by
 *     thresholds with their reasons, the relationship score and its terms,
 *     decision-chain coverage with the supported, missing and opposed
 *     roles, coaches, the customer's own pain index; numbers from
 *     tests/tools/customers_example.py (computed there independently,
 *     hard-coded here);
 *   - every score's terms sum, left to right, to its value bit for bit;
 *   - the quantile cut against floating point (0.07 x 100), chains of
 *     ties, minor units other than cents, an empty market;
 *   - every option refused with MTL_E_RANGE naming its field, argument and
 *     version errors, a report that outlives its market, a failing
 *     allocator at every allocation of mtl_grading_compute.
 *
 * Public functions exercised here (grading.h):
 *   [x] mtl_grading_options_init  [x] mtl_grading_compute
 *   [x] mtl_grading_destroy       [x] mtl_grading_count
 *   [x] mtl_grading_at            [ ] mtl_role_name (customer inputs)
 */
#include <locale.h>
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

#define ROLE(r) (1u << (r))

static void check_row_sums(const mtl_customer_grading *r)
{
    test_check_score(&r->value, "value");
    test_check_score(&r->relationship, "relationship");
    test_check_score(&r->coverage, "coverage");
    test_check_score(&r->pain_index, "pain_index");
}

TEST_GETTER(row_at, mtl_customer_grading, (const mtl_grading *g, size_t i),
            mtl_grading_at(g, i, &out))

/* ---- the worked example (docs/methods/customers.md) ------------------- */

typedef struct customer_in {
    const char *id, *name, *segment;
    int64_t revenue, investment;
    double participation;
} customer_in;

static const customer_in customers[] = {
    {"C01", "Northgrid", "energy", 500000000, 1000000000, 0.5},
    {"C02", "Harbor Bank", "finance", 300000000, 800000000, 0.25},
    {"C03", "Metro Rail", "retail", 200000000, 600000000, 0.5},
    {"C04", "Sunfield Power", "energy", 250000000, 0, 0.0},
    {"C05", "Lakeside Foods", "retail", 100000000, 400000000, 0.3},
    {"C06", "Pioneer Insurance", "finance", 150000000, 280000000, 0.25},
    {"C07", "Delta Logistics", "retail", 80000000, 100000000, 0.5},
    {"C08", "Crest Pharma", "retail", 60000000, 0, 0.0},
    {"C09", "Orchard Clinics", "finance", 20000000, 50000000, 0.2},
    {"C10", "Kite Studio", "retail", 5000000, 0, 0.0},
};

typedef struct contact_in {
    const char *name, *title;
    int32_t role, attitude, coach;
} contact_in;

static const contact_in c01_contacts[] = {
    {"Li Wei", "CTO", MTL_ROLE_DECIDER, MTL_ATTITUDE_SUPPORTER, 1},
    {"Zhang Min", "Procurement", MTL_ROLE_BUYER, MTL_ATTITUDE_NEUTRAL, 0},
    {"Wang Fang", "Grid operations", MTL_ROLE_USER, MTL_ATTITUDE_SUPPORTER, 0},
    {"Chen Jie", "CFO", MTL_ROLE_APPROVER, MTL_ATTITUDE_OPPONENT, 0},
    {"Zhao Lei", "Chief architect", MTL_ROLE_INFLUENCER, MTL_ATTITUDE_SUPPORTER, 0},
};
static const contact_in c03_contacts[] = {
    {"Sun Hao", "COO", MTL_ROLE_DECIDER, MTL_ATTITUDE_OPPONENT, 0},
    {"Ma Li", "Assistant to the CEO", MTL_ROLE_GATEKEEPER, MTL_ATTITUDE_NEUTRAL, 1},
};

static void add_contacts(mtl_customer *c, const contact_in *in, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        mtl_contact k;
        OK(mtl_contact_init(&k, sizeof k));
        k.name = in[i].name;
        k.title = in[i].title;
        k.role = in[i].role;
        k.attitude = in[i].attitude;
        k.coach = in[i].coach;
        OK(mtl_customer_add_contact(c, &k));
    }
}

/* The market of the worked example; customers added in an order that is
 * not the rank order. */
static void build_example(mtl_market *m)
{
    static const int order[] = { 6, 2, 9, 0, 4, 1, 7, 3, 8, 5 };
    const double c01_rel[MTL_REL_COUNT] = { 4, 3, 5, 4, 5, 2 };
    const double c02_rel[MTL_REL_COUNT] = { 5, NAN, 4, NAN, 3, NAN };
    mtl_segment *energy, *finance, *retail;
    size_t i;
    OK(mtl_segment_add(&energy, m, "energy"));
    OK(mtl_segment_add(&finance, m, "finance"));
    OK(mtl_segment_add(&retail, m, "retail"));
    test_add_pain(NULL, energy, NULL, "peak load outages", 5, 4, 0.6, 0.5, 0.9);
    test_add_pain(NULL, energy, NULL, "field crews idle", 3, 3, 0.4, 1.0, 0.5);
    for (i = 0; i < COUNT(order); i++) {
        const customer_in *in = &customers[order[i]];
        mtl_customer *c;
        mtl_segment *s = strcmp(in->segment, "energy") == 0    ? energy
                         : strcmp(in->segment, "finance") == 0 ? finance
                                                               : retail;
        OK(mtl_customer_add(&c, m, in->id, s));
        OK(mtl_customer_set_name(c, in->name));
        OK(mtl_customer_set_revenue(c, in->revenue));
        OK(mtl_customer_set_investment(c, in->investment));
        OK(mtl_customer_set_participation(c, in->participation));
    }
    OK(mtl_customer_set_grade(mtl_customer_find(m, "C01"), MTL_GRADE_STRATEGIC));
    OK(mtl_customer_set_grade(mtl_customer_find(m, "C07"), MTL_GRADE_PARTNER));
    OK(mtl_customer_set_relationship(mtl_customer_find(m, "C01"), c01_rel));
    OK(mtl_customer_set_relationship(mtl_customer_find(m, "C02"), c02_rel));
    add_contacts(mtl_customer_find(m, "C01"), c01_contacts, COUNT(c01_contacts));
    add_contacts(mtl_customer_find(m, "C03"), c03_contacts, COUNT(c03_contacts));
    test_add_pain(mtl_customer_find(m, "C01"), NULL, NULL, "grid outages cost revenue", 4,
                  5, 0.5, 0.5, 0.8);
    test_add_pain(mtl_customer_find(m, "C01"), NULL, NULL, "manual meter reading", 3, 2,
                  1.0, 0.0, 1.0);
}

/* Rank order with values (minor units), grades and reasons
 * (customers_example.py). */
typedef struct expect_row {
    const char *id;
    double value;
    int32_t grade;
    const char *reason;
} expect_row;

static const expect_row by_quantiles[] = {
    {"C01", 1000000000.0, MTL_GRADE_STRATEGIC,
     "value 10,000,000.00 ranks 1 of 10, in the top 5% (strategic)"},
    {"C02", 500000000.0, MTL_GRADE_PARTNER,
     "value 5,000,000.00 ranks 2 of 10, in the top 20% (partner)"},
    {"C03", 500000000.0, MTL_GRADE_PARTNER,
     "value 5,000,000.00 ranks 3 of 10, tied with rank 2 in the top 20% (partner)"},
    {"C04", 250000000.0, MTL_GRADE_COMMERCIAL,
     "value 2,500,000.00 ranks 4 of 10, in the top 50% (commercial)"},
    {"C05", 220000000.0, MTL_GRADE_COMMERCIAL,
     "value 2,200,000.00 ranks 5 of 10, in the top 50% (commercial)"},
    {"C06", 220000000.0, MTL_GRADE_COMMERCIAL,
     "value 2,200,000.00 ranks 6 of 10, tied with rank 5 in the top 50% (commercial)"},
    {"C07", 130000000.0, MTL_GRADE_GENERAL,
     "value 1,300,000.00 ranks 7 of 10, below the top 50% (general)"},
    {"C08", 60000000.0, MTL_GRADE_GENERAL,
     "value 600,000.00 ranks 8 of 10, below the top 50% (general)"},
    {"C09", 30000000.0, MTL_GRADE_GENERAL,
     "value 300,000.00 ranks 9 of 10, below the top 50% (general)"},
    {"C10", 5000000.0, MTL_GRADE_GENERAL,
     "value 50,000.00 ranks 10 of 10, below the top 50% (general)"},
};

static const expect_row by_thresholds[] = {
    {"C01", 1000000000.0, MTL_GRADE_STRATEGIC,
     "value 10,000,000.00 >= strategic threshold 5,000,000.00"},
    {"C02", 500000000.0, MTL_GRADE_STRATEGIC,
     "value 5,000,000.00 >= strategic threshold 5,000,000.00"},
    {"C03", 500000000.0, MTL_GRADE_STRATEGIC,
     "value 5,000,000.00 >= strategic threshold 5,000,000.00"},
    {"C04", 250000000.0, MTL_GRADE_PARTNER,
     "value 2,500,000.00 >= partner threshold 2,000,000.00"},
    {"C05", 220000000.0, MTL_GRADE_PARTNER,
     "value 2,200,000.00 >= partner threshold 2,000,000.00"},
    {"C06", 220000000.0, MTL_GRADE_PARTNER,
     "value 2,200,000.00 >= partner threshold 2,000,000.00"},
    {"C07", 130000000.0, MTL_GRADE_COMMERCIAL,
     "value 1,300,000.00 >= commercial threshold 500,000.00"},
    {"C08", 60000000.0, MTL_GRADE_COMMERCIAL,
     "value 600,000.00 >= commercial threshold 500,000.00"},
    {"C09", 30000000.0, MTL_GRADE_GENERAL,
     "value 300,000.00 < commercial threshold 500,000.00"},
    {"C10", 5000000.0, MTL_GRADE_GENERAL,
     "value 50,000.00 < commercial threshold 500,000.00"},
};

static void check_ranks(const mtl_grading *g, const expect_row *want)
{
    size_t i;
    assert_int_equal(mtl_grading_count(g), 10);
    for (i = 0; i < 10; i++) {
        mtl_customer_grading r = row_at(g, i);
        assert_string_equal(r.id, want[i].id);
        assert_int_equal(r.rank, i + 1);
        NEAR(r.value.value, want[i].value);
        if (r.grade != want[i].grade)
            fail_msg("%s: grade %d, expected %d (%s)", r.id, (int)r.grade, (int)want[i].grade, r.grade_reason);
        assert_string_equal(r.grade_reason, want[i].reason);
        check_row_sums(&r);
    }
}

/* Everything of the example but the grades. */
static void check_assessment(const mtl_grading *g)
{
    static const char *const rel_factors[MTL_REL_COUNT] = {
        "acceptance", "events", "information", "guidance", "support", "competition"
    };
    static const double c01_w[MTL_REL_COUNT] = { 3.75, 2.5, 3.75, 3.75, 7.5, 3.75 };
    static const double c01_v[MTL_REL_COUNT] = { 3, 2, 4, 3, 4, 1 };
    mtl_customer_grading r;
    size_t i;

    /* C01: value terms, relationship, decision chain, pains */
    r = row_at(g, 0);
    assert_string_equal(r.id, "C01");
    assert_string_equal(r.name, "Northgrid");
    assert_string_equal(r.segment_id, "energy");
    assert_int_equal(r.recorded_grade, MTL_GRADE_STRATEGIC);
    assert_int_equal(r.value.term_count, 2);
    assert_string_equal(r.value.terms[0].factor, "revenue");
    NEAR(r.value.terms[0].weight, 1.0);
    NEAR(r.value.terms[0].value, 500000000.0);
    assert_string_equal(r.value.terms[1].factor, "investment");
    NEAR(r.value.terms[1].weight, 0.5);
    NEAR(r.value.terms[1].value, 1000000000.0);
    NEAR(r.relationship.value, 76.25);
    assert_int_equal(r.relationship.term_count, MTL_REL_COUNT);
    for (i = 0; i < MTL_REL_COUNT; i++) {
        assert_string_equal(r.relationship.terms[i].factor, rel_factors[i]);
        NEAR(r.relationship.terms[i].weight, c01_w[i]);
        NEAR(r.relationship.terms[i].value, c01_v[i]);
    }
    NEAR(r.coverage.value, 0.42857142857142855);
    assert_int_equal(r.coverage.term_count, 7);
    for (i = 0; i < 7; i++) {
        int32_t role = (int32_t)i + 1;
        assert_string_equal(r.coverage.terms[i].factor, mtl_role_name(role));
        NEAR(r.coverage.terms[i].weight, 1.0 / 7.0);
        NEAR(r.coverage.terms[i].value,
             role == MTL_ROLE_USER || role == MTL_ROLE_INFLUENCER ||
                     role == MTL_ROLE_DECIDER
                 ? 1.0
                 : 0.0);
    }
    assert_int_equal(r.contact_count, 5);
    assert_int_equal(r.coach_count, 1);
    assert_int_equal(r.supported_roles,
                     ROLE(MTL_ROLE_USER) | ROLE(MTL_ROLE_INFLUENCER) | ROLE(MTL_ROLE_DECIDER));
    assert_int_equal(r.missing_roles, ROLE(MTL_ROLE_INITIATOR) | ROLE(MTL_ROLE_APPROVER) |
                                          ROLE(MTL_ROLE_BUYER) | ROLE(MTL_ROLE_GATEKEEPER));
    assert_int_equal(r.opposed_roles, ROLE(MTL_ROLE_APPROVER));
    NEAR(r.pain_index.value, 18.0);
    assert_int_equal(r.pain_index.term_count, 2);
    assert_string_equal(r.pain_index.terms[0].factor, "grid outages cost revenue");
    NEAR(r.pain_index.terms[0].weight, 2.0);
    NEAR(r.pain_index.terms[0].value, 6.0);

    /* C02: three of six dimensions assessed, no contacts, no pains */
    r = row_at(g, 1);
    assert_string_equal(r.id, "C02");
    assert_string_equal(r.segment_id, "finance");
    assert_int_equal(r.recorded_grade, MTL_GRADE_NONE);
    NEAR(r.relationship.value, 68.75);
    assert_int_equal(r.relationship.term_count, 3);
    assert_string_equal(r.relationship.terms[0].factor, "acceptance");
    assert_string_equal(r.relationship.terms[1].factor, "information");
    assert_string_equal(r.relationship.terms[2].factor, "support");
    NEAR(r.relationship.terms[0].weight, 6.25);
    NEAR(r.relationship.terms[2].weight, 12.5);
    NEAR(r.relationship.terms[2].value, 2.0);
    assert_true(isnan(r.coverage.value));
    assert_int_equal(r.coverage.term_count, 0);
    assert_int_equal(r.contact_count, 0);
    assert_int_equal(r.supported_roles, 0);
    assert_int_equal(r.missing_roles, 0xfeu); /* no chain: every role lacks one */
    assert_int_equal(r.opposed_roles, 0);
    assert_true(isnan(r.pain_index.value));

    /* C03: an opposed decider and a neutral coach: coverage 0 */
    r = row_at(g, 2);
    assert_string_equal(r.id, "C03");
    assert_true(isnan(r.relationship.value));
    assert_int_equal(r.relationship.term_count, 0);
    assert_true(r.coverage.value == 0.0);
    assert_int_equal(r.coverage.term_count, 7);
    assert_int_equal(r.contact_count, 2);
    assert_int_equal(r.coach_count, 1);
    assert_int_equal(r.supported_roles, 0);
    assert_int_equal(r.missing_roles, 0xfeu);
    assert_int_equal(r.opposed_roles, ROLE(MTL_ROLE_DECIDER));

    /* C07: the recorded grade (partner) is reported beside the computed
     * one (general or commercial), never overwritten */
    r = row_at(g, 6);
    assert_string_equal(r.id, "C07");
    assert_int_equal(r.recorded_grade, MTL_GRADE_PARTNER);
    assert_string_equal(r.name, "Delta Logistics");
    assert_string_equal(r.segment_id, "retail");
}

static void test_worked_example(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading_options o;
    mtl_grading *g;
    (void)state;
    build_example(m);

    /* defaults, also with NULL options */
    OK(mtl_grading_compute(&g, m, NULL));
    check_ranks(g, by_quantiles);
    check_assessment(g);
    mtl_grading_destroy(g);
    OK(mtl_grading_options_init(&o, sizeof o));
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.grade_by, MTL_GRADE_BY_QUANTILES);
    NEAR(o.quantiles[0], 0.05);
    NEAR(o.quantiles[1], 0.20);
    NEAR(o.quantiles[2], 0.50);
    NEAR(o.relationship_weights[MTL_REL_SUPPORT], 0.30);
    NEAR(o.relationship_weights[MTL_REL_EVENTS], 0.10);
    assert_int_equal(o.roles, 0);
    OK(mtl_grading_compute(&g, m, &o));
    check_ranks(g, by_quantiles);
    mtl_grading_destroy(g);

    /* thresholds 5,000,000.00 / 2,000,000.00 / 500,000.00 */
    o.grade_by = MTL_GRADE_BY_THRESHOLDS;
    o.thresholds[0] = 500000000;
    o.thresholds[1] = 200000000;
    o.thresholds[2] = 50000000;
    OK(mtl_grading_compute(&g, m, &o));
    check_ranks(g, by_thresholds);
    check_assessment(g);
    mtl_grading_destroy(g);

    test_market_free(m, &ta);
}

/* options.roles: the decision roles coverage counts. */
static void test_counted_roles(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading_options o;
    mtl_grading *g;
    mtl_customer_grading r;
    (void)state;
    build_example(m);
    OK(mtl_grading_options_init(&o, sizeof o));
    o.roles = ROLE(MTL_ROLE_USER) | ROLE(MTL_ROLE_DECIDER) | ROLE(MTL_ROLE_APPROVER) |
              ROLE(MTL_ROLE_BUYER);
    OK(mtl_grading_compute(&g, m, &o));
    r = row_at(g, 0);
    NEAR(r.coverage.value, 0.5);
    assert_int_equal(r.coverage.term_count, 4);
    assert_string_equal(r.coverage.terms[0].factor, "user");
    assert_string_equal(r.coverage.terms[1].factor, "decider");
    assert_string_equal(r.coverage.terms[2].factor, "approver");
    assert_string_equal(r.coverage.terms[3].factor, "buyer");
    NEAR(r.coverage.terms[0].weight, 0.25);
    assert_int_equal(r.missing_roles, ROLE(MTL_ROLE_APPROVER) | ROLE(MTL_ROLE_BUYER));
    /* supported and opposed list every role, counted or not */
    assert_int_equal(r.supported_roles,
                     ROLE(MTL_ROLE_USER) | ROLE(MTL_ROLE_INFLUENCER) | ROLE(MTL_ROLE_DECIDER));
    check_row_sums(&r);
    r = row_at(g, 1); /* C02 without contacts: the counted roles are missing */
    assert_int_equal(r.missing_roles, o.roles);
    mtl_grading_destroy(g);

    /* one role */
    o.roles = ROLE(MTL_ROLE_GATEKEEPER);
    OK(mtl_grading_compute(&g, m, &o));
    r = row_at(g, 0);
    assert_true(r.coverage.value == 0.0);
    assert_int_equal(r.coverage.term_count, 1);
    assert_string_equal(r.coverage.terms[0].factor, "gatekeeper");
    assert_int_equal(r.missing_roles, ROLE(MTL_ROLE_GATEKEEPER));
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

/* Relationship weights change the score; a zero-weight dimension stays a
 * term; only zero-weight dimensions assessed give NaN. */
static void test_relationship_weights(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    const double only_events[MTL_REL_COUNT] = { NAN, 5, NAN, NAN, NAN, NAN };
    const double all5[MTL_REL_COUNT] = { 5, 5, 5, 5, 5, 5 };
    const double all1[MTL_REL_COUNT] = { 1, 1, 1, 1, 1, 1 };
    mtl_grading_options o;
    mtl_grading *g;
    mtl_customer *a, *b, *c;
    mtl_customer_grading r;
    (void)state;
    OK(mtl_customer_add(&a, m, "A", NULL));
    OK(mtl_customer_add(&b, m, "B", NULL));
    OK(mtl_customer_add(&c, m, "C", NULL));
    OK(mtl_customer_set_revenue(a, 3));
    OK(mtl_customer_set_revenue(b, 2));
    OK(mtl_customer_set_revenue(c, 1));
    OK(mtl_customer_set_relationship(a, all5));
    OK(mtl_customer_set_relationship(b, all1));
    OK(mtl_customer_set_relationship(c, only_events));
    OK(mtl_grading_options_init(&o, sizeof o));
    OK(mtl_grading_compute(&g, m, &o));
    r = row_at(g, 0);
    NEAR(r.relationship.value, 100.0);
    r = row_at(g, 1);
    assert_true(r.relationship.value == 0.0);
    assert_int_equal(r.relationship.term_count, 6);
    r = row_at(g, 2);
    NEAR(r.relationship.value, 100.0);
    assert_int_equal(r.relationship.term_count, 1);
    NEAR(r.relationship.terms[0].weight, 25.0);
    check_row_sums(&r);
    mtl_grading_destroy(g);

    o.relationship_weights[MTL_REL_EVENTS] = 0;
    OK(mtl_grading_compute(&g, m, &o));
    r = row_at(g, 0);
    NEAR(r.relationship.value, 100.0);
    assert_int_equal(r.relationship.term_count, 6);
    assert_true(r.relationship.terms[1].weight == 0.0);
    r = row_at(g, 2); /* only the zero-weight dimension is assessed */
    assert_true(isnan(r.relationship.value));
    assert_int_equal(r.relationship.term_count, 0);
    mtl_grading_destroy(g);

    /* NULL clears the assessment */
    OK(mtl_customer_set_relationship(a, NULL));
    OK(mtl_grading_compute(&g, m, NULL));
    r = row_at(g, 0);
    assert_true(isnan(r.relationship.value));
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

/* Quantile cuts: ceil(q n) without floating-point creep, ties never split
 * (also in a chain), q = 0 and q = 1. */
static void test_quantile_cuts(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading_options o;
    mtl_grading *g;
    mtl_customer_grading r;
    char id[16];
    int i;
    (void)state;
    /* 100 customers, values 100 ... 1 (C000 the largest) */
    for (i = 0; i < 100; i++) {
        mtl_customer *c;
        snprintf(id, sizeof id, "C%03d", i);
        OK(mtl_customer_add(&c, m, id, NULL));
        OK(mtl_customer_set_revenue(c, 100 - i));
    }
    OK(mtl_grading_options_init(&o, sizeof o));
    /* 0.07 x 100 = 7.000000000000001 in doubles: still 7 strategic */
    o.quantiles[0] = 0.07;
    o.quantiles[1] = 0.07;
    o.quantiles[2] = 1.0;
    OK(mtl_grading_compute(&g, m, &o));
    assert_int_equal(row_at(g, 6).grade, MTL_GRADE_STRATEGIC);
    assert_int_equal(row_at(g, 7).grade, MTL_GRADE_COMMERCIAL);
    assert_string_equal(row_at(g, 6).grade_reason,
                        "value 0.94 ranks 7 of 100, in the top 7% (strategic)");
    assert_string_equal(row_at(g, 99).grade_reason,
                        "value 0.01 ranks 100 of 100, in the top 100% (commercial)");
    mtl_grading_destroy(g);

    /* q = 0: nobody strategic; shares with decimals in the reason */
    o.quantiles[0] = 0;
    o.quantiles[1] = 0.125;
    o.quantiles[2] = 0.1375;
    OK(mtl_grading_compute(&g, m, &o));
    r = row_at(g, 0);
    assert_int_equal(r.grade, MTL_GRADE_PARTNER);
    assert_string_equal(r.grade_reason,
                        "value 1.00 ranks 1 of 100, in the top 12.5% (partner)");
    assert_int_equal(row_at(g, 12).grade, MTL_GRADE_PARTNER);
    assert_int_equal(row_at(g, 13).grade, MTL_GRADE_COMMERCIAL);
    assert_string_equal(row_at(g, 13).grade_reason,
                        "value 0.87 ranks 14 of 100, in the top 13.75% (commercial)");
    assert_string_equal(row_at(g, 14).grade_reason,
                        "value 0.86 ranks 15 of 100, below the top 13.75% (general)");
    mtl_grading_destroy(g);

    /* a chain of ties at the strategic cut: C001 ... C004 equal to C000 */
    for (i = 1; i <= 4; i++) {
        snprintf(id, sizeof id, "C%03d", i);
        OK(mtl_customer_set_revenue(mtl_customer_find(m, id), 100));
    }
    OK(mtl_grading_options_init(&o, sizeof o));
    o.quantiles[0] = 0.01; /* one strategic by rank, four more by the tie */
    OK(mtl_grading_compute(&g, m, &o));
    for (i = 0; i < 5; i++) {
        r = row_at(g, (size_t)i);
        assert_int_equal(r.grade, MTL_GRADE_STRATEGIC);
    }
    assert_string_equal(row_at(g, 0).id, "C000"); /* ties by id */
    assert_string_equal(row_at(g, 4).id, "C004");
    assert_string_equal(row_at(g, 4).grade_reason,
                        "value 1.00 ranks 5 of 100, tied with rank 1 in the top 1% "
                        "(strategic)");
    assert_int_equal(row_at(g, 5).grade, MTL_GRADE_PARTNER);
    mtl_grading_destroy(g);

    /* all 1: every customer strategic */
    o.quantiles[0] = o.quantiles[1] = o.quantiles[2] = 1;
    OK(mtl_grading_compute(&g, m, &o));
    assert_int_equal(row_at(g, 99).grade, MTL_GRADE_STRATEGIC);
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

/* Amounts in the market's own minor unit; thresholds equal to each other;
 * huge values; the host's locale does not change the text. */
static void test_money_text(void **state)
{
    test_alloc ta;
    mtl_market *m;
    mtl_grading_options o;
    mtl_grading *g;
    mtl_customer *c;
    (void)state;

    m = test_market_new(&ta, 1, NULL); /* whole units */
    OK(mtl_customer_add(&c, m, "A", NULL));
    OK(mtl_customer_set_revenue(c, 1234567));
    OK(mtl_grading_options_init(&o, sizeof o));
    o.grade_by = MTL_GRADE_BY_THRESHOLDS;
    o.thresholds[0] = o.thresholds[1] = 2000000;
    o.thresholds[2] = 999;
    OK(mtl_grading_compute(&g, m, &o));
    assert_string_equal(row_at(g, 0).grade_reason,
                        "value 1,234,567 >= commercial threshold 999");
    mtl_grading_destroy(g);
    test_market_free(m, &ta);

    m = test_market_new(&ta, 1000, NULL);
    OK(mtl_customer_add(&c, m, "A", NULL));
    OK(mtl_customer_set_revenue(c, 1234567));
    OK(mtl_customer_set_investment(c, 1));
    OK(mtl_customer_set_participation(c, 0.5)); /* 1234567.5: rounds up */
    o.thresholds[0] = o.thresholds[1] = o.thresholds[2] = 0;
    if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
        setlocale(LC_ALL, "C.UTF-8"); /* no German locale here: still run */
    OK(mtl_grading_compute(&g, m, &o));
    setlocale(LC_ALL, "C");
    assert_string_equal(row_at(g, 0).grade_reason,
                        "value 1,234.568 >= strategic threshold 0.000");
    mtl_grading_destroy(g);

    OK(mtl_customer_set_revenue(c, INT64_MAX));
    OK(mtl_customer_set_investment(c, INT64_MAX));
    OK(mtl_customer_set_participation(c, 1.0));
    OK(mtl_grading_compute(&g, m, &o));
    /* 2^64 minor units: shown as the largest double below 2^64 */
    assert_string_equal(row_at(g, 0).grade_reason,
                        "value 18,446,744,073,709,549.568 >= strategic threshold 0.000");
    {
        mtl_customer_grading r = row_at(g, 0);
        check_row_sums(&r);
    }
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

static void test_empty_market(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading *g;
    mtl_customer_grading r;
    (void)state;
    OK(mtl_grading_compute(&g, m, NULL));
    assert_int_equal(mtl_grading_count(g), 0);
    r.struct_size = sizeof r;
    FAILS(mtl_grading_at(g, 0, &r), MTL_E_RANGE);
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

/* Each refused option names its field. */
static void refused(mtl_market *m, const mtl_grading_options *o, const char *field)
{
    mtl_grading *g = (mtl_grading *)o;
    FAILS_NAMING(mtl_grading_compute(&g, m, o), MTL_E_RANGE, field);
    assert_null(g);
}

static void test_options_refused(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading_options o;
    int k;
    (void)state;
    build_example(m);
#define RESET() OK(mtl_grading_options_init(&o, sizeof o))
    RESET();
    o.grade_by = 2;
    refused(m, &o, "grade_by");
    RESET();
    o.grade_by = -1;
    refused(m, &o, "grade_by");
    for (k = 0; k < 3; k++) {
        RESET();
        o.quantiles[k] = -0.01;
        refused(m, &o, "quantiles");
        RESET();
        o.quantiles[k] = NAN;
        refused(m, &o, "quantiles");
        RESET();
        o.thresholds[k] = -1;
        refused(m, &o, "thresholds");
    }
    RESET();
    o.quantiles[2] = 1.5;
    refused(m, &o, "quantiles[2]");
    RESET();
    o.quantiles[1] = 0.6; /* above quantiles[2] */
    refused(m, &o, "quantiles[2]");
    RESET();
    o.thresholds[0] = 10;
    o.thresholds[1] = 20;
    refused(m, &o, "thresholds[1]");
    for (k = 0; k < MTL_REL_COUNT; k++) {
        RESET();
        o.relationship_weights[k] = -0.1;
        refused(m, &o, "relationship_weights");
        RESET();
        o.relationship_weights[k] = INFINITY;
        refused(m, &o, "relationship_weights");
        RESET();
        o.relationship_weights[k] = NAN;
        refused(m, &o, "relationship_weights");
    }
    RESET();
    memset(o.relationship_weights, 0, sizeof o.relationship_weights);
    refused(m, &o, "relationship_weights");
    RESET();
    o.roles = 1u; /* MTL_ROLE_NONE */
    refused(m, &o, "roles");
    RESET();
    o.roles = 1u << 8;
    refused(m, &o, "roles");
    /* the limits themselves are fine */
    RESET();
    o.quantiles[0] = o.quantiles[1] = o.quantiles[2] = 0;
    o.roles = 0xfeu;
    memset(o.relationship_weights, 0, sizeof o.relationship_weights);
    o.relationship_weights[MTL_REL_SUPPORT] = 1;
    {
        mtl_grading *g;
        OK(mtl_grading_compute(&g, m, &o));
        assert_int_equal(row_at(g, 0).grade, MTL_GRADE_GENERAL);
        mtl_grading_destroy(g);
    }
#undef RESET
    test_market_free(m, &ta);
}

static void test_arguments(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading_options o;
    mtl_grading *g = (mtl_grading *)&o;
    mtl_customer_grading r;
    (void)state;
    build_example(m);
    FAILS(mtl_grading_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_grading_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    FAILS(mtl_grading_compute(NULL, m, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_grading_compute(&g, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_null(g);
    OK(mtl_grading_options_init(&o, sizeof o));
    o.struct_size = sizeof o - 1;
    g = (mtl_grading *)&o;
    FAILS(mtl_grading_compute(&g, m, &o), MTL_E_VERSION);
    assert_null(g);
    o.struct_size = 0;
    FAILS(mtl_grading_compute(&g, m, &o), MTL_E_VERSION);

    OK(mtl_grading_compute(&g, m, NULL));
    r.struct_size = sizeof r - 1;
    FAILS(mtl_grading_at(g, 0, &r), MTL_E_VERSION);
    r.struct_size = 0;
    FAILS(mtl_grading_at(g, 0, &r), MTL_E_VERSION);
    r.struct_size = sizeof r;
    FAILS(mtl_grading_at(NULL, 0, &r), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_grading_at(g, 0, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_grading_at(g, 10, &r), MTL_E_RANGE);
    FAILS(mtl_grading_at(g, SIZE_MAX, &r), MTL_E_RANGE);
    OK(mtl_grading_at(g, 9, &r));
    assert_int_equal(r.struct_size, sizeof r);
    assert_int_equal(mtl_grading_count(NULL), 0);
    mtl_grading_destroy(NULL);
    mtl_grading_destroy(g);
    test_market_free(m, &ta);
}

/* A report copies what it shows: readable after the market is gone. */
static void test_outlives_market(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_grading *g;
    (void)state;
    build_example(m);
    OK(mtl_grading_compute(&g, m, NULL));
    mtl_market_unref(m);
    check_ranks(g, by_quantiles);
    check_assessment(g);
    mtl_grading_destroy(g);
    assert_int_equal(ta.live_blocks, 0);
    test_alloc_assert_clean(&ta);
}

/* mtl_grading_compute under test_sweep_allocations. */
typedef struct grading_sweep {
    mtl_market *m;
    mtl_grading_options o;
} grading_sweep;

static mtl_status sweep_compute(void *ctx, void **made)
{
    grading_sweep *sw = ctx;
    mtl_grading *g = *made;
    mtl_status st = mtl_grading_compute(&g, sw->m, &sw->o);
    *made = g;
    return st;
}

static void sweep_done(void *ctx, void *made)
{
    const grading_sweep *sw = ctx;
    check_ranks(made, sw->o.grade_by ? by_thresholds : by_quantiles);
    check_assessment(made);
    mtl_grading_destroy(made);
}

static void test_alloc_sweep(void **state)
{
    test_alloc ta;
    grading_sweep sw;
    int by;
    (void)state;
    sw.m = test_market_new(&ta, 0, NULL);
    build_example(sw.m);
    for (by = 0; by < 2; by++) {
        OK(mtl_grading_options_init(&sw.o, sizeof sw.o));
        sw.o.grade_by = by;
        sw.o.thresholds[0] = 500000000;
        sw.o.thresholds[1] = 200000000;
        sw.o.thresholds[2] = 50000000;
        test_sweep_allocations(&ta, 1, sweep_compute, sweep_done, &sw);
    }
    test_market_free(sw.m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_counted_roles),
        T(test_relationship_weights),
        T(test_quantile_cuts),
        T(test_money_text),
        T(test_empty_market),
        T(test_options_refused),
        T(test_arguments),
        T(test_outlives_market),
        T(test_alloc_sweep),
    };
    return cmocka_run_group_tests_name("grading", tests, NULL, NULL);
}
