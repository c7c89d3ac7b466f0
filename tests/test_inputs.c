/*
 * test_inputs.c: the strategy inputs a market stores (looks.h, pain.h, the
 * relationship and contacts of customer.h, the answers of verification.h):
 * rows read back as written, out-of-range rows refused with a message
 * naming the field and nothing changed, lists that replace or clear, and
 * inputs released with their record.  Import, export and snapshots of the
 * same inputs: test_csv_inputs.c and test_snapshot.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"
#include "support/test_report.h"

static void test_look_items(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s;
    mtl_look_item item, out;
    uint64_t before;
    (void)state;
    OK(mtl_segment_add(&s, m, "energy"));
    OK(mtl_look_item_init(&item, sizeof item));
    assert_int_equal(item.look, MTL_LOOK_TREND);
    assert_true(item.likelihood == 1.0);
    assert_int_equal(item.window_months, MTL_WINDOW_NEAR_MONTHS);
    item.look = MTL_LOOK_COMPETITION;
    item.impact = -3.5;
    item.likelihood = 0.4;
    item.window_months = 30;
    item.text = "Rival cuts prices";
    item.evidence = "tender 2026-07";
    OK(mtl_segment_add_look(s, &item));
    item.text = "Grid upgrade programme";
    item.evidence = NULL;
    item.impact = 5;
    OK(mtl_segment_add_look(s, &item));
    assert_int_equal(mtl_segment_look_count(s), 2);

    /* the caller's strings may go: the segment holds copies */
    out.struct_size = sizeof out;
    OK(mtl_segment_look_at(s, 0, &out));
    assert_int_equal(out.look, MTL_LOOK_COMPETITION);
    assert_true(out.impact == -3.5 && out.likelihood == 0.4);
    assert_int_equal(out.window_months, 30);
    assert_string_equal(out.text, "Rival cuts prices");
    assert_string_equal(out.evidence, "tender 2026-07");
    assert_ptr_not_equal(out.text, item.text);
    OK(mtl_segment_look_at(s, 1, &out));
    assert_string_equal(out.evidence, "");
    FAILS(mtl_segment_look_at(s, 2, &out), MTL_E_RANGE);
    out.struct_size = sizeof out - 1;
    FAILS(mtl_segment_look_at(s, 0, &out), MTL_E_VERSION);

    /* refused rows name the field; the segment is unchanged */
    before = test_market_fingerprint(m);
    item.impact = 7;
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_RANGE, "impact");
    item.impact = 1;
    item.likelihood = 1.2;
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_RANGE, "likelihood");
    item.likelihood = NAN;
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_RANGE, "likelihood");
    item.likelihood = 1;
    item.window_months = 0;
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_RANGE, "window_months");
    item.window_months = 6;
    item.look = MTL_LOOK_COUNT;
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_RANGE, "look");
    item.look = MTL_LOOK_SELF;
    item.text = "";
    FAILS_NAMING(mtl_segment_add_look(s, &item), MTL_E_INVALID_ARGUMENT, "text");
    item.text = "ok";
    item.struct_size = 8;
    FAILS(mtl_segment_add_look(s, &item), MTL_E_VERSION);
    assert_int_equal(mtl_segment_look_count(s), 2);
    assert_true(test_market_fingerprint(m) == before);

    OK(mtl_segment_clear_looks(s));
    assert_int_equal(mtl_segment_look_count(s), 0);
    test_market_free(m, &ta);
}

