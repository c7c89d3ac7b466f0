/*
 * test_segment.c: segments, their ids, names, hierarchy and removal rules.
 *
 * Public functions exercised here (segment.h):
 *   [x] mtl_segment_add         [x] mtl_segment_find
 *   [x] mtl_segment_next        [x] mtl_segment_remove
 *   [x] mtl_segment_market      [x] mtl_segment_id
 *   [x] mtl_segment_name        [x] mtl_segment_parent
 *   [x] mtl_segment_set_name    [x] mtl_segment_set_parent
 */
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

/* Each test makes its own market (see test_market_new). */
#define FIXTURE                                                                 \
    fixture fx_, *f = &fx_;                                                     \
    (void)state;                                                                \
    f->m = test_market_new(&f->ta, 0, NULL)
#define DONE() test_market_free(f->m, &f->ta)

#define T(fn) test_case(fn)

static void test_add_find(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL, *t = NULL;
    char id[16] = "retail";
    assert_int_equal(mtl_segment_add(&s, f->m, id), MTL_OK);
    assert_non_null(s);
    /* the id is copied */
    strcpy(id, "xxxxxx");
    assert_string_equal(mtl_segment_id(s), "retail");
    assert_ptr_not_equal(mtl_segment_id(s), id);
    assert_ptr_equal(mtl_segment_find(f->m, "retail"), s);
    assert_null(mtl_segment_find(f->m, "xxxxxx"));
    assert_null(mtl_segment_find(f->m, "retai"));
    assert_null(mtl_segment_find(f->m, "retail "));
    assert_null(mtl_segment_find(f->m, ""));
    assert_null(mtl_segment_find(f->m, NULL));
    assert_null(mtl_segment_find(NULL, "retail"));
    assert_ptr_equal(mtl_segment_market(s), f->m);
    assert_string_equal(mtl_segment_name(s), "");
    assert_null(mtl_segment_parent(s));
    assert_int_equal(mtl_market_segment_count(f->m), 1);
    /* out may be NULL */
    assert_int_equal(mtl_segment_add(NULL, f->m, "energy"), MTL_OK);
    t = mtl_segment_find(f->m, "energy");
    assert_non_null(t);
    assert_ptr_not_equal(t, s);
    assert_string_equal(mtl_segment_id(t), "energy");
    /* UTF-8 ids */
    assert_int_equal(mtl_segment_add(&t, f->m, "金融/银行"), MTL_OK);
    assert_ptr_equal(mtl_segment_find(f->m, "金融/银行"), t);
    assert_int_equal(mtl_market_segment_count(f->m), 3);
    DONE();
}

