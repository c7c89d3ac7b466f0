/* number.c: locale-independent double formatting and parsing (number.h). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/number.h"

size_t mtl__format_double(char *buf, size_t capacity, double v)
{
    static const int precisions[] = { 15, 16, 17 };
    char tmp[64];
    size_t i, len = 0, k;

    /* snprintf and strtod both follow LC_NUMERIC, so the round-trip test
     * holds in any locale; the locale's decimal point (possibly several
     * bytes) is then replaced with '.' */
    for (k = 0; k < sizeof precisions / sizeof precisions[0]; k++) {
        int n = snprintf(tmp, sizeof tmp, "%.*g", precisions[k], v);
        double back;
        if (n <= 0 || (size_t)n >= sizeof tmp)
            return 0;
        back = strtod(tmp, NULL);
        if (memcmp(&back, &v, sizeof v) == 0 || k == 2)
            break;
    }
    for (i = 0; tmp[i] != '\0'; i++) {
        char c = tmp[i];
        if (len + 1 >= capacity)
            return 0;
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E' ||
            c == 'n' || c == 'a' || c == 'i' || c == 'f')
            buf[len++] = c;
        else if (len == 0 || buf[len - 1] != '.')
            buf[len++] = '.';
    }
    if (capacity == 0)
        return 0;
    buf[len] = '\0';
    return len;
}

/* 10^k for k in 0..22: exact in binary64 */
static const double exact_tens[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

int mtl__parse_decimal(const char *text, size_t len, double *out)
{
    const char *p = text, *end = text + len;
    unsigned long long mant = 0;
    int digits = 0, significant = 0, dropped = 0, frac = 0, exp = 0, exp_sign = 1;
    int seen_point = 0;
    char buf[128];
    const char *dp;
    size_t i, j, dplen;
    double v;

    for (; p < end && ((*p >= '0' && *p <= '9') || (*p == '.' && !seen_point)); p++) {
        if (*p == '.') {
            seen_point = 1;
            continue;
        }
        digits++;
        if (mant == 0 && *p == '0') { /* leading zeros are not significant */
            frac += seen_point;
            continue;
        }
        if (significant < 19) {
            mant = mant * 10 + (unsigned long long)(*p - '0');
            significant++;
            frac += seen_point;
        } else {
            dropped++; /* beyond 19 digits: strtod below */
        }
    }
    if (digits == 0)
        return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int edigits = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            exp_sign = *p++ == '-' ? -1 : 1;
        for (; p < end && *p >= '0' && *p <= '9'; p++, edigits++)
            if (exp < 100000)
                exp = exp * 10 + (*p - '0');
        if (edigits == 0)
            return -1;
    }
    if (p != end)
        return -1;
    /* Clinger's fast path: an exact mantissa and an exact power of ten give
     * the correctly rounded result in one operation */
    {
        int scale = exp_sign * exp - frac;
        if (!dropped && mant < (1ull << 53) && scale >= -22 && scale <= 22) {
            *out = scale >= 0 ? (double)mant * exact_tens[scale]
                              : (double)mant / exact_tens[-scale];
            return 0;
        }
    }
    /* otherwise strtod, with '.' turned into the locale's decimal point */
    dp = localeconv()->decimal_point;
    dplen = dp && *dp ? strlen(dp) : 1;
    for (i = 0, j = 0; i < len; i++) {
        if (j + dplen + 1 >= sizeof buf)
            return -1; /* longer than any sensible number */
        if (text[i] == '.' && dp && *dp) {
            memcpy(buf + j, dp, dplen);
            j += dplen;
        } else {
            buf[j++] = text[i];
        }
    }
    buf[j] = '\0';
    v = strtod(buf, NULL);
    *out = v;
    return 0;
}
