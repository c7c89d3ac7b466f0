/*
 * test_status.c: status names, the thread-local error detail, versions.
 *
 * Public functions exercised here (status.h, common.h):
 *   [x] mtl_status_string        [x] mtl_last_error_message
 *   [x] mtl_last_error_status    [x] mtl_last_error_line
 *   [x] mtl_last_error_column    [x] mtl_version_string
 *   [x] mtl_version_number
 * (mtl_date_parse / mtl_date_from_ymd are used as convenient failing calls;
 * they are tested in test_date.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

static void test_status_names(void **state)
{
    /* the names are the enum spellings; a wrong table shifts or repeats */
    static const char *const expected[MTL_STATUS_COUNT] = {
        "MTL_OK",          "MTL_E_INVALID_ARGUMENT", "MTL_E_NO_MEMORY",
        "MTL_E_NOT_FOUND", "MTL_E_DUPLICATE",        "MTL_E_RANGE",
        "MTL_E_PARSE",     "MTL_E_LIMIT",            "MTL_E_VERSION",
        "MTL_E_IN_USE",    "MTL_E_STATE",            "MTL_E_IO",
        "MTL_E_CORRUPT",
    };
    static const mtl_status codes[MTL_STATUS_COUNT] = {
        MTL_OK,          MTL_E_INVALID_ARGUMENT, MTL_E_NO_MEMORY,
        MTL_E_NOT_FOUND, MTL_E_DUPLICATE,        MTL_E_RANGE,
        MTL_E_PARSE,     MTL_E_LIMIT,            MTL_E_VERSION,
        MTL_E_IN_USE,    MTL_E_STATE,            MTL_E_IO,
        MTL_E_CORRUPT,
    };
    int i, j;
    (void)state;
    assert_int_equal(MTL_STATUS_COUNT, 13);
    for (i = 0; i < MTL_STATUS_COUNT; i++) {
        /* values are explicit and dense from 0 */
        assert_int_equal(codes[i], i);
        assert_non_null(mtl_status_string(codes[i]));
        assert_string_equal(mtl_status_string(codes[i]), expected[i]);
        for (j = 0; j < i; j++)
            assert_string_not_equal(mtl_status_string(codes[i]),
                                    mtl_status_string(codes[j]));
        assert_string_not_equal(mtl_status_string(codes[i]), "MTL_E_UNKNOWN");
    }
    assert_string_equal(mtl_status_string(-1), "MTL_E_UNKNOWN");
    assert_string_equal(mtl_status_string(MTL_STATUS_COUNT), "MTL_E_UNKNOWN");
    assert_string_equal(mtl_status_string(1000), "MTL_E_UNKNOWN");
    assert_string_equal(mtl_status_string(INT32_MAX), "MTL_E_UNKNOWN");
    assert_string_equal(mtl_status_string(INT32_MIN), "MTL_E_UNKNOWN");
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(mtl_version_string(), "0.1.0");
    assert_int_equal(mtl_version_number(), 100);
    assert_int_equal(mtl_version_number(), MTL_VERSION_NUMBER);
    assert_int_equal(MTL_VERSION_NUMBER, 100);
    assert_int_equal(MTL_VERSION_MAJOR, 0);
    assert_int_equal(MTL_VERSION_MINOR, 1);
    assert_int_equal(MTL_VERSION_PATCH, 0);
}

static void test_last_error_after_parse_failure(void **state)
{
    int32_t day = 12345;
    (void)state;
    assert_int_equal(mtl_date_parse(&day, "2023-02-3x", 10), MTL_E_PARSE);
    assert_int_equal(day, 12345); /* untouched on failure */
    assert_int_equal(mtl_last_error_status(), MTL_E_PARSE);
    assert_int_equal(mtl_last_error_line(), 1);
    assert_int_equal(mtl_last_error_column(), 10);
    assert_true(strlen(mtl_last_error_message()) > 0);

    /* successful calls do not clear it */
    assert_int_equal(mtl_date_parse(&day, "2023-02-03", 10), MTL_OK);
    assert_int_equal(day, 19391); /* tests/tools/day_numbers.py: 2023-02-03 */
    assert_int_equal(mtl_last_error_status(), MTL_E_PARSE);
    assert_int_equal(mtl_last_error_column(), 10);

    /* a failure without a position resets line and column to 0 */
    assert_int_equal(mtl_date_from_ymd(&day, 2023, 2, 29), MTL_E_RANGE);
    assert_int_equal(mtl_last_error_status(), MTL_E_RANGE);
    assert_int_equal(mtl_last_error_line(), 0);
    assert_int_equal(mtl_last_error_column(), 0);
    assert_non_null(strstr(mtl_last_error_message(), "29"));

    /* another parse error at another column */
    assert_int_equal(mtl_date_parse(&day, "2023/02/03", 10), MTL_E_PARSE);
    assert_int_equal(mtl_last_error_line(), 1);
    assert_int_equal(mtl_last_error_column(), 5);
}

