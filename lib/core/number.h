/* number.h: doubles as text and back, the same in every locale.
 *
 * snprintf and strtod follow the host's LC_NUMERIC: a host that called
 * setlocale(LC_ALL, "de_DE.UTF-8") would get "0,25", which breaks CSV and
 * JSON.  These always use '.', whatever the locale. */
#ifndef MTL_CORE_NUMBER_H
#define MTL_CORE_NUMBER_H

#include <stddef.h>

/* The shortest text (15, 16 or 17 significant digits, "%g" style) that
 * reads back to v, with '.' as the decimal point; NUL-terminated.  Returns
 * its length (0 when capacity is too small; 32 bytes always suffice). */
size_t mtl__format_double(char *buf, size_t capacity, double v);

/* Parse a plain decimal number: digits with at most one '.', an optional
 * exponent (e or E, an optional sign, digits), at least one digit before
 * the exponent; no sign, no spaces, no hex, no inf or nan.  Correctly
 * rounded.  0, or -1 when text is not such a number. */
int mtl__parse_decimal(const char *text, size_t len, double *out);

#endif
