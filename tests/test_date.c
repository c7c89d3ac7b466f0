/*
 * test_date.c: day numbers <-> calendar dates <-> "YYYY-MM-DD".
 *
 * Public functions exercised here (date.h):
 *   [x] mtl_date_from_ymd   [x] mtl_date_to_ymd
 *   [x] mtl_date_parse      [x] mtl_date_format
 *
 * Known day numbers come from python3 (tests/tools/day_numbers.py):
 *   date(y, m, d).toordinal() - date(1970, 1, 1).toordinal()
 * The sweeps check the library against a calendar computed here day by day
 * (year lengths and month lengths only), not against its own formulas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

typedef struct {
    int32_t y, m, d, day;
    const char *text;
} known_date;

/* python3 tests/tools/day_numbers.py */
static const known_date known[] = {
    {1970, 1, 1, 0, "1970-01-01"},
    {1969, 12, 31, -1, "1969-12-31"},
    {2000, 3, 1, 11017, "2000-03-01"},
    {2000, 2, 29, 11016, "2000-02-29"},
    {2024, 2, 29, 19782, "2024-02-29"},
    {2023, 2, 3, 19391, "2023-02-03"},
    {1, 1, 1, -719162, "0001-01-01"},
    {9999, 12, 31, 2932896, "9999-12-31"},
    {1900, 1, 1, -25567, "1900-01-01"},
    {1900, 3, 1, -25508, "1900-03-01"},
    {2100, 3, 1, 47541, "2100-03-01"},
    {2100, 12, 31, 47846, "2100-12-31"},
    {1600, 2, 29, -135081, "1600-02-29"},
    {2038, 1, 19, 24855, "2038-01-19"},
    {1582, 10, 15, -141427, "1582-10-15"},
    {2024, 12, 31, 20088, "2024-12-31"},
    {2025, 1, 1, 20089, "2025-01-01"},
};

static int leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int32_t month_days(int32_t y, int32_t m)
{
    static const int32_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dim[m - 1];
}

static void test_date_limits(void **state)
{
    int32_t d = 0;
    (void)state;
    assert_int_equal(mtl_date_from_ymd(&d, 1, 1, 1), MTL_OK);
    assert_int_equal(d, MTL_DATE_MIN);
    assert_int_equal(MTL_DATE_MIN, -719162);
    assert_int_equal(mtl_date_from_ymd(&d, 9999, 12, 31), MTL_OK);
    assert_int_equal(d, MTL_DATE_MAX);
    assert_int_equal(MTL_DATE_MAX, 2932896);
    assert_int_equal(MTL_DATE_NONE, INT32_MIN);
}

static void test_date_known_values(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < sizeof known / sizeof known[0]; k++) {
        const known_date *e = &known[k];
        int32_t day = 42, y = 0, m = 0, d = 0, parsed = 42;
        char buf[11];
        assert_int_equal(mtl_date_from_ymd(&day, e->y, e->m, e->d), MTL_OK);
        assert_int_equal(day, e->day);
        assert_int_equal(mtl_date_to_ymd(e->day, &y, &m, &d), MTL_OK);
        assert_int_equal(y, e->y);
        assert_int_equal(m, e->m);
        assert_int_equal(d, e->d);
        assert_int_equal(mtl_date_parse(&parsed, e->text, strlen(e->text)), MTL_OK);
        assert_int_equal(parsed, e->day);
        memset(buf, 'z', sizeof buf);
        assert_int_equal(mtl_date_format(buf, sizeof buf, e->day), MTL_OK);
        assert_string_equal(buf, e->text);
    }
}