/* ---- thread-locality ------------------------------------------------- */

typedef struct {
    char initial_message[64];
    mtl_status initial_status;
    int64_t initial_line, initial_column;
    mtl_status status;
    char message[320];
    int64_t line, column;
} thread_report;

static int failing_thread(void *arg)
{
    thread_report *r = arg;
    int32_t day;
    /* a thread that never failed sees the "nothing failed" state */
    strncpy(r->initial_message, mtl_last_error_message(),
            sizeof r->initial_message - 1);
    r->initial_status = mtl_last_error_status();
    r->initial_line = mtl_last_error_line();
    r->initial_column = mtl_last_error_column();
    /* a different failure from the main thread's */
    mtl_date_from_ymd(&day, 2100, 2, 29);
    r->status = mtl_last_error_status();
    strncpy(r->message, mtl_last_error_message(), sizeof r->message - 1);
    r->line = mtl_last_error_line();
    r->column = mtl_last_error_column();
    return 0;
}

static void test_last_error_is_thread_local(void **state)
{
    thrd_t t;
    thread_report report;
    char before[320];
    int32_t day;
    int rc = -1;
    (void)state;
    memset(&report, 0, sizeof report);
    report.initial_status = -1;

    assert_int_equal(mtl_date_parse(&day, "1999-12-3", 9), MTL_E_PARSE);
    assert_int_equal(mtl_last_error_column(), 10);
    strncpy(before, mtl_last_error_message(), sizeof before - 1);
    before[sizeof before - 1] = '\0';
    assert_true(strlen(before) > 0);

    assert_int_equal(thrd_create(&t, failing_thread, &report), thrd_success);
    assert_int_equal(thrd_join(t, &rc), thrd_success);
    assert_int_equal(rc, 0);

    /* the other thread started clean ... */
    assert_string_equal(report.initial_message, "");
    assert_int_equal(report.initial_status, MTL_OK);
    assert_int_equal(report.initial_line, 0);
    assert_int_equal(report.initial_column, 0);
    /* ... saw its own failure ... */
    assert_int_equal(report.status, MTL_E_RANGE);
    assert_int_equal(report.line, 0);
    assert_int_equal(report.column, 0);
    assert_string_not_equal(report.message, before);
    /* ... and left this thread's detail alone */
    assert_int_equal(mtl_last_error_status(), MTL_E_PARSE);
    assert_int_equal(mtl_last_error_line(), 1);
    assert_int_equal(mtl_last_error_column(), 10);
    assert_string_equal(mtl_last_error_message(), before);
}

/* The message buffer is fixed: a very long input is quoted, truncated,
 * never overflowing (the text stays a valid C string). */
static void test_last_error_message_bounded(void **state)
{
    test_alloc ta;
    mtl_market_options o;
    mtl_market *m = NULL;
    int32_t idx = 0;
    char name[2000];
    (void)state;
    test_alloc_init(&ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &ta;
    assert_int_equal(mtl_market_create(&m, &o), MTL_OK);
    memset(name, 'q', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(mtl_market_stage_find(&idx, m, name), MTL_E_NOT_FOUND);
    assert_int_equal(mtl_last_error_status(), MTL_E_NOT_FOUND);
    assert_true(strlen(mtl_last_error_message()) < 320);
    assert_non_null(strstr(mtl_last_error_message(), "qqqq"));
    mtl_market_unref(m);
    test_alloc_assert_clean(&ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_status_names),
        test_case(test_version),
        test_case(test_last_error_after_parse_failure),
        test_case(test_last_error_is_thread_local),
        test_case(test_last_error_message_bounded),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
