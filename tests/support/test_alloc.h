/*
 * test_alloc.h: the allocator the unit tests hand to libmtl, plus a market
 * fingerprint used to prove "the market is exactly as before".
 *
 * The allocator has the shape of mtl_alloc_fn (Lua's lua_Alloc) and routes
 * every block through cmocka's test_malloc / test_realloc / test_free, so
 * cmocka's leak checker and guard blocks see every byte the library owns.
 * On top of that it
 *   - counts live bytes and live blocks (compare with
 *     mtl_market_memory_used),
 *   - keeps the size of every block in a header in front of it and a
 *     canary behind it: a free or resize with an osize that differs from
 *     the size allocated, or a write past the end of a block, is reported
 *     and fails the test in test_alloc_assert_clean (a pointer this
 *     allocator never gave out fails the test at once),
 *   - can be told to fail the N-th request with nsize > 0 (an allocation,
 *     a growth or a shrink), once or from then on.
 *
 * One test_alloc per market (or stage model): its counters then describe
 * that object alone.  Not thread-safe (the tests allocate on one thread).
 */
#ifndef MTL_TEST_ALLOC_H
#define MTL_TEST_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "mtl.h"

typedef struct test_alloc {
    size_t live_bytes;   /* sum of nsize of the blocks currently held */
    size_t live_blocks;  /* number of blocks currently held */
    size_t peak_bytes;   /* largest live_bytes seen */
    uint64_t requests;   /* calls with nsize > 0 since init / last arm */
    uint64_t frees;      /* calls with nsize == 0 and ptr != NULL */
    uint64_t fail_at;    /* 0: never; else the request number that fails */
    int fail_sticky;     /* nonzero: every request from fail_at on fails */
    uint64_t failures;   /* NULLs returned for nsize > 0 */
    uint64_t mismatches; /* osize / pointer errors detected */
} test_alloc;

/* Zero the counters; nothing fails. */
void test_alloc_init(test_alloc *ta);

/* The mtl_alloc_fn; user_data is a test_alloc *. */
void *test_alloc_fn(void *user_data, void *ptr, size_t osize, size_t nsize);

/* Fail the n-th request (with nsize > 0) counted from now (1 = the next
 * one); sticky: that one and every later one.  n == 0 disarms.  Resets the
 * request counter. */
void test_alloc_fail_nth(test_alloc *ta, uint64_t n, int sticky);
/* Disarm; the request counter keeps running. */
void test_alloc_disarm(test_alloc *ta);

/* cmocka assertion: no block is live and no mismatch was seen. */
void test_alloc_assert_clean(const test_alloc *ta);

/* ---- markets on a test allocator -------------------------------------- */

/* A market whose allocator is ta (test_alloc_init'ed here); minor 0 and
 * model NULL are the defaults.  Fails the test when creation fails.
 * Create it inside the test function: cmocka frees the blocks a test leaves
 * behind, so a market made in a setup function cannot grow in the test. */
mtl_market *test_market_new(test_alloc *ta, int64_t minor_per_major,
                            const mtl_stage_model *model);
/* Drop the reference and assert that every block came back. */
void test_market_free(mtl_market *market, test_alloc *ta);

/* ---- market fingerprint ---------------------------------------------- */

/*
 * A 64-bit FNV-1a digest of everything a market shows through the public
 * API: options, stage model, counts, then every segment (id, name, parent
 * id, look items, factors, $APPEALS ratings, control points, pains),
 * customer (every field, pains, contacts, relationship assessment) and
 * lead (every field, every attribute with its key, every history event,
 * every verification answer) in iteration order.  Two markets with the
 * same digest are, for the tests' purposes, the same market.  (Strategy
 * inputs that are NaN -- "not known" -- count as one value whatever their
 * bits.)
 */
uint64_t test_market_fingerprint(const mtl_market *market);

/* The same digest restricted to one lead (all fields, attributes, events,
 * answers). */
uint64_t test_lead_fingerprint(const mtl_lead *lead);

/* ---- an output sink ------------------------------------------------- */

/* A growing NUL-terminated buffer behind an mtl_write_fn (plain malloc: it
 * is the caller's memory, not the market's).  Start it zeroed with
 * refuse_after -1; refuse_after >= 0 makes the callback refuse once that
 * many bytes were accepted.  Release p with free(). */
typedef struct test_sink {
    char *p;
    size_t n, cap;
    long refuse_after;
    int calls;
} test_sink;

int32_t test_sink_write(const void *data, size_t len, void *user_data);

/* ---- soft checks ----------------------------------------------------- */

/* Record a problem and keep going (printf format); the test can then clean
 * up (release its markets) before failing with every problem at once, so a
 * known library bug gives one clear failure, not a cascade of leak reports. */
void test_note(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Number of problems noted since the last test_notes_assert_none. */
int test_notes_count(void);
/* Fail the test if problems were noted (listing them); forget them. */
void test_notes_assert_none(void);

/* ---- watchdog -------------------------------------------------------- */

/*
 * cmocka per-test setup/teardown that turn a hang into a failure of that
 * one test instead of a meson timeout of the whole file: SIGALRM after
 * MTL_TEST_WATCHDOG seconds (default 30; 0 = off; off under valgrind,
 * where meson's multiplied timeout applies) fails the running test.
 */
int test_watchdog_setup(void **state);
int test_watchdog_teardown(void **state);

/* A cmocka_unit_test with the watchdog. */
#define test_case(f) cmocka_unit_test_setup_teardown(f, test_watchdog_setup, \
                                                     test_watchdog_teardown)

#endif /* MTL_TEST_ALLOC_H */
