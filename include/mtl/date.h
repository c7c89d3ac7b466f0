/*
 * date.h: civil dates as day numbers (days since 1970-01-01, proleptic
 * Gregorian calendar, no time zone) and YYYY-MM-DD text.
 */
#ifndef MTL_DATE_H
#define MTL_DATE_H

#include "status.h"

MTL_BEGIN_DECLS

/** Smallest valid day number: 0001-01-01. */
#define MTL_DATE_MIN (-719162)
/** Largest valid day number: 9999-12-31. */
#define MTL_DATE_MAX 2932896

/**
 * Day number of a calendar date.
 * @param out  receives the day number (untouched on failure)
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT if out is NULL; MTL_E_RANGE for an
 *         impossible date (month 13, February 30, year 0 or above 9999).
 * @since 0.1
 */
MTL_API mtl_status mtl_date_from_ymd(int32_t *out, int32_t year, int32_t month,
                                     int32_t day);

/**
 * Calendar date of a day number.  Any out-pointer may be NULL.
 * @return MTL_OK; MTL_E_RANGE outside [MTL_DATE_MIN, MTL_DATE_MAX].
 * @since 0.1
 */
MTL_API mtl_status mtl_date_to_ymd(int32_t day, int32_t *out_year,
                                   int32_t *out_month, int32_t *out_day);

/**
 * Parse exactly "YYYY-MM-DD" (four, two and two ASCII digits).
 * @param out  receives the day number (untouched on failure)
 * @param text the characters; need not be NUL-terminated
 * @param len  number of bytes in text
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT for NULL pointers; MTL_E_PARSE when
 *         the shape is wrong (the error column says where); MTL_E_RANGE for
 *         an impossible date such as 2023-02-29.
 * @since 0.1
 */
MTL_API mtl_status mtl_date_parse(int32_t *out, const char *text, size_t len);

/**
 * Write a day number as "YYYY-MM-DD" plus a NUL (11 bytes).
 * @param dst       destination buffer
 * @param capacity  its size; at least 11
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT for NULL dst; MTL_E_LIMIT when
 *         capacity < 11; MTL_E_RANGE for an invalid day number.
 * @since 0.1
 */
MTL_API mtl_status mtl_date_format(char *dst, size_t capacity, int32_t day);

MTL_END_DECLS

#endif /* MTL_DATE_H */