static void test_add_errors(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL, *out;
    char *id = malloc(MTL_ID_MAX + 2);
    assert_non_null(id);
    assert_int_equal(mtl_segment_add(&s, f->m, "dup"), MTL_OK);
    out = s;
    assert_int_equal(mtl_segment_add(&out, f->m, "dup"), MTL_E_DUPLICATE);
    assert_null(out);
    assert_int_equal(mtl_last_error_status(), MTL_E_DUPLICATE);
    assert_ptr_equal(mtl_segment_find(f->m, "dup"), s);
    out = s;
    assert_int_equal(mtl_segment_add(&out, f->m, ""), MTL_E_INVALID_ARGUMENT);
    assert_null(out);
    assert_int_equal(mtl_segment_add(&out, f->m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_segment_add(&out, NULL, "x"), MTL_E_INVALID_ARGUMENT);
    memset(id, 'i', MTL_ID_MAX + 1);
    id[MTL_ID_MAX + 1] = '\0';
    out = s;
    assert_int_equal(mtl_segment_add(&out, f->m, id), MTL_E_LIMIT);
    assert_null(out);
    assert_null(mtl_segment_find(f->m, id));
    assert_int_equal(mtl_market_segment_count(f->m), 1);
    /* exactly MTL_ID_MAX bytes is allowed */
    id[MTL_ID_MAX] = '\0';
    assert_int_equal(mtl_segment_add(&out, f->m, id), MTL_OK);
    assert_ptr_equal(mtl_segment_find(f->m, id), out);
    assert_int_equal(strlen(mtl_segment_id(out)), MTL_ID_MAX);
    assert_int_equal(mtl_market_segment_count(f->m), 2);
    free(id);
    DONE();
}

/* The first id of a fresh market is the longest allowed (regression test
 * for the id arena: its first block must hold MTL_ID_MAX + 1 bytes).  The
 * test allocator's canary catches a write past the block at unref. */
static void test_longest_id_first(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL;
    char *id = malloc(MTL_ID_MAX + 1);
    assert_non_null(id);
    memset(id, 'L', MTL_ID_MAX);
    id[MTL_ID_MAX] = '\0';
    assert_int_equal(mtl_segment_add(&s, f->m, id), MTL_OK);
    assert_int_equal(mtl_segment_add(NULL, f->m, "second"), MTL_OK);
    assert_ptr_equal(mtl_segment_find(f->m, id), s);
    assert_string_equal(mtl_segment_id(s), id);
    assert_string_equal(mtl_segment_id(mtl_segment_find(f->m, "second")), "second");
    free(id);
    DONE();
}

static void test_name(void **state)
{
    FIXTURE;
    mtl_segment *s = NULL;
    char name[32] = "Retail banking";
    char *big = malloc(MTL_ID_MAX + 2);
    assert_non_null(big);
    assert_int_equal(mtl_segment_add(&s, f->m, "rb"), MTL_OK);
    assert_int_equal(mtl_segment_set_name(s, name), MTL_OK);
    strcpy(name, "changed");
    assert_string_equal(mtl_segment_name(s), "Retail banking");
    assert_int_equal(mtl_segment_set_name(s, "零售银行"), MTL_OK);
    assert_string_equal(mtl_segment_name(s), "零售银行");
    memset(big, 'n', MTL_ID_MAX + 1);
    big[MTL_ID_MAX + 1] = '\0';
    assert_int_equal(mtl_segment_set_name(s, big), MTL_E_LIMIT);
    assert_string_equal(mtl_segment_name(s), "零售银行");
    big[MTL_ID_MAX] = '\0';
    assert_int_equal(mtl_segment_set_name(s, big), MTL_OK);
    assert_string_equal(mtl_segment_name(s), big);
    assert_int_equal(mtl_segment_set_name(s, NULL), MTL_OK);
    assert_string_equal(mtl_segment_name(s), "");
    assert_int_equal(mtl_segment_set_name(s, "again"), MTL_OK);
    assert_int_equal(mtl_segment_set_name(s, ""), MTL_OK);
    assert_string_equal(mtl_segment_name(s), "");
    assert_int_equal(mtl_segment_set_name(NULL, "x"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    free(big);
    DONE();
}

static void test_hierarchy(void **state)
{
    FIXTURE;
    mtl_segment *a, *b, *c, *d;
    assert_int_equal(mtl_segment_add(&a, f->m, "industry"), MTL_OK);
    assert_int_equal(mtl_segment_add(&b, f->m, "sub-industry"), MTL_OK);
    assert_int_equal(mtl_segment_add(&c, f->m, "niche"), MTL_OK);
    assert_int_equal(mtl_segment_add(&d, f->m, "other"), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(b, a), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(c, b), MTL_OK);
    assert_ptr_equal(mtl_segment_parent(b), a);
    assert_ptr_equal(mtl_segment_parent(c), b);
    assert_null(mtl_segment_parent(a));
    /* cycles: itself, its child, its grandchild */
    assert_int_equal(mtl_segment_set_parent(a, a), MTL_E_STATE);
    assert_int_equal(mtl_segment_set_parent(a, b), MTL_E_STATE);
    assert_int_equal(mtl_segment_set_parent(a, c), MTL_E_STATE);
    assert_int_equal(mtl_last_error_status(), MTL_E_STATE);
    assert_null(mtl_segment_parent(a));
    assert_int_equal(mtl_segment_set_parent(b, c), MTL_E_STATE);
    assert_ptr_equal(mtl_segment_parent(b), a);
    /* moving a subtree is fine */
    assert_int_equal(mtl_segment_set_parent(b, d), MTL_OK);
    assert_ptr_equal(mtl_segment_parent(b), d);
    assert_ptr_equal(mtl_segment_parent(c), b);
    /* now a may go under c (a is no longer c's ancestor) */
    assert_int_equal(mtl_segment_set_parent(a, c), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(d, a), MTL_E_STATE);
    /* top level again */
    assert_int_equal(mtl_segment_set_parent(a, NULL), MTL_OK);
    assert_null(mtl_segment_parent(a));
    assert_int_equal(mtl_segment_set_parent(NULL, a), MTL_E_INVALID_ARGUMENT);
    assert_null(mtl_segment_parent(NULL));
    DONE();
}

static void test_cross_market(void **state)
{
    FIXTURE;
    test_alloc tb;
    mtl_market_options o;
    mtl_market *other = NULL;
    mtl_segment *mine, *theirs;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    test_alloc_init(&tb);
    mtl_market_options_init(&o, sizeof o);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &tb;
    assert_int_equal(mtl_market_create(&other, &o), MTL_OK);
    assert_int_equal(mtl_segment_add(&mine, f->m, "s"), MTL_OK);
    assert_int_equal(mtl_segment_add(&theirs, other, "s"), MTL_OK);
    assert_ptr_equal(mtl_segment_market(theirs), other);
    assert_int_equal(mtl_segment_set_parent(mine, theirs), MTL_E_INVALID_ARGUMENT);
    assert_null(mtl_segment_parent(mine));
    assert_int_equal(mtl_customer_add(&c, f->m, "c", theirs), MTL_E_INVALID_ARGUMENT);
    assert_null(c);
    assert_int_equal(mtl_market_customer_count(f->m), 0);
    assert_int_equal(mtl_customer_add(&c, f->m, "c", mine), MTL_OK);
    assert_int_equal(mtl_customer_set_segment(c, theirs), MTL_E_INVALID_ARGUMENT);
    assert_ptr_equal(mtl_customer_segment(c), mine);
    assert_int_equal(mtl_lead_add(&l, f->m, "l", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_segment(l, theirs), MTL_E_INVALID_ARGUMENT);
    assert_null(mtl_lead_segment(l));
    /* the refused links did not count as uses of "theirs" */
    assert_int_equal(mtl_segment_remove(theirs), MTL_OK);
    assert_int_equal(mtl_market_segment_count(other), 0);
    mtl_market_unref(other);
    test_alloc_assert_clean(&tb);
    DONE();
}

static void test_remove_rules(void **state)
{
    FIXTURE;
    mtl_segment *s, *child, *t;
    mtl_customer *c;
    mtl_lead *l;
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);
    assert_int_equal(mtl_segment_add(&t, f->m, "t"), MTL_OK);

    /* a customer refers to it */
    assert_int_equal(mtl_customer_add(&c, f->m, "c", s), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_E_IN_USE);
    assert_int_equal(mtl_last_error_status(), MTL_E_IN_USE);
    assert_ptr_equal(mtl_segment_find(f->m, "s"), s);
    assert_int_equal(mtl_market_segment_count(f->m), 2);
    assert_int_equal(mtl_customer_set_segment(c, t), MTL_OK); /* moved away */
    assert_int_equal(mtl_segment_remove(t), MTL_E_IN_USE);
    assert_int_equal(mtl_customer_set_segment(c, NULL), MTL_OK);

    /* a lead refers to it (directly) */
    assert_int_equal(mtl_lead_add(&l, f->m, "l", NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_segment(l, s), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_E_IN_USE);
    assert_int_equal(mtl_lead_set_segment(l, NULL), MTL_OK);

    /* a lead refers to it through the customer's default; the customer
     * then leaves the segment, the lead stays in it */
    assert_int_equal(mtl_customer_set_segment(c, s), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(l, c), MTL_OK);
    assert_ptr_equal(mtl_lead_segment(l), s);
    assert_int_equal(mtl_customer_set_segment(c, NULL), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_E_IN_USE);
    assert_int_equal(mtl_lead_remove(l), MTL_OK);

    /* a child segment refers to it */
    assert_int_equal(mtl_segment_add(&child, f->m, "child"), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(child, s), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_E_IN_USE);
    assert_int_equal(mtl_segment_remove(child), MTL_OK); /* leaves: fine */
    assert_null(mtl_segment_find(f->m, "child"));

    /* nothing refers to it any more */
    assert_int_equal(mtl_segment_remove(s), MTL_OK);
    assert_null(mtl_segment_find(f->m, "s"));
    assert_int_equal(mtl_market_segment_count(f->m), 1);
    /* the id can be used again */
    assert_int_equal(mtl_segment_add(&s, f->m, "s"), MTL_OK);
    assert_string_equal(mtl_segment_name(s), "");
    assert_null(mtl_segment_parent(s));
    assert_int_equal(mtl_segment_remove(s), MTL_OK);
    assert_int_equal(mtl_segment_remove(NULL), MTL_E_INVALID_ARGUMENT);

    /* a parent whose child was re-parented elsewhere is free again */
    assert_int_equal(mtl_segment_add(&s, f->m, "p"), MTL_OK);
    assert_int_equal(mtl_segment_add(&child, f->m, "k"), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(child, s), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(child, t), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_OK);
    assert_int_equal(mtl_segment_remove(t), MTL_E_IN_USE);
    assert_int_equal(mtl_segment_set_parent(child, NULL), MTL_OK);
    assert_int_equal(mtl_segment_remove(t), MTL_OK);
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    DONE();
}

/* Iterate and check every live segment is visited exactly once. */
static void check_iteration(mtl_market *m, const char *const *alive, size_t n)
{
    const mtl_segment *s;
    char *seen = calloc(n ? n : 1, 1);
    size_t visits = 0, k;
    assert_non_null(seen);
    for (s = mtl_segment_next(m, NULL); s; s = mtl_segment_next(m, s)) {
        int found = 0;
        visits++;
        for (k = 0; k < n; k++)
            if (alive[k] && strcmp(alive[k], mtl_segment_id(s)) == 0) {
                if (seen[k])
                    fail_msg("segment %s visited twice", alive[k]);
                seen[k] = 1;
                found = 1;
            }
        if (!found)
            fail_msg("segment %s visited but not alive", mtl_segment_id(s));
    }
    for (k = 0; k < n; k++)
        if (alive[k] && !seen[k])
            fail_msg("segment %s not visited", alive[k]);
    assert_int_equal(visits, mtl_market_segment_count(m));
    free(seen);
}

static void test_iteration(void **state)
{
    FIXTURE;
    static const char *const ids[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    const char *alive[10];
    mtl_segment *s;
    size_t k;
    assert_null(mtl_segment_next(f->m, NULL));
    assert_null(mtl_segment_next(NULL, NULL));
    for (k = 0; k < 8; k++) {
        assert_int_equal(mtl_segment_add(NULL, f->m, ids[k]), MTL_OK);
        alive[k] = ids[k];
    }
    /* insertion order before any removal */
    k = 0;
    for (s = mtl_segment_next(f->m, NULL); s; s = mtl_segment_next(f->m, s), k++)
        assert_string_equal(mtl_segment_id(s), ids[k]);
    assert_int_equal(k, 8);
    check_iteration(f->m, alive, 8);
    /* remove first, middle, last */
    assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, "a")), MTL_OK);
    assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, "d")), MTL_OK);
    assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, "h")), MTL_OK);
    alive[0] = alive[3] = alive[7] = NULL;
    check_iteration(f->m, alive, 8);
    assert_int_equal(mtl_market_segment_count(f->m), 5);
    /* freed places are reused */
    assert_int_equal(mtl_segment_add(NULL, f->m, "x"), MTL_OK);
    assert_int_equal(mtl_segment_add(NULL, f->m, "y"), MTL_OK);
    alive[8] = "x";
    alive[9] = "y";
    check_iteration(f->m, alive, 10);
    {
        /* "freed places are reused": x and y are not simply appended */
        const mtl_segment *it, *last = NULL, *second_last = NULL;
        for (it = mtl_segment_next(f->m, NULL); it; it = mtl_segment_next(f->m, it)) {
            second_last = last;
            last = it;
        }
        assert_false(strcmp(mtl_segment_id(second_last), "x") == 0 &&
                     strcmp(mtl_segment_id(last), "y") == 0);
    }
    assert_int_equal(mtl_market_segment_count(f->m), 7);
    /* remove everything */
    for (k = 0; k < 10; k++)
        if (alive[k])
            assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, alive[k])),
                             MTL_OK);
    assert_null(mtl_segment_next(f->m, NULL));
    assert_int_equal(mtl_market_segment_count(f->m), 0);
    DONE();
}

