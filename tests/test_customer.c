/*
 * test_customer.c: customer accounts: ids, fields, segment links, removal.
 *
 * Public functions exercised here (customer.h):
 *   [x] mtl_customer_add              [x] mtl_customer_find
 *   [x] mtl_customer_next             [x] mtl_customer_remove
 *   [x] mtl_customer_market           [x] mtl_customer_id
 *   [x] mtl_customer_name             [x] mtl_customer_segment
 *   [x] mtl_customer_region           [x] mtl_customer_owner
 *   [x] mtl_customer_revenue          [x] mtl_customer_investment
 *   [x] mtl_customer_participation    [x] mtl_customer_grade
 *   [x] mtl_customer_set_name         [x] mtl_customer_set_segment
 *   [x] mtl_customer_set_region       [x] mtl_customer_set_owner
 *   [x] mtl_customer_set_revenue      [x] mtl_customer_set_investment
 *   [x] mtl_customer_set_participation [x] mtl_customer_set_grade
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

static void test_add_find_defaults(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL;
    mtl_customer *c = NULL, *d = NULL;
    char id[8] = "acme";
    assert_int_equal(mtl_segment_add(&s, f->m, "retail"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, id, s), MTL_OK);
    strcpy(id, "zzzz");
    assert_non_null(c);
    assert_ptr_equal(mtl_customer_find(f->m, "acme"), c);
    assert_null(mtl_customer_find(f->m, "zzzz"));
    assert_null(mtl_customer_find(f->m, NULL));
    assert_null(mtl_customer_find(NULL, "acme"));
    /* segments and customers have separate id spaces */
    assert_null(mtl_customer_find(f->m, "retail"));
    assert_int_equal(mtl_customer_add(&d, f->m, "retail", NULL), MTL_OK);
    assert_ptr_equal(mtl_customer_find(f->m, "retail"), d);
    assert_non_null(mtl_segment_find(f->m, "retail"));
    /* defaults */
    assert_ptr_equal(mtl_customer_market(c), f->m);
    assert_string_equal(mtl_customer_id(c), "acme");
    assert_string_equal(mtl_customer_name(c), "");
    assert_ptr_equal(mtl_customer_segment(c), s);
    assert_null(mtl_customer_segment(d));
    assert_string_equal(mtl_customer_region(c), "");
    assert_string_equal(mtl_customer_owner(c), "");
    assert_int_equal(mtl_customer_revenue(c), 0);
    assert_int_equal(mtl_customer_investment(c), 0);
    assert_true(mtl_customer_participation(c) == 0.0);
    assert_int_equal(mtl_customer_grade(c), MTL_GRADE_NONE);
    assert_int_equal(mtl_market_customer_count(f->m), 2);
    assert_int_equal(mtl_customer_add(NULL, f->m, "no-out", NULL), MTL_OK);
    assert_non_null(mtl_customer_find(f->m, "no-out"));
    DONE();
}