static void test_factors_and_appeals(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s;
    mtl_segment_factors f, out;
    mtl_appeals_rating r, ro;
    int k;
    (void)state;
    OK(mtl_segment_add(&s, m, "water"));
    out.struct_size = sizeof out;
    OK(mtl_segment_factors_get(s, &out)); /* never set: the defaults */
    assert_true(out.market_size == -1 && out.revenue == -1);
    assert_true(isnan(out.growth) && isnan(out.profit_potential));
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        assert_true(out.appeals_weights[k] == 1.0);

    OK(mtl_segment_factors_init(&f, sizeof f));
    f.market_size = 123456789;
    f.growth = 0.12;
    f.forces[MTL_FORCE_BUYERS] = 4;
    f.gross_margin = 0.25;
    f.appeals_weights[MTL_APPEALS_PRICE] = 3;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_segment_factors_get(s, &out));
    assert_true(out.market_size == 123456789 && out.growth == 0.12);
    assert_true(out.forces[MTL_FORCE_BUYERS] == 4 && isnan(out.forces[0]));
    assert_true(out.appeals_weights[MTL_APPEALS_PRICE] == 3);

    /* a weight set that sums to 0, and other ranges; factors unchanged */
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        f.appeals_weights[k] = 0;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "weights sum to 0");
    f.appeals_weights[2] = 1;
    f.appeals_weights[3] = -1;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "performance");
    f.appeals_weights[3] = 0;
    f.forces[MTL_FORCE_RIVALRY] = 6;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "rivalry");
    f.forces[MTL_FORCE_RIVALRY] = NAN;
    f.growth = -1;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "growth");
    f.growth = 0.1;
    f.share_goal = 1.5;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "share_goal");
    f.share_goal = NAN;
    f.market_size = -2;
    FAILS_NAMING(mtl_segment_set_factors(s, &f), MTL_E_RANGE, "market_size");
    OK(mtl_segment_factors_get(s, &out));
    assert_true(out.market_size == 123456789 && out.appeals_weights[0] == 3);

    /* one row per competitor: the same name replaces */
    OK(mtl_appeals_rating_init(&r, sizeof r));
    r.ratings[MTL_APPEALS_PRICE] = 7;
    OK(mtl_segment_add_appeals(s, &r)); /* us */
    r.competitor = "Rival";
    r.ratings[MTL_APPEALS_PRICE] = 8;
    OK(mtl_segment_add_appeals(s, &r));
    r.ratings[MTL_APPEALS_PRICE] = 9;
    OK(mtl_segment_add_appeals(s, &r));
    r.competitor = "";
    r.ratings[MTL_APPEALS_PRICE] = 6;
    OK(mtl_segment_add_appeals(s, &r)); /* "" is us, like NULL */
    assert_int_equal(mtl_segment_appeals_count(s), 2);
    ro.struct_size = sizeof ro;
    OK(mtl_segment_appeals_at(s, 0, &ro));
    assert_string_equal(ro.competitor, "");
    assert_true(ro.ratings[MTL_APPEALS_PRICE] == 6 && isnan(ro.ratings[1]));
    OK(mtl_segment_appeals_at(s, 1, &ro));
    assert_string_equal(ro.competitor, "Rival");
    assert_true(ro.ratings[MTL_APPEALS_PRICE] == 9);
    r.ratings[MTL_APPEALS_SOCIAL] = 11;
    FAILS_NAMING(mtl_segment_add_appeals(s, &r), MTL_E_RANGE, "social_acceptance");
    assert_int_equal(mtl_segment_appeals_count(s), 2);
    OK(mtl_segment_clear_appeals(s));
    assert_int_equal(mtl_segment_appeals_count(s), 0);
    test_market_free(m, &ta);
}

