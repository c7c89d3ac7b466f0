/*
 * test_market.c: options, creation, reference counting, memory accounting
 * and record counts of a market.
 *
 * Public functions exercised here (market.h):
 *   [x] mtl_market_options_init     [x] mtl_market_create
 *   [x] mtl_market_ref              [x] mtl_market_unref
 *   [x] mtl_market_minor_per_major  [x] mtl_market_memory_used
 *   [x] mtl_market_stage_count      [x] mtl_market_segment_count
 *   [x] mtl_market_customer_count   [x] mtl_market_lead_count
 * (the other stage queries: test_stage.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

static mtl_market *new_market(test_alloc *ta, int64_t minor)
{
    mtl_market_options o;
    mtl_market *m = NULL;
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = ta;
    o.minor_per_major = minor;
    assert_int_equal(mtl_market_create(&m, &o), MTL_OK);
    assert_non_null(m);
    return m;
}

static void test_options_init(void **state)
{
    union {
        mtl_market_options o;
        unsigned char bytes[sizeof(mtl_market_options) + 32];
    } u;
    (void)state;
    memset(&u, 0xa5, sizeof u);
    assert_int_equal(mtl_market_options_init(&u.o, sizeof u.o), MTL_OK);
    assert_int_equal(u.o.struct_size, sizeof u.o);
    assert_null(u.o.alloc);
    assert_null(u.o.alloc_user_data);
    assert_int_equal(u.o.minor_per_major, 0);
    assert_null(u.o.stage_model);

    /* too small: the caller was compiled against an unknown layout */
    memset(&u, 0xa5, sizeof u);
    assert_int_equal(mtl_market_options_init(&u.o, sizeof u.o - 1), MTL_E_VERSION);
    assert_int_equal(mtl_last_error_status(), MTL_E_VERSION);
    assert_int_equal(mtl_market_options_init(&u.o, 0), MTL_E_VERSION);
    assert_int_equal(mtl_market_options_init(&u.o, sizeof(size_t)), MTL_E_VERSION);
    assert_int_equal(mtl_market_options_init(NULL, sizeof u.o),
                     MTL_E_INVALID_ARGUMENT);
    /* a newer caller's larger struct is fine */
    assert_int_equal(mtl_market_options_init(&u.o, sizeof u), MTL_OK);
    assert_int_equal(u.o.minor_per_major, 0);
}

static void test_create_defaults(void **state)
{
    mtl_market *m = NULL;
    mtl_segment *s = NULL;
    (void)state;
    /* NULL options: libc allocator, 100 minor units, P0-P7 */
    assert_int_equal(mtl_market_create(&m, NULL), MTL_OK);
    assert_non_null(m);
    assert_int_equal(mtl_market_minor_per_major(m), 100);
    assert_int_equal(mtl_market_stage_count(m), 8);
    assert_int_equal(mtl_market_segment_count(m), 0);
    assert_int_equal(mtl_market_customer_count(m), 0);
    assert_int_equal(mtl_market_lead_count(m), 0);
    assert_true(mtl_market_memory_used(m) > 0);
    assert_int_equal(mtl_segment_add(&s, m, "s1"), MTL_OK);
    assert_int_equal(mtl_market_segment_count(m), 1);
    mtl_market_unref(m);
    assert_int_equal(mtl_market_create(NULL, NULL), MTL_E_INVALID_ARGUMENT);
}

static void test_create_bad_options(void **state)
{
    test_alloc ta;
    mtl_market_options o;
    mtl_market *m;
    (void)state;
    test_alloc_init(&ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &ta;

    o.struct_size = sizeof o - 1;
    m = (mtl_market *)&o;
    assert_int_equal(mtl_market_create(&m, &o), MTL_E_VERSION);
    assert_null(m);
    o.struct_size = 0;
    assert_int_equal(mtl_market_create(&m, &o), MTL_E_VERSION);
    o.struct_size = sizeof o;

    {
        static const int64_t bad[] = {250, -100, -1, 3, 99, 10000000, 1000001,
                                      INT64_MIN, INT64_MAX};
        size_t k;
        for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            o.minor_per_major = bad[k];
            m = (mtl_market *)&o;
            assert_int_equal(mtl_market_create(&m, &o), MTL_E_RANGE);
            assert_null(m);
        }
    }
    test_alloc_assert_clean(&ta);
}