/* 30,000 segments (more than one chunk of 256, many index growths), then
 * every third removed, then 5,000 re-added into the freed places. */
static void test_many(void **state)
{
    FIXTURE;
    enum { N = 30000 };
    char id[32];
    size_t k, visits = 0;
    const mtl_segment *s;
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "seg-%zu", k);
        assert_int_equal(mtl_segment_add(NULL, f->m, id), MTL_OK);
    }
    assert_int_equal(mtl_market_segment_count(f->m), N);
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "seg-%zu", k);
        s = mtl_segment_find(f->m, id);
        if (!s || strcmp(mtl_segment_id(s), id) != 0)
            fail_msg("find(%s) failed", id);
    }
    for (k = 0; k < N; k += 3) {
        snprintf(id, sizeof id, "seg-%zu", k);
        assert_int_equal(mtl_segment_remove(mtl_segment_find(f->m, id)), MTL_OK);
    }
    assert_int_equal(mtl_market_segment_count(f->m), N - (N + 2) / 3);
    for (k = 0; k < 5000; k++) {
        snprintf(id, sizeof id, "new-%zu", k);
        assert_int_equal(mtl_segment_add(NULL, f->m, id), MTL_OK);
    }
    for (k = 0; k < N; k++) {
        snprintf(id, sizeof id, "seg-%zu", k);
        s = mtl_segment_find(f->m, id);
        if (k % 3 == 0 ? s != NULL : (!s || strcmp(mtl_segment_id(s), id) != 0))
            fail_msg("find(%s) after removals wrong", id);
    }
    for (k = 0; k < 5000; k++) {
        snprintf(id, sizeof id, "new-%zu", k);
        s = mtl_segment_find(f->m, id);
        if (!s || strcmp(mtl_segment_id(s), id) != 0)
            fail_msg("find(%s) failed", id);
    }
    for (s = mtl_segment_next(f->m, NULL); s; s = mtl_segment_next(f->m, s))
        visits++;
    assert_int_equal(visits, N - (N + 2) / 3 + 5000);
    assert_int_equal(visits, mtl_market_segment_count(f->m));
    assert_int_equal(mtl_market_memory_used(f->m), f->ta.live_bytes);
    DONE();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_add_find),
        T(test_add_errors),
        T(test_longest_id_first),
        T(test_name),
        T(test_hierarchy),
        T(test_cross_market),
        T(test_remove_rules),
        T(test_iteration),
        T(test_many),
    };
    return cmocka_run_group_tests_name("segment", tests, NULL, NULL);
}