static void test_control_points_and_pains(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s;
    mtl_customer *c;
    mtl_control_point cp, cpo;
    mtl_pain p, po;
    (void)state;
    OK(mtl_segment_add(&s, m, "energy"));
    OK(mtl_customer_add(&c, m, "C1", s));
    OK(mtl_control_point_init(&cp, sizeof cp));
    cp.kind = MTL_CONTROL_STANDARD;
    cp.attainability = 0.3;
    cp.text = "IEC 61850 profile";
    OK(mtl_segment_add_control_point(s, &cp));
    cpo.struct_size = sizeof cpo;
    OK(mtl_segment_control_point_at(s, 0, &cpo));
    assert_int_equal(cpo.kind, MTL_CONTROL_STANDARD);
    assert_string_equal(cpo.text, "IEC 61850 profile");
    cp.kind = 7;
    FAILS_NAMING(mtl_segment_add_control_point(s, &cp), MTL_E_RANGE, "kind");
    cp.kind = 1;
    cp.attainability = -0.1;
    FAILS_NAMING(mtl_segment_add_control_point(s, &cp), MTL_E_RANGE, "attainability");
    assert_int_equal(mtl_segment_control_point_count(s), 1);
    OK(mtl_segment_clear_control_points(s));
    assert_int_equal(mtl_segment_control_point_count(s), 0);

    OK(mtl_pain_init(&p, sizeof p));
    assert_string_equal(p.layer, MTL_LAYER_BUSINESS);
    p.layer = "ESG";
    p.text = "Carbon reporting";
    p.severity = 4;
    p.urgency = 2.5;
    p.breadth = 0.5;
    p.budget = 0.2;
    p.fit = 0.9;
    p.role = MTL_ROLE_DECIDER;
    OK(mtl_segment_add_pain(s, &p));
    p.text = "Own pain";
    OK(mtl_customer_add_pain(c, &p));
    assert_int_equal(mtl_segment_pain_count(s), 1);
    assert_int_equal(mtl_customer_pain_count(c), 1);
    po.struct_size = sizeof po;
    OK(mtl_segment_pain_at(s, 0, &po));
    assert_string_equal(po.layer, "ESG");
    assert_string_equal(po.text, "Carbon reporting");
    assert_true(po.urgency == 2.5 && po.fit == 0.9);
    assert_int_equal(po.role, MTL_ROLE_DECIDER);
    OK(mtl_customer_pain_at(c, 0, &po));
    assert_string_equal(po.text, "Own pain");
    p.severity = 0.5;
    FAILS_NAMING(mtl_segment_add_pain(s, &p), MTL_E_RANGE, "severity");
    p.severity = 5;
    p.role = 9;
    FAILS_NAMING(mtl_customer_add_pain(c, &p), MTL_E_RANGE, "role");
    p.role = 0;
    p.layer = "a-layer-name-longer-than-32-bytes!";
    FAILS_NAMING(mtl_segment_add_pain(s, &p), MTL_E_LIMIT, "layer");
    assert_int_equal(mtl_segment_pain_count(s), 1);
    assert_int_equal(mtl_customer_pain_count(c), 1);
    OK(mtl_segment_clear_pains(s));
    OK(mtl_customer_clear_pains(c));
    assert_int_equal(mtl_segment_pain_count(s) + mtl_customer_pain_count(c), 0);
    test_market_free(m, &ta);
}

