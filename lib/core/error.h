/* error.h: setting the thread-local error detail (status.h reads it). */
#ifndef MTL_CORE_ERROR_H
#define MTL_CORE_ERROR_H

#include "mtl/status.h"

#if defined(__GNUC__)
#  define MTL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define MTL__PRINTF(a, b)
#endif

/* Record status and message for this thread; returns status. */
mtl_status mtl__error(mtl_status status, const char *fmt, ...) MTL__PRINTF(2, 3);
/* Same with an input position (1-based line and column). */
mtl_status mtl__error_at(mtl_status status, int64_t line, int64_t column,
                         const char *fmt, ...) MTL__PRINTF(4, 5);
/* Common shorthands. */
mtl_status mtl__error_oom(void);
mtl_status mtl__error_null(const char *what);

#endif
