/*
 * test_report.h: what the tests of the strategy and qualification reports
 * (test_bon, test_strategy, test_grading, test_verification) and of their
 * inputs (test_inputs, test_csv_inputs) share:
 *
 *   - status checks that name the call, the status and the library's
 *     message (OK, FAILS, FAILS_NAMING) and a relative comparison (NEAR);
 *   - TEST_GETTER, a row read through a public *_at getter;
 *   - test_check_score: an mtl_score is its terms, summed bit for bit;
 *   - test_sweep_allocations: a report computed with every allocation
 *     failing in turn (once, then sticky);
 *   - test_add_pain: one pain on a segment or a customer.
 *
 * Include it after <cmocka.h> (T expands to cmocka calls).
 */
#ifndef MTL_TEST_REPORT_H
#define MTL_TEST_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memset, for TEST_GETTER */

#include "mtl.h"
#include "test_alloc.h"

/* ---- status checks ---------------------------------------------------- */

/* Fail the test unless expr is MTL_OK (message: the call, its status and
 * mtl_last_error_message(); the failure is reported at the caller's line). */
#define OK(expr) test_check_ok((expr), #expr, __FILE__, __LINE__)

/* Fail the test unless expr returns status. */
#define FAILS(expr, status)                                                   \
    test_check_fails((expr), (status), NULL, #expr, __FILE__, __LINE__)

/* Fail the test unless expr returns status and mtl_last_error_message()
 * contains field. */
#define FAILS_NAMING(expr, status, field)                                     \
    test_check_fails((expr), (status), (field), #expr, __FILE__, __LINE__)

/* |got - want| <= 1e-12 (1 + |want|); a NaN never passes. */
#define NEAR(got, want) test_check_near((got), (want), #got, __FILE__, __LINE__)

/* The checks behind OK, FAILS and FAILS_NAMING (field NULL: no message
 * check) and NEAR; expr is the text of the call or expression. */
void test_check_ok(mtl_status got, const char *expr, const char *file, int line);
void test_check_fails(mtl_status got, mtl_status want, const char *field,
                      const char *expr, const char *file, int line);
void test_check_near(double got, double want, const char *expr, const char *file,
                     int line);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A cmocka test with the watchdog (test_alloc.h). */
#define T(fn) test_case(fn)

/* ---- rows ------------------------------------------------------------- */

/*
 * Define `static type name params` returning one row read through a
 * public getter: the row (called `out`) is zeroed, its struct_size set,
 * then call (which writes &out) must return MTL_OK.  For example
 *
 *   TEST_GETTER(group_at, mtl_bon_group, (const mtl_bon *b, size_t g),
 *               mtl_bon_group_at(b, g, &out))
 */
#define TEST_GETTER(name, type, params, call)                                 \
    static type name params                                                   \
    {                                                                         \
        type out;                                                             \
        memset(&out, 0, sizeof out);                                          \
        out.struct_size = sizeof out;                                         \
        OK(call);                                                             \
        return out;                                                           \
    }

/* ---- scores ----------------------------------------------------------- */

/*
 * s explains itself: every term names a factor, each contribution is
 * weight x value and the value is the sum of the contributions taken left
 * to right, both bit for bit; a score without terms has terms NULL and
 * value NaN.  what names the score in the failure message.
 */
void test_check_score(const mtl_score *s, const char *what);

/* The same for a score whose value without terms is empty instead of NaN
 * (a verification question with nothing known is 0). */
void test_check_score_or(const mtl_score *s, double empty, const char *what);

/* ---- allocation-failure sweep ----------------------------------------- */

/* The call under test, made while the allocator is armed: returns its
 * status and leaves in *made what the call wrote to its out-parameter
 * (*made comes in non-NULL, so a failing call must set it to NULL). */
typedef mtl_status (*test_sweep_call)(void *ctx, void **made);

/* After the call succeeded (allocator disarmed): check what it made and
 * release it. */
typedef void (*test_sweep_done)(void *ctx, void *made);

/*
 * For sticky = 0, then 1, and n = 1, 2, ...: fail the n-th allocation
 * request of ta (once, or from then on), call(ctx, &made), disarm.  Until
 * the call succeeds each attempt must return MTL_E_NO_MEMORY (also as
 * mtl_last_error_status()), leave made NULL and leave ta's live bytes and
 * blocks as they were.  The success, after at least min_failures failed
 * attempts and fewer than 10000, goes to done(ctx, made); after it ta's
 * live bytes and blocks must again be as before the call.
 */
void test_sweep_allocations(test_alloc *ta, uint64_t min_failures,
                            test_sweep_call call, test_sweep_done done, void *ctx);

/* ---- inputs ----------------------------------------------------------- */

/* Add a pain to customer c, or to segment s when c is NULL; layer NULL
 * keeps mtl_pain_init's layer, and role is mtl_pain_init's. */
void test_add_pain(mtl_customer *c, mtl_segment *s, const char *layer, const char *text,
                   double severity, double urgency, double breadth, double budget,
                   double fit);

#endif /* MTL_TEST_REPORT_H */
