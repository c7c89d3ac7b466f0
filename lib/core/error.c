#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

/* One fixed buffer per thread: reading the detail never allocates, so it
 * works even after MTL_E_NO_MEMORY (libgit2's giterr shape). */
typedef struct {
    mtl_status status;
    int64_t line, column;
    char message[320];
} error_state;

static _Thread_local error_state tls_error;

static const char *const status_names[MTL_STATUS_COUNT] = {
    "MTL_OK", "MTL_E_INVALID_ARGUMENT", "MTL_E_NO_MEMORY", "MTL_E_NOT_FOUND",
    "MTL_E_DUPLICATE", "MTL_E_RANGE", "MTL_E_PARSE", "MTL_E_LIMIT",
    "MTL_E_VERSION", "MTL_E_IN_USE", "MTL_E_STATE", "MTL_E_IO",
    "MTL_E_CORRUPT",
};

MTL_API const char *mtl_status_string(mtl_status status)
{
    if (status < 0 || status >= MTL_STATUS_COUNT)
        return "MTL_E_UNKNOWN";
    return status_names[status];
}

MTL_API const char *mtl_last_error_message(void) { return tls_error.message; }
MTL_API mtl_status mtl_last_error_status(void) { return tls_error.status; }
MTL_API int64_t mtl_last_error_line(void) { return tls_error.line; }
MTL_API int64_t mtl_last_error_column(void) { return tls_error.column; }

static mtl_status set_error(mtl_status status, int64_t line, int64_t column,
                            const char *fmt, va_list ap)
{
    tls_error.status = status;
    tls_error.line = line;
    tls_error.column = column;
    vsnprintf(tls_error.message, sizeof tls_error.message, fmt, ap);
    return status;
}

mtl_status mtl__error(mtl_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(status, 0, 0, fmt, ap);
    va_end(ap);
    return status;
}

mtl_status mtl__error_at(mtl_status status, int64_t line, int64_t column,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(status, line, column, fmt, ap);
    va_end(ap);
    return status;
}

mtl_status mtl__error_oom(void)
{
    return mtl__error(MTL_E_NO_MEMORY, "out of memory");
}

mtl_status mtl__error_null(const char *what)
{
    return mtl__error(MTL_E_INVALID_ARGUMENT, "%s is NULL", what);
}