static void test_minor_per_major(void **state)
{
    static const struct {
        int64_t given, expected;
    } ok[] = {{0, 100}, {1, 1}, {10, 10}, {100, 100}, {1000, 1000},
              {10000, 10000}, {100000, 100000}, {1000000, 1000000}};
    size_t k;
    (void)state;
    for (k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        test_alloc ta;
        mtl_market *m;
        test_alloc_init(&ta);
        m = new_market(&ta, ok[k].given);
        assert_int_equal(mtl_market_minor_per_major(m), ok[k].expected);
        mtl_market_unref(m);
        test_alloc_assert_clean(&ta);
    }
    assert_int_equal(mtl_market_minor_per_major(NULL), 0);
}

static void test_create_no_memory(void **state)
{
    test_alloc ta;
    mtl_market_options o;
    mtl_market *m = (mtl_market *)&o;
    (void)state;
    test_alloc_init(&ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &ta;
    test_alloc_fail_nth(&ta, 1, 1);
    assert_int_equal(mtl_market_create(&m, &o), MTL_E_NO_MEMORY);
    assert_null(m);
    assert_int_equal(mtl_last_error_status(), MTL_E_NO_MEMORY);
    test_alloc_assert_clean(&ta);
}

/* memory_used is exactly what the allocator holds, after every kind of
 * operation, and it grows with the records. */
static void test_memory_used_matches_allocator(void **state)
{
    test_alloc ta;
    mtl_market *m;
    mtl_segment *s = NULL;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    size_t prev;
    char id[64];
    int i;
    (void)state;
    test_alloc_init(&ta);
    m = new_market(&ta, 0);
#define SAME() assert_int_equal(mtl_market_memory_used(m), ta.live_bytes)
    SAME();
    assert_true(ta.live_bytes > 0);
    prev = mtl_market_memory_used(m);
    assert_int_equal(mtl_segment_add(&s, m, "seg"), MTL_OK);
    SAME();
    assert_true(mtl_market_memory_used(m) > prev);
    prev = mtl_market_memory_used(m);
    assert_int_equal(mtl_customer_add(&c, m, "cust", s), MTL_OK);
    SAME();
    assert_true(mtl_market_memory_used(m) > prev);
    prev = mtl_market_memory_used(m);
    assert_int_equal(mtl_lead_add(&l, m, "lead", c), MTL_OK);
    SAME();
    assert_true(mtl_market_memory_used(m) > prev);
    assert_int_equal(mtl_segment_set_name(s, "Segment name"), MTL_OK);
    SAME();
    assert_int_equal(mtl_customer_set_name(c, "Customer name"), MTL_OK);
    SAME();
    assert_int_equal(mtl_customer_set_region(c, "EMEA"), MTL_OK);
    SAME();
    assert_int_equal(mtl_lead_set_owner(l, "alice"), MTL_OK);
    SAME();
    assert_int_equal(mtl_lead_set_attribute(l, "industry", "retail"), MTL_OK);
    SAME();
    assert_int_equal(mtl_lead_add_event(l, 100, 1), MTL_OK);
    SAME();
    /* many records: growth of chunks, indexes and arenas */
    prev = mtl_market_memory_used(m);
    for (i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "lead-%d", i);
        assert_int_equal(mtl_lead_add(&l, m, id, c), MTL_OK);
        assert_int_equal(mtl_lead_set_attribute(l, "n", id), MTL_OK);
        snprintf(id, sizeof id, "segment-%d", i);
        assert_int_equal(mtl_segment_add(NULL, m, id), MTL_OK);
        snprintf(id, sizeof id, "customer-%d", i);
        assert_int_equal(mtl_customer_add(NULL, m, id, NULL), MTL_OK);
    }
    SAME();
    assert_true(mtl_market_memory_used(m) > prev + 3000 * 3 * 8);
    assert_int_equal(mtl_market_segment_count(m), 3001);
    assert_int_equal(mtl_market_customer_count(m), 3001);
    assert_int_equal(mtl_market_lead_count(m), 3001);
    /* removals and clears keep the books straight */
    assert_int_equal(mtl_lead_remove(mtl_lead_find(m, "lead-7")), MTL_OK);
    assert_int_equal(mtl_segment_remove(mtl_segment_find(m, "segment-7")), MTL_OK);
    assert_int_equal(mtl_customer_remove(mtl_customer_find(m, "customer-7")), MTL_OK);
    assert_int_equal(mtl_segment_set_name(s, NULL), MTL_OK);
    SAME();
    assert_int_equal(mtl_market_lead_count(m), 3000);
    assert_int_equal(mtl_market_segment_count(m), 3000);
    assert_int_equal(mtl_market_customer_count(m), 3000);
#undef SAME
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
    assert_int_equal(mtl_market_memory_used(NULL), 0);
}