static void test_date_impossible(void **state)
{
    static const int32_t bad[][3] = {
        {2023, 2, 29}, {2100, 2, 29}, {1900, 2, 29}, {2000, 13, 1},
        {2000, 0, 1},  {2000, 1, 0},  {2000, 1, 32}, {2023, 4, 31},
        {0, 1, 1},     {10000, 1, 1}, {-1, 6, 15},   {2000, -1, 1},
        {2000, 6, -1}, {INT32_MAX, 1, 1},
    };
    static const char *const bad_text[] = {
        "2023-02-29", "2100-02-29", "1900-02-29", "2000-13-01",
        "2000-00-10", "2000-01-00", "2000-01-32", "2023-04-31",
        "0000-01-01", "2023-99-99",
    };
    size_t k;
    int32_t out;
    (void)state;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        out = 777;
        assert_int_equal(mtl_date_from_ymd(&out, bad[k][0], bad[k][1], bad[k][2]),
                         MTL_E_RANGE);
        assert_int_equal(out, 777);
        assert_int_equal(mtl_last_error_status(), MTL_E_RANGE);
    }
    for (k = 0; k < sizeof bad_text / sizeof bad_text[0]; k++) {
        out = 777;
        assert_int_equal(mtl_date_parse(&out, bad_text[k], 10), MTL_E_RANGE);
        assert_int_equal(out, 777);
    }
    /* the 400-year rule: 2000 and 1600 are leap, 1900 and 2100 are not */
    assert_int_equal(mtl_date_from_ymd(&out, 2000, 2, 29), MTL_OK);
    assert_int_equal(mtl_date_from_ymd(&out, 1600, 2, 29), MTL_OK);
    assert_int_equal(mtl_date_from_ymd(&out, 2024, 2, 29), MTL_OK);
    assert_int_equal(out, 19782);
    /* NULL out */
    assert_int_equal(mtl_date_from_ymd(NULL, 2000, 1, 1), MTL_E_INVALID_ARGUMENT);
}

static void test_date_parse_malformed(void **state)
{
    static const struct {
        const char *text;
        size_t len;
        int64_t column;
    } cases[] = {
        {"2023-02-3x", 10, 10}, {"x023-02-03", 10, 1}, {"2x23-02-03", 10, 2},
        {"2023/02/03", 10, 5},  {"2023-02/03", 10, 8}, {"2023-0a-03", 10, 7},
        {"2023-02-a3", 10, 9},  {"2023-2-03", 9, 7},   {"2023-02-3", 9, 10},
        {"", 0, 1},             {"20230203", 8, 5},    {" 2023-02-03", 11, 1},
        {"2023-02-03x", 11, 11}, {"+023-02-03", 10, 1}, {"2023-02-03", 4, 5},
    };
    size_t k;
    (void)state;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int32_t out = 555;
        mtl_status st = mtl_date_parse(&out, cases[k].text, cases[k].len);
        if (st != MTL_E_PARSE || mtl_last_error_column() != cases[k].column)
            fail_msg("parse('%.*s'): status %s column %lld, expected MTL_E_PARSE "
                     "column %lld",
                     (int)cases[k].len, cases[k].text, mtl_status_string(st),
                     (long long)mtl_last_error_column(),
                     (long long)cases[k].column);
        assert_int_equal(mtl_last_error_status(), MTL_E_PARSE);
        assert_int_equal(mtl_last_error_line(), 1);
        assert_int_equal(out, 555);
    }
    {
        int32_t out = 0;
        /* the text need not be NUL-terminated: only len bytes are read */
        const char buf[] = {'2', '0', '2', '4', '-', '0', '2', '-', '2', '9', '9'};
        assert_int_equal(mtl_date_parse(&out, buf, 10), MTL_OK);
        assert_int_equal(out, 19782);
        assert_int_equal(mtl_date_parse(NULL, "2024-02-29", 10),
                         MTL_E_INVALID_ARGUMENT);
        assert_int_equal(mtl_date_parse(&out, NULL, 10), MTL_E_INVALID_ARGUMENT);
    }
}

static void test_date_to_ymd_range(void **state)
{
    static const int32_t bad[] = {MTL_DATE_MIN - 1, MTL_DATE_MAX + 1,
                                  MTL_DATE_NONE, INT32_MAX};
    size_t k;
    int32_t y = 1, m = 2, d = 3;
    (void)state;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(mtl_date_to_ymd(bad[k], &y, &m, &d), MTL_E_RANGE);
        assert_int_equal(y, 1);
        assert_int_equal(m, 2);
        assert_int_equal(d, 3);
    }
    /* any out-pointer may be NULL */
    assert_int_equal(mtl_date_to_ymd(19782, NULL, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_date_to_ymd(19782, NULL, &m, NULL), MTL_OK);
    assert_int_equal(m, 2);
    assert_int_equal(mtl_date_to_ymd(19782, NULL, NULL, &d), MTL_OK);
    assert_int_equal(d, 29);
    assert_int_equal(mtl_date_to_ymd(19782, &y, NULL, NULL), MTL_OK);
    assert_int_equal(y, 2024);
}

