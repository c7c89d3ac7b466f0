/*
 * test_index_fill.c: the bulk fill of an id index (lib/core/hash.c,
 * mtl__index_fill_*), which the CSV import, the bulk append and the
 * snapshot loader use.  The hashes are made up here, so that the tests can
 * put every entry into one partition (it overflows: the rest go in at
 * once), make probes run around the table's end, and repeat fragments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/hash.h"

/* An allocator that fails every request from the fail_at-th on (0: never). */
typedef struct {
    unsigned long requests, fail_at;
} failing;

static void *failing_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    failing *f = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (f->fail_at && ++f->requests >= f->fail_at)
        return NULL;
    return realloc(ptr, nsize);
}

typedef struct {
    failing fail;
    mtl__allocator a;
    mtl__arena ar;
    mtl__index ix;
    size_t n;
    uint32_t *ref;
    uint64_t *hash;
} fixture;

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The partition (of 2^9) of a hash in a table of 2^bits slots, bits >= 9:
 * the top bits of its home slot. */
static size_t partition_of(uint64_t hash)
{
    return (size_t)(mtl__index_place(hash) >> (64 - MTL__FILL_PART_BITS));
}

/* n ids "k0", "k1", ... stored in the arena, with made-up hashes: random
 * ones, or (slice >= 0) ones whose home is in that partition.  Ids i and
 * i + 1 share their fragment when i % 7 == 3 (the fill then compares the
 * strings). */
static void fixture_make(fixture *f, size_t n, int slice, uint64_t seed)
{
    size_t i;
    char id[32];
    memset(f, 0, sizeof *f);
    mtl__allocator_init(&f->a, failing_fn, &f->fail);
    f->n = n;
    f->ref = calloc(n, sizeof *f->ref);
    f->hash = calloc(n, sizeof *f->hash);
    assert_non_null(f->ref);
    assert_non_null(f->hash);
    for (i = 0; i < n; i++) {
        uint64_t h;
        int len = snprintf(id, sizeof id, "k%zu", i);
        assert_true(mtl__arena_store(&f->ar, &f->a, id, (size_t)len, (uint32_t)i, &f->ref[i]));
        if (i > 0 && (i - 1) % 7 == 3) {
            h = (f->hash[i - 1] & ~(uint64_t)0xffffffff) | (uint64_t)i;
        } else {
            do
                h = next_random(&seed);
            while (slice >= 0 && partition_of(h) != (size_t)slice);
        }
        f->hash[i] = h;
    }
}

static void fixture_free(fixture *f)
{
    mtl__index_free(&f->ix, &f->a);
    mtl__arena_free(&f->ar, &f->a);
    free(f->ref);
    free(f->hash);
}

/* Fill ids [from, to).  Asserts that no id repeats. */
static void fill_range(fixture *f, size_t from, size_t to)
{
    mtl__index_fill fill;
    size_t i;
    assert_true(mtl__index_fill_begin(&fill, &f->ix, &f->ar, &f->a, to - from));
    for (i = from; i < to; i++)
        assert_int_equal(mtl__index_fill_add(&fill, f->hash[i], f->ref[i]), MTL__NONE);
    assert_int_equal(mtl__index_fill_end(&fill), MTL__NONE);
}

/* Every id of [0, upto) is found, and the index holds just those. */
static void check_found(const fixture *f, size_t upto)
{
    size_t i;
    char id[32];
    assert_int_equal(f->ix.count, upto);
    for (i = 0; i < f->n; i++) {
        int len = snprintf(id, sizeof id, "k%zu", i);
        uint32_t got = mtl__index_find(&f->ix, &f->ar, f->hash[i], id, (size_t)len);
        if (got != (i < upto ? f->ref[i] : MTL__NONE))
            fail_msg("id %zu of %zu: found %u", i, upto, (unsigned)got);
    }
}

/* The index is empty: count 0 and every slot empty. */
static void check_empty(const fixture *f)
{
    size_t j;
    assert_int_equal(f->ix.count, 0);
    for (j = 0; f->ix.slots && j <= f->ix.mask; j++)
        if (f->ix.slots[j] != UINT64_MAX)
            fail_msg("slot %zu is not empty", j);
}

/* 50,000 random ids into an empty index, then 20,000 more into the same
 * index: every id is found afterwards. */
static void test_fill_twice(void **state)
{
    fixture f;
    (void)state;
    fixture_make(&f, 70000, -1, 42);
    fill_range(&f, 0, 50000);
    check_found(&f, 50000);
    fill_range(&f, 50000, 70000);
    check_found(&f, 70000);
    fixture_free(&f);
}