static void test_ref_unref(void **state)
{
    test_alloc ta;
    mtl_market *m;
    int i;
    (void)state;
    test_alloc_init(&ta);
    m = new_market(&ta, 0);
    assert_ptr_equal(mtl_market_ref(m), m);
    mtl_market_unref(m); /* back to one reference: still alive */
    assert_true(ta.live_blocks > 0);
    assert_int_equal(mtl_segment_add(NULL, m, "still-alive"), MTL_OK);
    assert_int_equal(mtl_market_segment_count(m), 1);
    for (i = 0; i < 1000; i++)
        assert_ptr_equal(mtl_market_ref(m), m);
    for (i = 0; i < 1000; i++) {
        mtl_market_unref(m);
        assert_true(ta.live_blocks > 0);
    }
    assert_non_null(mtl_segment_find(m, "still-alive"));
    mtl_market_unref(m); /* the last one */
    test_alloc_assert_clean(&ta);
    assert_null(mtl_market_ref(NULL));
    mtl_market_unref(NULL);
}

typedef struct {
    mtl_market *m;
    int rounds;
} ref_job;

static int ref_worker(void *arg)
{
    ref_job *j = arg;
    int i;
    for (i = 0; i < j->rounds; i++) {
        mtl_market_ref(j->m);
        mtl_market_unref(j->m);
    }
    return 0;
}

/* ref and unref are atomic: four threads hammering them never release the
 * market early (the main thread's reference keeps it alive). */
static void test_ref_unref_threads(void **state)
{
    test_alloc ta;
    mtl_market *m;
    thrd_t t[4];
    ref_job job;
    int i, rc;
    (void)state;
    test_alloc_init(&ta);
    m = new_market(&ta, 0);
    job.m = m;
    job.rounds = 200000;
    for (i = 0; i < 4; i++)
        assert_int_equal(thrd_create(&t[i], ref_worker, &job), thrd_success);
    for (i = 0; i < 4; i++) {
        assert_int_equal(thrd_join(t[i], &rc), thrd_success);
        assert_int_equal(rc, 0);
    }
    assert_true(ta.live_blocks > 0);
    assert_int_equal(ta.mismatches, 0);
    assert_int_equal(mtl_segment_add(NULL, m, "alive"), MTL_OK);
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
}

/* The test allocator itself: it must see what it is meant to catch, or the
 * leak, osize and out-of-memory checks of the whole suite prove nothing. */