static void test_date_format_errors(void **state)
{
    char buf[16];
    (void)state;
    memset(buf, '#', sizeof buf);
    assert_int_equal(mtl_date_format(buf, 10, 0), MTL_E_LIMIT);
    assert_int_equal(mtl_last_error_status(), MTL_E_LIMIT);
    /* nothing written past the capacity */
    assert_int_equal(buf[10], '#');
    assert_int_equal(mtl_date_format(buf, 0, 0), MTL_E_LIMIT);
    assert_int_equal(mtl_date_format(NULL, 11, 0), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_date_format(buf, sizeof buf, MTL_DATE_MAX + 1), MTL_E_RANGE);
    assert_int_equal(mtl_date_format(buf, sizeof buf, MTL_DATE_MIN - 1), MTL_E_RANGE);
    assert_int_equal(mtl_date_format(buf, sizeof buf, MTL_DATE_NONE), MTL_E_RANGE);
    memset(buf, '#', sizeof buf);
    assert_int_equal(mtl_date_format(buf, 11, 0), MTL_OK);
    assert_string_equal(buf, "1970-01-01");
    assert_int_equal(buf[11], '#');
}

/* Jan 1 of every year 1..9999 against year lengths summed here. */
static void test_date_every_new_year(void **state)
{
    int32_t y, expect = MTL_DATE_MIN, got = 0;
    (void)state;
    for (y = 1; y <= 9999; y++) {
        assert_int_equal(mtl_date_from_ymd(&got, y, 1, 1), MTL_OK);
        if (got != expect)
            fail_msg("%04d-01-01: day %d, expected %d", (int)y, (int)got, (int)expect);
        expect += leap(y) ? 366 : 365;
    }
    assert_int_equal(expect - 1, MTL_DATE_MAX);
}

/* Every day from 0001-01-01 to 9999-12-31 (3,652,059 days, which covers
 * 1900..2100 and any random choice): to_ymd gives the successor of the
 * previous day's date in a calendar walked here, from_ymd inverts it,
 * format gives that text and parse(format(d)) == d. */
static void test_date_full_sweep(void **state)
{
    int32_t day, y = 1, m = 1, d = 1;
    char buf[11], expect[48];
    size_t n = 0;
    (void)state;
    for (day = MTL_DATE_MIN; day <= MTL_DATE_MAX; day++, n++) {
        int32_t gy, gm, gd, back, parsed;
        if (mtl_date_to_ymd(day, &gy, &gm, &gd) != MTL_OK || gy != y || gm != m ||
            gd != d)
            fail_msg("day %d: to_ymd %04d-%02d-%02d, expected %04d-%02d-%02d",
                     (int)day, (int)gy, (int)gm, (int)gd, (int)y, (int)m, (int)d);
        if (mtl_date_from_ymd(&back, y, m, d) != MTL_OK || back != day)
            fail_msg("from_ymd(%04d-%02d-%02d) = %d, expected %d", (int)y, (int)m,
                     (int)d, (int)back, (int)day);
        assert_int_equal(mtl_date_format(buf, sizeof buf, day), MTL_OK);
        snprintf(expect, sizeof expect, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
        if (strcmp(buf, expect) != 0)
            fail_msg("format(%d) = %s, expected %s", (int)day, buf, expect);
        if (mtl_date_parse(&parsed, buf, 10) != MTL_OK || parsed != day)
            fail_msg("parse(%s) = %d, expected %d", buf, (int)parsed, (int)day);
        /* next calendar day */
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(n, 3652059);
    assert_int_equal(y, 10000); /* walked exactly to the end of 9999 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_date_limits),
        test_case(test_date_known_values),
        test_case(test_date_impossible),
        test_case(test_date_parse_malformed),
        test_case(test_date_to_ymd_range),
        test_case(test_date_format_errors),
        test_case(test_date_every_new_year),
        test_case(test_date_full_sweep),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