static void test_add_errors(void **state)
{
    FIXTURE;
    mtl_customer *c = NULL, *out;
    char *id = malloc(MTL_ID_MAX + 2);
    assert_non_null(id);
    assert_int_equal(mtl_customer_add(&c, f->m, "dup", NULL), MTL_OK);
    out = c;
    assert_int_equal(mtl_customer_add(&out, f->m, "dup", NULL), MTL_E_DUPLICATE);
    assert_null(out);
    assert_int_equal(mtl_customer_add(&out, f->m, "", NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_customer_add(&out, f->m, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_customer_add(&out, NULL, "x", NULL), MTL_E_INVALID_ARGUMENT);
    memset(id, 'c', MTL_ID_MAX + 1);
    id[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_customer_add(&out, f->m, id, NULL), MTL_E_LIMIT);
    assert_null(out);
    assert_int_equal(mtl_market_customer_count(f->m), 1);
    id[MTL_ID_MAX] = '\0';
    assert_int_equal(mtl_customer_add(&out, f->m, id, NULL), MTL_OK);
    assert_ptr_equal(mtl_customer_find(f->m, id), out);
    assert_int_equal(mtl_market_customer_count(f->m), 2);
    free(id);
    DONE();
}

static void test_setters(void **state)
{
    FIXTURE;
    mtl_customer *c = NULL, *d = NULL;
    mtl_segment *s1, *s2;
    char *big = malloc(MTL_ID_MAX + 2);
    assert_non_null(big);
    memset(big, 'b', MTL_ID_MAX + 1);
    big[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_segment_add(&s1, f->m, "s1"), MTL_OK);
    assert_int_equal(mtl_segment_add(&s2, f->m, "s2"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&d, f->m, "d", NULL), MTL_OK);

    /* name */
    assert_int_equal(mtl_customer_set_name(c, "ACME 有限公司"), MTL_OK);
    assert_string_equal(mtl_customer_name(c), "ACME 有限公司");
    assert_int_equal(mtl_customer_set_name(c, big), MTL_E_LIMIT);
    assert_string_equal(mtl_customer_name(c), "ACME 有限公司");
    assert_int_equal(mtl_customer_set_name(c, NULL), MTL_OK);
    assert_string_equal(mtl_customer_name(c), "");

    /* segment */
    assert_int_equal(mtl_customer_set_segment(c, s1), MTL_OK);
    assert_ptr_equal(mtl_customer_segment(c), s1);
    assert_int_equal(mtl_customer_set_segment(c, s2), MTL_OK);
    assert_ptr_equal(mtl_customer_segment(c), s2);
    assert_int_equal(mtl_segment_remove(s1), MTL_OK); /* c left s1 */
    assert_int_equal(mtl_segment_remove(s2), MTL_E_IN_USE);
    assert_int_equal(mtl_customer_set_segment(c, NULL), MTL_OK);
    assert_null(mtl_customer_segment(c));
    assert_int_equal(mtl_segment_remove(s2), MTL_OK);

    /* region and owner: interned, shared, NULL or "" clears */
    assert_int_equal(mtl_customer_set_region(c, "华东 East"), MTL_OK);
    assert_int_equal(mtl_customer_set_region(d, "华东 East"), MTL_OK);
    assert_string_equal(mtl_customer_region(c), "华东 East");
    assert_string_equal(mtl_customer_region(d), "华东 East");
    assert_int_equal(mtl_customer_set_region(c, big), MTL_E_LIMIT);
    assert_string_equal(mtl_customer_region(c), "华东 East");
    assert_int_equal(mtl_customer_set_region(c, ""), MTL_OK);
    assert_string_equal(mtl_customer_region(c), "");
    assert_string_equal(mtl_customer_region(d), "华东 East");
    assert_int_equal(mtl_customer_set_region(d, NULL), MTL_OK);
    assert_string_equal(mtl_customer_region(d), "");
    assert_int_equal(mtl_customer_set_owner(c, "alice"), MTL_OK);
    assert_string_equal(mtl_customer_owner(c), "alice");
    assert_int_equal(mtl_customer_set_owner(c, big), MTL_E_LIMIT);
    assert_string_equal(mtl_customer_owner(c), "alice");
    assert_int_equal(mtl_customer_set_owner(c, "bob"), MTL_OK);
    assert_string_equal(mtl_customer_owner(c), "bob");
    assert_int_equal(mtl_customer_set_owner(c, NULL), MTL_OK);
    assert_string_equal(mtl_customer_owner(c), "");

    /* revenue and investment: >= 0 */
    assert_int_equal(mtl_customer_set_revenue(c, 123456789), MTL_OK);
    assert_int_equal(mtl_customer_revenue(c), 123456789);
    assert_int_equal(mtl_customer_set_revenue(c, -1), MTL_E_RANGE);
    assert_int_equal(mtl_customer_set_revenue(c, INT64_MIN), MTL_E_RANGE);
    assert_int_equal(mtl_customer_revenue(c), 123456789);
    assert_int_equal(mtl_customer_set_revenue(c, INT64_MAX), MTL_OK);
    assert_true(mtl_customer_revenue(c) == INT64_MAX);
    assert_int_equal(mtl_customer_set_revenue(c, 0), MTL_OK);
    assert_int_equal(mtl_customer_revenue(c), 0);
    assert_int_equal(mtl_customer_set_investment(c, 5000000000LL), MTL_OK);
    assert_true(mtl_customer_investment(c) == 5000000000LL);
    assert_int_equal(mtl_customer_set_investment(c, -5), MTL_E_RANGE);
    assert_true(mtl_customer_investment(c) == 5000000000LL);

    /* participation: [0, 1] */
    assert_int_equal(mtl_customer_set_participation(c, 0.35), MTL_OK);
    assert_true(mtl_customer_participation(c) == 0.35);
    assert_int_equal(mtl_customer_set_participation(c, 1.5), MTL_E_RANGE);
    assert_int_equal(mtl_customer_set_participation(c, -0.01), MTL_E_RANGE);
    assert_int_equal(mtl_customer_set_participation(c, NAN), MTL_E_RANGE);
    assert_int_equal(mtl_customer_set_participation(c, INFINITY), MTL_E_RANGE);
    assert_true(mtl_customer_participation(c) == 0.35);
    assert_int_equal(mtl_customer_set_participation(c, 1.0), MTL_OK);
    assert_true(mtl_customer_participation(c) == 1.0);
    assert_int_equal(mtl_customer_set_participation(c, 0.0), MTL_OK);
    assert_true(mtl_customer_participation(c) == 0.0);

    /* grade: MTL_GRADE_NONE..MTL_GRADE_GENERAL */
    assert_int_equal(mtl_customer_set_grade(c, MTL_GRADE_STRATEGIC), MTL_OK);
    assert_int_equal(mtl_customer_grade(c), MTL_GRADE_STRATEGIC);
    assert_int_equal(mtl_customer_set_grade(c, 5), MTL_E_RANGE);
    assert_int_equal(mtl_customer_set_grade(c, -1), MTL_E_RANGE);
    assert_int_equal(mtl_customer_grade(c), MTL_GRADE_STRATEGIC);
    assert_int_equal(mtl_customer_set_grade(c, MTL_GRADE_GENERAL), MTL_OK);
    assert_int_equal(mtl_customer_grade(c), 4);
    assert_int_equal(mtl_customer_set_grade(c, MTL_GRADE_NONE), MTL_OK);
    assert_int_equal(mtl_customer_grade(c), 0);

    /* d was not touched by any of c's setters */
    assert_string_equal(mtl_customer_name(d), "");
    assert_int_equal(mtl_customer_revenue(d), 0);
    assert_int_equal(mtl_customer_grade(d), 0);
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    free(big);
    DONE();
}

static void test_cross_market(void **state)
{
    FIXTURE;
    test_alloc tb;
    mtl_market *other = test_market_new(&tb, 0, NULL);
    mtl_customer *theirs = NULL, *mine = NULL;
    mtl_lead *l = NULL;
    assert_int_equal(mtl_customer_add(&theirs, other, "c", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&mine, f->m, "c", NULL), MTL_OK);
    assert_ptr_equal(mtl_customer_market(theirs), other);
    assert_int_equal(mtl_lead_add(&l, f->m, "l", theirs), MTL_E_INVALID_ARGUMENT);
    assert_null(l);
    assert_int_equal(mtl_market_lead_count(f->m), 0);
    assert_int_equal(mtl_lead_add(&l, f->m, "l", mine), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(l, theirs), MTL_E_INVALID_ARGUMENT);
    assert_ptr_equal(mtl_lead_customer(l), mine);
    assert_int_equal(mtl_customer_remove(theirs), MTL_OK);
    test_market_free(other, &tb);
    DONE();
}

static void test_remove_rules(void **state)
{
    FIXTURE;
    mtl_customer *c = NULL, *d = NULL;
    mtl_segment *s = NULL;
    mtl_lead *l1 = NULL, *l2 = NULL;
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", s), MTL_OK);
    assert_int_equal(mtl_customer_add(&d, f->m, "d", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&l1, f->m, "l1", c), MTL_OK);
    assert_int_equal(mtl_lead_add(&l2, f->m, "l2", c), MTL_OK);
    assert_int_equal(mtl_customer_remove(c), MTL_E_IN_USE);
    assert_int_equal(mtl_last_error_status(), MTL_E_IN_USE);
    assert_ptr_equal(mtl_customer_find(f->m, "c"), c);
    assert_int_equal(mtl_lead_remove(l1), MTL_OK);
    assert_int_equal(mtl_customer_remove(c), MTL_E_IN_USE); /* l2 still */
    assert_int_equal(mtl_lead_set_customer(l2, d), MTL_OK);
    assert_int_equal(mtl_customer_remove(d), MTL_E_IN_USE);
    /* l2 keeps segment s (inherited from c): s still in use after c goes */
    assert_ptr_equal(mtl_lead_segment(l2), s);
    assert_int_equal(mtl_customer_remove(c), MTL_OK);
    assert_null(mtl_customer_find(f->m, "c"));
    assert_int_equal(mtl_market_customer_count(f->m), 1);
    assert_int_equal(mtl_segment_remove(s), MTL_E_IN_USE);
    assert_int_equal(mtl_lead_set_segment(l2, NULL), MTL_OK);
    /* c's removal released its use of s */
    assert_int_equal(mtl_segment_remove(s), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(l2, NULL), MTL_OK);
    assert_null(mtl_lead_customer(l2));
    assert_int_equal(mtl_customer_remove(d), MTL_OK);
    assert_int_equal(mtl_market_customer_count(f->m), 0);
    assert_int_equal(mtl_customer_remove(NULL), MTL_E_INVALID_ARGUMENT);
    /* the id is free again and the new record starts blank */
    assert_int_equal(mtl_customer_add(&c, f->m, "c", NULL), MTL_OK);
    assert_null(mtl_customer_segment(c));
    assert_string_equal(mtl_customer_name(c), "");
    DONE();
}

/* A lead takes segment and region from its customer when added and when
 * its customer is set; later changes of the customer do not move it. */
static void test_lead_inherits(void **state)
{
    FIXTURE;
    mtl_segment *s1, *s2;
    mtl_customer *c, *d, *bare;
    mtl_lead *l = NULL, *k = NULL;
    assert_int_equal(mtl_segment_add(&s1, f->m, "s1"), MTL_OK);
    assert_int_equal(mtl_segment_add(&s2, f->m, "s2"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", s1), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, "north"), MTL_OK);
    assert_int_equal(mtl_customer_add(&d, f->m, "d", s2), MTL_OK);
    assert_int_equal(mtl_customer_set_region(d, "south"), MTL_OK);
    assert_int_equal(mtl_customer_add(&bare, f->m, "bare", NULL), MTL_OK);

    assert_int_equal(mtl_lead_add(&l, f->m, "l", c), MTL_OK);
    assert_ptr_equal(mtl_lead_customer(l), c);
    assert_ptr_equal(mtl_lead_segment(l), s1);
    assert_string_equal(mtl_lead_region(l), "north");
    /* the customer changes: the lead stays */
    assert_int_equal(mtl_customer_set_segment(c, s2), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, "west"), MTL_OK);
    assert_ptr_equal(mtl_lead_segment(l), s1);
    assert_string_equal(mtl_lead_region(l), "north");
    /* set_customer takes the new customer's values */
    assert_int_equal(mtl_lead_set_customer(l, d), MTL_OK);
    assert_ptr_equal(mtl_lead_segment(l), s2);
    assert_string_equal(mtl_lead_region(l), "south");
    /* a customer without segment and region leaves the lead's own values */
    assert_int_equal(mtl_lead_set_customer(l, bare), MTL_OK);
    assert_ptr_equal(mtl_lead_customer(l), bare);
    assert_ptr_equal(mtl_lead_segment(l), s2);
    assert_string_equal(mtl_lead_region(l), "south");
    /* a lead's own region is replaced only by a customer that has one */
    assert_int_equal(mtl_lead_add(&k, f->m, "k", bare), MTL_OK);
    assert_null(mtl_lead_segment(k));
    assert_string_equal(mtl_lead_region(k), "");
    assert_int_equal(mtl_lead_set_region(k, "own"), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(k, c), MTL_OK);
    assert_string_equal(mtl_lead_region(k), "west");
    assert_ptr_equal(mtl_lead_segment(k), s2);
    DONE();
}

static void test_iteration_and_many(void **state)
{
    FIXTURE;
    enum { N = 20000 };
    char id[32];
    char *seen = calloc(N + 1000, 1);
    const mtl_customer *c;
    size_t k, visits = 0;
    assert_non_null(seen);
    assert_null(mtl_customer_next(f->m, NULL));
    assert_null(mtl_customer_next(NULL, NULL));
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "%zu", k);
        assert_int_equal(mtl_customer_add(NULL, f->m, id, NULL), MTL_OK);
    }
    /* insertion order */
    k = 0;
    for (c = mtl_customer_next(f->m, NULL); c; c = mtl_customer_next(f->m, c), k++) {
        snprintf(id, sizeof id, "%zu", k);
        if (strcmp(mtl_customer_id(c), id) != 0)
            fail_msg("iteration %zu: %s", k, mtl_customer_id(c));
    }
    assert_int_equal(k, N);
    /* remove every other one, add 1000 new ones (reusing places) */
    for (k = 0; k < N; k += 2) {
        snprintf(id, sizeof id, "%zu", k);
        assert_int_equal(mtl_customer_remove(mtl_customer_find(f->m, id)), MTL_OK);
    }
    for (k = N; k < N + 1000; k++) {
        snprintf(id, sizeof id, "%zu", k);
        assert_int_equal(mtl_customer_add(NULL, f->m, id, NULL), MTL_OK);
    }
    {
        /* freed places are reused: some new customer precedes an old one */
        int seen_new = 0, new_before_old = 0;
        for (c = mtl_customer_next(f->m, NULL); c; c = mtl_customer_next(f->m, c)) {
            if (strtoul(mtl_customer_id(c), NULL, 10) >= N)
                seen_new = 1;
            else if (seen_new)
                new_before_old = 1;
        }
        assert_true(new_before_old);
    }
    for (c = mtl_customer_next(f->m, NULL); c; c = mtl_customer_next(f->m, c)) {
        unsigned long v = strtoul(mtl_customer_id(c), NULL, 10);
        if (v >= N + 1000 || (v < N && v % 2 == 0) || seen[v])
            fail_msg("customer %s visited wrongly", mtl_customer_id(c));
        seen[v] = 1;
        visits++;
    }
    assert_int_equal(visits, N / 2 + 1000);
    assert_int_equal(mtl_market_customer_count(f->m), N / 2 + 1000);
    for (k = 0; k < N + 1000; k++) {
        snprintf(id, sizeof id, "%zu", k);
        c = mtl_customer_find(f->m, id);
        if (k < N && k % 2 == 0 ? c != NULL
                                : (c == NULL || strcmp(mtl_customer_id(c), id)))
            fail_msg("find(%s) wrong", id);
    }
    free(seen);
    DONE();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_add_find_defaults),
        test_case(test_add_errors),
        test_case(test_setters),
        test_case(test_cross_market),
        test_case(test_remove_rules),
        test_case(test_lead_inherits),
        test_case(test_iteration_and_many),
    };
    return cmocka_run_group_tests_name("customer", tests, NULL, NULL);
}