static void test_test_allocator(void **state)
{
    test_alloc ta;
    unsigned char *p, *q;
    size_t n;
    (void)state;
    test_alloc_init(&ta);
    /* alignment for any object type, sizes and live counts */
    for (n = 1; n < 100; n += 7) {
        p = test_alloc_fn(&ta, NULL, 0, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0x11, n);
        q = test_alloc_fn(&ta, p, n, n * 3);
        assert_non_null(q);
        assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
        assert_int_equal(q[n - 1], 0x11); /* contents kept */
        assert_int_equal(ta.live_bytes, n * 3);
        assert_int_equal(ta.live_blocks, 1);
        assert_null(test_alloc_fn(&ta, q, n * 3, 0));
    }
    assert_int_equal(ta.mismatches, 0);
    test_alloc_assert_clean(&ta);
    /* a wrong osize on free and on resize is counted */
    print_message("test_test_allocator: the next three reports are expected\n");
    p = test_alloc_fn(&ta, NULL, 0, 10);
    p = test_alloc_fn(&ta, p, 11, 20);
    assert_int_equal(ta.mismatches, 1);
    assert_int_equal(ta.live_bytes, 20); /* booked with the true size */
    test_alloc_fn(&ta, p, 19, 0);
    assert_int_equal(ta.mismatches, 2);
    /* a write one past the end is counted */
    p = test_alloc_fn(&ta, NULL, 0, 8);
    p[8] = 0;
    test_alloc_fn(&ta, p, 8, 0);
    assert_int_equal(ta.mismatches, 3);
    assert_int_equal(ta.live_blocks, 0);
    ta.mismatches = 0;
    /* fail the 2nd request once, then the 2nd from then on */
    test_alloc_fail_nth(&ta, 2, 0);
    p = test_alloc_fn(&ta, NULL, 0, 4);
    assert_non_null(p);
    assert_null(test_alloc_fn(&ta, p, 4, 40)); /* the 2nd: a growth */
    q = test_alloc_fn(&ta, NULL, 0, 4);        /* the 3rd works */
    assert_non_null(q);
    assert_int_equal(ta.failures, 1);
    test_alloc_fail_nth(&ta, 2, 1);
    assert_non_null(p = test_alloc_fn(&ta, p, 4, 5));
    assert_null(test_alloc_fn(&ta, NULL, 0, 4));
    assert_null(test_alloc_fn(&ta, NULL, 0, 4));
    assert_null(test_alloc_fn(&ta, p, 5, 1)); /* shrinking fails too */
    assert_int_equal(ta.failures, 4);
    test_alloc_disarm(&ta);
    test_alloc_fn(&ta, p, 5, 0); /* frees are never failed */
    test_alloc_fn(&ta, q, 4, 0);
    test_alloc_assert_clean(&ta);
}

/* Reads of a market nobody mutates are safe from many threads at once
 * (docs: threading) and never allocate. */
typedef struct {
    const mtl_market *m;
    uint64_t digest;
    size_t found;
} read_job;

static int reader(void *arg)
{
    read_job *j = arg;
    const char *ids[64];
    char text[64][16];
    mtl_lead *out[64];
    int round, i;
    for (round = 0; round < 5; round++) {
        j->digest = test_market_fingerprint(j->m);
        for (i = 0; i < 64; i++) {
            snprintf(text[i], sizeof text[i], "r%d", i * 37 + round);
            ids[i] = text[i];
        }
        if (mtl_lead_find_many(out, j->m, ids, 64) != MTL_OK)
            return 1;
        for (i = 0; i < 64; i++)
            j->found += out[i] != NULL;
    }
    return 0;
}

static void test_concurrent_reads(void **state)
{
    test_alloc ta;
    mtl_market *m;
    mtl_customer *c = NULL;
    thrd_t t[4];
    read_job jobs[4];
    uint64_t expect, requests;
    char id[32];
    int i, rc;
    (void)state;
    test_alloc_init(&ta);
    m = new_market(&ta, 0);
    assert_int_equal(mtl_customer_add(&c, m, "c", NULL), MTL_OK);
    for (i = 0; i < 3000; i++) {
        mtl_lead *l = NULL;
        snprintf(id, sizeof id, "r%d", i);
        assert_int_equal(mtl_lead_add(&l, m, id, i % 2 ? c : NULL), MTL_OK);
        snprintf(id, sizeof id, "v%d", i % 13);
        assert_int_equal(mtl_lead_set_attribute(l, i % 3 ? "a" : "b", id), MTL_OK);
        assert_int_equal(mtl_lead_add_event(l, i, i % 8), MTL_OK);
    }
    expect = test_market_fingerprint(m);
    requests = ta.requests;
    for (i = 0; i < 4; i++) {
        jobs[i].m = m;
        jobs[i].digest = 0;
        jobs[i].found = 0;
        assert_int_equal(thrd_create(&t[i], reader, &jobs[i]), thrd_success);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(thrd_join(t[i], &rc), thrd_success);
        assert_int_equal(rc, 0);
        assert_true(jobs[i].digest == expect);
        assert_int_equal(jobs[i].found, 5 * 64); /* every r<k> exists */
    }
    assert_int_equal(ta.requests, requests); /* reads never allocated */
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
}