static void test_relationship_and_contacts(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_customer *c;
    double r[MTL_REL_COUNT] = {4, 3, NAN, 5, 2, 1}, out[MTL_REL_COUNT];
    mtl_contact ct, co;
    (void)state;
    OK(mtl_customer_add(&c, m, "C1", NULL));
    FAILS(mtl_customer_relationship(c, out), MTL_E_NOT_FOUND);
    assert_true(isnan(out[0]) && isnan(out[5]));
    OK(mtl_customer_set_relationship(c, r));
    OK(mtl_customer_relationship(c, out));
    assert_true(out[0] == 4 && isnan(out[2]) && out[5] == 1);
    r[MTL_REL_SUPPORT] = 6;
    FAILS_NAMING(mtl_customer_set_relationship(c, r), MTL_E_RANGE, "support");
    OK(mtl_customer_relationship(c, out));
    assert_true(out[MTL_REL_SUPPORT] == 2);
    OK(mtl_customer_set_relationship(c, NULL)); /* clears */
    FAILS(mtl_customer_relationship(c, out), MTL_E_NOT_FOUND);

    OK(mtl_contact_init(&ct, sizeof ct));
    ct.name = "Li Wei";
    ct.title = "CTO";
    ct.role = MTL_ROLE_DECIDER;
    ct.attitude = MTL_ATTITUDE_SUPPORTER;
    ct.coach = 1;
    OK(mtl_customer_add_contact(c, &ct));
    co.struct_size = sizeof co;
    OK(mtl_customer_contact_at(c, 0, &co));
    assert_string_equal(co.name, "Li Wei");
    assert_string_equal(co.title, "CTO");
    assert_int_equal(co.role, MTL_ROLE_DECIDER);
    assert_int_equal(co.attitude, MTL_ATTITUDE_SUPPORTER);
    assert_int_equal(co.coach, 1);
    ct.role = MTL_ROLE_NONE; /* an unknown role */
    FAILS_NAMING(mtl_customer_add_contact(c, &ct), MTL_E_RANGE, "role");
    ct.role = 8;
    FAILS_NAMING(mtl_customer_add_contact(c, &ct), MTL_E_RANGE, "role");
    ct.role = MTL_ROLE_USER;
    ct.attitude = 3;
    FAILS_NAMING(mtl_customer_add_contact(c, &ct), MTL_E_RANGE, "attitude");
    ct.attitude = 0;
    ct.coach = 2;
    FAILS_NAMING(mtl_customer_add_contact(c, &ct), MTL_E_RANGE, "coach");
    ct.coach = 0;
    ct.name = NULL;
    FAILS_NAMING(mtl_customer_add_contact(c, &ct), MTL_E_INVALID_ARGUMENT, "name");
    assert_int_equal(mtl_customer_contact_count(c), 1);
    OK(mtl_customer_clear_contacts(c));
    assert_int_equal(mtl_customer_contact_count(c), 0);
    assert_string_equal(mtl_role_name(MTL_ROLE_GATEKEEPER), "gatekeeper");
    assert_string_equal(mtl_role_name(MTL_ROLE_INITIATOR), "initiator");
    test_market_free(m, &ta);
}

static void test_answers(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_lead *a, *b;
    double score;
    const char *ev;
    int k;
    (void)state;
    OK(mtl_lead_add(&a, m, "L1", NULL));
    OK(mtl_lead_add(&b, m, "L2", NULL));
    FAILS(mtl_lead_answer(a, MTL_CRIT_BUDGET, &score, &ev), MTL_E_NOT_FOUND);
    assert_true(isnan(score));
    OK(mtl_lead_set_answer(a, MTL_CRIT_BUDGET, 0.75, "budget table 2027"));
    OK(mtl_lead_set_answer(a, MTL_CRIT_REAL_NEED, 1, NULL));
    OK(mtl_lead_answer(a, MTL_CRIT_BUDGET, &score, &ev));
    assert_true(score == 0.75);
    assert_string_equal(ev, "budget table 2027");
    OK(mtl_lead_answer(a, MTL_CRIT_REAL_NEED, &score, &ev));
    assert_string_equal(ev, "");
    assert_int_equal(mtl_lead_answer_count(a), 2);
    assert_int_equal(mtl_lead_answer_count(b), 0);
    /* replacing keeps one answer; NaN removes it */
    OK(mtl_lead_set_answer(a, MTL_CRIT_BUDGET, 0.5, "revised"));
    assert_int_equal(mtl_lead_answer_count(a), 2);
    OK(mtl_lead_set_answer(a, MTL_CRIT_REAL_NEED, NAN, NULL));
    assert_int_equal(mtl_lead_answer_count(a), 1);
    FAILS_NAMING(mtl_lead_set_answer(a, MTL_CRIT_TIMELINE, 1.2, NULL), MTL_E_RANGE,
                 "timeline");
    FAILS_NAMING(mtl_lead_set_answer(a, MTL_CRIT_COUNT, 0.5, NULL), MTL_E_RANGE,
                 "criterion");
    FAILS(mtl_lead_answer(a, -1, NULL, NULL), MTL_E_RANGE);
    OK(mtl_lead_answer(a, MTL_CRIT_BUDGET, &score, &ev));
    assert_true(score == 0.5);
    assert_string_equal(ev, "revised");

    /* a removed lead's answers go with it: a new lead in its slot has none */
    OK(mtl_lead_remove(a));
    OK(mtl_lead_add(&a, m, "L3", NULL));
    assert_int_equal(mtl_lead_answer_count(a), 0);
    OK(mtl_lead_set_answer(b, MTL_CRIT_KEY_TEAM, 0.25, "x"));
    OK(mtl_lead_clear_answers(b));
    assert_int_equal(mtl_lead_answer_count(b), 0);

    for (k = 0; k < MTL_CRIT_COUNT; k++) {
        assert_non_null(mtl_criterion_name(k));
        assert_int_equal(mtl_criterion_question(k), k < 3 ? 1 : k < 7 ? 2 : 3);
    }
    assert_string_equal(mtl_criterion_name(MTL_CRIT_VALUE_PROPOSITION),
                        "value_proposition");
    test_market_free(m, &ta);
}