/* A small fill (fewer partitions than 512). */
static void test_small_fill(void **state)
{
    fixture f;
    (void)state;
    fixture_make(&f, 300, -1, 7);
    fill_range(&f, 0, 300);
    check_found(&f, 300);
    fixture_free(&f);
}

/* Every entry homed in one partition: the last one (probes run around the
 * table's end), the first one and one in the middle.  The partition
 * overflows, the rest go in at once; all are found. */
static void test_one_partition(void **state)
{
    static const int parts[] = {511, 0, 255};
    size_t k;
    (void)state;
    for (k = 0; k < sizeof parts / sizeof *parts; k++) {
        fixture f;
        fixture_make(&f, 20000, parts[k], 1000 + k);
        fill_range(&f, 0, 20000);
        check_found(&f, 20000);
        fixture_free(&f);
    }
}

/* An id given twice: the fill says so, at its add (an entry that went in
 * at once) or at its end, with the reference of one of the two; once the
 * caller removed every entry of the fill, the index is empty. */
static void test_repeat(void **state)
{
    static const size_t repeat[] = {0, 1234, 39999};
    size_t k, i;
    (void)state;
    for (k = 0; k < 2 * sizeof repeat / sizeof *repeat; k++) {
        fixture f;
        mtl__index_fill fill;
        uint32_t dup = MTL__NONE, again;
        size_t r = repeat[k % 3];
        char id[32];
        int len;
        /* half of the rounds with every entry in one partition */
        fixture_make(&f, 40000, k < 3 ? -1 : 17, 99 + k);
        assert_true(mtl__index_fill_begin(&fill, &f.ix, &f.ar, &f.a, 40001));
        for (i = 0; i < 40000 && dup == MTL__NONE; i++)
            dup = mtl__index_fill_add(&fill, f.hash[i], f.ref[i]);
        assert_int_equal(dup, MTL__NONE);
        /* the same id again, under a second reference */
        len = snprintf(id, sizeof id, "k%zu", r);
        assert_true(mtl__arena_store(&f.ar, &f.a, id, (size_t)len, 0, &again));
        dup = mtl__index_fill_add(&fill, f.hash[r], again);
        if (dup == MTL__NONE) {
            dup = mtl__index_fill_end(&fill);
        } else {
            mtl__index_fill_abandon(&fill);
        }
        assert_true(dup == f.ref[r] || dup == again);
        for (i = 0; i < 40000; i++)
            mtl__index_remove(&f.ix, f.hash[i], f.ref[i]);
        mtl__index_remove(&f.ix, f.hash[r], again);
        check_empty(&f);
        fixture_free(&f);
    }
}

/* A fill given up before its end leaves out what it filed: an empty index
 * stays empty, a filled one keeps just its entries. */
static void test_abandon(void **state)
{
    fixture f;
    mtl__index_fill fill;
    size_t i;
    (void)state;
    fixture_make(&f, 30000, -1, 5);
    assert_true(mtl__index_fill_begin(&fill, &f.ix, &f.ar, &f.a, 20000));
    for (i = 0; i < 20000; i++)
        mtl__index_fill_add(&fill, f.hash[i], f.ref[i]);
    mtl__index_fill_abandon(&fill);
    check_empty(&f);
    fill_range(&f, 0, 20000);
    assert_true(mtl__index_fill_begin(&fill, &f.ix, &f.ar, &f.a, 10000));
    for (i = 20000; i < 30000; i++)
        mtl__index_fill_add(&fill, f.hash[i], f.ref[i]);
    mtl__index_fill_abandon(&fill);
    check_found(&f, 20000);
    fixture_free(&f);
}

/* Out of memory at the start of a fill: 0, and the index as it was. */
static void test_out_of_memory(void **state)
{
    unsigned long at;
    int failed = 0;
    (void)state;
    for (at = 1; at <= 3; at++) {
        fixture f;
        mtl__index_fill fill;
        fixture_make(&f, 30000, -1, 77);
        fill_range(&f, 0, 10000);
        f.fail.requests = 0;
        f.fail.fail_at = at;
        if (!mtl__index_fill_begin(&fill, &f.ix, &f.ar, &f.a, 20000)) {
            failed++;
            f.fail.fail_at = 0;
        } else {
            f.fail.fail_at = 0;
            mtl__index_fill_abandon(&fill);
        }
        check_found(&f, 10000);
        fixture_free(&f);
    }
    assert_true(failed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_twice),
        cmocka_unit_test(test_small_fill),
        cmocka_unit_test(test_one_partition),
        cmocka_unit_test(test_repeat),
        cmocka_unit_test(test_abandon),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests_name("index_fill", tests, NULL, NULL);
}