static void test_counts_null(void **state)
{
    (void)state;
    assert_int_equal(mtl_market_segment_count(NULL), 0);
    assert_int_equal(mtl_market_customer_count(NULL), 0);
    assert_int_equal(mtl_market_lead_count(NULL), 0);
    assert_int_equal(mtl_market_stage_count(NULL), 0);
}

/* Two markets are independent: same ids, different allocators. */
static void test_markets_independent(void **state)
{
    test_alloc ta, tb;
    mtl_market *a, *b;
    (void)state;
    test_alloc_init(&ta);
    test_alloc_init(&tb);
    a = new_market(&ta, 100);
    b = new_market(&tb, 1000);
    assert_int_equal(mtl_segment_add(NULL, a, "same"), MTL_OK);
    assert_int_equal(mtl_segment_add(NULL, b, "same"), MTL_OK);
    assert_int_equal(mtl_lead_add(NULL, a, "L", NULL), MTL_OK);
    assert_int_equal(mtl_market_lead_count(a), 1);
    assert_int_equal(mtl_market_lead_count(b), 0);
    assert_null(mtl_lead_find(b, "L"));
    assert_int_equal(mtl_market_memory_used(a), ta.live_bytes);
    assert_int_equal(mtl_market_memory_used(b), tb.live_bytes);
    mtl_market_unref(a);
    test_alloc_assert_clean(&ta);
    assert_true(tb.live_blocks > 0);
    assert_non_null(mtl_segment_find(b, "same"));
    mtl_market_unref(b);
    test_alloc_assert_clean(&tb);
}

/* The default allocator faults large blocks in with one call
 * (lib/core/alloc.c, prefault): the data written into them, and kept
 * across their growth, must read back unchanged.  Two appends of 300,000
 * leads make lead chunks of 4 MB, an id index grown from 2^19 to 2^20
 * entries and arena blocks of 1 MiB, all above the threshold. */
#define BIG_APPEND 300000
static void test_default_allocator_large_blocks(void **state)
{
    mtl_market *m = NULL;
    mtl_lead_columns c;
    int64_t *num = malloc(BIG_APPEND * sizeof *num), *amount = malloc(BIG_APPEND * sizeof *amount);
    int32_t *stage = malloc(BIG_APPEND * sizeof *stage);
    int round;
    size_t k;
    (void)state;
    assert_non_null(num);
    assert_non_null(amount);
    assert_non_null(stage);
    assert_int_equal(mtl_market_create(&m, NULL), MTL_OK);
    for (round = 0; round < 2; round++) {
        for (k = 0; k < BIG_APPEND; k++) {
            num[k] = (int64_t)(round * BIG_APPEND + k);
            amount[k] = (int64_t)(3 * num[k] + 1);
            stage[k] = (int32_t)(num[k] % 7);
        }
        assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
        c.count = BIG_APPEND;
        c.id_numbers = num;
        c.amounts = amount;
        c.stages = stage;
        assert_int_equal(mtl_lead_append_columns(m, &c), MTL_OK);
    }
    assert_int_equal(mtl_market_lead_count(m), 2 * BIG_APPEND);
    for (k = 0; k < 2 * BIG_APPEND; k++) {
        char id[24];
        const mtl_lead *l;
        snprintf(id, sizeof id, "%zu", k);
        l = mtl_lead_find(m, id);
        if (!l || mtl_lead_amount(l) != (int64_t)(3 * k + 1) ||
            mtl_lead_stage(l) != (int32_t)(k % 7))
            fail_msg("lead %s lost or changed", id);
    }
    mtl_market_unref(m);
    free(num);
    free(amount);
    free(stage);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_options_init),
        test_case(test_default_allocator_large_blocks),
        test_case(test_create_defaults),
        test_case(test_create_bad_options),
        test_case(test_minor_per_major),
        test_case(test_create_no_memory),
        test_case(test_memory_used_matches_allocator),
        test_case(test_ref_unref),
        test_case(test_ref_unref_threads),
        test_case(test_test_allocator),
        test_case(test_concurrent_reads),
        test_case(test_counts_null),
        test_case(test_markets_independent),
    };
    return cmocka_run_group_tests_name("market", tests, NULL, NULL);
}