/* Fill every kind of input on a market (each call may fail under the
 * failing allocator; the first failure is returned). */
static mtl_status fill(mtl_market *m)
{
    mtl_segment *s;
    mtl_customer *c;
    mtl_lead *l;
    mtl_look_item item;
    mtl_segment_factors f;
    mtl_appeals_rating r;
    mtl_control_point cp;
    mtl_pain p;
    mtl_contact ct;
    double rel[MTL_REL_COUNT] = {3, 3, 3, 3, 3, 3};
    mtl_status st;
    int k;
    if ((st = mtl_segment_add(&s, m, "s")) || (st = mtl_customer_add(&c, m, "c", s)) ||
        (st = mtl_lead_add(&l, m, "l", c)))
        return st;
    mtl_look_item_init(&item, sizeof item);
    mtl_segment_factors_init(&f, sizeof f);
    mtl_appeals_rating_init(&r, sizeof r);
    mtl_control_point_init(&cp, sizeof cp);
    mtl_pain_init(&p, sizeof p);
    mtl_contact_init(&ct, sizeof ct);
    item.text = cp.text = p.text = ct.name = "text";
    ct.role = MTL_ROLE_BUYER;
    for (k = 0; k < 20; k++) {
        r.competitor = k & 1 ? "Rival" : NULL;
        if ((st = mtl_segment_add_look(s, &item)) || (st = mtl_segment_add_appeals(s, &r)) ||
            (st = mtl_segment_add_control_point(s, &cp)) ||
            (st = mtl_segment_add_pain(s, &p)) || (st = mtl_customer_add_pain(c, &p)) ||
            (st = mtl_customer_add_contact(c, &ct)) ||
            (st = mtl_lead_set_answer(l, k % MTL_CRIT_COUNT, 0.5, "evidence")))
            return st;
    }
    if ((st = mtl_segment_set_factors(s, &f)) || (st = mtl_customer_set_relationship(c, rel)))
        return st;
    return MTL_OK;
}

/* Every allocation failure is reported as MTL_E_NO_MEMORY, and whatever was
 * stored is released with the market (test_market_free checks). */
static void test_allocation_failures(void **state)
{
    uint64_t n;
    (void)state;
    for (n = 1;; n++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_status st;
        test_alloc_fail_nth(&ta, n, 0);
        st = fill(m);
        test_alloc_disarm(&ta);
        if (st != MTL_OK && st != MTL_E_NO_MEMORY)
            fail_msg("n = %llu: %s", (unsigned long long)n, mtl_status_string(st));
        test_market_free(m, &ta);
        if (st == MTL_OK && ta.failures == 0)
            break;
    }
    assert_true(n > 10);
}

/* Removing records releases their inputs (the allocator ends clean). */
static void test_release_with_records(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    size_t empty;
    (void)state;
    empty = mtl_market_memory_used(m);
    OK(fill(m));
    assert_true(mtl_market_memory_used(m) > empty);
    OK(mtl_lead_remove(mtl_lead_find(m, "l")));
    OK(mtl_customer_remove(mtl_customer_find(m, "c")));
    OK(mtl_segment_remove(mtl_segment_find(m, "s")));
    test_market_free(m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_look_items),
        cmocka_unit_test(test_factors_and_appeals),
        cmocka_unit_test(test_control_points_and_pains),
        cmocka_unit_test(test_relationship_and_contacts),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_release_with_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
