/*
 * status.h: status codes and the thread-local error detail.
 */
#ifndef MTL_STATUS_H
#define MTL_STATUS_H

#include "common.h"

MTL_BEGIN_DECLS

/**
 * Result of every fallible call.  MTL_OK is 0; errors are positive.  Values
 * are explicit, append-only and never reused.
 */
typedef int32_t mtl_status;

enum {
    MTL_OK = 0,                 /**< success */
    MTL_E_INVALID_ARGUMENT = 1, /**< a NULL handle, NULL out-pointer or malformed argument */
    MTL_E_NO_MEMORY = 2,        /**< the allocator returned NULL */
    MTL_E_NOT_FOUND = 3,        /**< no record or name with that id */
    MTL_E_DUPLICATE = 4,        /**< a record with that id already exists */
    MTL_E_RANGE = 5,            /**< a value outside its documented range */
    MTL_E_PARSE = 6,            /**< text that does not parse (dates, numbers, CSV) */
    MTL_E_LIMIT = 7,            /**< a size or count above the library's limits */
    MTL_E_VERSION = 8,          /**< an unknown struct_size or file version */
    MTL_E_IN_USE = 9,           /**< the record is still referenced by others */
    MTL_E_STATE = 10,           /**< values that contradict each other */
    MTL_E_IO = 11,              /**< a file could not be read or written */
    MTL_E_CORRUPT = 12          /**< a file or byte string failed its checks */
};

/** One past the largest status code this version knows. */
#define MTL_STATUS_COUNT 13

/**
 * The static name of a status, e.g. "MTL_E_RANGE"; "MTL_E_UNKNOWN" for a
 * value this version does not know.
 * @since 0.1
 */
MTL_API const char *mtl_status_string(mtl_status status);

/**
 * A description of the last failure on the calling thread, e.g.
 * "row 17: stage 9 outside the stage model (8 stages)".  Successful calls do
 * not clear it.  The buffer is thread-local and fixed: this function never
 * allocates and never fails; the text stays valid until the next failing
 * libmtl call on this thread.  "" when nothing failed yet.
 * @since 0.1
 */
MTL_API const char *mtl_last_error_message(void);

/**
 * The status of the last failure on the calling thread (MTL_OK if none).
 * @since 0.1
 */
MTL_API mtl_status mtl_last_error_status(void);

/**
 * Where the last failure on this thread was found in its input, 1-based:
 * line and column of a text parse, or line = row number + 1 (column 0) for
 * a bulk append.  Both 0 when the failure has no position.
 * @since 0.1
 */
MTL_API int64_t mtl_last_error_line(void);
/** @copydoc mtl_last_error_line  @since 0.1 */
MTL_API int64_t mtl_last_error_column(void);

MTL_END_DECLS

#endif /* MTL_STATUS_H */
