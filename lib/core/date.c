/* Civil dates <-> day numbers: Howard Hinnant's days_from_civil and
 * civil_from_days (proleptic Gregorian), limited to years 1..9999. */
#include "mtl/date.h"
#include "core/error.h"

static int is_leap(int32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int32_t days_in_month(int32_t y, int32_t m)
{
    static const int8_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int32_t days_from_civil(int32_t y, int32_t m, int32_t d)
{
    int32_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

MTL_API mtl_status mtl_date_from_ymd(int32_t *out, int32_t year, int32_t month,
                                     int32_t day)
{
    if (!out)
        return mtl__error_null("out");
    if (year < 1 || year > 9999)
        return mtl__error(MTL_E_RANGE, "year %d outside 1..9999", (int)year);
    if (month < 1 || month > 12)
        return mtl__error(MTL_E_RANGE, "month %d outside 1..12", (int)month);
    if (day < 1 || day > days_in_month(year, month))
        return mtl__error(MTL_E_RANGE, "day %d does not exist in %04d-%02d",
                          (int)day, (int)year, (int)month);
    *out = days_from_civil(year, month, day);
    return MTL_OK;
}

MTL_API mtl_status mtl_date_to_ymd(int32_t day, int32_t *out_year,
                                   int32_t *out_month, int32_t *out_day)
{
    int32_t z, era, doe, yoe, y, doy, mp, d, m;
    if (day < MTL_DATE_MIN || day > MTL_DATE_MAX)
        return mtl__error(MTL_E_RANGE, "day number %ld outside %d..%d",
                          (long)day, MTL_DATE_MIN, MTL_DATE_MAX);
    z = day + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (out_year)
        *out_year = y;
    if (out_month)
        *out_month = m;
    if (out_day)
        *out_day = d;
    return MTL_OK;
}

MTL_API mtl_status mtl_date_parse(int32_t *out, const char *text, size_t len)
{
    /* positions of the digits in YYYY-MM-DD */
    static const int8_t digit_pos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    int32_t v[8];
    size_t i;
    if (!out)
        return mtl__error_null("out");
    if (!text)
        return mtl__error_null("text");
    if (len != 10) {
        for (i = 0; i < len && i < 10; i++)
            if ((i == 4 || i == 7) ? text[i] != '-'
                                   : (text[i] < '0' || text[i] > '9'))
                break;
        return mtl__error_at(MTL_E_PARSE, 1, (int64_t)i + 1,
                             "date must be YYYY-MM-DD (%zu bytes given)", len);
    }
    for (i = 0; i < 8; i++) {
        char c = text[digit_pos[i]];
        if (c < '0' || c > '9')
            return mtl__error_at(MTL_E_PARSE, 1, digit_pos[i] + 1,
                                 "date must be YYYY-MM-DD: digit expected");
        v[i] = c - '0';
    }
    if (text[4] != '-' || text[7] != '-')
        return mtl__error_at(MTL_E_PARSE, 1, text[4] != '-' ? 5 : 8,
                             "date must be YYYY-MM-DD: '-' expected");
    return mtl_date_from_ymd(out, v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3],
                             v[4] * 10 + v[5], v[6] * 10 + v[7]);
}

MTL_API mtl_status mtl_date_format(char *dst, size_t capacity, int32_t day)
{
    int32_t y, m, d;
    mtl_status st;
    if (!dst)
        return mtl__error_null("dst");
    if (capacity < 11)
        return mtl__error(MTL_E_LIMIT, "date needs 11 bytes, capacity %zu",
                          capacity);
    st = mtl_date_to_ymd(day, &y, &m, &d);
    if (st)
        return st;
    dst[0] = (char)('0' + y / 1000);
    dst[1] = (char)('0' + y / 100 % 10);
    dst[2] = (char)('0' + y / 10 % 10);
    dst[3] = (char)('0' + y % 10);
    dst[4] = '-';
    dst[5] = (char)('0' + m / 10);
    dst[6] = (char)('0' + m % 10);
    dst[7] = '-';
    dst[8] = (char)('0' + d / 10);
    dst[9] = (char)('0' + d % 10);
    dst[10] = '\0';
    return MTL_OK;
}
